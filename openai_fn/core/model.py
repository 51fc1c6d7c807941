"""The base of every generated response type: a frozen msgspec Struct with the SDK's conveniences."""

from __future__ import annotations

from typing import Any, cast

import msgspec

__all__ = [
    "CATCH_ALL_BY_TAG_FIELD",
    "BaseModel",
    "UnknownEventVariant",
    "UnknownObjectVariant",
    "UnknownRoleVariant",
    "UnknownVariant",
    "tag_of",
]


class BaseModel(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, dict=True):
    """Immutable, typed, fast to decode; unknown fields in an answer are ignored, never fatal.

    ``dict=True`` gives each value a ``__dict__`` that is not part of its fields, which is
    where an executor puts ``_request_id`` (read it as ``value._request_id``).
    """

    def to_dict(self) -> dict[str, Any]:
        """Plain Python data; fields that were absent in the answer are left out (null stays ``None``)."""
        return msgspec.to_builtins(self)

    def to_json(self, *, indent: int = 2) -> str:
        data = msgspec.json.encode(self)
        return (msgspec.json.format(data, indent=indent) if indent else data).decode()

    def __getattr__(self, name: str) -> Any:
        if name == "_request_id":
            return None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class UnknownVariant(BaseModel, frozen=True, tag="__unknown__", tag_field="type"):
    """A member of a tagged union this version of the package does not know yet.

    Decoding never fails on one: the original tag is in ``original_type`` and the whole
    object, as sent, in ``data``.
    """

    original_type: str
    data: dict[str, Any]


class UnknownRoleVariant(BaseModel, frozen=True, tag="__unknown__", tag_field="role"):
    """:class:`UnknownVariant` for unions tagged by ``role``: the original role is in ``original_type``."""

    original_type: str
    data: dict[str, Any]


class UnknownObjectVariant(BaseModel, frozen=True, tag="__unknown__", tag_field="object"):
    """:class:`UnknownVariant` for unions tagged by ``object``: the original value is in ``original_type``."""

    original_type: str
    data: dict[str, Any]


class UnknownEventVariant(BaseModel, frozen=True, tag="__unknown__", tag_field="event"):
    """:class:`UnknownVariant` for unions tagged by ``event`` (Assistants stream events)."""

    original_type: str
    data: dict[str, Any]


CATCH_ALL_BY_TAG_FIELD: dict[str, type[BaseModel]] = {
    "type": UnknownVariant,
    "role": UnknownRoleVariant,
    "object": UnknownObjectVariant,
    "event": UnknownEventVariant,
}
"""The catch-all member of tagged unions, by tag field (the lenient decoder rewrites unknown members into it)."""


def tag_of(value: object, tag_field: str) -> str | None:
    """The tag of a union member, however it was decoded: a tagged Struct (the tag is class config,
    not a field), a catch-all variant (its ``original_type``), a plain dict, or an object with the field."""
    if isinstance(value, UnknownVariant | UnknownRoleVariant | UnknownObjectVariant | UnknownEventVariant):
        return value.original_type
    if isinstance(value, dict):
        found: object = cast("dict[str, object]", value).get(tag_field)
        return found if isinstance(found, str) else None
    config = getattr(type(value), "__struct_config__", None)
    if config is not None and config.tag_field == tag_field and isinstance(config.tag, str):
        return config.tag
    found = getattr(value, tag_field, None)
    return found if isinstance(found, str) else None
