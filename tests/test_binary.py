"""Binary answers over a real loopback server: whole as bytes, or streamed to a file chunk by chunk."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from returns.result import Failure, Success

from openai_fn.core.binary import BinaryContent
from openai_fn.core.errors import APIConnectionError, NotFoundError
from openai_fn.core.request import Request, make_request
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.downloads import async_download, async_stream_to_file, download, stream_to_file
from openai_fn.executors.sync import OpenAI
from tests.loopback import LoopbackServer, Reply, json_reply

CHUNK = 64 * 1024


def content_request() -> Request[Any]:
    return make_request("GET", "/files/file-abc/content", cast_to=bytes)


def binary_reply(chunks: list[bytes], **kwargs: Any) -> Reply:
    return Reply(headers=[("content-type", "application/octet-stream"), ("x-request-id", "req-bin")], body=chunks,
                 **kwargs)


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as c:
        yield c


def test_run_gives_bytes_that_can_write_themselves(client: OpenAI, loopback: LoopbackServer, tmp_path: Path) -> None:
    data = os.urandom(100_000)
    loopback.enqueue(Reply(headers=[("content-type", "audio/mpeg"), ("x-request-id", "req-1")], body=data))
    request = make_request("POST", "/audio/speech", body={"model": "tts-1", "input": "hi", "voice": "alloy"},
                           cast_to=bytes)
    content = client.run(request).unwrap()
    assert isinstance(content, BinaryContent)
    assert content == data
    assert (content.content_type, content._request_id) == ("audio/mpeg", "req-1")
    content.write_to_file(tmp_path / "speech.mp3")
    assert (tmp_path / "speech.mp3").read_bytes() == data


def test_download_streams_to_a_file(client: OpenAI, loopback: LoopbackServer, tmp_path: Path) -> None:
    chunks = [os.urandom(CHUNK) for _ in range(8)]
    loopback.enqueue(binary_reply(chunks))
    target = tmp_path / "out.bin"
    assert download(client, content_request(), target) == Success(target)
    assert target.read_bytes() == b"".join(chunks)
    assert os.listdir(tmp_path) == ["out.bin"]


def test_download_does_not_hold_the_body_in_memory(client: OpenAI, loopback: LoopbackServer, tmp_path: Path) -> None:
    size = 24 * 1024 * 1024
    chunk = b"\xab" * CHUNK
    loopback.enqueue(binary_reply([chunk] * (size // CHUNK)))
    target = tmp_path / "video.mp4"
    tracemalloc.start()
    try:
        result = download(client, content_request(), target)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result == Success(target)
    assert target.stat().st_size == size
    assert peak < size / 8, f"peak {peak} bytes for a {size}-byte body"


def test_a_cut_connection_is_a_failure_and_leaves_no_file(
    client: OpenAI, loopback: LoopbackServer, tmp_path: Path
) -> None:
    loopback.enqueue(binary_reply([b"a" * CHUNK] * 4, drop_after_chunks=2))
    target = tmp_path / "partial.bin"
    result = download(client, content_request(), target)
    assert isinstance(result, Failure) and isinstance(result.failure(), APIConnectionError)
    assert os.listdir(tmp_path) == []


def test_an_error_status_is_a_failure_and_writes_nothing(
    client: OpenAI, loopback: LoopbackServer, tmp_path: Path
) -> None:
    loopback.enqueue(json_reply({"error": {"message": "No such file", "type": "invalid_request_error"}}, 404))
    result = download(client, content_request(), tmp_path / "x.bin")
    assert isinstance(result, Failure) and isinstance(result.failure(), NotFoundError)
    assert os.listdir(tmp_path) == []


def test_stream_to_file_from_an_open_response(client: OpenAI, loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.enqueue(binary_reply([b"one", b"two", b"three"]))
    with client.open(content_request()) as opened:
        response = opened.unwrap()
        assert response.request_id == "req-bin"
        assert stream_to_file(response, tmp_path / "f.txt", chunk_size=2) == Success(tmp_path / "f.txt")
    assert (tmp_path / "f.txt").read_bytes() == b"onetwothree"


def test_an_existing_file_is_replaced_only_when_the_download_completes(
    client: OpenAI, loopback: LoopbackServer, tmp_path: Path
) -> None:
    target = tmp_path / "keep.bin"
    target.write_bytes(b"previous")
    loopback.enqueue(binary_reply([b"x" * CHUNK] * 3, drop_after_chunks=1))
    assert isinstance(download(client, content_request(), target), Failure)
    assert target.read_bytes() == b"previous"
    loopback.enqueue(binary_reply([b"new"]))
    assert download(client, content_request(), target) == Success(target)
    assert target.read_bytes() == b"new"


@pytest.mark.anyio
async def test_async_download_and_stream_to_file(loopback: LoopbackServer, tmp_path: Path) -> None:
    chunks = [os.urandom(CHUNK) for _ in range(5)]
    loopback.enqueue(binary_reply(chunks), binary_reply([b"a", b"b"]), binary_reply([b"z" * CHUNK] * 4,
                                                                                      drop_after_chunks=2))
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        target = tmp_path / "a.bin"
        assert await async_download(client, content_request(), target) == Success(target)
        assert target.read_bytes() == b"".join(chunks)

        async with client.open(content_request()) as opened:
            result = await async_stream_to_file(opened.unwrap(), tmp_path / "b.bin")
        assert result == Success(tmp_path / "b.bin")
        assert (tmp_path / "b.bin").read_bytes() == b"ab"

        cut = await async_download(client, content_request(), tmp_path / "c.bin")
        assert isinstance(cut, Failure) and isinstance(cut.failure(), APIConnectionError)
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "b.bin"]
