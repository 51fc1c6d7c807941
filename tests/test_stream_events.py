"""What one SSE event means in each of the three stream formats (pure, no I/O)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from openai_fn.core.decoders import StreamDecoder
from openai_fn.core.model import UnknownEventVariant, UnknownVariant
from openai_fn.core.sse import ServerSentEvent, decode_sse
from openai_fn.core.stream_events import DONE, SKIP, EventReader, StreamError, error_of, read_event


class Delta(msgspec.Struct, frozen=True):
    content: str | None = None


class Choice(msgspec.Struct, frozen=True):
    index: int
    delta: Delta
    finish_reason: str | None = None


class Chunk(msgspec.Struct, frozen=True):
    id: str
    choices: list[Choice]


class TextDelta(msgspec.Struct, frozen=True, tag_field="type", tag="response.output_text.delta"):
    delta: str
    sequence_number: int


class Completed(msgspec.Struct, frozen=True, tag_field="type", tag="response.completed"):
    response: dict[str, Any]


class Message(msgspec.Struct, frozen=True):
    id: str


class MessageDelta(msgspec.Struct, frozen=True, tag_field="event", tag="thread.message.delta"):
    data: dict[str, Any]


class MessageCreated(msgspec.Struct, frozen=True, tag_field="event", tag="thread.message.created"):
    data: Message


CHUNKS = StreamDecoder(Chunk, "chunks")
TYPED = StreamDecoder(TextDelta | Completed, "typed")
ASSISTANT = StreamDecoder(MessageDelta | MessageCreated, "assistant")


def sse(data: bytes, event: str | None = None) -> ServerSentEvent:
    return ServerSentEvent(data, event)


# -- chunks ----------------------------------------------------------------------------------


def test_chunk_decodes_to_the_declared_type() -> None:
    out = read_event(CHUNKS, sse(b'{"id":"c1","choices":[{"index":0,"delta":{"content":"hi"}}]}'))
    assert out == Chunk("c1", [Choice(0, Delta("hi"))])


def test_the_word_error_inside_content_is_not_an_error() -> None:
    data = msgspec.json.encode({"id": "c", "choices": [{"index": 0, "delta": {"content": '"error" is a word'}}]})
    assert read_event(CHUNKS, sse(data)) == Chunk("c", [Choice(0, Delta('"error" is a word'))])


@pytest.mark.parametrize("data", [b"[DONE]", b"[DONE]  ", b" [DONE]"])
def test_done(data: bytes) -> None:
    assert read_event(CHUNKS, sse(data)) is DONE


@pytest.mark.parametrize("event", [sse(b""), sse(b"", "ping"), ServerSentEvent(b"", None, "7", 100), sse(b"  ")])
def test_meta_only_events_are_skipped(event: ServerSentEvent) -> None:
    assert read_event(CHUNKS, event) is SKIP


def test_nested_error_object_is_an_error_with_the_inner_body() -> None:
    inner = {"message": "The server had an error", "type": "server_error", "param": None, "code": None}
    out = read_event(CHUNKS, sse(msgspec.json.encode({"error": inner})))
    assert out == StreamError("The server had an error", inner, "api")


def test_nested_error_under_event_error() -> None:
    inner = {"message": "boom", "type": "invalid_request_error"}
    assert read_event(ASSISTANT, sse(msgspec.json.encode({"error": inner}), "error")) == StreamError("boom", inner)


@pytest.mark.parametrize("decoder", [CHUNKS, TYPED, ASSISTANT])
def test_top_level_message_error_with_or_without_event_line(decoder: StreamDecoder) -> None:
    body = {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down", "param": None, "sequence_number": 3}
    data = msgspec.json.encode(body)
    assert read_event(decoder, sse(data)) == StreamError("Slow down", body)
    assert read_event(decoder, sse(data, "error")) == StreamError("Slow down", body)
    plain = {"message": "Bad things", "code": "x"}
    assert read_event(decoder, sse(msgspec.json.encode(plain), "error")) == StreamError("Bad things", plain)


def test_error_event_without_message_or_data_gets_a_default_message() -> None:
    assert read_event(CHUNKS, sse(b"", "error")) == StreamError("An error occurred during streaming")
    assert read_event(CHUNKS, sse(b'{"error": {"code": "x"}}')) == StreamError(
        "An error occurred during streaming", {"code": "x"}
    )
    assert read_event(CHUNKS, sse(b'"overloaded"', "error")) == StreamError("overloaded", "overloaded")


def test_null_error_field_is_not_an_error() -> None:
    assert error_of({"error": None, "id": "x"}, None) is None
    assert error_of([1, 2], None) is None


def test_invalid_json_is_an_invalid_event() -> None:
    out = read_event(CHUNKS, sse(b'{"id": "c", "choi'))
    assert isinstance(out, StreamError) and out.kind == "invalid" and out.body == '{"id": "c", "choi'


def test_chunk_that_does_not_match_the_type_is_invalid_not_a_crash() -> None:
    out = read_event(StreamDecoder(Chunk), sse(b'{"id": 5, "choices": "no"}'))
    assert isinstance(out, StreamError) and out.kind == "invalid"
    assert out.body == {"id": 5, "choices": "no"}


def test_plain_dict_events() -> None:
    assert read_event(StreamDecoder(dict), sse(b'{"a": [1, 2]}')) == {"a": [1, 2]}


# -- typed -----------------------------------------------------------------------------------


def test_typed_events_decode_by_their_type() -> None:
    data = b'{"type":"response.output_text.delta","delta":"Hi","sequence_number":4,"item_id":"m"}'
    assert read_event(TYPED, sse(data, "response.output_text.delta")) == TextDelta("Hi", 4)


def test_unknown_type_is_a_generic_event_not_a_failure() -> None:
    data = b'{"type":"response.brand_new_thing","sequence_number":9,"stuff":{"a":1}}'
    out = read_event(TYPED, sse(data, "response.brand_new_thing"))
    assert out == UnknownVariant(
        original_type="response.brand_new_thing", data={"type": "response.brand_new_thing", "sequence_number": 9, "stuff": {"a": 1}}
    )


def test_response_failed_with_nested_response_error_is_an_event() -> None:
    # ``response.error`` is part of the failed response, not a stream error: the event is kept.
    data = b'{"type":"response.completed","response":{"id":"r","error":{"message":"x"}}}'
    assert read_event(TYPED, sse(data)) == Completed({"id": "r", "error": {"message": "x"}})


# -- assistant -------------------------------------------------------------------------------


def test_assistant_events_are_keyed_by_the_event_name() -> None:
    assert read_event(ASSISTANT, sse(b'{"id":"msg_1","object":"thread.message"}', "thread.message.created")) == (
        MessageCreated(Message("msg_1"))
    )
    delta = b'{"id":"msg_1","delta":{"content":[{"index":0,"type":"text","text":{"value":"Hi"}}]}}'
    out = read_event(ASSISTANT, sse(delta, "thread.message.delta"))
    assert isinstance(out, MessageDelta) and out.data["id"] == "msg_1"


def test_assistant_done_and_unknown_events() -> None:
    assert read_event(ASSISTANT, sse(b"[DONE]", "done")) is DONE
    out = read_event(ASSISTANT, sse(b'{"id":"x"}', "thread.something.new"))
    assert out == UnknownEventVariant(
        original_type="thread.something.new", data={"event": "thread.something.new", "data": {"id": "x"}}
    )


def test_assistant_run_failure_with_last_error_is_an_event() -> None:
    decoder = StreamDecoder(dict, "assistant")
    data = b'{"id":"run_1","status":"failed","last_error":{"code":"server_error","message":"x"}}'
    assert read_event(decoder, sse(data, "thread.run.failed")) == {
        "event": "thread.run.failed",
        "data": {"id": "run_1", "status": "failed", "last_error": {"code": "server_error", "message": "x"}},
    }


def test_reader_is_reusable_over_a_whole_transcript() -> None:
    reader: EventReader[Any] = EventReader(CHUNKS)
    body = (
        b": comment\n\nretry: 100\n\n"
        b'data: {"id":"a","choices":[]}\n\n'
        b'data: {"id":"b","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n"
    )
    assert [reader(event) for event in decode_sse(body)] == [
        SKIP,
        Chunk("a", []),
        Chunk("b", [Choice(0, Delta(), "stop")]),
        DONE,
    ]
