"""Responses streams: fold ``ResponseStreamEvent`` values into the final ``Response``.

:class:`ResponseStreamState` is a step function over events (typed, generic, or plain dicts):
it keeps a plain-data snapshot of the response as it is built — output items, content parts,
text, refusals, function-call arguments, reasoning summaries — and takes the server's own
``response`` from ``response.completed`` / ``response.incomplete`` / ``response.failed`` as the
final value. :func:`accumulate_response` folds a whole iterable; :class:`ResponseStream` /
:class:`AsyncResponseStream` wrap a live stream with ``get_final_response()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, cast

from ..core.errors import APIConnectionError
from ..core.model import UnknownVariant, tag_of
from ..core.output_text import output_text
from ._deltas import as_dict, as_list, convert_value, deep_copy, generated_type, plain
from ._folding import AsyncFoldingStream, FoldingStream

__all__ = [
    "AsyncResponseStream",
    "ResponseStream",
    "ResponseStreamState",
    "accumulate_response",
    "event_type",
    "output_text",
]

_LIFECYCLE = frozenset({"response.created", "response.queued", "response.in_progress"})
_TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})


def event_type(event: Any) -> str | None:
    """The ``type`` of an event, whether a generated Struct (tagged), a generic event, or a dict."""
    return tag_of(event, "type")


class ResponseStreamState:
    """Accumulates a Responses stream. ``response_type``: what :meth:`get_final_response` returns
    for a snapshot (default: the generated ``Response``)."""

    def __init__(self, *, response_type: Any = None) -> None:
        self._response_type = response_type
        self._snapshot: dict[str, Any] | None = None
        self._final: Any = None

    def handle_event(self, event: Any) -> None:
        """Fold one event in."""
        kind = event_type(event)
        if kind is None:
            return
        if kind in _TERMINAL:
            self._final = _field(event, "response")
            self._snapshot = deep_copy(plain(self._final))
            return
        data = _event_data(event)
        if kind in _LIFECYCLE:
            response = deep_copy(as_dict(data.get("response")))
            if self._snapshot is not None and not response.get("output"):
                response["output"] = self._snapshot.get("output", [])
            self._snapshot = response
            return
        if self._snapshot is None:
            self._snapshot = {"object": "response", "output": []}
        _apply(self._snapshot, kind, data)

    @property
    def current_snapshot(self) -> dict[str, Any]:
        """The response built so far, as plain data (the stream may still be running)."""
        return self._snapshot if self._snapshot is not None else {"object": "response", "output": []}

    @property
    def completed(self) -> bool:
        """Whether a terminal event (completed, incomplete or failed) was seen."""
        return self._final is not None

    def get_final_response(self) -> Any:
        """The response of the terminal event; a stream that ended without one was cut short."""
        if self._final is None:
            raise APIConnectionError("Connection error: the stream ended before its response.completed event.")
        final: Any = self._final
        target = self._response_type or generated_type("Response")
        if target is None or not isinstance(final, dict):
            return final
        return convert_value(target, cast("dict[str, Any]", final))


def accumulate_response(events: Iterable[Any], *, response_type: Any = None) -> Any:
    """Fold a whole Responses stream into its final ``Response``."""
    state = ResponseStreamState(response_type=response_type)
    for event in events:
        state.handle_event(event)
    return state.get_final_response()


class ResponseStream(FoldingStream[Any]):
    """A Responses event stream that also accumulates the response: ``get_final_response()``."""

    def __init__(self, events: Iterable[Any], *, response_type: Any = None) -> None:
        self._source = events
        self._state = ResponseStreamState(response_type=response_type)
        self._iterator = self._run(events)

    def _run(self, events: Iterable[Any]) -> Iterator[Any]:
        for event in events:
            self._state.handle_event(event)
            yield event

    @property
    def current_snapshot(self) -> dict[str, Any]:
        return self._state.current_snapshot

    def get_final_response(self) -> Any:
        return self.until_done()._state.get_final_response()


class AsyncResponseStream(AsyncFoldingStream[Any]):
    """:class:`ResponseStream` over an async event stream."""

    def __init__(self, events: AsyncIterable[Any], *, response_type: Any = None) -> None:
        self._source = events
        self._state = ResponseStreamState(response_type=response_type)
        self._iterator = self._run(events)

    async def _run(self, events: AsyncIterable[Any]) -> AsyncIterator[Any]:
        async for event in events:
            self._state.handle_event(event)
            yield event

    @property
    def current_snapshot(self) -> dict[str, Any]:
        return self._state.current_snapshot

    async def get_final_response(self) -> Any:
        return (await self.until_done())._state.get_final_response()


# -- folding one event into the plain snapshot ----------------------------------------------------

_ITEM_TEXT_DELTAS = {
    "response.function_call_arguments": "arguments",
    "response.custom_tool_call_input": "input",
    "response.mcp_call_arguments": "arguments",
    "response.code_interpreter_call_code": "code",
}
"""Streams whose deltas build one string field of an output item."""


def _apply(snapshot: dict[str, Any], kind: str, event: dict[str, Any]) -> None:
    output = snapshot.setdefault("output", [])
    index = event.get("output_index")
    if kind in ("response.output_item.added", "response.output_item.done"):
        if isinstance(index, int):
            _put(output, index, deep_copy(as_dict(event.get("item"))))
        return
    if not isinstance(index, int) or index >= len(output):
        return
    item = as_dict(output[index])
    stem, _, phase = kind.rpartition(".")
    if kind in ("response.content_part.added", "response.content_part.done"):
        _put(item.setdefault("content", []), event.get("content_index", 0), deep_copy(as_dict(event.get("part"))))
    elif stem in ("response.output_text", "response.refusal", "response.reasoning_text"):
        key = "refusal" if stem == "response.refusal" else "text"
        part = _part(item, "content", event.get("content_index", 0), "output_text" if key == "text" else "refusal")
        _grow(part, key, event, phase)
        if stem == "response.output_text" and phase == "delta" and event.get("logprobs"):
            part["logprobs"] = as_list(part.get("logprobs")) + as_list(event.get("logprobs"))
    elif stem == "response.output_text.annotation" and phase == "added":
        part = _part(item, "content", event.get("content_index", 0), "output_text")
        _put(part.setdefault("annotations", []), event.get("annotation_index", 0), event.get("annotation"))
    elif stem == "response.reasoning_summary_part" and phase in ("added", "done"):
        _put(item.setdefault("summary", []), event.get("summary_index", 0), deep_copy(as_dict(event.get("part"))))
    elif stem == "response.reasoning_summary_text":
        _grow(_part(item, "summary", event.get("summary_index", 0), "summary_text"), "text", event, phase)
    elif stem in _ITEM_TEXT_DELTAS:
        key = _ITEM_TEXT_DELTAS[stem]
        if phase == "delta" and isinstance(event.get("delta"), str):
            item[key] = (item.get(key) or "") + event["delta"]
        elif phase == "done" and isinstance(event.get(key), str):
            item[key] = event[key]


def _grow(part: dict[str, Any], key: str, event: dict[str, Any], phase: str) -> None:
    """Append a ``delta`` to ``part[key]``; a ``done`` event's full value replaces it."""
    if phase == "delta" and isinstance(event.get("delta"), str):
        part[key] = (part.get(key) or "") + event["delta"]
    elif phase == "done" and isinstance(event.get(key), str):
        part[key] = event[key]


def _part(item: dict[str, Any], field: str, index: Any, kind: str) -> dict[str, Any]:
    parts = item.setdefault(field, [])
    position = index if isinstance(index, int) else 0
    while len(parts) <= position:
        parts.append({"type": kind})
    part = as_dict(parts[position])
    parts[position] = part
    return part


def _put(items: list[Any], index: Any, value: Any) -> None:
    position = index if isinstance(index, int) else len(items)
    while len(items) < position:
        items.append({})
    if position < len(items):
        items[position] = value
    else:
        items.append(value)


def _event_data(event: Any) -> dict[str, Any]:
    if isinstance(event, UnknownVariant):
        return event.data
    return as_dict(plain(event))


def _field(event: Any, name: str) -> Any:
    if isinstance(event, UnknownVariant):
        return event.data.get(name)
    if isinstance(event, dict):
        return cast("dict[str, Any]", event).get(name)
    return getattr(event, name, None)
