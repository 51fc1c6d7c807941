"""Bulk uploads, attach and poll over a real loopback server: concurrency, first failure, nothing silently left."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from returns.result import Failure, Success

from openai_fn.core.errors import BadRequestError, RateLimitError
from openai_fn.core.request import Request, make_request
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.sync import OpenAI
from openai_fn.helpers.effects import drive_async, drive_sync
from openai_fn.helpers.uploads import (
    UploadIncompleteError,
    bulk_upload_program,
    file_batch_done,
    upload_and_attach_program,
)
from tests.loopback import LoopbackServer, Received, Reply, json_reply
from tests.multipart_parse import parse_multipart


def upload(name: str) -> Request[dict[str, Any]]:
    return make_request("POST", "/files", body={"purpose": "assistants"}, files={"file": (name, b"data " + name.encode())})


def attach(file_ids: list[str]) -> Request[dict[str, Any]]:
    return make_request("POST", "/vector_stores/vs_1/file_batches", body={"file_ids": file_ids})


def retrieve(batch: dict[str, Any]) -> Request[dict[str, Any]]:
    return make_request("GET", f"/vector_stores/vs_1/file_batches/{batch['id']}")


def store_server(*, fail: frozenset[str] | set[str] = frozenset(), fail_attach: bool = False, delay: float = 0.0,
                 polls_in_progress: int = 1) -> Callable[[Received], Reply]:
    """Files get id ``file-<name>``; a named file in ``fail`` is refused; the batch finishes after some polls."""
    polls = iter(range(10_000))

    def handle(received: Received) -> Reply:
        if received.method == "POST" and received.path == "/v1/files":
            part = parse_multipart(received.headers["content-type"], received.body)[1]
            if part.filename in fail:
                return json_reply({"error": {"message": f"bad file {part.filename}", "type": "invalid_request_error"}},
                                  400)
            return Reply(delay=delay, body=b'{"id": "file-%s", "object": "file"}' % (part.filename or "").encode())
        if received.method == "POST":
            if fail_attach:
                return json_reply({"error": {"message": "slow down", "type": "requests"}}, 429)
            ids = received.json()["file_ids"]
            return json_reply({"id": "vsfb_1", "status": "in_progress",
                               "file_counts": {"in_progress": len(ids), "completed": 0}})
        in_progress = 1 if next(polls) < polls_in_progress else 0
        return json_reply({"id": "vsfb_1", "status": "in_progress" if in_progress else "completed",
                           "file_counts": {"in_progress": in_progress, "completed": 3}})

    return handle


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as c:
        yield c


def uploaded_names(loopback: LoopbackServer) -> list[str | None]:
    return [parse_multipart(r.headers["content-type"], r.body)[1].filename
            for r in loopback.received if r.path == "/v1/files"]


def test_bulk_upload_returns_every_file_in_order(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = store_server()
    names = [f"f{n}.txt" for n in range(5)]
    result = drive_sync(client, bulk_upload_program([upload(n) for n in names], max_concurrency=3))
    assert result == Success([{"id": f"file-{n}", "object": "file"} for n in names])
    assert sorted(uploaded_names(loopback), key=str) == names


def test_bulk_upload_runs_at_most_max_concurrency_at_once(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = store_server(delay=0.2)
    requests = [upload(f"f{n}.txt") for n in range(6)]
    started = time.monotonic()
    assert isinstance(drive_sync(client, bulk_upload_program(requests, max_concurrency=2)), Success)
    elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 1.1  # three rounds of two: never more than two at once, and never one by one


def test_the_first_failure_stops_new_uploads_and_names_what_was_left(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = store_server(fail={"c.txt"})
    names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]
    result = drive_sync(client, bulk_upload_program([upload(n) for n in names], max_concurrency=1))
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, UploadIncompleteError)
    assert isinstance(error.cause, BadRequestError) and error.__cause__ is error.cause
    assert error.uploaded_file_ids == ("file-a.txt", "file-b.txt")
    assert error.not_started == 2
    assert "file-a.txt, file-b.txt" in error.message and "bad file c.txt" in error.message
    assert uploaded_names(loopback) == ["a.txt", "b.txt", "c.txt"]


def test_when_nothing_was_uploaded_the_failure_is_the_original_error(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = store_server(fail={"a.txt"})
    result = drive_sync(client, bulk_upload_program([upload("a.txt"), upload("b.txt")], max_concurrency=1))
    assert isinstance(result, Failure) and isinstance(result.failure(), BadRequestError)


def test_bad_concurrency_is_refused(client: OpenAI) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        drive_sync(client, bulk_upload_program([upload("a")], max_concurrency=0))


def test_upload_attach_and_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = store_server(polls_in_progress=2)
    program = upload_and_attach_program(
        [upload("a.txt"), upload("b.txt")], attach, retrieve, file_batch_done, poll_interval=0.01
    )
    result = drive_sync(client, program)
    assert result.unwrap()["file_counts"] == {"in_progress": 0, "completed": 3}
    attach_request = next(r for r in loopback.received if r.path == "/v1/vector_stores/vs_1/file_batches")
    assert attach_request.json() == {"file_ids": ["file-a.txt", "file-b.txt"]}
    assert [r.method for r in loopback.received].count("GET") == 3


def test_a_failed_attach_says_which_uploads_are_left(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = store_server(fail_attach=True)
    program = upload_and_attach_program([upload("a.txt"), upload("b.txt")], attach, retrieve, file_batch_done)
    result = drive_sync(client, program)
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, UploadIncompleteError) and isinstance(error.cause, RateLimitError)
    assert error.uploaded_file_ids == ("file-a.txt", "file-b.txt")


def test_file_batch_done_reads_counts_or_status() -> None:
    assert file_batch_done({"file_counts": {"in_progress": 0}})
    assert not file_batch_done({"file_counts": {"in_progress": 2}})
    assert file_batch_done({"status": "cancelled"})


@pytest.mark.anyio
async def test_async_bulk_upload_first_failure_and_attach(loopback: LoopbackServer) -> None:
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        loopback.handler = store_server(delay=0.2)
        started = time.monotonic()
        ok = await drive_async(client, bulk_upload_program([upload(f"f{n}") for n in range(4)], max_concurrency=2))
        assert 0.4 <= time.monotonic() - started < 0.75
        assert [f["id"] for f in ok.unwrap()] == [f"file-f{n}" for n in range(4)]

        loopback.reset()
        loopback.handler = store_server(fail={"b"})
        failed = await drive_async(
            client, bulk_upload_program([upload(n) for n in ["a", "b", "c"]], max_concurrency=1)
        )
        assert isinstance(failed, Failure)
        error = failed.failure()
        assert isinstance(error, UploadIncompleteError)
        assert (error.uploaded_file_ids, error.not_started) == (("file-a",), 1)

        loopback.reset()
        loopback.handler = store_server(polls_in_progress=1)
        program = upload_and_attach_program([upload("x")], attach, retrieve, file_batch_done, poll_interval=0.01)
        assert (await drive_async(client, program)).unwrap()["status"] == "completed"
