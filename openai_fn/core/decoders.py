"""How the answer to a request is turned into a value: part of the request itself.

A :class:`~openai_fn.core.request.Request` names one of these, so executors need no
per-endpoint knowledge: they send, then hand the answer to the decoder the request names.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

__all__ = [
    "BinaryDecoder",
    "Decoder",
    "JsonDecoder",
    "PageDecoder",
    "PageStyle",
    "RawDecoder",
    "StreamDecoder",
    "StreamFormat",
]

StreamFormat = Literal["chunks", "typed", "assistant"]
"""SSE flavours: data-only chunks ending at ``[DONE]``; events whose JSON has a ``type``;
assistants events keyed by the SSE ``event:`` name."""

PageStyle = Literal["cursor", "after", "token", "list"]
"""Pagination styles: ``after``/``before`` cursors with ``first_id``/``last_id``/``has_more``;
``after`` = last item's id with ``has_more``; ``page`` → ``next_page`` tokens; a plain list (never paginates)."""


class JsonDecoder(msgspec.Struct, frozen=True, tag="json", tag_field="kind"):
    """Decode a JSON body into ``type``: a Struct, ``dict``/``Any`` for plain JSON, or any msgspec-typed value."""

    type: Any


class StreamDecoder(msgspec.Struct, frozen=True, tag="stream", tag_field="kind"):
    """Server-sent events, each decoded into ``event_type``."""

    event_type: Any
    format: StreamFormat = "chunks"


class PageDecoder(msgspec.Struct, frozen=True, tag="page", tag_field="kind"):
    """A page of ``item_type`` items, with what is needed to ask for the next one."""

    item_type: Any
    style: PageStyle = "cursor"


class BinaryDecoder(msgspec.Struct, frozen=True, tag="binary", tag_field="kind"):
    """The body as bytes (file contents, audio, video)."""


class RawDecoder(msgspec.Struct, frozen=True, tag="raw", tag_field="kind"):
    """No decoding: the value is the response itself."""


Decoder = JsonDecoder | StreamDecoder | PageDecoder | BinaryDecoder | RawDecoder


def type_name(tp: Any) -> str:
    """A short, stable name for a decode target, for reprs and snapshots."""
    name = getattr(tp, "__qualname__", None) or getattr(tp, "__name__", None)
    if name is None or getattr(tp, "__args__", None):
        return repr(tp).replace("typing.", "")
    return str(name)
