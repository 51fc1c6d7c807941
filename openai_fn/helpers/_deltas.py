"""Merging streamed deltas into an accumulated plain-data snapshot (pure, shared by the helpers)."""

from __future__ import annotations

from typing import Any, cast

import msgspec

__all__ = ["accumulate_delta", "plain"]

_REPLACED = frozenset({"index", "type", "role"})
"""Keys that name rather than describe: a repeated value replaces the old one (``"assistant"`` stays one word)."""


def plain(value: Any) -> Any:
    """A typed value (Struct, list of Structs…) as plain dicts, lists and scalars; dicts pass through."""
    if isinstance(value, dict):
        return cast("dict[str, Any]", value)
    return msgspec.to_builtins(value)


def accumulate_delta(acc: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """Merge ``delta`` into ``acc`` (mutated and returned), the way the API streams partial objects.

    Strings concatenate; ``index``, ``type`` and ``role`` are replaced, not concatenated; objects merge
    recursively; lists of objects with an ``index`` merge entry by entry (tool calls); other
    lists extend; anything else is replaced. ``None`` in a delta never erases a value.
    """
    for key, value in delta.items():
        if value is None:
            acc.setdefault(key, None)
            continue
        current = acc.get(key)
        if current is None or key in _REPLACED:
            acc[key] = _fresh(value)
        elif isinstance(current, str) and isinstance(value, str):
            acc[key] = current + value
        elif isinstance(current, dict) and isinstance(value, dict):
            accumulate_delta(cast("dict[str, Any]", current), cast("dict[str, Any]", value))
        elif isinstance(current, list) and isinstance(value, list):
            _merge_list(cast("list[Any]", current), cast("list[Any]", value))
        else:
            acc[key] = _fresh(value)
    return acc


def _merge_list(current: list[Any], delta: list[Any]) -> None:
    for entry in delta:
        if isinstance(entry, dict) and isinstance(index := cast("dict[str, Any]", entry).get("index"), int):
            target = _find_indexed(current, index)
            if target is None:
                current.append(_fresh(entry))
            else:
                accumulate_delta(target, cast("dict[str, Any]", entry))
        else:
            current.append(entry)


def _find_indexed(items: list[Any], index: int) -> dict[str, Any] | None:
    for item in items:
        if isinstance(item, dict) and cast("dict[str, Any]", item).get("index") == index:
            return cast("dict[str, Any]", item)
    return None


def _fresh(value: Any) -> Any:
    """A copy of nested containers, so later merges never write into a chunk's own data."""
    if isinstance(value, dict):
        return accumulate_delta({}, cast("dict[str, Any]", value))
    if isinstance(value, list):
        out: list[Any] = []
        _merge_list(out, cast("list[Any]", value))
        return out
    return value
