"""What the generated builders share at runtime: argument checks with errors that name the field.

Hand-written (the generated ``openai_fn/endpoints`` modules import it as ``_rt``). Pure: no I/O, and
nothing heavier than ``re`` and msgspec at import (``msgspec.inspect`` loads only to explain an error).
"""

from __future__ import annotations

import re
from typing import Any, cast

import msgspec

__all__ = ["InvalidArgumentError", "check_body", "check_query", "clean"]

UNSET = msgspec.UNSET
_SIMPLE = (str, int, float, bool)
_AT = re.compile(r"^(.*?)(?: - at `\$(.*)`)?$", re.S)


class InvalidArgumentError(TypeError, ValueError):
    """An argument of a builder has the wrong type or value (raised before anything is sent).

    It is both a ``TypeError`` and a ``ValueError``, so either ``except`` catches it.
    """


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """The arguments that were given: UNSET ones left out (``None`` stays: it is sent as null)."""
    return {key: value for key, value in values.items() if value is not UNSET}


_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _allowed(tp: Any, where: str, value: Any) -> list[Any] | None:
    """The values allowed at ``where`` (a union tag or a ``Literal``), walking ``tp`` along ``value``."""
    from msgspec import inspect as mi

    node: Any = mi.type_info(tp)
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(where)]
    for i, (name, index) in enumerate(steps):
        members = node.types if isinstance(node, mi.UnionType) else (node,)
        members = [m.type if isinstance(m, mi.Metadata) else m for m in members]
        if index is not None:
            lists = [
                m
                for m in members
                if isinstance(m, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType)
            ]
            items = cast("list[Any]", list(value)) if isinstance(value, list | tuple) else []
            if not lists or int(index) >= len(items):
                return None
            node, value = lists[0].item_type, items[int(index)]
            continue
        structs = [m for m in members if isinstance(m, mi.StructType)]
        last = i == len(steps) - 1
        tagged = [m for m in structs if m.tag_field == name]
        if last and tagged:
            return [m.tag for m in tagged if m.tag != "__unknown__"]  # not the answers' catch-all
        if not isinstance(value, dict):
            return None
        data = cast("dict[str, Any]", value)
        if len(structs) > 1 and structs[0].tag_field:
            chosen = [m for m in structs if m.tag == data.get(structs[0].tag_field)]
            structs = chosen or structs
        fields = [f for f in structs[0].fields if f.encode_name == name] if structs else []
        if not fields:
            return None
        node, value = fields[0].type, data.get(name)
    members = node.types if isinstance(node, mi.UnionType) else (node,)
    values = [v for m in members if isinstance(m, mi.LiteralType) for v in m.values]
    return values or None


def _message(exc: msgspec.ValidationError, prefix: str, tp: Any = None, value: Any = None) -> str:
    match = _AT.match(str(exc))
    assert match is not None
    text, where = match.group(1), match.group(2) or ""
    where = where[1:] if where.startswith(".") else where
    field = f"{prefix}.{where}" if prefix and where else (where or prefix or "body")
    if text.startswith("Expected"):
        text = "expected" + text[len("Expected") :]
    elif text.startswith(("Invalid value", "Invalid enum value")):
        text = "invalid value" + text.split("value", 1)[1]
        try:
            allowed = _allowed(tp, where, value) if tp is not None else None
        except Exception:  # the message is best effort; the error itself is raised regardless
            allowed = None
        if allowed:
            got = text[len("invalid value ") :]
            text = f"expected one of {', '.join(repr(v) for v in allowed)}, got {got}"
    elif text.startswith("Object missing required field"):
        text = "missing required field" + text[len("Object missing required field") :]
    return f"{field}: {text}"


def check_body(tp: Any, body: dict[str, Any]) -> None:
    """Check a request body against its request schema; raise :class:`InvalidArgumentError` naming the field."""
    try:
        msgspec.convert(body, tp, from_attributes=True)
    except msgspec.ValidationError as exc:
        try:  # values such as Structs returned by the API: check their plain form
            msgspec.convert(msgspec.to_builtins(body), tp)
        except (msgspec.ValidationError, TypeError):
            raise InvalidArgumentError(_message(exc, "", tp, body)) from None


def check_query(types: dict[str, Any], values: dict[str, Any]) -> None:
    """Check query, path and header arguments (UNSET and ``None`` mean: not sent)."""
    for name, value in values.items():
        if value is UNSET or value is None:
            continue
        tp = types[name]
        if tp in _SIMPLE and type(value) is tp:
            continue
        try:
            msgspec.convert(value, tp)
        except msgspec.ValidationError as exc:
            raise InvalidArgumentError(_message(exc, name, tp, value)) from None
