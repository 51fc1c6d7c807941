"""File uploads over a real loopback server: the server parses and checks every part it receives."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from returns.result import Failure

from openai_fn.core.errors import APIConnectionError, InternalServerError
from openai_fn.core.request import MultipartBody, Request, make_request
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.sync import OpenAI
from tests.loopback import LoopbackServer, Received, Reply, json_reply
from tests.multipart_parse import Part, parse_multipart

FILE_OBJECT = {"id": "file-1", "object": "file", "bytes": 3, "created_at": 0, "filename": "x", "purpose": "batch"}


def parts_of(received: Received) -> list[Part]:
    assert received.method == "POST"
    return parse_multipart(received.headers["content-type"], received.body)


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=2) as c:
        yield c


def test_every_file_form_arrives_as_its_parts(client: OpenAI, loopback: LoopbackServer, tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"prompt": 1}\n')
    loopback.enqueue(json_reply(FILE_OBJECT))
    with open(path, "rb") as handle:
        request: Request[dict[str, Any]] = make_request(
            "POST",
            "/uploads/test",
            body={"purpose": "fine-tune", "expires_after": {"anchor": "created_at", "seconds": 3600},
                  "include": ["x", "y"]},
            files={
                "path": path,
                "handle": handle,
                "bytes": b"raw bytes",
                "tuple": ("notes.md", b"# hi", "text/markdown"),
                "many": [("a.png", b"A"), ("b.png", b"B")],
            },
        )
        assert client.run(request).unwrap()["id"] == "file-1"
    (received,) = loopback.received
    assert received.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert int(received.headers["content-length"]) == len(received.body)
    assert parts_of(received) == [
        Part("purpose", None, None, b"fine-tune"),
        Part("expires_after[anchor]", None, None, b"created_at"),
        Part("expires_after[seconds]", None, None, b"3600"),
        Part("include[]", None, None, b"x"),
        Part("include[]", None, None, b"y"),
        Part("path", "train.jsonl", "application/octet-stream", b'{"prompt": 1}\n'),
        Part("handle", "train.jsonl", "application/octet-stream", b'{"prompt": 1}\n'),
        Part("bytes", "upload", "application/octet-stream", b"raw bytes"),
        Part("tuple", "notes.md", "text/markdown", b"# hi"),
        Part("many[]", "a.png", "image/png", b"A"),
        Part("many[]", "b.png", "image/png", b"B"),
    ]


def test_a_retried_upload_sends_the_same_parts_again(client: OpenAI, loopback: LoopbackServer) -> None:
    handle = io.BytesIO(b"seekable contents")
    loopback.enqueue(Reply(status=500, headers=[("retry-after-ms", "1")], body=b"{}"), json_reply(FILE_OBJECT))
    request: Request[dict[str, Any]] = make_request(
        "POST", "/files", body={"purpose": "batch"}, files={"file": ("b.jsonl", handle)}
    )
    assert client.run(request).unwrap()["id"] == "file-1"
    first, second = loopback.received
    assert parts_of(first) == parts_of(second)
    assert parts_of(second)[1].content == b"seekable contents"


def test_a_one_shot_stream_is_never_retried(client: OpenAI, loopback: LoopbackServer) -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self._data = io.BytesIO(b"only once")

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def read(self, size: int = -1) -> bytes:
            return self._data.read(size)

    loopback.enqueue(Reply(status=500, body=b"{}"), json_reply(FILE_OBJECT))
    request = make_request("POST", "/files", body={"purpose": "batch"}, files={"file": ("p.txt", Pipe())})
    result = client.run(request)
    assert isinstance(result, Failure) and isinstance(result.failure(), InternalServerError)
    (received,) = loopback.received
    assert parts_of(received)[1].content == b"only once"


def test_a_big_file_is_streamed_and_arrives_whole(
    client: OpenAI, loopback: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_fn.executors import bodies

    sent: list[object] = []
    original = bodies.sync_multipart

    def spy(body: MultipartBody, **kwargs: Any) -> tuple[bytes | Iterable[bytes], str]:
        content, header = original(body, **kwargs)
        sent.append(content)
        return content, header

    monkeypatch.setattr(bodies, "BUFFER_LIMIT", 50_000)
    monkeypatch.setattr(bodies, "sync_multipart", spy)
    data = os.urandom(400_000)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    loopback.enqueue(json_reply(FILE_OBJECT))
    client.run(make_request("POST", "/files", body={"purpose": "batch"}, files={"file": path})).unwrap()
    (received,) = loopback.received
    assert parts_of(received)[1] == Part("file", "big.bin", "application/octet-stream", data)
    assert [type(content) for content in sent] == [bodies.StreamedBody]


def test_a_missing_path_is_a_clear_error_not_a_send(client: OpenAI, loopback: LoopbackServer, tmp_path: Path) -> None:
    request = make_request("POST", "/files", files={"file": tmp_path / "nope.jsonl"})
    with pytest.raises(FileNotFoundError):
        client.run(request)
    assert loopback.received == []


@pytest.mark.anyio
async def test_async_upload_of_every_form(loopback: LoopbackServer, tmp_path: Path) -> None:
    path = tmp_path / "speech.mp3"
    path.write_bytes(b"ID3 audio")
    loopback.enqueue(Reply(status=502, headers=[("retry-after-ms", "1")], body=b"{}"), json_reply({"text": "hi"}))
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=1) as client:
        request = make_request(
            "POST",
            "/audio/transcriptions",
            body={"model": "whisper-1", "timestamp_granularities": ["word"]},
            files={"file": path, "prompt_file": ("p.txt", io.BytesIO(b"context"))},
        )
        result = await client.run(request)
    assert result.unwrap() == {"text": "hi"}
    first, second = loopback.received
    assert parts_of(first) == parts_of(second) == [
        Part("model", None, None, b"whisper-1"),
        Part("timestamp_granularities[]", None, None, b"word"),
        Part("file", "speech.mp3", "audio/mpeg", b"ID3 audio"),
        Part("prompt_file", "p.txt", "text/plain", b"context"),
    ]


@pytest.mark.anyio
async def test_async_connection_drop_while_uploading_is_a_failure(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(drop=True))
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        result = await client.run(make_request("POST", "/files", files={"file": b"x"}))
    assert isinstance(result, Failure) and isinstance(result.failure(), APIConnectionError)
