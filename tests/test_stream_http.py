"""Streams over a real loopback HTTP server that sends slowly, in small chunks; sync, asyncio and trio.

Each scenario runs through the executors (``run`` of a streaming request) exactly as a user
would, so retries before the first byte, timeouts and connection pooling are the real ones.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import anyio
import httpx
import msgspec
import pytest
from returns.result import Failure, Success

import openai_fn as oa
from openai_fn.core.decoders import StreamDecoder
from openai_fn.core.model import BaseModel
from openai_fn.executors.streams import AsyncStream, Stream
from tests.loopback import LoopbackServer, Reply, json_reply

KEY = "sk-test-abcdefghijklmnopqrstuvwxyz"
FAST = oa.RetryPolicy(initial_delay=0.001, max_delay=0.002)


class Delta(BaseModel, frozen=True):
    content: str | None = None


class Choice(BaseModel, frozen=True):
    index: int
    delta: Delta
    finish_reason: str | None = None


class Chunk(BaseModel, frozen=True):
    id: str
    choices: list[Choice]


def chunk_event(i: int, text: str, eol: str = "\n") -> str:
    data = msgspec.json.encode({"id": f"c{i}", "choices": [{"index": 0, "delta": {"content": text}}]}).decode()
    return f"data: {data}{eol}{eol}"


TEXTS = ["Hé", "llo ✓", " wörld", " 𝄞", "!"]
EVENTS = [chunk_event(i, text, "\r\n" if i % 2 else "\n") for i, text in enumerate(TEXTS)]
EXPECTED = [Chunk(id=f"c{i}", choices=[Choice(index=0, delta=Delta(content=text))]) for i, text in enumerate(TEXTS)]
DONE = "data: [DONE]\n\n"


def pieces(texts: Sequence[str], size: int) -> list[bytes]:
    """The body cut every ``size`` bytes: lines, CRLF pairs and UTF-8 characters all get split."""
    body = "".join(texts).encode()
    return [body[i : i + size] for i in range(0, len(body), size)]


def sse(body: list[bytes], *, delay: float = 0.002, drop_after: int | None = None) -> Reply:
    return Reply(
        headers=[("content-type", "text/event-stream"), ("x-request-id", "req_stream")],
        body=body,
        chunk_delay=delay,
        drop_after_chunks=drop_after,
    )


def stream_request(timeout: float | None = None) -> oa.Request[Any]:
    req = oa.make_request("POST", "/chat/completions", body={"model": "m", "stream": True}, stream=True, stream_event_type=Chunk)
    if timeout is not None:
        req = req.with_options(timeout=oa.Timeout(connect=2.0, read=timeout, write=2.0, pool=2.0))
    return req


def error_event(message: str) -> str:
    return "data: " + msgspec.json.encode({"error": {"message": message, "type": "server_error", "code": None}}).decode() + "\n\n"


def sync_stream(client: oa.OpenAI, timeout: float | None = None) -> Stream[Chunk]:
    stream = client.run(stream_request(timeout)).unwrap()
    assert isinstance(stream, Stream)
    return stream  # pyright: ignore[reportUnknownVariableType]


async def async_stream(client: oa.AsyncOpenAI, timeout: float | None = None) -> AsyncStream[Chunk]:
    stream = (await client.run(stream_request(timeout))).unwrap()
    assert isinstance(stream, AsyncStream)
    return stream  # pyright: ignore[reportUnknownVariableType]


# -- events arrive typed, in order, as they are sent ---------------------------------------------


def test_sync_slow_small_chunks(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces([*EVENTS, DONE], 7)))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client, sync_stream(client) as stream:
        assert stream.request_id == "req_stream"
        assert list(stream) == EXPECTED
        assert stream.response.is_closed


@pytest.mark.anyio
async def test_async_slow_small_chunks(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces([*EVENTS, DONE], 7)))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = await async_stream(client)
        async with stream:
            assert stream.request_id == "req_stream"
            assert [event async for event in stream] == EXPECTED
        assert stream.response.is_closed


def test_sync_first_event_arrives_before_the_body_ends(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse([e.encode() for e in [*EVENTS, *EVENTS, DONE]], delay=0.06))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        start = time.monotonic()
        stream = sync_stream(client)
        next(stream)
        first = time.monotonic() - start
        assert list(stream)[-1] == EXPECTED[-1]
        total = time.monotonic() - start
    assert total >= 0.6 and first < total / 2, (first, total)


@pytest.mark.anyio
async def test_async_first_event_arrives_before_the_body_ends(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse([e.encode() for e in [*EVENTS, *EVENTS, DONE]], delay=0.06))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        start = time.monotonic()
        stream = await async_stream(client)
        await anext(stream)
        first = time.monotonic() - start
        assert [event async for event in stream][-1] == EXPECTED[-1]
        total = time.monotonic() - start
    assert total >= 0.6 and first < total / 2, (first, total)


# -- failures end the stream with the typed error, at the point of failure -----------------------

ERROR_BODY = {"message": "The server had an error", "type": "server_error", "code": None}


def test_sync_error_event_raises_after_the_events_before_it(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces([*EVENTS[:2], error_event("The server had an error"), *EVENTS[2:], DONE], 11)))
    got: list[Chunk] = []
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = sync_stream(client)
        with pytest.raises(oa.APIError) as info:
            got.extend(stream)
    assert got == EXPECTED[:2]
    assert type(info.value) is oa.APIError
    assert info.value.body == ERROR_BODY and info.value.type == "server_error"
    assert stream.response.is_closed


@pytest.mark.anyio
async def test_async_error_event_as_results(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces([*EVENTS[:2], error_event("The server had an error"), *EVENTS[2:], DONE], 11)))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = await async_stream(client)
        results = [result async for result in stream.results()]
    assert results[:2] == [Success(EXPECTED[0]), Success(EXPECTED[1])]
    assert len(results) == 3 and isinstance(results[2], Failure)
    error = results[2].failure()
    assert type(error) is oa.APIError and error.body == ERROR_BODY
    assert stream.response.is_closed


def test_sync_dropped_connection_is_a_connection_error_never_retried(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse([e.encode() for e in [*EVENTS, DONE]], drop_after=2))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        results = list(sync_stream(client).results())
    assert results[:2] == [Success(EXPECTED[0]), Success(EXPECTED[1])]
    assert type(results[2].failure()) is oa.APIConnectionError
    assert len(results) == 3 and len(loopback.received) == 1


@pytest.mark.anyio
async def test_async_dropped_connection_raises(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse([e.encode() for e in [*EVENTS, DONE]], drop_after=2))
    got: list[Chunk] = []
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        stream = await async_stream(client)
        with pytest.raises(oa.APIConnectionError) as info:
            async for event in stream:
                got.append(event)
    assert type(info.value) is oa.APIConnectionError
    assert got == EXPECTED[:2] and len(loopback.received) == 1


def test_sync_read_timeout_mid_stream(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(headers=[("content-type", "text/event-stream")], body=[EVENTS[0].encode(), EVENTS[1].encode()], chunk_delay=0.5))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, max_retries=0) as client:
        stream = sync_stream(client, timeout=0.2)
        with pytest.raises(oa.APITimeoutError):
            next(stream)


@pytest.mark.anyio
async def test_async_read_timeout_mid_stream(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(headers=[("content-type", "text/event-stream")], body=[EVENTS[0].encode(), EVENTS[1].encode()], chunk_delay=0.5))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url, max_retries=0) as client:
        stream = await async_stream(client, timeout=0.2)
        results = [result async for result in stream.results()]
    assert len(results) == 1 and type(results[0].failure()) is oa.APITimeoutError


def test_sync_body_ending_without_done_is_a_truncation(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces(EVENTS, 9)))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        results = list(sync_stream(client).results())
    assert [r.unwrap() for r in results[:-1]] == EXPECTED
    assert type(results[-1].failure()) is oa.APIConnectionError


@pytest.mark.anyio
async def test_async_body_cut_inside_an_event_is_a_truncation(loopback: LoopbackServer) -> None:
    cut = "".join([*EVENTS, DONE])
    cut = cut[: cut.index("c4") + 10]  # the server ends the body cleanly, but mid-event
    loopback.enqueue(sse(pieces([cut], 13)))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = await async_stream(client)
        results = [result async for result in stream.results()]
    assert [r.unwrap() for r in results[:-1]] == EXPECTED[:4]
    assert type(results[-1].failure()) is oa.APIConnectionError


def test_sync_status_error_before_the_first_byte_is_retried(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({"error": {"message": "busy", "type": "server_error"}}, 503), sse(pieces([*EVENTS, DONE], 50)))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        assert list(sync_stream(client)) == EXPECTED
    assert len(loopback.received) == 2


@pytest.mark.anyio
async def test_async_status_error_is_a_failure_not_a_stream(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({"error": {"message": "no", "type": "invalid_request_error"}}, 400))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        result = await client.run(stream_request())
    assert isinstance(result, Failure) and type(result.failure()) is oa.BadRequestError


# -- connections: drained and reused after [DONE], closed when abandoned --------------------------

TAIL = [b": trailing comment after the end\n\n"]


def test_sync_connection_is_reused_after_done(loopback: LoopbackServer) -> None:
    body = [*(e.encode() for e in [*EVENTS, DONE]), *TAIL]
    loopback.enqueue(sse(body), sse(body))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        first = sync_stream(client)
        assert list(first) == EXPECTED
        assert list(sync_stream(client)) == EXPECTED
    assert loopback.connections == 1


@pytest.mark.anyio
async def test_async_connection_is_reused_after_done(loopback: LoopbackServer) -> None:
    body = [*(e.encode() for e in [*EVENTS, DONE]), *TAIL]
    loopback.enqueue(sse(body), sse(body))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        for _ in range(2):
            assert [event async for event in await async_stream(client)] == EXPECTED
    assert loopback.connections == 1


def test_sync_abandoned_loop_closes_the_connection(loopback: LoopbackServer) -> None:
    body = [e.encode() for e in [*EVENTS, DONE]]
    loopback.enqueue(sse(body, delay=0.05), sse(body))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = sync_stream(client)
        for _ in stream:
            break
        assert stream.response.is_closed
        assert list(stream) == []  # iterating a closed stream just ends
        assert list(sync_stream(client)) == EXPECTED
    assert loopback.connections == 2


@pytest.mark.anyio
async def test_async_abandoned_loop_closes_the_connection(loopback: LoopbackServer) -> None:
    body = [e.encode() for e in [*EVENTS, DONE]]
    loopback.enqueue(sse(body, delay=0.05), sse(body))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = await async_stream(client)
        async for _ in stream:
            break
        for _ in range(200):  # the abandoned generator is finalized by the event loop, soon after
            if stream.response.is_closed:
                break
            await anyio.sleep(0.005)
        assert stream.response.is_closed
        assert [event async for event in await async_stream(client)] == EXPECTED
    assert loopback.connections == 2


def test_sync_close_mid_iteration_ends_quietly(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse([e.encode() for e in [*EVENTS, DONE]], delay=0.02))
    got: list[Chunk] = []
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = sync_stream(client)
        for event in stream:
            got.append(event)
            stream.close()
    assert got == EXPECTED[:1]


@pytest.mark.anyio
async def test_async_context_manager_closes_early(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse([e.encode() for e in [*EVENTS, DONE]], delay=0.02))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        async with await async_stream(client) as stream:
            assert await anext(stream) == EXPECTED[0]
        assert stream.response.is_closed
        with pytest.raises(StopAsyncIteration):
            await anext(stream)


# -- the stream classes over a plain httpx client --------------------------------------------------


def test_stream_over_a_plain_httpx_client(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces([*EVENTS, DONE], 5)))
    with httpx.Client() as http:
        response = http.send(http.build_request("POST", loopback.base_url + "/chat/completions"), stream=True)
        stream: Stream[Chunk] = Stream(response=response, decoder=StreamDecoder(Chunk))
        assert [r.unwrap() for r in stream.results()] == EXPECTED
        assert "req_stream" in repr(stream)


def test_gzip_encoded_stream_is_decoded(loopback: LoopbackServer) -> None:
    import zlib

    packer = zlib.compressobj(wbits=31)  # gzip framing, flushed per event as a proxy would
    body = [packer.compress(e.encode()) + packer.flush(zlib.Z_SYNC_FLUSH) for e in [*EVENTS, DONE]] + [packer.flush()]
    loopback.enqueue(Reply(headers=[("content-type", "text/event-stream"), ("content-encoding", "gzip")], body=body))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        assert list(sync_stream(client)) == EXPECTED


@pytest.mark.anyio
async def test_async_typed_stream_error_event(loopback: LoopbackServer) -> None:
    events = [
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi","sequence_number":1}\n\n',
        'event: error\ndata: {"type":"error","code":"server_error","message":"Overloaded","param":null,"sequence_number":2}\n\n',
    ]
    loopback.enqueue(sse(pieces(events, 16)))
    request = oa.make_request("POST", "/responses", body={"stream": True}, stream=True, stream_format="typed")
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream: Any = (await client.run(request)).unwrap()
        results = [result async for result in stream.results()]
    assert results[0] == Success({"type": "response.output_text.delta", "delta": "Hi", "sequence_number": 1})
    error = results[1].failure()
    assert type(error) is oa.APIError and error.message == "Overloaded" and error.code == "server_error"
    assert len(results) == 2


# -- audio speech: ``stream_format="sse"`` streams typed events, anything else answers the audio -------------


def speech_events() -> list[str]:
    import base64

    deltas = [base64.b64encode(bytes([i]) * 6).decode() for i in range(3)]
    events = [f'data: {{"type":"speech.audio.delta","audio":"{audio}"}}\n\n' for audio in deltas]
    usage = '{"input_tokens":14,"output_tokens":101,"total_tokens":115}'
    return [*events, f'data: {{"type":"speech.audio.done","usage":{usage}}}\n\n']


def check_speech_events(events: Sequence[Any]) -> None:
    import base64

    from openai_fn.types import SpeechAudioDeltaEvent, SpeechAudioDoneEvent

    assert [type(event) for event in events] == [*[SpeechAudioDeltaEvent] * 3, SpeechAudioDoneEvent]
    audio = b"".join(base64.b64decode(event.audio) for event in events[:3])
    assert audio == b"\x00" * 6 + b"\x01" * 6 + b"\x02" * 6
    assert events[3].usage.total_tokens == 115


def test_sync_speech_sse_stream(loopback: LoopbackServer) -> None:
    from tests.loopback import sse_reply

    # the builder's events, slowly, one event split over several chunks
    loopback.enqueue(sse(pieces(speech_events(), 9)))
    loopback.enqueue(sse_reply(speech_events()))
    loopback.enqueue(Reply(headers=[("content-type", "audio/mpeg")], body=b"ID3-mp3-bytes"))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        with client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hi", stream_format="sse").unwrap() as stream:
            assert isinstance(stream, Stream)
            check_speech_events(list(stream))
        assert stream.response.is_closed
        from openai_fn.endpoints.audio import speech

        request = speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hi", stream_format="sse")
        check_speech_events(list(client.run(request).unwrap()))
        audio = client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hi", stream_format="audio").unwrap()
        assert audio == b"ID3-mp3-bytes" and audio.content_type == "audio/mpeg"
    bodies = [received.json() for received in loopback.received]
    assert [body["stream_format"] for body in bodies] == ["sse", "sse", "audio"]
    assert {received.path for received in loopback.received} == {"/v1/audio/speech"}


@pytest.mark.anyio
async def test_async_speech_sse_stream(loopback: LoopbackServer) -> None:
    loopback.enqueue(sse(pieces(speech_events(), 5)))
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        stream = (await client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hi", stream_format="sse")).unwrap()
        assert isinstance(stream, AsyncStream)
        async with stream:
            check_speech_events([event async for event in stream])
        assert stream.response.is_closed
    assert loopback.received[0].json()["stream_format"] == "sse"
