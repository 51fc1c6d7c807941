"""The lenient decode: an answer from a newer API still decodes into the declared type.

Executors decode answers with a typed msgspec decoder first (fast). Only when that raises
``msgspec.ValidationError`` does this module run: it decodes to plain Python values, walks them
alongside ``msgspec.inspect.type_info(tp)`` and repairs what a newer API may send:

- a member of a tagged union whose tag this package does not know becomes the union's catch-all
  member (``UnknownVariant`` for ``type`` tags, and the like for ``role``/``object``/``event``):
  ``{"type": "__unknown__", "original_type": <the tag>, "data": <the object as sent>}``;
- a value of a closed enum (``Literal``) this package does not know, or a ``null`` where the spec
  promises a value, is dropped from its object, so the field falls back to its default (``UNSET``)
  instead of failing the whole answer.

Then it converts the repaired value with ``msgspec.convert``. Anything still invalid raises
``msgspec.ValidationError`` as before.
"""

from __future__ import annotations

import functools
from typing import Any, cast

import msgspec
from msgspec import inspect as mi

__all__ = ["convert_lenient", "decode_lenient", "repair"]

UNKNOWN_TAG = "__unknown__"
_DROP = object()


def decode_lenient(tp: Any, content: bytes) -> Any:
    """Decode JSON ``content`` into ``tp``, repairing unknown union members and enum values."""
    return convert_lenient(tp, msgspec.json.decode(content))


def convert_lenient(tp: Any, obj: Any) -> Any:
    """``msgspec.convert(obj, tp)``, repairing unknown union members and enum values on failure."""
    try:
        return msgspec.convert(obj, tp)
    except msgspec.ValidationError:
        fixed = repair(obj, _type_info(tp))
        return msgspec.convert(None if fixed is _DROP else fixed, tp)


@functools.lru_cache(maxsize=1024)
def _type_info(tp: Any) -> mi.Type:
    return mi.type_info(tp)


def repair(value: Any, info: mi.Type) -> Any:
    """A copy of ``value`` (plain data) with unknown tags and enum values made decodable as ``info``."""
    if isinstance(info, mi.StructType):
        return _repair_struct(value, info)
    if isinstance(info, mi.UnionType):
        return _repair_union(value, info)
    if isinstance(info, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        if isinstance(value, list):
            items = cast("list[Any]", value)
            out = [repair(item, info.item_type) for item in items]
            return [item for item in out if item is not _DROP]
        return value
    if isinstance(info, mi.DictType):
        if isinstance(value, dict):
            mapping = cast("dict[Any, Any]", value)
            repaired = {key: repair(item, info.value_type) for key, item in mapping.items()}
            return {key: item for key, item in repaired.items() if item is not _DROP}
        return value
    if isinstance(info, mi.LiteralType):
        return value if value in info.values else _DROP
    return value


def _repair_struct(value: Any, info: mi.StructType) -> Any:
    if not isinstance(value, dict):
        return value
    data = dict(cast("dict[str, Any]", value))
    for field in info.fields:
        name = field.encode_name
        if name not in data:
            continue
        item = data[name]
        fixed = _DROP if item is None and not _accepts_none(field.type) else repair(item, field.type)
        if fixed is _DROP:
            if field.required:
                continue
            del data[name]
        else:
            data[name] = fixed
    return data


def _repair_union(value: object, info: mi.UnionType) -> Any:
    members = info.types
    if value is None:
        return value
    if isinstance(value, dict):
        obj = cast("dict[str, Any]", value)
        structs = [t for t in members if isinstance(t, mi.StructType)]
        tagged = [t for t in structs if t.tag_field is not None]
        if tagged:
            tag_field = cast("str", tagged[0].tag_field)
            tag = obj.get(tag_field)
            for t in tagged:
                if t.tag == tag:
                    return _repair_struct(obj, t)
            catch_all = next((t for t in tagged if t.tag == UNKNOWN_TAG), None)
            if catch_all is not None:
                return {tag_field: UNKNOWN_TAG, "original_type": str(tag), "data": obj}
            return obj
        for t in members:
            if isinstance(t, mi.StructType | mi.DictType | mi.TypedDictType | mi.DataclassType):
                return repair(obj, t)
        return obj
    if isinstance(value, list):
        items = cast("list[Any]", value)
        for t in members:
            if isinstance(t, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType | mi.TupleType):
                return repair(items, t)
        return items
    literals = [t for t in members if isinstance(t, mi.LiteralType)]
    if literals and isinstance(value, str | int) and not any(value in t.values for t in literals):
        plain = (mi.StrType, mi.IntType, mi.FloatType, mi.AnyType)
        if not any(isinstance(t, plain) for t in members):
            return _DROP
    return value


def _accepts_none(info: mi.Type) -> bool:
    if isinstance(info, mi.NoneType | mi.AnyType):
        return True
    if isinstance(info, mi.UnionType):
        return any(isinstance(t, mi.NoneType | mi.AnyType) for t in info.types)
    return False
