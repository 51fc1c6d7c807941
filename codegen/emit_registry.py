"""Write ``openai_fn/registry.py``: the table of every operation, resolved lazily."""

from __future__ import annotations

from .emit_types import HEADER
from .pipeline import Analysis

__all__ = ["emit_registry"]

TEMPLATE = '''from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any, Literal

import msgspec

__all__ = ["Operation", "operation", "operations"]

Kind = Literal["json", "page", "binary"]


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """One operation of the API and the builder that makes its requests."""

    operation_id: str
    """The spec's ``operationId``, e.g. ``createChatCompletion``."""
    method: str
    path: str
    """The spec's path template, e.g. ``/chat/completions/{{completion_id}}``."""
    name: str
    """The builder's dotted name under ``openai_fn``, e.g. ``chat.completions.create``."""
    builder: Callable[..., Any]
    kind: Kind
    """``json`` (a Struct or plain JSON), ``page`` (a list answer) or ``binary`` (bytes)."""
    result_type: Any
    """What the answer decodes into: a Struct (or union) type, the page's item type, or ``bytes``."""
    response_type: Any
    """The type of the whole JSON body (for pages: the list object), or ``bytes``."""
    page_style: str | None = None
    stream_event_type: Any = None
    """For operations that can stream (``stream=True``, or ``stream_format="sse"`` for speech): each event's type."""
    stream_format: str | None = None
    """The SSE format of those events (``chunks``, ``typed`` or ``assistant``)."""
    stream_argument: tuple[str, Any] | None = None
    """The builder's keyword argument that asks for the stream: ``("stream", True)``, or ``("stream_format", "sse")``."""


# operation_id, method, path, module, function, kind, page_style, response type (module, name) or None
_TABLE: tuple[tuple[str, str, str, str, str, Kind, str | None, tuple[str, str] | None], ...] = (
{rows}
)

# operation_id → the builder's keyword argument that selects the event stream
_STREAM_ARGUMENTS: dict[str, tuple[str, Any]] = {{
{stream_rows}
}}


def _resolve(row: tuple[str, str, str, str, str, Kind, str | None, tuple[str, str] | None]) -> Operation:
    operation_id, method, path, module_name, function, kind, page_style, response = row
    module = importlib.import_module(f"openai_fn.endpoints.{{module_name}}")
    builder: Callable[..., Any] = getattr(module, function)
    decoder = getattr(module, f"_{{function}}_decoder")
    stream = getattr(module, f"_{{function}}_stream_decoder", None)
    if kind == "binary":
        result_type: Any = bytes
    elif kind == "page":
        result_type = decoder.item_type
    else:
        result_type = decoder.type
    if response is not None:
        response_type: Any = getattr(importlib.import_module(f"openai_fn.types.{{response[0]}}"), response[1])
    elif kind == "binary":
        response_type = bytes
    else:
        response_type = result_type
    return Operation(
        operation_id=operation_id,
        method=method,
        path=path,
        name=f"{{module_name}}.{{function}}",
        builder=builder,
        kind=kind,
        result_type=result_type,
        response_type=response_type,
        page_style=page_style,
        stream_event_type=None if stream is None else stream.event_type,
        stream_format=None if stream is None else stream.format,
        stream_argument=_STREAM_ARGUMENTS.get(operation_id),
    )


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the API ({count}), in the spec's order. Imports every builder module on first call."""
    return tuple(_resolve(row) for row in _TABLE)


@functools.cache
def _by_id() -> dict[str, Operation]:
    return {{op.operation_id: op for op in operations()}}


def operation(operation_id: str) -> Operation:
    """The operation with this ``operationId``; ``KeyError`` when there is none."""
    return _by_id()[operation_id]
'''


def emit_registry(a: Analysis) -> dict[str, str]:
    rows: list[str] = []
    for op in a.ops:
        module = ".".join(op.namespace)
        response = "None"
        from .ir import TRef

        if op.result_kind == "page" and isinstance(op.response_type, TRef):
            d = a.defs[op.response_type.name]
            response = f'("{d.module}", "{d.name}")'
        page = f'"{op.page_style}"' if op.page_style else "None"
        rows.append(
            f'    ("{op.operation_id}", "{op.method}", "{op.path}", "{module}", "{op.func}", "{op.result_kind}", {page}, {response}),'
        )
    stream_rows: list[str] = []
    for op in a.ops:
        if not op.stream_where:
            continue
        if op.stream_value is None:
            stream_rows.append(f'    "{op.operation_id}": ("stream", True),')
        else:
            selector = next(p for p in op.params if p.api_name == op.stream_param and p.where == op.stream_where)
            stream_rows.append(f'    "{op.operation_id}": ("{selector.py_name}", "{op.stream_value}"),')
    doc = HEADER.format(
        doc="The registry of operations: one entry per operation of the spec, with its builder and types."
    )
    return {"openai_fn/registry.py": doc + TEMPLATE.format(rows="\n".join(rows), stream_rows="\n".join(stream_rows), count=len(a.ops))}
