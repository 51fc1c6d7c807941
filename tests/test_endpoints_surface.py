"""The public surface of the builders: every dotted name and signature, pinned by a snapshot.

Any change to a builder's name, parameters, defaults or return type shows up in review
(update with ``pytest --snapshot-update`` after regenerating).
"""

from __future__ import annotations

import inspect

from syrupy.assertion import SnapshotAssertion

from openai_fn.registry import operations

OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")
"""The SDK's per-call options, the last keyword-only parameters of every builder (printed once)."""


def surface() -> str:
    lines: list[str] = []
    options: list[inspect.Parameter] | None = None
    for op in sorted(operations(), key=lambda o: o.name):
        signature = inspect.signature(op.builder)
        params = list(signature.parameters.values())
        tail = params[-len(OPTIONS) :]
        assert tuple(p.name for p in tail) == OPTIONS, op.name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in tail), op.name
        assert options is None or tail == options, op.name
        options = tail
        signature = signature.replace(parameters=params[: -len(OPTIONS)])
        lines.append(f"{op.name}{signature}  # {op.operation_id} {op.method} {op.path}")
    assert options is not None
    head = "every builder ends with: *, " + ", ".join(str(p) for p in options)
    return "\n".join([head, *lines]) + "\n"


def test_builder_surface(snapshot: SnapshotAssertion) -> None:
    assert surface() == snapshot
