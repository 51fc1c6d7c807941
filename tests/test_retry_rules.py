"""The retry rules of DESIGN.md §3 as pure functions, and the engine that applies them."""

from __future__ import annotations

import email.utils
from typing import Any

import msgspec
import pytest
from returns.result import Failure, Success

from openai_fn.core.config import ClientConfig
from openai_fn.core.engine import Finished, NeedCredential, Raised, Received, Send, Sleep, attempts
from openai_fn.core.errors import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    MissingCredentialsError,
    RateLimitError,
)
from openai_fn.core.policies import RetryPolicy
from openai_fn.core.request import RawBody, make_request
from openai_fn.core.retry import backoff, parse_retry_after, retry_delay, should_retry_status

POLICY = RetryPolicy()


@pytest.mark.parametrize(
    ("status", "expected"),
    [(400, False), (401, False), (404, False), (408, True), (409, True), (422, False), (429, True), (500, True), (503, True)],
)
def test_status_rule(status: int, expected: bool) -> None:
    assert should_retry_status(POLICY, status, {}) is expected


def test_x_should_retry_overrides_the_status_rule() -> None:
    assert should_retry_status(POLICY, 400, {"x-should-retry": "true"}) is True
    assert should_retry_status(POLICY, 503, {"x-should-retry": "false"}) is False


def test_insufficient_quota_is_never_retried() -> None:
    body = {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}
    assert should_retry_status(POLICY, 429, {}, body) is False
    assert should_retry_status(POLICY, 429, {"x-should-retry": "true"}, body) is False
    assert should_retry_status(POLICY, 429, {}, {"type": "rate_limit_error", "code": "insufficient_quota"}) is False
    assert should_retry_status(POLICY, 429, {}, {"type": "requests"}) is True


def test_policy_fields_change_the_rules() -> None:
    policy = RetryPolicy(retry_statuses=frozenset({418}), retry_server_errors=False)
    assert should_retry_status(policy, 418, {}) is True
    assert should_retry_status(policy, 500, {}) is False
    assert should_retry_status(policy, 429, {}) is False


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "junk", "retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "2.5"}) == 2.5
    date = email.utils.formatdate(1_000_030.0, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=lambda: 1_000_000.0) == 30.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_asked_delay_is_honoured_exactly_up_to_the_cap() -> None:
    assert retry_delay(POLICY, 0, {"retry-after": "7"}, rand=0.9) == 7.0
    assert retry_delay(POLICY, 0, {"retry-after": "120"}, rand=0.9) == 120.0
    assert retry_delay(POLICY, 0, {"retry-after-ms": "250"}, rand=0.9) == 0.25


def test_longer_than_the_cap_means_no_retry() -> None:
    assert retry_delay(POLICY, 0, {"retry-after": "121"}, rand=0.0) is None
    assert retry_delay(RetryPolicy(max_retry_after=300), 0, {"retry-after": "200"}, rand=0.0) == 200.0


@pytest.mark.parametrize("value", ["0", "-3", "garbage"])
def test_zero_negative_or_garbage_falls_back_to_backoff(value: str) -> None:
    assert retry_delay(POLICY, 1, {"retry-after": value}, rand=0.0) == 1.0


def test_backoff_formula() -> None:
    assert [backoff(POLICY, n, rand=0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert backoff(POLICY, 0, rand=1.0) == pytest.approx(0.375)
    assert backoff(RetryPolicy(initial_delay=1.0, max_delay=3.0, jitter=0.0), 5, rand=0.7) == 3.0


class FakeResponse(msgspec.Struct):
    status_code: int
    headers: dict[str, str] = {}
    content: bytes = b""


def drive(request: Any, config: ClientConfig, outcomes: list[Any], credential: Any = "sk-x") -> tuple[Finished, list[Any]]:
    """Run the engine with scripted outcomes; return what it finished with and every step it asked for."""
    plan = attempts(request, config, rand=lambda: 0.0)
    steps: list[Any] = []
    step = next(plan)
    try:
        while True:
            steps.append(step)
            if isinstance(step, NeedCredential):
                step = plan.send(credential() if callable(credential) else credential)
            elif isinstance(step, Send):
                step = plan.send(outcomes.pop(0))
            else:
                step = next(plan)
    except StopIteration as stop:
        return stop.value, steps


CONFIG = ClientConfig(credential="sk-x", base_url="https://example.test/v1")
REQUEST = make_request("POST", "/things", body={"a": 1})


def test_engine_retries_then_succeeds_with_one_idempotency_key() -> None:
    ok = FakeResponse(200, content=b"{}")
    finished, steps = drive(REQUEST, CONFIG, [Received(FakeResponse(500)), Received(FakeResponse(429)), Received(ok)])
    assert finished == Finished(Success(ok), retries_taken=2)
    sends = [s for s in steps if isinstance(s, Send)]
    assert [dict(s.wire.headers)["x-stainless-retry-count"] for s in sends] == ["0", "1", "2"]
    keys = {dict(s.wire.headers)["idempotency-key"] for s in sends}
    assert len(keys) == 1
    assert [s.seconds for s in steps if isinstance(s, Sleep)] == [0.5, 1.0]


def test_engine_stops_after_max_retries_with_the_typed_error() -> None:
    outcomes = [Received(FakeResponse(503, content=b'{"error": {"message": "down", "type": "server_error"}}'))] * 3
    finished, _ = drive(REQUEST, CONFIG, outcomes)
    assert isinstance(finished.result, Failure)
    error = finished.result.failure()
    assert isinstance(error, InternalServerError)
    assert error.body == {"message": "down", "type": "server_error"}
    assert error.type == "server_error"
    assert finished.retries_taken == 2


def test_engine_respects_per_request_max_retries() -> None:
    finished, steps = drive(REQUEST.with_options(max_retries=0), CONFIG, [Received(FakeResponse(500))])
    assert finished.retries_taken == 0
    assert not [s for s in steps if isinstance(s, Sleep)]


def test_engine_retries_connection_errors_and_timeouts() -> None:
    ok = FakeResponse(200)
    finished, _ = drive(REQUEST, CONFIG, [Raised(APIConnectionError()), Raised(APITimeoutError()), Received(ok)])
    assert finished.result == Success(ok)
    finished, _ = drive(REQUEST, CONFIG, [Raised(APITimeoutError())] * 3)
    assert isinstance(finished.result.failure(), APITimeoutError)


def test_engine_never_retries_a_body_it_cannot_replay() -> None:
    one_shot = make_request("POST", "/upload", body=None).with_options()
    one_shot = msgspec.structs.replace(one_shot, body=RawBody(iter([b"chunk"])))
    finished, steps = drive(one_shot, CONFIG, [Received(FakeResponse(500))])
    assert isinstance(finished.result.failure(), InternalServerError)
    assert finished.retries_taken == 0
    assert len([s for s in steps if isinstance(s, Send)]) == 1


def test_engine_gives_up_when_the_server_asks_for_too_long() -> None:
    finished, steps = drive(REQUEST, CONFIG, [Received(FakeResponse(429, headers={"retry-after": "3600"}))])
    assert isinstance(finished.result.failure(), RateLimitError)
    assert not [s for s in steps if isinstance(s, Sleep)]


def test_engine_reads_the_credential_before_every_attempt() -> None:
    keys = iter(["sk-first", "sk-second"])
    _, steps = drive(REQUEST, CONFIG, [Received(FakeResponse(500)), Received(FakeResponse(200))], credential=lambda: next(keys))
    sends = [s for s in steps if isinstance(s, Send)]
    assert [dict(s.wire.headers)["authorization"] for s in sends] == ["Bearer sk-first", "Bearer sk-second"]


def test_engine_missing_credential_sends_nothing() -> None:
    finished, steps = drive(REQUEST, CONFIG, [], credential=None)
    assert isinstance(finished.result.failure(), MissingCredentialsError)
    assert not [s for s in steps if isinstance(s, Send)]


def test_get_requests_carry_no_idempotency_key_unless_given() -> None:
    get = make_request("GET", "/models")
    _, steps = drive(get, CONFIG, [Received(FakeResponse(200))])
    assert "idempotency-key" not in dict(steps[1].wire.headers)
    _, steps = drive(get.with_options(idempotency_key="mine"), CONFIG, [Received(FakeResponse(200))])
    assert dict(steps[1].wire.headers)["idempotency-key"] == "mine"
