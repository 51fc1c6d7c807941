"""Both executors over a real HTTP server on loopback: retries, timeouts, errors, raw and lazy answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec
import pytest
from returns.result import Failure, Result, Success

import openai_fn as oa
from openai_fn.core.model import BaseModel
from openai_fn.core.request import RawBody
from tests.loopback import LoopbackServer, Reply, json_reply

FAST = oa.RetryPolicy(initial_delay=0.001, max_delay=0.002)
KEY = "sk-test-abcdefghijklmnopqrstuvwxyz"


class Thing(BaseModel, frozen=True):
    id: str
    size: int | None = None


def error(status: int, message: str = "boom", type_: str = "server_error", **headers: str) -> Reply:
    return json_reply({"error": {"message": message, "type": type_, "code": None, "param": None}}, status, list(headers.items()))


@dataclass(frozen=True)
class Case:
    """A scripted exchange and what a user must see from it, shared by the sync and async runs."""

    name: str
    replies: tuple[Reply, ...]
    check: Callable[[Result[Any, oa.OpenAIError]], None]
    sends: int
    options: dict[str, Any] | None = None


def ok_thing(result: Result[Thing, oa.OpenAIError]) -> None:
    assert isinstance(result, Success)
    thing = result.unwrap()
    assert thing == Thing(id="t1", size=3)
    assert thing._request_id == "req_abc"


def failure_of(kind: type[oa.OpenAIError], **attrs: Any) -> Callable[[Result[Any, oa.OpenAIError]], None]:
    def check(result: Result[Any, oa.OpenAIError]) -> None:
        assert isinstance(result, Failure), result
        err = result.failure()
        assert type(err) is kind, repr(err)
        for name, value in attrs.items():
            assert getattr(err, name) == value, (name, getattr(err, name))

    return check


THING = json_reply({"id": "t1", "size": 3, "new_field": {"from": "a newer API"}}, headers=[("x-request-id", "req_abc")])

CASES = [
    Case("success", (THING,), ok_thing, 1),
    Case("500 then ok", (error(500), THING), ok_thing, 2),
    Case("408, 409, then ok", (error(408), error(409), THING), ok_thing, 3),
    Case("429 retry-after-ms", (error(429, **{"retry-after-ms": "5"}), THING), ok_thing, 2),
    Case("x-should-retry true on 400", (error(400, **{"x-should-retry": "true"}), THING), ok_thing, 2),
    Case(
        "x-should-retry false on 503",
        (error(503, **{"x-should-retry": "false"}),),
        failure_of(oa.InternalServerError, status_code=503),
        1,
    ),
    Case(
        "retries exhausted",
        (error(502), error(502), error(502)),
        failure_of(oa.InternalServerError, status_code=502, message="Error code: 502 - boom"),
        3,
    ),
    Case(
        "insufficient quota",
        (error(429, "You exceeded your current quota", "insufficient_quota"),),
        failure_of(oa.RateLimitError, type="insufficient_quota"),
        1,
    ),
    Case(
        "400 is final",
        (json_reply({"error": {"message": "bad model", "type": "invalid_request_error", "param": "model", "code": "x"}}, 400,
                    [("x-request-id", "req_bad")]),),
        failure_of(oa.BadRequestError, param="model", code="x", request_id="req_bad",
                   body={"message": "bad model", "type": "invalid_request_error", "param": "model", "code": "x"}),
        1,
    ),
    Case("401", (error(401, "no key", "invalid_request_error"),), failure_of(oa.AuthenticationError), 1),
    Case("403", (error(403),), failure_of(oa.PermissionDeniedError), 1),
    Case("404", (error(404),), failure_of(oa.NotFoundError), 1),
    Case("422", (error(422),), failure_of(oa.UnprocessableEntityError), 1),
    Case("dropped, dropped, ok", (Reply(drop=True), Reply(drop=True), THING), ok_thing, 3),
    Case("dropped thrice", (Reply(drop=True),) * 3, failure_of(oa.APIConnectionError), 3),
    Case("slow then ok", (Reply(delay=0.5, body=b"{}"), THING), ok_thing, 2, {"timeout": 0.1}),
    Case("always slow", (Reply(delay=0.3, body=b"{}"),) * 2, failure_of(oa.APITimeoutError), 2,
         {"timeout": 0.1, "max_retries": 1}),
    Case(
        "not JSON",
        (Reply(body=b"<html>oops</html>", headers=[("content-type", "text/html")]),),
        failure_of(oa.APIResponseValidationError, body="<html>oops</html>"),
        1,
    ),
    Case("wrong shape", (json_reply({"id": 5}),), failure_of(oa.APIResponseValidationError, body={"id": 5}), 1),
]

REQUEST: oa.Request[Thing] = oa.make_request("POST", "/things", body={"name": "x"}, cast_to=Thing)


def request_for(case: Case) -> oa.Request[Thing]:
    return REQUEST.with_options(**case.options) if case.options else REQUEST


def assert_sends(server: LoopbackServer, case: Case) -> None:
    sent = server.received
    assert len(sent) == case.sends
    assert [r.headers["x-stainless-retry-count"] for r in sent] == [str(n) for n in range(case.sends)]
    assert len({r.headers["idempotency-key"] for r in sent}) == 1
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in sent)
    assert all(r.json() == {"name": "x"} for r in sent)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_sync(loopback: LoopbackServer, case: Case) -> None:
    loopback.enqueue(*case.replies)
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        case.check(client.run(request_for(case)))
    assert_sends(loopback, case)


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_async(loopback: LoopbackServer, case: Case) -> None:
    loopback.enqueue(*case.replies)
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        case.check(await client.run(request_for(case)))
    assert_sends(loopback, case)


def test_default_backoff_and_server_delays_are_what_the_executor_sleeps(
    loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("openai_fn.executors.sync.time.sleep", slept.append)
    monkeypatch.setattr("openai_fn.core.engine.random.random", lambda: 0.0)
    loopback.enqueue(error(500), error(429, **{"retry-after": "3"}), THING)
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        ok_thing(client.run(REQUEST))
    assert slept == [0.5, 3.0]


def test_a_one_shot_body_is_sent_once(loopback: LoopbackServer) -> None:
    loopback.enqueue(error(500), THING)
    one_shot = msgspec.structs.replace(REQUEST, body=RawBody(iter([b"abc", b"def"])))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        failure_of(oa.InternalServerError)(client.run(one_shot))
    assert [r.body for r in loopback.received] == [b"abcdef"]


def test_api_key_function_is_called_per_attempt(loopback: LoopbackServer) -> None:
    keys = iter(["sk-one", "sk-two"])
    loopback.enqueue(error(500), THING)
    with oa.OpenAI(api_key=lambda: next(keys), base_url=loopback.base_url, retry=FAST) as client:
        ok_thing(client.run(REQUEST))
    assert [r.headers["authorization"] for r in loopback.received] == ["Bearer sk-one", "Bearer sk-two"]


@pytest.mark.anyio
async def test_async_api_key_provider_is_awaited(loopback: LoopbackServer) -> None:
    async def provider() -> str:
        return "sk-async"

    loopback.enqueue(THING)
    async with oa.AsyncOpenAI(api_key=provider, base_url=loopback.base_url) as client:
        ok_thing(await client.run(REQUEST))
    assert loopback.received[0].headers["authorization"] == "Bearer sk-async"
    assert loopback.received[0].headers["x-stainless-async"].startswith("async:")


def test_missing_key_is_a_failure_and_nothing_is_sent(loopback: LoopbackServer) -> None:
    with oa.OpenAI(base_url=loopback.base_url) as client:
        result = client.run(REQUEST)
    failure_of(oa.MissingCredentialsError)(result)
    assert "OPENAI_API_KEY" in str(result.failure())
    assert loopback.received == []


def test_config_comes_from_the_environment(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", loopback.base_url)
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-1")
    loopback.enqueue(THING, THING)
    with oa.OpenAI() as client:
        ok_thing(client.run(REQUEST))
        cleared = client.with_options(organization=None, timeout=5.0, default_headers={"x-team": "a"})
        ok_thing(cleared.run(REQUEST))
        assert cleared.http_client is client.http_client
        assert client.config.organization == "org-1"
    first, second = loopback.received
    assert (first.headers["openai-organization"], first.headers["openai-project"]) == ("org-1", "proj-1")
    assert "openai-organization" not in second.headers
    assert second.headers["openai-project"] == "proj-1"
    assert second.headers["x-team"] == "a"
    assert loopback.connections == 1


def test_request_overrides_headers_and_query(loopback: LoopbackServer) -> None:
    loopback.enqueue(THING)
    request = REQUEST.with_options(
        extra_headers={"x-custom": "1", "x-stainless-lang": None},
        extra_query={"beta": True, "tags": ["a", "b"]},
        extra_body={"name": "y", "more": {"deep": 1}},
    )
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        ok_thing(client.run(request))
    sent = loopback.received[0]
    assert sent.headers["x-custom"] == "1"
    assert "x-stainless-lang" not in sent.headers
    assert sent.query == {"beta": ["true"], "tags[]": ["a", "b"]}
    assert sent.json() == {"name": "y", "more": {"deep": 1}}


def test_run_raw_has_the_metadata(loopback: LoopbackServer) -> None:
    loopback.enqueue(error(500), THING)
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        raw = client.run_raw(REQUEST).unwrap()
    assert (raw.status_code, raw.request_id, raw.retries_taken) == (200, "req_abc", 1)
    assert raw.headers["content-type"] == "application/json"
    assert raw.parse() == Thing(id="t1", size=3)
    assert raw.json()["new_field"] == {"from": "a newer API"}


def test_open_reads_the_body_lazily(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(body=[b"line one\n", b"line two\n"], headers=[("content-type", "text/plain")], chunk_delay=0.01))
    download = oa.make_request("GET", "/files/f/content", cast_to=bytes)
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client, client.open(download) as opened:
        response = opened.unwrap()
        assert not response.http_response.is_stream_consumed
        assert list(response.iter_lines()) == ["line one", "line two"]


def test_open_gives_the_failure_as_a_value(loopback: LoopbackServer) -> None:
    loopback.enqueue(error(404))
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client, client.open(REQUEST) as opened:
        failure_of(oa.NotFoundError)(opened)


@pytest.mark.anyio
async def test_async_open_and_raw(loopback: LoopbackServer) -> None:
    loopback.enqueue(Reply(body=[b"ab", b"cd"]), THING)
    download = oa.make_request("GET", "/files/f/content", cast_to=bytes)
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        async with client.open(download) as opened:
            chunks = [chunk async for chunk in opened.unwrap().iter_bytes()]
        assert b"".join(chunks) == b"abcd"
        raw = (await client.run_raw(REQUEST)).unwrap()
        assert raw.parse() == Thing(id="t1", size=3)


def test_binary_and_custom_results(loopback: LoopbackServer, tmp_path: Any) -> None:
    loopback.enqueue(
        Reply(body=b"\x00\x01binary", headers=[("content-type", "audio/mpeg")]),
        json_reply({"anything": [1, 2]}),
        json_reply({"id": "t1"}),
    )
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        audio = client.run(oa.make_request("POST", "/audio/speech", body={"input": "hi"}, cast_to=bytes)).unwrap()
        assert audio == b"\x00\x01binary"
        assert isinstance(audio, oa.BinaryContent)
        assert audio.content_type == "audio/mpeg"
        audio.write_to_file(tmp_path / "out.mp3")
        assert (tmp_path / "out.mp3").read_bytes() == b"\x00\x01binary"
        assert client.run(oa.make_request("GET", "/undocumented")).unwrap() == {"anything": [1, 2]}
        raw = client.run(oa.make_request("GET", "/x", cast_to=oa.RawResponseMarker)).unwrap()
        assert isinstance(raw, httpx.Response)
        assert raw.json() == {"id": "t1"}


def test_custom_transport_and_http_client() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "t9"})

    with oa.OpenAI(api_key=KEY, base_url="https://proxy.example/v1", transport=httpx.MockTransport(handler)) as client:
        assert client.run(REQUEST).unwrap() == Thing(id="t9")
    own = httpx.Client(transport=httpx.MockTransport(handler))
    client = oa.OpenAI(api_key=KEY, base_url="https://proxy.example/v1", http_client=own)
    assert client.run(REQUEST).unwrap() == Thing(id="t9")
    client.close()
    assert not own.is_closed, "a user's http client is the user's to close"
    assert str(seen[0].url) == "https://proxy.example/v1/things"


def test_logging_is_metadata_only_and_redacts_the_key(
    loopback: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    loopback.enqueue(error(500), THING)
    caplog.set_level(logging.DEBUG, logger="openai_fn")
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url, retry=FAST) as client:
        ok_thing(client.run(REQUEST))
    text = caplog.text
    assert "HTTP Request: POST" in text
    assert "Retrying request to /things" in text
    assert "<redacted>" in text
    assert KEY not in text
    assert '"name"' not in text


def test_openai_log_env_turns_logging_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_fn.core import logs

    monkeypatch.setattr(logs, "_done", False)
    logger = logging.getLogger("openai_fn")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setenv("OPENAI_LOG", "debug")
    oa.OpenAI(api_key=KEY).close()
    assert logger.level == logging.DEBUG
    assert logger.handlers


def test_no_secret_in_reprs() -> None:
    client = oa.OpenAI(api_key=KEY)
    request = REQUEST.with_options(extra_headers={"Authorization": f"Bearer {KEY}"})
    for text in (repr(client), repr(client.config), repr(request), str(request.to_dict())):
        assert KEY not in text
    client.close()


@pytest.mark.anyio
async def test_cancellation_propagates_and_frees_the_connection(loopback: LoopbackServer) -> None:
    import anyio

    loopback.enqueue(Reply(body=[b'{"id": ', b'"t1"}'], chunk_delay=0.5), THING)
    async with oa.AsyncOpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        with anyio.move_on_after(0.2) as scope:
            await client.run(REQUEST)
        assert scope.cancelled_caught, "cancellation is not turned into a Failure"
        ok_thing(await client.run(REQUEST))


def test_with_options_can_swap_the_http_client(loopback: LoopbackServer) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"id": "t1", "size": 3}, headers={"x-request-id": "req_abc"})

    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        mocked = client.with_options(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
        ok_thing(mocked.run(REQUEST))
        assert type(mocked) is oa.OpenAI and mocked.http_client is not client.http_client
    assert seen == [f"{loopback.base_url}/things"]
    assert loopback.received == []


def test_cookies_set_by_a_server_are_still_kept(loopback: LoopbackServer) -> None:
    from openai_fn.executors.base import SetCookieOnlyJar

    loopback.enqueue(json_reply({"id": "t1"}, headers=[("set-cookie", "session=abc; Path=/")]), THING)
    with oa.OpenAI(api_key=KEY, base_url=loopback.base_url) as client:
        assert isinstance(client.http_client.cookies, SetCookieOnlyJar)
        client.run(REQUEST).unwrap()
        assert client.http_client.cookies.get("session") == "abc"
        ok_thing(client.run(REQUEST))
    assert loopback.received[1].headers["cookie"] == "session=abc"
