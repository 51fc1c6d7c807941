"""Paginating over a real loopback server: several pages, lazily, and a failing page in the middle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import pytest
from returns.result import Failure, Success

from openai_fn.core.errors import (
    APIResponseValidationError,
    BadRequestError,
    InternalServerError,
    OpenAIError,
)
from openai_fn.core.pages import Page
from openai_fn.core.request import Request, make_request
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.pagination import AsyncPager, SyncPager
from openai_fn.executors.sync import OpenAI
from tests.loopback import LoopbackServer, Received, Reply, json_reply


class Job(msgspec.Struct, frozen=True):
    id: str


IDS = [f"job-{n}" for n in range(7)]


def cursor_server(fail_after: str | None = None, status: int = 400) -> Callable[[Received], Reply]:
    """A list endpoint over IDS honouring ``after`` and ``limit``; a page starting after ``fail_after`` fails."""

    def handle(received: Received) -> Reply:
        after = received.query.get("after", [None])[0]
        limit = int(received.query.get("limit", ["20"])[0])
        if fail_after is not None and after == fail_after:
            return json_reply({"error": {"message": "bad cursor", "type": "invalid_request_error"}}, status)
        start = IDS.index(after) + 1 if after else 0
        chunk = IDS[start : start + limit]
        return json_reply(
            {
                "object": "list",
                "data": [{"id": i} for i in chunk],
                "first_id": chunk[0] if chunk else None,
                "last_id": chunk[-1] if chunk else None,
                "has_more": start + limit < len(IDS),
            },
            headers=[("x-request-id", f"req-{after}")],
        )

    return handle


def jobs(limit: int = 3) -> Request[Page[Job]]:
    return make_request("GET", "/fine_tuning/jobs", query={"limit": limit}, page_style="cursor", cast_to=Job)


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as c:
        yield c


def test_paginate_walks_every_page_with_the_cursor(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server()
    assert [job.id for job in client.paginate(jobs())] == IDS
    assert [r.query for r in loopback.received] == [
        {"limit": ["3"]},
        {"limit": ["3"], "after": ["job-2"]},
        {"limit": ["3"], "after": ["job-5"]},
    ]


def test_pages_are_fetched_only_on_demand(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server()
    iterator = iter(client.paginate(jobs()))
    assert [next(iterator).id for _ in range(3)] == IDS[:3]
    assert len(loopback.received) == 1
    assert next(iterator).id == "job-3"
    assert len(loopback.received) == 2


def test_pages_mode_yields_page_values_with_request_ids(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server()
    assert [len(page) for page in client.paginate(jobs(), pages=True)] == [3, 3, 1]  # type: ignore[arg-type]
    loopback.reset()
    loopback.handler = cursor_server()
    pages = list(SyncPager(client.run, jobs(), pages=True))
    assert [[j.id for j in page] for page in pages] == [IDS[0:3], IDS[3:6], IDS[6:7]]
    assert [page._request_id for page in pages] == ["req-None", "req-job-2", "req-job-5"]
    assert pages[-1].next_request() is None


def test_run_returns_one_page_and_next_request_continues(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server()
    first = client.run(jobs(limit=4)).unwrap()
    assert first.has_next_page()
    nxt = first.next_request()
    assert nxt is not None
    second = client.run(nxt).unwrap()
    assert [j.id for j in second] == IDS[4:]
    assert not second.has_next_page()


def test_a_failing_middle_page_raises_its_typed_error_after_the_first_items(
    client: OpenAI, loopback: LoopbackServer
) -> None:
    loopback.handler = cursor_server(fail_after="job-2")
    seen: list[str] = []
    with pytest.raises(BadRequestError) as caught:
        for job in client.paginate(jobs()):
            seen.append(job.id)
    assert seen == IDS[:3]
    assert "bad cursor" in caught.value.message
    assert len(loopback.received) == 2


def test_results_yield_successes_then_one_failure(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server(fail_after="job-2")
    results = list(client.paginate(jobs()).results())
    assert results[:3] == [Success(Job(i)) for i in IDS[:3]]
    assert len(results) == 4
    last = results[-1]
    assert isinstance(last, Failure)
    assert isinstance(last.failure(), BadRequestError)


def test_each_page_gets_the_retry_policy(loopback: LoopbackServer) -> None:
    handle = cursor_server()
    failed: set[str] = set()

    def flaky(received: Received) -> Reply:
        after = received.query.get("after", [""])[0]
        if after == "job-2" and after not in failed:
            failed.add(after)
            return Reply(status=503, headers=[("retry-after-ms", "1")], body=b"{}")
        return handle(received)

    loopback.handler = flaky
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=2) as client:
        assert [job.id for job in client.paginate(jobs())] == IDS
    assert len(loopback.received) == 4


def test_a_page_that_does_not_decode_is_a_validation_error(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({"object": "list", "data": "nope"}))
    result = client.run(jobs())
    assert isinstance(result, Failure)
    assert isinstance(result.failure(), APIResponseValidationError)


def test_token_pages_over_the_wire(client: OpenAI, loopback: LoopbackServer) -> None:
    tokens = {None: ("page_2", [1, 2]), "page_2": ("page_3", [3]), "page_3": (None, [4])}

    def handle(received: Received) -> Reply:
        token = received.query.get("page", [None])[0]
        nxt, buckets = tokens[token]
        return json_reply({"object": "page", "data": [{"n": n} for n in buckets], "has_more": nxt is not None,
                           "next_page": nxt})

    loopback.handler = handle
    request = make_request("GET", "/organization/costs", query={"start_time": 0}, page_style="token")
    assert [b["n"] for b in client.paginate(request)] == [1, 2, 3, 4]
    assert [r.query.get("page") for r in loopback.received] == [None, ["page_2"], ["page_3"]]


def test_plain_list_is_one_request(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({"object": "list", "data": [{"id": "gpt-4o"}], "has_more": True}))
    request = make_request("GET", "/models", page_style="list")
    assert [m["id"] for m in client.paginate(request)] == ["gpt-4o"]
    assert len(loopback.received) == 1


def test_pager_is_a_plain_value_over_any_run_function() -> None:
    calls: list[Request[Any]] = []

    def run(request: Request[Page[Job]]) -> Any:
        calls.append(request)
        return Failure(OpenAIError("boom"))

    pager = SyncPager(run, jobs())
    assert "SyncPager(" in repr(pager)
    assert calls == []  # nothing runs until iterated
    assert len(list(pager.results())) == 1


# --- async ----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_paginate_walks_pages_and_fails_mid_way(loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server()
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        assert [job.id async for job in client.paginate(jobs())] == IDS
        pages = [page async for page in AsyncPager(client.run, jobs(), pages=True)]
        assert [len(p) for p in pages] == [3, 3, 1]

        loopback.handler = cursor_server(fail_after="job-5", status=500)
        seen: list[str] = []
        with pytest.raises(InternalServerError):
            async for job in client.paginate(jobs()):
                seen.append(job.id)
        assert seen == IDS[:6]

        results = [r async for r in client.paginate(jobs()).results()]
        assert len(results) == 7 and isinstance(results[-1], Failure)


@pytest.mark.anyio
async def test_async_pages_are_fetched_on_demand(loopback: LoopbackServer) -> None:
    loopback.handler = cursor_server()
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        pager: AsyncPager[Job] = client.paginate(jobs())
        async for job in pager:
            assert job.id == "job-0"
            break
        assert len(loopback.received) == 1
        iter_pages = pager.iter_pages()
        assert len(await iter_pages.__anext__()) == 3
