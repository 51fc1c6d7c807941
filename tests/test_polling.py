"""Polling: the pure decision, and polls over a real loopback server whose object changes status."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from returns.result import Failure, Success

from openai_fn.core.errors import NotFoundError
from openai_fn.core.request import Request, make_request
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.sync import OpenAI
from openai_fn.helpers.effects import drive_async, drive_sync
from openai_fn.helpers.polling import (
    BATCH_TERMINAL,
    Finish,
    GiveUp,
    PollTimeoutError,
    Wait,
    decide,
    poll,
    poll_program,
    run_then_poll,
    status_in,
)
from tests.loopback import LoopbackServer, Received, Reply, json_reply

# --- the pure decision ----------------------------------------------------------------------------


def test_decide_finishes_on_a_terminal_status() -> None:
    assert decide(True, headers={}, interval=None, elapsed=99.0, max_wait=1.0) == Finish()


def test_decide_waits_the_explicit_interval_over_the_servers_hint() -> None:
    headers = {"openai-poll-after-ms": "250"}
    assert decide(False, headers=headers, interval=2.0, elapsed=0.0, max_wait=None) == Wait(2.0)
    assert decide(False, headers=headers, interval=None, elapsed=0.0, max_wait=None) == Wait(0.25)
    assert decide(False, headers={}, interval=None, elapsed=0.0, max_wait=None) == Wait(1.0)


@pytest.mark.parametrize("hint", ["soon", "-5", "nan", "inf", ""])
def test_decide_ignores_a_garbage_hint(hint: str) -> None:
    assert decide(False, headers={"openai-poll-after-ms": hint}, interval=None, elapsed=0, max_wait=None) == Wait(1.0)


def test_decide_never_sleeps_past_the_deadline_and_then_gives_up() -> None:
    assert decide(False, headers={}, interval=5.0, elapsed=8.0, max_wait=10.0) == Wait(2.0)
    assert decide(False, headers={}, interval=5.0, elapsed=10.0, max_wait=10.0) == GiveUp()
    assert decide(False, headers={}, interval=5.0, elapsed=0.0, max_wait=0.0) == GiveUp()


def test_status_in_reads_attributes_and_keys() -> None:
    class Obj:
        status = "completed"

    done = status_in(BATCH_TERMINAL)
    assert done(Obj()) and done({"status": "failed"})
    assert not done({"status": "in_progress"}) and not done({})


def test_bad_timings_are_refused_before_anything_is_sent() -> None:
    program = poll_program(make_request("GET", "/x"), status_in({"done"}), max_wait=-1)
    with pytest.raises(ValueError, match="max_wait"):
        next(program)


# --- over the wire --------------------------------------------------------------------------------


def status_script(statuses: list[str], hint_ms: str | None = None) -> Any:
    """Each GET answers the next status; the last one repeats."""
    calls = iter(range(10_000))

    def handle(received: Received) -> Reply:
        index = min(next(calls), len(statuses) - 1)
        headers = [("openai-poll-after-ms", hint_ms)] if hint_ms is not None else []
        return json_reply({"id": "batch_1", "status": statuses[index]}, headers=headers)

    return handle


def retrieve() -> Request[dict[str, Any]]:
    return make_request("GET", "/batches/batch_1")


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as c:
        yield c


class FakeTime:
    """A clock that only moves when slept, so waits can be checked exactly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def clock(self) -> float:
        return self.now


def test_poll_follows_status_changes_and_the_servers_hint(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = status_script(["validating", "in_progress", "finalizing", "completed"], hint_ms="1500")
    fake = FakeTime()
    program = poll_program(retrieve(), status_in(BATCH_TERMINAL))
    result = drive_sync(client, program, sleep=fake.sleep, clock=fake.clock)
    assert result == Success({"id": "batch_1", "status": "completed"})
    assert fake.sleeps == [1.5, 1.5, 1.5]
    assert len(loopback.received) == 4
    assert all(r.headers["x-stainless-poll-helper"] == "true" for r in loopback.received)
    assert "x-stainless-custom-poll-interval" not in loopback.received[0].headers


def test_an_explicit_interval_wins_and_is_announced(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = status_script(["in_progress", "completed"], hint_ms="1500")
    fake = FakeTime()
    program = poll_program(retrieve(), status_in(BATCH_TERMINAL), poll_interval=0.2)
    assert isinstance(drive_sync(client, program, sleep=fake.sleep, clock=fake.clock), Success)
    assert fake.sleeps == [0.2]
    assert loopback.received[0].headers["x-stainless-custom-poll-interval"] == "200"


def test_max_wait_gives_up_with_the_last_value(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = status_script(["in_progress"])
    fake = FakeTime()
    program = poll_program(retrieve(), status_in(BATCH_TERMINAL), poll_interval=4.0, max_wait=10.0)
    result = drive_sync(client, program, sleep=fake.sleep, clock=fake.clock)
    assert isinstance(result, Failure)
    error = result.failure()
    assert isinstance(error, PollTimeoutError)
    assert error.last == {"id": "batch_1", "status": "in_progress"}
    assert "'in_progress'" in error.message
    assert fake.sleeps == [4.0, 4.0, 2.0]
    assert len(loopback.received) == 4  # the last look is at the deadline


def test_a_failed_retrieve_ends_polling_with_its_typed_error(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.enqueue(
        json_reply({"id": "batch_1", "status": "in_progress"}),
        json_reply({"error": {"message": "gone", "type": "invalid_request_error"}}, 404),
    )
    result = poll(client, retrieve(), until=BATCH_TERMINAL, poll_interval=0)
    assert isinstance(result, Failure) and isinstance(result.failure(), NotFoundError)
    assert len(loopback.received) == 2


def test_poll_in_real_time_honours_the_hint(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = status_script(["queued", "in_progress", "completed"], hint_ms="60")
    started = time.monotonic()
    result = poll(client, retrieve(), until={"completed", "failed"})
    elapsed = time.monotonic() - started
    assert result.unwrap()["status"] == "completed"
    assert 0.11 <= elapsed < 1.0


def test_run_then_poll_creates_then_polls_what_it_made(client: OpenAI, loopback: LoopbackServer) -> None:
    statuses = iter(["in_progress", "completed"])

    def handle(received: Received) -> Reply:
        if received.method == "POST":
            return json_reply({"id": "vsf_9", "status": "in_progress"})
        return json_reply({"id": "vsf_9", "status": next(statuses)})

    loopback.handler = handle
    create: Request[dict[str, Any]] = make_request("POST", "/vector_stores/vs_1/files", body={"file_id": "file-9"})
    result = run_then_poll(
        client,
        create,
        lambda made: make_request("GET", f"/vector_stores/vs_1/files/{made['id']}"),
        until={"completed", "failed", "cancelled"},
        poll_interval=0.01,
    )
    assert result == Success({"id": "vsf_9", "status": "completed"})
    assert [(r.method, r.path) for r in loopback.received] == [
        ("POST", "/v1/vector_stores/vs_1/files"),
        ("GET", "/v1/vector_stores/vs_1/files/vsf_9"),
        ("GET", "/v1/vector_stores/vs_1/files/vsf_9"),
    ]


def test_run_then_poll_stops_when_the_create_fails(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({"error": {"message": "no", "type": "invalid_request_error"}}, 404))
    result = run_then_poll(client, make_request("POST", "/batches", body={}), lambda _: retrieve(),
                           until=BATCH_TERMINAL)
    assert isinstance(result, Failure) and isinstance(result.failure(), NotFoundError)
    assert len(loopback.received) == 1


@pytest.mark.anyio
async def test_async_poll_shares_the_decisions(loopback: LoopbackServer) -> None:
    loopback.handler = status_script(["validating", "in_progress", "completed"], hint_ms="700")
    fake = FakeTime()
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        program = poll_program(retrieve(), status_in(BATCH_TERMINAL))
        result = await drive_async(client, program, sleep=fake.asleep, clock=fake.clock)
        assert result.unwrap()["status"] == "completed"
        assert fake.sleeps == [0.7, 0.7]

        loopback.reset()
        loopback.handler = status_script(["in_progress", "completed"], hint_ms="30")
        started = anyio.current_time()
        assert (await poll(client, retrieve(), until=BATCH_TERMINAL)).unwrap()["status"] == "completed"
        assert 0.025 <= anyio.current_time() - started < 1.0

        loopback.reset()
        loopback.handler = status_script(["in_progress"])
        timed_out = await poll(client, retrieve(), until=BATCH_TERMINAL, poll_interval=0.02, max_wait=0.05)
        assert isinstance(timed_out, Failure) and isinstance(timed_out.failure(), PollTimeoutError)
