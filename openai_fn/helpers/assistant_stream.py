"""Assistants run streams: the SDK's ``AssistantEventHandler``, sync and async.

The logic is one pure step, :class:`AssistantStreamState.handle_event`: it folds an event into
plain-data snapshots (the run, messages by id, run steps by id) and returns the *hook calls*
the event means — ``("on_text_delta", (delta, snapshot))`` and so on. The sync and async
handlers only dispatch those calls to their methods, so they cannot drift apart.

Subclass a handler, override the hooks you need, attach it to a run stream and wait::

    class Printer(AssistantEventHandler):
        def on_text_delta(self, delta, snapshot):
            print(delta.get("value", ""), end="")

    handler = Printer().attach(client.run(threads.runs.create(..., stream=True)).unwrap())
    handler.until_done()
    run = handler.get_final_run()

Hook arguments are the event's own (typed) ``data`` for whole objects (``on_message_created``,
``on_run_step_done``…) and plain-data dicts for deltas and accumulated snapshots.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any, Self, cast

from ..core.errors import APIConnectionError, APITimeoutError
from ..core.model import UnknownEventVariant, UnknownVariant, tag_of
from ._deltas import accumulate_delta, as_dict, as_list, deep_copy, plain
from ._folding import AsyncFoldingStream, FoldingStream

__all__ = ["AssistantEventHandler", "AssistantStreamState", "AsyncAssistantEventHandler", "HookCall", "event_name"]

HookCall = tuple[str, tuple[Any, ...]]
"""A hook to call and its arguments, e.g. ``("on_message_done", (message,))``."""

_RUN_STATES = frozenset({"thread.run.created", "thread.run.queued", "thread.run.in_progress", "thread.run.cancelling"})
_RUN_ENDS = frozenset(
    {
        "thread.run.completed",
        "thread.run.cancelled",
        "thread.run.expired",
        "thread.run.failed",
        "thread.run.requires_action",
        "thread.run.incomplete",
    }
)
_STEP_ENDS = frozenset(
    {"thread.run.step.completed", "thread.run.step.cancelled", "thread.run.step.expired", "thread.run.step.failed"}
)


def event_name(event: Any) -> str | None:
    """The SSE event name of an assistants event (typed, generic, or ``{"event", "data"}`` dict)."""
    return tag_of(event, "event")


def _event_data(event: Any) -> Any:
    if isinstance(event, UnknownEventVariant | UnknownVariant):
        return event.data.get("data")
    if isinstance(event, dict):
        return cast("dict[str, Any]", event).get("data")
    return getattr(event, "data", None)


class AssistantStreamState:
    """Snapshots of a run stream, and the hook calls each event means (the SDK's rules)."""

    def __init__(self) -> None:
        self.current_run: Any = None
        """The latest run object (typed, as the last ``thread.run.*`` event carried it)."""
        self.messages: dict[str, dict[str, Any]] = {}
        self.run_steps: dict[str, dict[str, Any]] = {}
        self.final_messages: list[Any] = []
        self.final_run_steps: list[Any] = []
        self.current_message_id: str | None = None
        self.current_run_step_id: str | None = None
        self._content_index: int | None = None
        self._tool_index: int | None = None
        self._tool_call: dict[str, Any] | None = None

    @property
    def current_message_snapshot(self) -> dict[str, Any] | None:
        return self.messages.get(self.current_message_id) if self.current_message_id else None

    @property
    def current_run_step_snapshot(self) -> dict[str, Any] | None:
        return self.run_steps.get(self.current_run_step_id) if self.current_run_step_id else None

    def handle_event(self, event: Any) -> list[HookCall]:
        """Fold ``event`` in; the hooks to call for it, ``on_event`` first."""
        name = event_name(event) or ""
        data = _event_data(event)
        calls: list[HookCall] = [("on_event", (event,))]
        if name in _RUN_STATES or name in _RUN_ENDS:
            self.current_run = data
            if name in _RUN_ENDS:
                calls += self._tool_call_done()
        elif name == "thread.message.created":
            message = deep_copy(as_dict(plain(data)))
            self.messages[message.get("id", "")] = message
            self.current_message_id = message.get("id")
            self._content_index = None
            calls.append(("on_message_created", (data,)))
        elif name == "thread.message.delta":
            calls += self._message_delta(as_dict(plain(data)))
        elif name in ("thread.message.completed", "thread.message.incomplete"):
            message = as_dict(plain(data))
            self.messages[message.get("id", "")] = deep_copy(message)
            self.final_messages.append(data)
            if self._content_index is not None:
                calls += self._content_done(as_list(message.get("content")), self._content_index)
            self._content_index = None
            calls.append(("on_message_done", (data,)))
        elif name in ("thread.run.step.created", "thread.run.step.in_progress"):
            step = deep_copy(as_dict(plain(data)))
            self.run_steps[step.get("id", "")] = self.run_steps.get(step.get("id", "")) or step
            self.current_run_step_id = step.get("id")
            self._tool_index = None
            if name == "thread.run.step.created":
                calls.append(("on_run_step_created", (data,)))
        elif name == "thread.run.step.delta":
            calls += self._run_step_delta(as_dict(plain(data)))
        elif name in _STEP_ENDS:
            step = as_dict(plain(data))
            self.run_steps[step.get("id", "")] = deep_copy(step)
            self.final_run_steps.append(data)
            calls += self._tool_call_done()
            calls.append(("on_run_step_done", (data,)))
            self.current_run_step_id = None
        return calls

    def _message_delta(self, data: dict[str, Any]) -> list[HookCall]:
        calls: list[HookCall] = []
        snapshot = self.messages.setdefault(data.get("id", ""), {"id": data.get("id"), "content": []})
        self.current_message_id = data.get("id")
        delta = as_dict(data.get("delta"))
        accumulate_delta(snapshot, {key: value for key, value in delta.items() if key != "content"})
        contents = snapshot.setdefault("content", [])
        for part in map(as_dict, as_list(delta.get("content"))):
            index = part.get("index", 0)
            existing = next((c for c in map(as_dict, as_list(contents)) if c.get("index") == index), None)
            if existing is None:
                existing = deep_copy(part)
                contents.append(existing)
                created = True
            else:
                accumulate_delta(existing, part)
                created = False
            if index != self._content_index:
                if self._content_index is not None:
                    calls += self._content_done(contents, self._content_index)
                self._content_index = index
                if created and existing.get("type") == "text":
                    calls.append(("on_text_created", (as_dict(existing.get("text")),)))
            if existing.get("type") == "text" and part.get("text"):
                calls.append(("on_text_delta", (as_dict(part.get("text")), as_dict(existing.get("text")))))
        calls.append(("on_message_delta", (delta, snapshot)))
        return calls

    def _content_done(self, contents: list[Any], index: int) -> list[HookCall]:
        part = next((c for c in map(as_dict, contents) if c.get("index", 0) == index), None)
        if part is None and 0 <= index < len(contents):
            part = as_dict(contents[index])
        if part is None:
            return []
        if part.get("type") == "text":
            return [("on_text_done", (as_dict(part.get("text")),))]
        if part.get("type") == "image_file":
            return [("on_image_file_done", (as_dict(part.get("image_file")),))]
        return []

    def _run_step_delta(self, data: dict[str, Any]) -> list[HookCall]:
        calls: list[HookCall] = []
        step_id = data.get("id", "")
        snapshot = self.run_steps.setdefault(step_id, {"id": step_id})
        delta = as_dict(data.get("delta"))
        accumulate_delta(snapshot, delta)
        details = as_dict(delta.get("step_details"))
        if details.get("type") == "tool_calls":
            tools = as_list(as_dict(snapshot.get("step_details")).get("tool_calls"))
            for tool_delta in map(as_dict, as_list(details.get("tool_calls"))):
                index = tool_delta.get("index", 0)
                tool = _by_index(tools, index)
                if index == self._tool_index:
                    calls.append(("on_tool_call_delta", (tool_delta, tool)))
                else:
                    calls += self._tool_call_done()
                    self._tool_index = index
                    calls.append(("on_tool_call_created", (tool,)))
                self._tool_call = tool
        calls.append(("on_run_step_delta", (delta, snapshot)))
        return calls

    def _tool_call_done(self) -> list[HookCall]:
        """The current tool call (as accumulated from its deltas) is complete."""
        tool, self._tool_call, self._tool_index = self._tool_call, None, None
        return [] if tool is None else [("on_tool_call_done", (tool,))]


def _by_index(items: list[Any], index: int) -> dict[str, Any]:
    empty: dict[str, Any] = {}
    return next((item for item in map(as_dict, items) if item.get("index") == index), empty)


class _Hooks:
    """The hooks, all no-ops: override the ones you need."""

    def on_event(self, event: Any) -> Any: ...
    def on_run_step_created(self, run_step: Any) -> Any: ...
    def on_run_step_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> Any: ...
    def on_run_step_done(self, run_step: Any) -> Any: ...
    def on_tool_call_created(self, tool_call: dict[str, Any]) -> Any: ...
    def on_tool_call_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> Any: ...
    def on_tool_call_done(self, tool_call: dict[str, Any]) -> Any: ...
    def on_message_created(self, message: Any) -> Any: ...
    def on_message_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> Any: ...
    def on_message_done(self, message: Any) -> Any: ...
    def on_text_created(self, text: dict[str, Any]) -> Any: ...
    def on_text_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> Any: ...
    def on_text_done(self, text: dict[str, Any]) -> Any: ...
    def on_image_file_done(self, image_file: dict[str, Any]) -> Any: ...
    def on_exception(self, exception: Exception) -> Any: ...
    def on_timeout(self) -> Any: ...
    def on_end(self) -> Any: ...


class _Finals:
    _state: AssistantStreamState

    @property
    def current_run(self) -> Any:
        return self._state.current_run

    @property
    def current_message_snapshot(self) -> dict[str, Any] | None:
        return self._state.current_message_snapshot

    @property
    def current_run_step_snapshot(self) -> dict[str, Any] | None:
        return self._state.current_run_step_snapshot

    def _final_run(self) -> Any:
        if self._state.current_run is None:
            raise APIConnectionError("Connection error: the run stream ended before any run event.")
        return self._state.current_run


class AssistantEventHandler(_Hooks, _Finals, FoldingStream[Any]):
    """Sync handler: ``handler.attach(stream)``, then iterate it or call ``until_done()``."""

    def __init__(self) -> None:
        self._state = AssistantStreamState()

    def attach(self, events: Iterable[Any]) -> Self:
        """Read ``events`` (a run stream) through this handler; returns the handler."""
        self._source = events
        self._iterator = self._run(events)
        return self

    def _run(self, events: Iterable[Any]) -> Iterator[Any]:
        try:
            for event in events:
                for hook, args in self._state.handle_event(event):
                    getattr(self, hook)(*args)
                yield event
        except APITimeoutError as exc:
            self.on_timeout()
            self.on_exception(exc)
            raise
        except Exception as exc:
            self.on_exception(exc)
            raise
        finally:
            self.on_end()

    @property
    def text_deltas(self) -> Iterator[str]:
        """Just the text, piece by piece, as it streams."""
        for event in self:
            if event_name(event) == "thread.message.delta":
                for part in map(as_dict, as_list(as_dict(as_dict(plain(_event_data(event))).get("delta")).get("content"))):
                    value = as_dict(part.get("text")).get("value")
                    if isinstance(value, str):
                        yield value

    def get_final_run(self) -> Any:
        return self.until_done()._final_run()

    def get_final_messages(self) -> list[Any]:
        return self.until_done()._state.final_messages

    def get_final_run_steps(self) -> list[Any]:
        return self.until_done()._state.final_run_steps



class AsyncAssistantEventHandler(_Hooks, _Finals, AsyncFoldingStream[Any]):
    """Async handler: hooks may be ``async def`` (awaited) or plain functions."""

    def __init__(self) -> None:
        self._state = AssistantStreamState()

    def attach(self, events: AsyncIterable[Any]) -> Self:
        self._source = events
        self._iterator = self._run(events)
        return self

    async def _call(self, hook: str, *args: Any) -> None:
        result = getattr(self, hook)(*args)
        if hasattr(result, "__await__"):
            await result

    async def _run(self, events: AsyncIterable[Any]) -> AsyncIterator[Any]:
        try:
            async for event in events:
                for hook, args in self._state.handle_event(event):
                    await self._call(hook, *args)
                yield event
        except APITimeoutError as exc:
            await self._call("on_timeout")
            await self._call("on_exception", exc)
            raise
        except Exception as exc:
            await self._call("on_exception", exc)
            raise
        finally:
            await self._call("on_end")

    async def get_final_run(self) -> Any:
        return (await self.until_done())._final_run()

    async def get_final_messages(self) -> list[Any]:
        return (await self.until_done())._state.final_messages

    async def get_final_run_steps(self) -> list[Any]:
        return (await self.until_done())._state.final_run_steps
