"""Stream helpers: chat chunks → ChatCompletion, Responses events → Response, the assistants handler.

Pure folds are tested on generated types (and the spec's own transcripts); the wrappers also
run over a real loopback server, sync and on asyncio and trio.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

import openai_fn as oa
from openai_fn.core.sse import decode_sse
from openai_fn.core.stream_events import Control, EventReader
from openai_fn.helpers.assistant_stream import AssistantEventHandler, AsyncAssistantEventHandler
from openai_fn.helpers.chat_stream import (
    AsyncChatCompletionStream,
    ChatCompletionStream,
    ChatCompletionStreamState,
    accumulate_chat_completion,
    chat_completion_events,
)
from openai_fn.helpers.responses_stream import ResponseStreamState, accumulate_response, output_text
from openai_fn.types import CreateChatCompletionResponse, CreateChatCompletionStreamResponse
from tests.loopback import LoopbackServer, Reply
from tests.test_stream_spec_examples import SPEC, as_sse, decoder_for, transcripts

KEY = "sk-test-abcdefghijklmnopqrstuvwxyz"


def chunk(choices: list[dict[str, Any]], **top: Any) -> CreateChatCompletionStreamResponse:
    data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "gpt-x", "choices": choices, **top}
    return msgspec.convert(data, CreateChatCompletionStreamResponse)


def lp(token: str) -> dict[str, Any]:
    return {"token": token, "logprob": -0.5, "bytes": list(token.encode()), "top_logprobs": []}


def delta(index: int = 0, finish: str | None = None, logprobs: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {"index": index, "delta": fields, "finish_reason": finish, "logprobs": logprobs}


TOOL_STREAM = [
    chunk([delta(role="assistant", content="", refusal=None, logprobs=None)], system_fingerprint="fp_1"),
    chunk([delta(content="Hel", logprobs={"content": [lp("Hel")], "refusal": None})]),
    chunk([delta(content="lo", logprobs={"content": [lp("lo")], "refusal": None})]),
    chunk([delta(tool_calls=[{"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ""}}])]),
    chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": '{"city": '}}])]),
    chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}])]),
    chunk([delta(tool_calls=[{"index": 1, "id": "call_2", "type": "function", "function": {"name": "clock", "arguments": "{}"}}])]),
    chunk([delta(finish="tool_calls")]),
    chunk([], usage={"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}),
]


def test_chat_events_follow_the_sdk_vocabulary_and_order() -> None:
    kinds = [event.type for event in chat_completion_events(TOOL_STREAM) if event.type != "chunk"]
    assert kinds == [
        "content.delta",
        "content.delta",
        "logprobs.content.delta",
        "content.delta",
        "logprobs.content.delta",
        "tool_calls.function.arguments.delta",
        "content.done",
        "logprobs.content.done",
        "tool_calls.function.arguments.delta",
        "tool_calls.function.arguments.delta",
        "tool_calls.function.arguments.delta",
        "tool_calls.function.arguments.done",
        "tool_calls.function.arguments.done",
    ]


def test_chat_event_payloads() -> None:
    state = ChatCompletionStreamState()
    events = [event for c in TOOL_STREAM for event in state.handle_chunk(c)]
    by_type: dict[str, list[Any]] = {}
    for event in events:
        by_type.setdefault(event.type, []).append(event)
    assert [(e.delta, e.snapshot) for e in by_type["content.delta"]] == [("", ""), ("Hel", "Hel"), ("lo", "Hello")]
    assert by_type["content.done"][0].content == "Hello"
    assert [t.token for t in by_type["logprobs.content.done"][0].content] == ["Hel", "lo"]
    assert [t.token for t in by_type["logprobs.content.delta"][1].content] == ["lo"]
    done = by_type["tool_calls.function.arguments.done"]
    assert [(d.index, d.name, d.arguments, d.parsed_arguments) for d in done] == [
        (0, "weather", '{"city": "Paris"}', {"city": "Paris"}),
        (1, "clock", "{}", {}),
    ]
    assert by_type["tool_calls.function.arguments.delta"][2].arguments_delta == '"Paris"}'
    chunk_events = by_type["chunk"]
    assert len(chunk_events) == len(TOOL_STREAM) and chunk_events[2].chunk is TOOL_STREAM[2]
    assert chunk_events[2].snapshot.choices[0].message.content == "Hello"
    assert chunk_events[2].snapshot.choices[0].finish_reason is None


def test_chat_fold_builds_the_final_completion() -> None:
    built = accumulate_chat_completion(TOOL_STREAM)
    assert isinstance(built, CreateChatCompletionResponse)
    completion: Any = built
    assert (completion.id, completion.model, completion.created, completion.object) == ("chatcmpl-1", "gpt-x", 7, "chat.completion")
    assert completion.system_fingerprint == "fp_1"
    (choice,) = completion.choices
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Hello" and choice.message.refusal is None and choice.message.role == "assistant"
    assert [(t.id, t.function.name, t.function.arguments) for t in choice.message.tool_calls] == [
        ("call_1", "weather", '{"city": "Paris"}'),
        ("call_2", "clock", "{}"),
    ]
    assert [t.token for t in choice.logprobs.content] == ["Hel", "lo"]
    assert completion.usage.total_tokens == 12


def test_chat_refusal_and_several_choices() -> None:
    stream = [
        chunk([delta(0, role="assistant", refusal="I can"), delta(1, role="assistant", content="A")]),
        chunk([delta(0, refusal="'t.", logprobs={"content": None, "refusal": [lp("'t.")]}), delta(1, content="B")]),
        chunk([delta(0, finish="stop"), delta(1, finish="length")]),
    ]
    events = list(chat_completion_events(stream))
    refusal = [(e.delta, e.snapshot) for e in events if e.type == "refusal.delta"]
    assert refusal == [("I can", "I can"), ("'t.", "I can't.")]
    assert [e.refusal for e in events if e.type == "refusal.done"] == ["I can't."]
    assert [[t.token for t in e.refusal] for e in events if e.type == "logprobs.refusal.done"] == [["'t."]]
    assert [e.content for e in events if e.type == "content.done"] == ["AB"]
    completion = accumulate_chat_completion(stream)
    assert [(c.index, c.message.content, c.message.refusal, c.finish_reason) for c in completion.choices] == [
        (0, None, "I can't.", "stop"),
        (1, "AB", None, "length"),
    ]


class Answer(msgspec.Struct):
    city: str
    temperature: float


def test_chat_response_format_parses_the_content() -> None:
    stream = [chunk([delta(content='{"city": "Oslo", ')]), chunk([delta(content='"temperature": -3.5}', finish="stop")])]
    state = ChatCompletionStreamState(response_format=Answer)
    done = [e for c in stream for e in state.handle_chunk(c) if e.type == "content.done"]
    assert done[0].parsed == Answer("Oslo", -3.5) and state.parsed() == Answer("Oslo", -3.5)
    with pytest.raises(oa.LengthFinishReasonError):
        accumulate_chat_completion([chunk([delta(content='{"ci', finish="length")])], response_format=Answer)


def test_chat_fold_skips_non_chunk_objects() -> None:
    # Azure's asynchronous content filter sends objects that are not chunks of the completion.
    stream: list[Any] = [chunk([delta(content="x")]), {"object": "", "id": "", "choices": [{"index": 0, "content_filter_results": {}}]}]
    assert accumulate_chat_completion([*stream, chunk([delta(finish="stop")])]).choices[0].message.content == "x"


# -- over a live stream ---------------------------------------------------------------------------


def sse_body(chunks: list[CreateChatCompletionStreamResponse]) -> list[bytes]:
    return [b"data: " + msgspec.json.encode(c) + b"\n\n" for c in chunks] + [b"data: [DONE]\n\n"]


def chat_request() -> oa.Request[Any]:
    from openai_fn.endpoints.chat import completions

    return completions.create(model="gpt-x", messages=[{"role": "user", "content": "hi"}], stream=True)


def test_chat_completion_stream_over_loopback(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(headers=[("content-type", "text/event-stream")], body=sse_body(TOOL_STREAM), chunk_delay=0.002))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = ChatCompletionStream(client.run(chat_request()).unwrap())
        with stream:
            first = next(stream)
            assert first.type == "chunk"
            completion = stream.get_final_completion()
            assert stream.current_completion_snapshot.choices[0].finish_reason == "tool_calls"
    assert completion == accumulate_chat_completion(TOOL_STREAM)
    assert loopback.received[0].json()["stream"] is True


@pytest.mark.anyio
async def test_async_chat_completion_stream_over_loopback(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(headers=[("content-type", "text/event-stream")], body=sse_body(TOOL_STREAM), chunk_delay=0.002))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = AsyncChatCompletionStream((await client.run(chat_request())).unwrap())
        async with stream:
            texts = [event.delta async for event in stream if event.type == "content.delta"]
            completion = await stream.get_final_completion()
    assert "".join(texts) == "Hello"
    assert completion == accumulate_chat_completion(TOOL_STREAM)


# -- Responses ------------------------------------------------------------------------------------


def spec_events(operation: str, title: str = "Streaming") -> list[Any]:
    if not SPEC.exists():
        pytest.skip(f"the spec is not at {SPEC}")
    ((op, _, text),) = [t for t in transcripts() if t[0] == operation and t[1] == title]
    reader: EventReader[Any] = EventReader(decoder_for(op))
    return [o for o in (reader(e) for e in decode_sse(as_sse(op, text))) if not isinstance(o, Control)]


def test_responses_fold_returns_the_completed_response() -> None:
    events = spec_events("createResponse")
    final = accumulate_response(events)
    assert final is events[-1].response and final.status == "completed"
    assert output_text(final).startswith("Hi there!")


def test_responses_snapshot_is_built_from_the_deltas() -> None:
    events = spec_events("createResponse")
    state = ResponseStreamState()
    for event in events[:-1]:  # everything but response.completed
        state.handle_event(event)
    assert not state.completed
    assert output_text(state.current_snapshot) == output_text(events[-1].response)
    with pytest.raises(oa.APIConnectionError):
        state.get_final_response()  # the stream was cut before response.completed


def test_responses_fold_over_plain_events() -> None:
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {"id": "r", "object": "response", "output": []}},
        {"type": "response.output_item.added", "output_index": 0, "item": {"type": "function_call", "name": "f", "arguments": ""}},
        {"type": "response.function_call_arguments.delta", "output_index": 0, "delta": '{"a":'},
        {"type": "response.function_call_arguments.delta", "output_index": 0, "delta": " 1}"},
        {"type": "response.output_item.added", "output_index": 1, "item": {"type": "reasoning", "summary": []}},
        {"type": "response.reasoning_summary_text.delta", "output_index": 1, "summary_index": 0, "delta": "Think"},
        {"type": "response.reasoning_summary_text.delta", "output_index": 1, "summary_index": 0, "delta": "ing"},
        {"type": "response.output_item.added", "output_index": 2, "item": {"type": "message", "content": []}},
        {"type": "response.content_part.added", "output_index": 2, "content_index": 0, "part": {"type": "output_text", "text": ""}},
        {"type": "response.output_text.delta", "output_index": 2, "content_index": 0, "delta": "Hi"},
        {"type": "response.brand_new_event", "output_index": 2},
    ]
    state = ResponseStreamState()
    for event in events:
        state.handle_event(event)
    output = state.current_snapshot["output"]
    assert output[0]["arguments"] == '{"a": 1}'
    assert output[1]["summary"][0]["text"] == "Thinking"
    assert output_text(state.current_snapshot) == "Hi"


# -- Assistants -----------------------------------------------------------------------------------


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.text: list[str] = []

    def on_message_created(self, message: Any) -> None:
        self.calls.append("message_created")

    def on_text_created(self, text: dict[str, Any]) -> None:
        self.calls.append("text_created")

    def on_text_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> None:
        self.text.append(delta["value"])
        assert snapshot["value"].endswith(delta["value"])

    def on_text_done(self, text: dict[str, Any]) -> None:
        self.calls.append(f"text_done:{text['value']}")

    def on_message_done(self, message: Any) -> None:
        self.calls.append("message_done")

    def on_run_step_created(self, run_step: Any) -> None:
        self.calls.append("step_created")

    def on_run_step_done(self, run_step: Any) -> None:
        self.calls.append("step_done")

    def on_end(self) -> None:
        self.calls.append("end")


def transcript_deltas(events: list[Any]) -> list[str]:
    """The text pieces of the transcript's message deltas (the spec elides some: they do not add
    up to the completed message, so the final text is checked against the completed message)."""
    return [e.data.delta.content[0].text.value for e in events if e.event == "thread.message.delta"]


def test_assistant_handler_on_the_spec_transcript() -> None:
    events = spec_events("createRun")
    handler = Recorder().attach(events)
    run = handler.get_final_run()
    assert run.status == "completed" and run.id == "run_123"
    (message,) = handler.get_final_messages()
    final_text = message.content[0].text.value
    assert handler.text == transcript_deltas(events) and len(handler.text) == 3
    assert handler.calls == [
        "step_created",
        "message_created",
        "text_created",
        f"text_done:{final_text}",
        "message_done",
        "step_done",
        "end",
    ]
    assert [step.status for step in handler.get_final_run_steps()] == ["completed"]


def test_assistant_text_deltas() -> None:
    events = spec_events("createRun")
    assert list(AssistantEventHandler().attach(events).text_deltas) == transcript_deltas(events)


def test_assistant_handler_tool_calls() -> None:
    step: dict[str, Any] = {"id": "step_1", "object": "thread.run.step", "type": "tool_calls", "step_details": {"type": "tool_calls", "tool_calls": []}}

    def tool_delta(index: int, **function: Any) -> dict[str, Any]:
        return {"event": "thread.run.step.delta", "data": {"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [{"index": index, "type": "function", "function": function}]}}}}
    events: list[dict[str, Any]] = [
        {"event": "thread.run.step.created", "data": step},
        tool_delta(0, name="f", arguments=""),
        tool_delta(0, arguments='{"x": 1}'),
        tool_delta(1, name="g", arguments="{}"),
        {"event": "thread.run.step.completed", "data": {**step, "status": "completed"}},
        {"event": "thread.run.requires_action", "data": {"id": "run_1", "status": "requires_action"}},
    ]
    seen: list[tuple[str, Any]] = []

    class Tools(AssistantEventHandler):
        def on_tool_call_created(self, tool_call: dict[str, Any]) -> None:
            seen.append(("created", tool_call["function"]["name"]))

        def on_tool_call_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> None:
            seen.append(("delta", snapshot["function"]["arguments"]))

        def on_tool_call_done(self, tool_call: dict[str, Any]) -> None:
            seen.append(("done", tool_call["function"]["arguments"]))

    assert Tools().attach(events).get_final_run() == {"id": "run_1", "status": "requires_action"}
    assert seen == [("created", "f"), ("delta", '{"x": 1}'), ("done", '{"x": 1}'), ("created", "g"), ("done", "{}")]


@pytest.mark.anyio
async def test_async_assistant_handler_over_loopback(loopback: LoopbackServer) -> None:
    if not SPEC.exists():
        pytest.skip(f"the spec is not at {SPEC}")
    ((_, _, text),) = [t for t in transcripts() if t[0] == "createRun" and t[1] == "Streaming"]
    body = as_sse("createRun", text)
    loopback.enqueue(Reply(headers=[("content-type", "text/event-stream")], body=[body[i : i + 97] for i in range(0, len(body), 97)]))
    deltas: list[str] = []

    class Collect(AsyncAssistantEventHandler):
        async def on_text_delta(self, delta: dict[str, Any], snapshot: dict[str, Any]) -> None:
            deltas.append(delta["value"])

    request = oa.make_request("POST", "/threads/thread_123/runs", body={"assistant_id": "asst_123", "stream": True},
                              stream=True, stream_event_type=decoder_for("createRun").event_type, stream_format="assistant")
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        handler = Collect().attach((await client.run(request)).unwrap())
        run = await handler.get_final_run()
        messages = await handler.get_final_messages()
    assert run.status == "completed" and messages[0].id == "msg_001"
    assert deltas == transcript_deltas(spec_events("createRun"))
