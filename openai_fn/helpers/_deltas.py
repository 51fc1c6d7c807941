"""Merging streamed deltas into an accumulated plain-data snapshot (pure, shared by the helpers)."""

from __future__ import annotations

import importlib
from typing import Any, cast

import msgspec

from ..core.lenient import convert_lenient

__all__ = ["accumulate_delta", "as_dict", "as_list", "convert_value", "deep_copy", "generated_type", "plain"]

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


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is an object of plain data, else an empty one."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return cast("list[Any]", value) if isinstance(value, list) else []


def deep_copy(value: dict[str, Any]) -> dict[str, Any]:
    """An independent copy of plain data (JSON round trip: fast, and plain data is all there is)."""
    return msgspec.json.decode(msgspec.json.encode(value))


def generated_type(*names: str) -> Any:
    """The first generated type found under ``names`` (SDK name first, then the spec's), else ``None``."""
    try:
        types = importlib.import_module("openai_fn.types")
    except ImportError:
        return None
    for name in names:
        try:
            return getattr(types, name)
        except AttributeError:
            continue
    return None


def convert_value(tp: Any, data: Any) -> Any:
    """Plain data into ``tp``, leniently: unknown union members never fail."""
    return convert_lenient(tp, data)
