"""The public surface of the builders: every dotted name and signature, pinned by a snapshot.

Any change to a builder's name, parameters, defaults or return type shows up in review
(update with ``pytest --snapshot-update`` after regenerating).
"""

from __future__ import annotations

import inspect

from syrupy.assertion import SnapshotAssertion

from openai_fn.registry import operations


def surface() -> str:
    lines: list[str] = []
    for op in sorted(operations(), key=lambda o: o.name):
        signature = inspect.signature(op.builder)
        lines.append(f"{op.name}{signature}  # {op.operation_id} {op.method} {op.path}")
    return "\n".join(lines) + "\n"


def test_builder_surface(snapshot: SnapshotAssertion) -> None:
    assert surface() == snapshot
