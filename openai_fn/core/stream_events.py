"""What one server-sent event means for a stream: a typed event, an error, nothing, or the end.

Pure: :class:`EventReader` maps a :class:`~openai_fn.core.sse.ServerSentEvent` and the
request's :class:`~openai_fn.core.decoders.StreamDecoder` to a value; executors turn the
result into a yielded event, a raised or returned error, or the end of the stream.

The three formats of the API:

- ``"chunks"`` — data-only JSON events (chat and legacy completions) ending at ``data: [DONE]``;
- ``"typed"`` — ``event:`` + ``data:`` whose JSON carries its ``type`` (Responses, images,
  audio); an unknown ``type`` decodes to a generic event, never a failure;
- ``"assistant"`` — Assistants run events, keyed by the SSE ``event:`` name and decoded as
  ``{"event": name, "data": ...}``; ``event: done`` / ``data: [DONE]`` ends them; an unknown
  name decodes to ``UnknownEventVariant``.

In every format an error event — a top-level ``error`` object, or ``"type": "error"`` / ``event:
error`` with a top-level ``message`` — becomes a :class:`StreamError`, and an event with no data
(only ``id:``/``retry:``/``event:``) is skipped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, Literal, TypeVar, cast

import msgspec

from .decoders import StreamDecoder
from .decoding import json_decoder
from .lenient import decode_lenient
from .model import UnknownEventVariant, UnknownVariant
from .sse import ServerSentEvent

__all__ = ["DONE", "SKIP", "Control", "Done", "EventReader", "Skip", "StreamError", "event_reader", "read_event"]

E = TypeVar("E")

DEFAULT_ERROR_MESSAGE = "An error occurred during streaming"


class Control(msgspec.Struct, frozen=True):
    """Base of the non-event outcomes, so a stream tells them from events with one ``isinstance``."""


class Done(Control, frozen=True):
    """The stream's explicit end (``data: [DONE]``)."""


class Skip(Control, frozen=True):
    """An event that carries nothing to deliver (only ``id:``, ``retry:`` or ``event:`` fields)."""


class StreamError(Control, frozen=True):
    """The stream ends with an error.

    ``kind="api"``: the server sent an error event; ``body`` is the inner ``error`` object.
    ``kind="invalid"``: the event's data is not JSON, or not the declared type; ``body`` is
    what could be read of it.
    """

    message: str
    body: Any = None
    kind: Literal["api", "invalid"] = "api"


DONE = Done()
SKIP = Skip()

_ERROR_KEY = b'"error"'


class EventReader(Generic[E]):
    """Reads the events of one stream format into ``event_type`` values; build once per stream.

    The common case — a JSON event that is not an error — costs one substring scan and one
    ``msgspec`` decode straight from the event's bytes; anything else takes the careful path.
    """

    __slots__ = ("_decode", "event_type", "format")

    def __init__(self, decoder: StreamDecoder) -> None:
        self.event_type: Any = decoder.event_type
        self.format = decoder.format
        self._decode: Callable[[bytes], Any] = json_decoder(decoder.event_type).decode

    def __call__(self, sse: ServerSentEvent) -> E | Control:
        data = sse.data
        if sse.event != "error" and _ERROR_KEY not in data:
            try:
                if self.format == "assistant":
                    return self._decode(_assistant_payload(sse.event, data))
                return self._decode(data)
            except (msgspec.ValidationError, msgspec.DecodeError):
                pass
        return self._careful(sse)

    def _careful(self, sse: ServerSentEvent) -> E | Control:
        data = sse.data.strip()
        if not data:
            return StreamError(DEFAULT_ERROR_MESSAGE) if sse.event == "error" else SKIP
        if data.startswith(b"[DONE]"):
            return DONE
        try:
            obj: Any = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            return StreamError(f"Event data is not valid JSON: {exc}", data.decode("utf-8", "replace"), "invalid")
        error = error_of(obj, sse.event)
        if error is not None:
            return error
        if self.format == "assistant":
            name = sse.event or "message"
            return self._typed(_assistant_payload(name, data), name, obj)
        kind = cast("dict[str, Any]", obj).get("type") if isinstance(obj, dict) else None
        return self._typed(data, kind if isinstance(kind, str) else None, obj)

    def _typed(self, payload: bytes, kind: str | None, obj: Any) -> E | Control:
        try:
            return self._decode(payload)
        except msgspec.ValidationError as exc:
            failure = exc
        try:  # an answer from a newer API: unknown union members become generic events
            return decode_lenient(self.event_type, payload)
        except msgspec.ValidationError as exc:
            failure = exc
        if self.format == "assistant" and kind is not None:  # as the lenient decoder would: the whole object
            return cast("E", UnknownEventVariant(original_type=kind, data={"event": kind, "data": obj}))
        if self.format == "typed" and kind is not None:
            return cast("E", UnknownVariant(original_type=kind, data=cast("dict[str, Any]", obj)))
        return StreamError(f"Event does not match the expected schema: {failure}", obj, "invalid")


def error_of(obj: Any, event: str | None) -> StreamError | None:
    """The error an event's decoded data reports, if it is an error event.

    Recognised: a truthy top-level ``error`` (its value is the body); ``"type": "error"`` or an
    ``event: error`` line, with ``message`` at the top level (the whole object is the body).
    """
    if isinstance(obj, dict):
        data = cast("dict[str, Any]", obj)
        inner = data.get("error")
        if inner:
            message = cast("dict[str, Any]", inner).get("message") if isinstance(inner, dict) else inner
            return StreamError(message if isinstance(message, str) and message else DEFAULT_ERROR_MESSAGE, inner)
        if event == "error" or data.get("type") == "error":
            message = data.get("message")
            return StreamError(message if isinstance(message, str) and message else DEFAULT_ERROR_MESSAGE, data)
        return None
    if event == "error":
        return StreamError(obj if isinstance(obj, str) and obj else DEFAULT_ERROR_MESSAGE, obj)
    return None


@functools.lru_cache(maxsize=1024)
def event_reader(decoder: StreamDecoder) -> EventReader[Any]:
    """One reader per decoder (decoders are hashable values)."""
    return EventReader(decoder)


def read_event(decoder: StreamDecoder, sse: ServerSentEvent) -> Any:
    """What ``sse`` means for a stream described by ``decoder``: an event, or a :class:`Control`."""
    return event_reader(decoder)(sse)


def _assistant_payload(name: str | None, data: bytes) -> bytes:
    return b'{"event":' + msgspec.json.encode(name or "message") + b',"data":' + data + b"}"
