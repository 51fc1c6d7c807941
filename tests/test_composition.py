"""The recipes of docs/composition.md, with the assertions that matter: short-circuiting, per-stage
policies reaching the wire, async pipelines on asyncio and trio, fan-out keeping every outcome, and the
syrupy snapshot of a built request."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest
from returns.future import FutureResult
from returns.io import IOSuccess
from returns.pipeline import flow
from returns.pointfree import bind, map_
from returns.result import Failure, Result, Success
from syrupy.assertion import SnapshotAssertion

import openai_fn as oa
from openai_fn.endpoints import embeddings
from openai_fn.endpoints.chat import completions
from openai_fn.types.chat import CreateChatCompletionResponse
from openai_fn.types.embeddings import CreateEmbeddingResponse

FAST = oa.RetryPolicy(initial_delay=0.001, max_delay=0.002)


def ask(question: str) -> oa.Request[CreateChatCompletionResponse]:
    return completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])


def embed_request(text: str) -> oa.Request[CreateEmbeddingResponse]:
    return embeddings.create(model="text-embedding-3-small", input=text)


def answer_text(completion: CreateChatCompletionResponse) -> str:
    return completion.choices[0].message.content or ""


def completion_json(text: str) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}]}


class FakeAPI:
    """A mock transport: chat answers echo the question; a question containing "fail" gets a 500;
    embeddings answer with a 3-dimensional vector, or 400 when ``embed_status`` says so."""

    def __init__(self, embed_status: int = 200) -> None:
        self.embed_status = embed_status
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        body = json.loads(request.content)
        if request.url.path.endswith("/chat/completions"):
            question = body["messages"][-1]["content"]
            if "fail" in question:
                return httpx.Response(500, json={"error": {"message": "boom", "type": "server_error"}})
            return httpx.Response(200, json=completion_json(f"echo: {question}"))
        if self.embed_status != 200:
            return httpx.Response(self.embed_status, json={"error": {"message": "bad input", "type": "invalid_request_error"}})
        return httpx.Response(200, json={"object": "list", "model": body["model"], "usage": {"prompt_tokens": 1, "total_tokens": 1},
                                         "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2, 0.3]}]})

    def paths(self) -> list[str]:
        return [request.url.path for request in self.seen]


def client_for(api: FakeAPI, **options: Any) -> oa.OpenAI:
    return oa.OpenAI(api_key="sk-test", base_url="http://fake/v1", retry=FAST, transport=httpx.MockTransport(api), **options)


def dimensions(response: CreateEmbeddingResponse) -> int:
    return len(response.data[0].embedding)


def embedding_pipeline(client: oa.OpenAI, question: str) -> Result[int, oa.OpenAIError]:
    def embed(text: str) -> Result[CreateEmbeddingResponse, oa.OpenAIError]:
        return client.run(embed_request(text))

    # returns' pointfree functions are higher-kinded: pyright cannot see through them in strict mode
    return flow(question, ask, client.run, map_(answer_text), bind(embed), map_(dimensions))  # pyright: ignore[reportUnknownArgumentType]


def test_flow_runs_every_stage() -> None:
    api = FakeAPI()
    assert embedding_pipeline(client_for(api), "hi") == Success(3)
    assert api.paths() == ["/v1/chat/completions", "/v1/embeddings"]
    assert json.loads(api.seen[1].content)["input"] == "echo: hi"


def test_flow_short_circuits_at_the_first_failure() -> None:
    api = FakeAPI()
    result = embedding_pipeline(client_for(api, max_retries=0), "please fail")
    assert isinstance(result.failure(), oa.InternalServerError)
    assert api.paths() == ["/v1/chat/completions"]  # the embedding stage never ran


def test_a_later_stage_failure_is_the_pipelines_value() -> None:
    api = FakeAPI(embed_status=400)
    result = embedding_pipeline(client_for(api), "hi")
    match result:
        case Failure(oa.BadRequestError() as error):
            assert error.message.endswith("bad input") and error.status_code == 400
        case _:
            raise AssertionError(result)


def test_result_do_stops_at_the_first_failure() -> None:
    api = FakeAPI()
    client = client_for(api, max_retries=0)
    both: Result[str, oa.OpenAIError] = Result.do(
        answer_text(a) + answer_text(b) for a in client.run(ask("please fail")) for b in client.run(ask("two"))
    )
    assert isinstance(both.failure(), oa.InternalServerError)
    assert len(api.seen) == 1


def test_policies_per_stage_reach_the_wire() -> None:
    api = FakeAPI()
    client = client_for(api)  # two retries by default
    assert isinstance(client.run(ask("fail").with_options(max_retries=0)).failure(), oa.InternalServerError)
    assert len(api.seen) == 1
    assert isinstance(client.with_options(max_retries=3).run(ask("fail")).failure(), oa.InternalServerError)
    assert len(api.seen) == 1 + 4
    assert isinstance(client.run(ask("fail")).failure(), oa.InternalServerError)  # the original is unchanged
    assert len(api.seen) == 1 + 4 + 3
    assert [r.headers["x-stainless-retry-count"] for r in api.seen[1:5]] == ["0", "1", "2", "3"]


@pytest.mark.anyio
async def test_future_result_pipeline(anyio_backend: str) -> None:
    api = FakeAPI()
    async with oa.AsyncOpenAI(api_key="sk-test", base_url="http://fake/v1", transport=httpx.MockTransport(api)) as aclient:
        def embed(text: str) -> FutureResult[CreateEmbeddingResponse, oa.OpenAIError]:
            return FutureResult(aclient.run(embed_request(text)))

        pipeline = FutureResult(aclient.run(ask("hi"))).map(answer_text).bind(embed).map(dimensions)  # pyright: ignore[reportUnknownMemberType]
        assert await pipeline.awaitable() == IOSuccess(3)
    assert api.paths() == ["/v1/chat/completions", "/v1/embeddings"]


@pytest.mark.anyio
async def test_fan_out_keeps_every_outcome(anyio_backend: str) -> None:
    api = FakeAPI()
    questions = [f"q{n}" for n in range(8)] + ["fail a", "fail b"]
    results: dict[str, Result[CreateChatCompletionResponse, oa.OpenAIError]] = {}
    limiter = anyio.CapacityLimiter(3)
    async with oa.AsyncOpenAI(api_key="sk-test", base_url="http://fake/v1", max_retries=0,
                              transport=httpx.MockTransport(api)) as aclient:

        async def one(question: str) -> None:
            async with limiter:
                results[question] = await aclient.run(ask(question))

        async with anyio.create_task_group() as group:
            for question in questions:
                group.start_soon(one, question)
    assert sorted(results) == sorted(questions)
    assert {q for q, r in results.items() if isinstance(r, Failure)} == {"fail a", "fail b"}
    assert all(answer_text(r.unwrap()) == f"echo: {q}" for q, r in results.items() if isinstance(r, Success))


def build_summary_request(text: str) -> oa.Request[CreateChatCompletionResponse]:
    return completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "Summarise."}, {"role": "user", "content": text}],
        temperature=0,
    ).with_options(timeout=30.0)


def test_summary_request(snapshot: SnapshotAssertion) -> None:
    """The snapshot recipe of docs/composition.md, with syrupy."""
    assert build_summary_request("hello").to_dict() == snapshot
    assert repr(build_summary_request("hello")) == snapshot


def test_batch_building_deduplicates_equal_requests() -> None:
    requests = {ask(q) for q in ["a", "b", "a"]}
    assert len(requests) == 2
    assert {json.dumps(r.to_dict(), sort_keys=True) for r in requests} == {
        json.dumps(ask(q).to_dict(), sort_keys=True) for q in ["a", "b"]
    }
