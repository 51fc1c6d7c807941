"""Chat completion streams: fold ``ChatCompletionChunk`` events into the final ``ChatCompletion``.

The fold is pure in effect — :func:`accumulate_chat_completion` and :func:`chat_completion_events`
take any iterable of chunks (a :class:`~openai_fn.executors.streams.Stream`, a list from a log,
plain dicts) — so it fits a user's own pipeline. :class:`ChatCompletionStreamState` is the step
function behind it (the official SDK's class of the same name), and :class:`ChatCompletionStream`
/ :class:`AsyncChatCompletionStream` wrap a live stream with the SDK's event vocabulary:
``chunk``, ``content.delta``/``content.done``, ``refusal.delta``/``refusal.done``,
``tool_calls.function.arguments.delta``/``.done``, ``logprobs.content.delta``/``.done`` and
``logprobs.refusal.delta``/``.done``.

Accumulation works on plain data (any new field the API adds to a delta is kept), and the final
value is decoded into the generated ``ChatCompletion`` type.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, Literal, cast

import msgspec

from ..core.errors import ContentFilterFinishReasonError, LengthFinishReasonError
from ..core.model import BaseModel
from ._deltas import accumulate_delta, as_dict, as_list, convert_value, generated_type, plain
from ._folding import AsyncFoldingStream, FoldingStream

__all__ = [
    "AsyncChatCompletionStream",
    "ChatCompletionSnapshot",
    "ChatCompletionStream",
    "ChatCompletionStreamEvent",
    "ChatCompletionStreamState",
    "ChoiceSnapshot",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "LogprobsContentDeltaEvent",
    "LogprobsContentDoneEvent",
    "LogprobsRefusalDeltaEvent",
    "LogprobsRefusalDoneEvent",
    "MessageSnapshot",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
    "accumulate_chat_completion",
    "chat_completion_events",
]


# -- the snapshot: a completion in progress (``finish_reason`` may still be missing) --------------


class FunctionSnapshot(BaseModel, frozen=True, kw_only=True):
    name: str = ""
    arguments: str = ""


class ToolCallSnapshot(BaseModel, frozen=True, kw_only=True):
    index: int = 0
    id: str | None = None
    type: str = "function"
    function: FunctionSnapshot = msgspec.field(default_factory=FunctionSnapshot)


class MessageSnapshot(BaseModel, frozen=True, kw_only=True):
    role: str = "assistant"
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ToolCallSnapshot] | None = None
    audio: dict[str, Any] | None = None
    function_call: dict[str, Any] | None = None


class ChoiceSnapshot(BaseModel, frozen=True, kw_only=True):
    index: int
    message: MessageSnapshot
    finish_reason: str | None = None
    logprobs: dict[str, Any] | None = None


class ChatCompletionSnapshot(BaseModel, frozen=True, kw_only=True):
    """The completion accumulated so far; the final, validated value is a ``ChatCompletion``."""

    id: str = ""
    object: str = "chat.completion"
    created: int = 0
    model: str = ""
    choices: list[ChoiceSnapshot] = msgspec.field(default_factory=list[ChoiceSnapshot])
    usage: dict[str, Any] | None = None
    system_fingerprint: str | None = None
    service_tier: str | None = None


# -- the SDK's event vocabulary ------------------------------------------------------------------


class ChunkEvent(BaseModel, frozen=True, kw_only=True):
    """Every chunk, with the completion accumulated so far."""

    type: Literal["chunk"] = "chunk"
    chunk: Any
    snapshot: ChatCompletionSnapshot


class ContentDeltaEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["content.delta"] = "content.delta"
    delta: str
    snapshot: str
    parsed: Any = None


class ContentDoneEvent(BaseModel, frozen=True, kw_only=True):
    """The whole content; ``parsed`` is it decoded into the ``response_format`` type, when one was given."""

    type: Literal["content.done"] = "content.done"
    content: str
    parsed: Any = None


class RefusalDeltaEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["refusal.delta"] = "refusal.delta"
    delta: str
    snapshot: str


class RefusalDoneEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["refusal.done"] = "refusal.done"
    refusal: str


class FunctionToolCallArgumentsDeltaEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["tool_calls.function.arguments.delta"] = "tool_calls.function.arguments.delta"
    name: str
    index: int
    arguments: str
    """The arguments accumulated so far (raw JSON text)."""
    arguments_delta: str
    parsed_arguments: Any = None


class FunctionToolCallArgumentsDoneEvent(BaseModel, frozen=True, kw_only=True):
    """A tool call's complete arguments; ``parsed_arguments`` is them as JSON when they are valid JSON."""

    type: Literal["tool_calls.function.arguments.done"] = "tool_calls.function.arguments.done"
    name: str
    index: int
    arguments: str
    parsed_arguments: Any = None


class LogprobsContentDeltaEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["logprobs.content.delta"] = "logprobs.content.delta"
    content: list[Any]
    snapshot: list[Any]


class LogprobsContentDoneEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["logprobs.content.done"] = "logprobs.content.done"
    content: list[Any]


class LogprobsRefusalDeltaEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["logprobs.refusal.delta"] = "logprobs.refusal.delta"
    refusal: list[Any]
    snapshot: list[Any]


class LogprobsRefusalDoneEvent(BaseModel, frozen=True, kw_only=True):
    type: Literal["logprobs.refusal.done"] = "logprobs.refusal.done"
    refusal: list[Any]


ChatCompletionStreamEvent = (
    ChunkEvent
    | ContentDeltaEvent
    | ContentDoneEvent
    | RefusalDeltaEvent
    | RefusalDoneEvent
    | FunctionToolCallArgumentsDeltaEvent
    | FunctionToolCallArgumentsDoneEvent
    | LogprobsContentDeltaEvent
    | LogprobsContentDoneEvent
    | LogprobsRefusalDeltaEvent
    | LogprobsRefusalDoneEvent
)


# -- the step function ---------------------------------------------------------------------------


class _Choice:
    """One choice's accumulated data and which ``*.done`` events it has already produced."""

    __slots__ = ("data", "done", "done_tools", "logprobs", "tool_index")

    def __init__(self, index: int) -> None:
        self.data: dict[str, Any] = {"index": index, "message": {}, "finish_reason": None, "logprobs": None}
        self.logprobs: dict[str, list[Any] | None] = {}
        """Token logprobs as the chunks gave them (typed), by ``content`` / ``refusal``."""
        self.done: set[str] = set()
        """Which of ``content``, ``refusal``, ``logprobs.content``, ``logprobs.refusal`` were reported done."""
        self.done_tools: set[int] = set()
        self.tool_index: int | None = None


class ChatCompletionStreamState:
    """Accumulates chunks into a completion, and says which events each chunk means.

    ``response_format``: a type (a msgspec Struct, a dataclass, ``dict``…) to decode the final
    content into, as ``ContentDoneEvent.parsed`` and :meth:`parsed`; with one, a completion cut
    by ``length`` or ``content_filter`` raises, as in the SDK. ``completion_type``: what
    :meth:`get_final_completion` returns (default: the generated ``ChatCompletion``).

    >>> state = ChatCompletionStreamState()
    >>> for chunk in stream:                    # doctest: +SKIP
    ...     events = state.handle_chunk(chunk)
    >>> state.get_final_completion()            # doctest: +SKIP
    """

    def __init__(self, *, response_format: Any = None, completion_type: Any = None) -> None:
        self._response_format = response_format
        self._completion_type = completion_type
        self._top: dict[str, Any] | None = None
        self._choices: dict[int, _Choice] = {}

    def handle_chunk(self, chunk: Any) -> list[ChatCompletionStreamEvent]:
        """Fold one chunk in; the events it produces, in the SDK's order (``chunk`` first)."""
        data: dict[str, Any] = plain(chunk)
        if data.get("object", "chat.completion.chunk") != "chat.completion.chunk":
            return []  # e.g. Azure's asynchronous content filter annotations: not part of the completion
        self._accumulate_top(data)
        raw_choices = cast("list[dict[str, Any]]", data.get("choices") or [])
        typed_choices: list[Any] = list(_get(chunk, "choices") or [])
        for position, choice in enumerate(raw_choices):
            self._accumulate_choice(choice, typed_choices[position] if position < len(typed_choices) else None)
        events: list[ChatCompletionStreamEvent] = [ChunkEvent(chunk=chunk, snapshot=self.current_completion_snapshot)]
        for choice in raw_choices:
            events.extend(self._choice_events(choice))
        return events

    @property
    def current_completion_snapshot(self) -> ChatCompletionSnapshot:
        return msgspec.convert(self._snapshot_data(), ChatCompletionSnapshot)

    def get_final_completion(self) -> Any:
        """The accumulated completion as a validated ``ChatCompletion``. Call once the stream has ended."""
        data = self._snapshot_data(copy=True)
        for choice in map(as_dict, as_list(data["choices"])):
            message = as_dict(choice["message"])
            message.setdefault("content", None)
            message.setdefault("refusal", None)
            message.setdefault("role", "assistant")
            if not message.get("tool_calls"):
                message.pop("tool_calls", None)
        target = self._completion_type or generated_type("ChatCompletion", "CreateChatCompletionResponse")
        if target is None:
            return data
        return convert_value(target, data)

    def parsed(self, choice: int = 0) -> Any:
        """The content of ``choice`` decoded into ``response_format`` (``None`` without one, or without content)."""
        state = self._choices.get(choice)
        content = as_dict(state.data["message"]).get("content") if state is not None else None
        if self._response_format is None or not content:
            return None
        return msgspec.json.decode(content, type=self._response_format)

    # -- accumulating

    def _accumulate_top(self, data: dict[str, Any]) -> None:
        if self._top is None:
            self._top = {"object": "chat.completion"}
        for key, value in data.items():
            if key not in ("choices", "object", "obfuscation") and value is not None:
                self._top[key] = value

    def _accumulate_choice(self, choice: dict[str, Any], typed: Any) -> None:
        index: int = choice.get("index", 0)
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(index)
        accumulate_delta(as_dict(state.data["message"]), as_dict(choice.get("delta")))
        if choice.get("finish_reason"):
            state.data["finish_reason"] = choice["finish_reason"]
            if self._response_format is not None:
                if choice["finish_reason"] == "length":
                    raise LengthFinishReasonError(completion=self.current_completion_snapshot)
                if choice["finish_reason"] == "content_filter":
                    raise ContentFilterFinishReasonError()
        logprobs = choice.get("logprobs")
        if logprobs is None:
            return
        typed_logprobs = _get(typed, "logprobs")
        accumulated = as_dict(state.data["logprobs"]) or {"content": None, "refusal": None}
        state.data["logprobs"] = accumulated
        for key in ("content", "refusal"):
            part = as_list(as_dict(logprobs).get(key))
            if as_dict(logprobs).get(key) is None:
                continue
            accumulated[key] = as_list(accumulated.get(key)) + part
            state.logprobs[key] = (state.logprobs.get(key) or []) + list(_get(typed_logprobs, key) or part)

    def _snapshot_data(self, *, copy: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = dict(self._top or {"object": "chat.completion"})
        data["choices"] = [self._choices[index].data for index in sorted(self._choices)]
        return msgspec.json.decode(msgspec.json.encode(data)) if copy else data

    # -- events

    def _choice_events(self, choice: dict[str, Any]) -> list[ChatCompletionStreamEvent]:
        state = self._choices[choice.get("index", 0)]
        message = as_dict(state.data["message"])
        delta = as_dict(choice.get("delta"))
        events: list[ChatCompletionStreamEvent] = []
        if delta.get("content") is not None and message.get("content") is not None:
            events.append(ContentDeltaEvent(delta=delta["content"], snapshot=message["content"]))
        if delta.get("refusal") is not None and message.get("refusal") is not None:
            events.append(RefusalDeltaEvent(delta=delta["refusal"], snapshot=message["refusal"]))
        for tool_delta in map(as_dict, as_list(delta.get("tool_calls"))):
            index: int = tool_delta["index"]
            function = as_dict(_tool(message, index).get("function"))
            events.append(
                FunctionToolCallArgumentsDeltaEvent(
                    name=function.get("name") or "",
                    index=index,
                    arguments=function.get("arguments") or "",
                    arguments_delta=as_dict(tool_delta.get("function")).get("arguments") or "",
                )
            )
        logprobs = as_dict(choice.get("logprobs"))
        if logprobs.get("content"):
            events.append(
                LogprobsContentDeltaEvent(content=self._typed_delta(choice, "content"), snapshot=state.logprobs["content"] or [])
            )
        if logprobs.get("refusal"):
            events.append(
                LogprobsRefusalDeltaEvent(refusal=self._typed_delta(choice, "refusal"), snapshot=state.logprobs["refusal"] or [])
            )
        events.extend(self._done_events(state, delta))
        return events

    def _typed_delta(self, choice: dict[str, Any], key: str) -> list[Any]:
        state = self._choices[choice.get("index", 0)]
        accumulated = state.logprobs.get(key) or []
        return accumulated[len(accumulated) - len(choice["logprobs"][key]) :]

    def _done_events(self, state: _Choice, delta: dict[str, Any]) -> list[ChatCompletionStreamEvent]:
        """The SDK's rules: text parts are done when the choice finishes or a tool call starts;
        a tool call is done when the next one starts or the choice finishes."""
        events: list[ChatCompletionStreamEvent] = []
        if state.data["finish_reason"]:
            events.extend(self._content_done_events(state))
            if state.tool_index is not None:
                events.extend(self._tool_done_event(state, state.tool_index))
        for tool_delta in map(as_dict, as_list(delta.get("tool_calls"))):
            index: int = tool_delta["index"]
            if state.tool_index != index:
                events.extend(self._content_done_events(state))
                if state.tool_index is not None:
                    events.extend(self._tool_done_event(state, state.tool_index))
            state.tool_index = index
        return events

    def _content_done_events(self, state: _Choice) -> list[ChatCompletionStreamEvent]:
        events: list[ChatCompletionStreamEvent] = []
        message = as_dict(state.data["message"])
        if message.get("content") and "content" not in state.done:
            state.done.add("content")
            events.append(ContentDoneEvent(content=message["content"], parsed=self.parsed(state.data["index"])))
        if message.get("refusal") is not None and "refusal" not in state.done:
            state.done.add("refusal")
            events.append(RefusalDoneEvent(refusal=message["refusal"]))
        if state.logprobs.get("content") is not None and "logprobs.content" not in state.done:
            state.done.add("logprobs.content")
            events.append(LogprobsContentDoneEvent(content=state.logprobs["content"] or []))
        if state.logprobs.get("refusal") is not None and "logprobs.refusal" not in state.done:
            state.done.add("logprobs.refusal")
            events.append(LogprobsRefusalDoneEvent(refusal=state.logprobs["refusal"] or []))
        return events

    def _tool_done_event(self, state: _Choice, index: int) -> list[ChatCompletionStreamEvent]:
        if index in state.done_tools:
            return []
        state.done_tools.add(index)
        function = as_dict(_tool(as_dict(state.data["message"]), index).get("function"))
        arguments: str = function.get("arguments") or ""
        try:
            parsed: Any = msgspec.json.decode(arguments) if arguments else None
        except msgspec.DecodeError:
            parsed = None
        return [
            FunctionToolCallArgumentsDoneEvent(
                name=function.get("name") or "", index=index, arguments=arguments, parsed_arguments=parsed
            )
        ]


def chat_completion_events(
    chunks: Iterable[Any], *, state: ChatCompletionStreamState | None = None
) -> Iterator[ChatCompletionStreamEvent]:
    """The SDK's stream events for ``chunks``, lazily; ``state`` (optional) ends up holding the completion."""
    state = state if state is not None else ChatCompletionStreamState()
    for chunk in chunks:
        yield from state.handle_chunk(chunk)


def accumulate_chat_completion(chunks: Iterable[Any], *, response_format: Any = None, completion_type: Any = None) -> Any:
    """Fold every chunk into the final ``ChatCompletion``: content, refusal, tool calls by index, logprobs, usage."""
    state = ChatCompletionStreamState(response_format=response_format, completion_type=completion_type)
    for chunk in chunks:
        state.handle_chunk(chunk)
    return state.get_final_completion()


# -- wrappers over live streams ------------------------------------------------------------------


class ChatCompletionStream(FoldingStream[ChatCompletionStreamEvent]):
    """A chat chunk stream seen through the SDK's helper events, with ``get_final_completion()``.

    >>> with ChatCompletionStream(client.run(request).unwrap()) as stream:   # doctest: +SKIP
    ...     for event in stream:
    ...         if event.type == "content.delta":
    ...             print(event.delta, end="")
    ...     completion = stream.get_final_completion()
    """

    def __init__(self, chunks: Iterable[Any], *, response_format: Any = None, completion_type: Any = None) -> None:
        self._source = chunks
        self._state = ChatCompletionStreamState(response_format=response_format, completion_type=completion_type)
        self._iterator = chat_completion_events(chunks, state=self._state)

    @property
    def current_completion_snapshot(self) -> ChatCompletionSnapshot:
        return self._state.current_completion_snapshot

    def get_final_completion(self) -> Any:
        """Read the stream to its end, then return the accumulated ``ChatCompletion``."""
        return self.until_done()._state.get_final_completion()


class AsyncChatCompletionStream(AsyncFoldingStream[ChatCompletionStreamEvent]):
    """:class:`ChatCompletionStream` over an async chunk stream (``AsyncStream``)."""

    def __init__(self, chunks: AsyncIterable[Any], *, response_format: Any = None, completion_type: Any = None) -> None:
        self._source = chunks
        self._state = ChatCompletionStreamState(response_format=response_format, completion_type=completion_type)
        self._iterator = self._events(chunks)

    async def _events(self, chunks: AsyncIterable[Any]) -> AsyncIterator[ChatCompletionStreamEvent]:
        async for chunk in chunks:
            for event in self._state.handle_chunk(chunk):
                yield event

    @property
    def current_completion_snapshot(self) -> ChatCompletionSnapshot:
        return self._state.current_completion_snapshot

    async def get_final_completion(self) -> Any:
        return (await self.until_done())._state.get_final_completion()


# -- small pieces --------------------------------------------------------------------------------


def _get(value: Any, name: str) -> Any:
    """A field of a typed value or of a dict; ``None`` when absent."""
    if value is None:
        return None
    if isinstance(value, dict):
        return cast("dict[str, Any]", value).get(name)
    return getattr(value, name, None)


def _tool(message: dict[str, Any], index: int) -> dict[str, Any]:
    for tool in map(as_dict, as_list(message.get("tool_calls"))):
        if tool.get("index") == index:
            return tool
    return {}

