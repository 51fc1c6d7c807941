"""Query strings the way the OpenAI API reads them: arrays as ``name[]``, objects as ``name[key]``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

import msgspec

__all__ = ["QueryPairs", "encode_query", "scalar_text"]

QueryPairs = tuple[tuple[str, str], ...]


def encode_query(params: Mapping[str, object]) -> QueryPairs:
    """Flatten ``params`` into ``(name, text)`` pairs; ``None`` and UNSET values are left out.

    Objects (mappings and Structs) become ``name[key]``, arrays ``name[]`` (sets sorted, so the
    pairs do not hang on hash order), scalars :func:`scalar_text`. Multipart form fields are
    flattened by the same rules (``multipart.flatten_fields``), as in the SDK.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        _flatten(name, value, pairs)
    return tuple(pairs)


def _flatten(name: str, value: object, out: list[tuple[str, str]]) -> None:
    if value is None or value is msgspec.UNSET:
        return
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    if isinstance(value, Mapping):
        for key, item in cast("Mapping[str, object]", value).items():
            _flatten(f"{name}[{key}]", item, out)
    elif isinstance(value, list | tuple | set | frozenset):
        items = cast("Iterable[object]", value)
        # The spec names some array parameters with their brackets already (``project_ids[]``).
        item_name = name if name.endswith("[]") else f"{name}[]"
        for item in sorted(items, key=str) if isinstance(value, set | frozenset) else items:
            _flatten(item_name, item, out)
    else:
        out.append((name, scalar_text(value)))


def scalar_text(value: object) -> str:
    """The text form the API expects for a scalar: booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, msgspec.Struct):
        return msgspec.json.encode(value).decode()
    text = getattr(value, "value", None)  # enums
    if isinstance(text, str):
        return text
    return str(value)


