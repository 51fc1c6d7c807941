"""Integration tier: openai_fn against llmock, a real OpenAI-compatible server on loopback.

One llmock process serves the whole session (``llmock_server`` in ``tests/servers.py``); each test
starts from an empty script and journal. Failures are scripted through llmock's control API
(``LLMock.script``), and what the client actually sent is read back from its journal
(``LLMock.requests``), so retries are counted on the server side, not guessed from the client.
The same calls run on the sync executor and on the async one under asyncio and trio.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from returns.result import Failure, Result, Success

import openai_fn as oa
from openai_fn.endpoints import batches, embeddings, files
from openai_fn.endpoints.chat import completions as chat_completions
from openai_fn.testing.llmock import LLMock, delay, fail, reply, stream_fault
from openai_fn.testing.process import ServerProcess, ServerStartError, free_port
from openai_fn.types.batches import Batch
from openai_fn.types.chat import CreateChatCompletionResponse, CreateChatCompletionStreamResponse
from openai_fn.types.embeddings import CreateEmbeddingResponse
from openai_fn.types.files import OpenAIFile
from openai_fn.types.shared_chat_completions import CompletionUsage

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-llmock-test"
FAST = oa.RetryPolicy(initial_delay=0.001, max_delay=0.002)
PROMPT = "Say this is a test"
ECHO = f"Hello! You said: {PROMPT}"
"""What llmock (``--response-style echo``, as :class:`LLMock` starts it) answers to PROMPT."""


# -- the requests, as a user builds them -----------------------------------------------------------------


ChatCompletion = CreateChatCompletionResponse
ChatCompletionChunk = CreateChatCompletionStreamResponse


def chat(**extra: Any) -> oa.Request[Any]:
    """``chat.completions.create`` for PROMPT, with ``extra`` arguments (``stream=True``, ...)."""
    create: Any = chat_completions.create  # which overload applies depends on `stream` in `extra`
    return cast("oa.Request[Any]", create(model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}], **extra))


def embed(text: str) -> oa.Request[CreateEmbeddingResponse]:
    return embeddings.create(model="text-embedding-3-small", input=text)


def upload(name: str, content: bytes) -> oa.Request[OpenAIFile]:
    return files.create(file=(name, content), purpose="batch")


def create_batch(file_id: str) -> oa.Request[Batch]:
    return batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h")


BATCH_LINE = b'{"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini", "messages": []}}\n'


# -- helpers -------------------------------------------------------------------------------------------------


def sync_client(server: LLMock, **options: Any) -> oa.OpenAI:
    return oa.OpenAI(api_key=KEY, base_url=server.base_url, retry=FAST, **options)


def async_client(server: LLMock, **options: Any) -> oa.AsyncOpenAI:
    return oa.AsyncOpenAI(api_key=KEY, base_url=server.base_url, retry=FAST, **options)


def success(result: Result[Any, oa.OpenAIError]) -> Any:
    match result:
        case Success(value):
            return value
        case Failure(error):
            raise AssertionError(f"expected Success, got {error!r}")
        case _:  # pragma: no cover - Result has two cases
            raise AssertionError(result)


def failure(result: Result[Any, oa.OpenAIError], kind: type[oa.OpenAIError]) -> Any:
    match result:
        case Failure(error) if type(error) is kind:
            return error
        case _:
            raise AssertionError(f"expected Failure({kind.__name__}), got {result!r}")


def served(server: LLMock, path: str) -> list[dict[str, Any]]:
    return [r for r in server.requests() if r["path"] == path]


def check_completion(completion: ChatCompletion) -> None:
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o-mini"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == ECHO
    assert completion.choices[0].finish_reason == "stop"
    assert isinstance(completion.usage, CompletionUsage) and completion.usage.total_tokens > 0


def text_of(chunks: list[ChatCompletionChunk]) -> str:
    return "".join(c.delta.content or "" for chunk in chunks for c in chunk.choices)


# -- the main calls: sync ------------------------------------------------------------------------------------


def test_chat_completion(llmock: LLMock) -> None:
    with sync_client(llmock) as client:
        check_completion(success(client.run(chat())))
    [sent] = served(llmock, "/v1/chat/completions")
    assert sent["status"] == 200
    assert sent["body"] == {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": PROMPT}]}


def test_streamed_chat_completion_arrives_in_pieces_that_add_up(llmock: LLMock) -> None:
    with sync_client(llmock) as client:
        chunks: list[ChatCompletionChunk] = list(success(client.run(chat(stream=True, stream_options={"include_usage": True}))))
    assert len(chunks) > 3
    assert text_of(chunks) == ECHO
    usage = chunks[-1].usage  # stream_options.include_usage: the last chunk carries the usage
    assert isinstance(usage, CompletionUsage) and usage.completion_tokens > 0
    [sent] = served(llmock, "/v1/chat/completions")
    assert sent["stream"] is True and sent["completed"] is True


def test_scripted_replies_come_back_verbatim_whole_and_streamed(llmock: LLMock) -> None:
    llmock.script(reply("Scripted, word for word.", times=2))
    with sync_client(llmock) as client:
        whole: ChatCompletion = success(client.run(chat()))
        streamed = text_of(list(success(client.run(chat(stream=True)))))
        after = success(client.run(chat()))
    assert whole.choices[0].message.content == streamed == "Scripted, word for word."
    check_completion(after)  # the script is used up


def test_embeddings(llmock: LLMock) -> None:
    with sync_client(llmock) as client:
        answer: CreateEmbeddingResponse = success(client.run(embed("hello")))
        again: CreateEmbeddingResponse = success(client.run(embed("hello")))
    assert len(answer.data) == 1 and len(answer.data[0].embedding) == 1536
    assert answer == again  # deterministic per input


def test_file_upload_then_read_back_and_delete(llmock: LLMock) -> None:
    with sync_client(llmock) as client:
        uploaded: OpenAIFile = success(client.run(upload("batch.jsonl", BATCH_LINE)))
        content = success(client.run(files.content(file_id=uploaded.id)))
        gone = success(client.run(files.delete(file_id=uploaded.id)))
        missing = client.run(files.retrieve(file_id=uploaded.id))
    assert uploaded.id.startswith("file-") and uploaded.filename == "batch.jsonl"
    assert uploaded.bytes == len(BATCH_LINE) and uploaded.purpose == "batch"
    assert content == BATCH_LINE
    assert (gone.id, gone.deleted) == (uploaded.id, True)
    assert failure(missing, oa.NotFoundError).status_code == 404


def test_paginate_walks_every_page_lazily(llmock: LLMock) -> None:
    with sync_client(llmock) as client:
        file_id = success(client.run(upload("batch.jsonl", BATCH_LINE))).id
        created = {success(client.run(create_batch(file_id))).id for _ in range(5)}
        llmock.reset()
        mine = [b.id for b in client.paginate(batches.list(limit=2)) if b.input_file_id == file_id]
        pages = list(client.paginate(batches.list(limit=2), pages=True))
    assert set(mine) == created and len(mine) == 5
    assert all(len(page.data) <= 2 for page in pages) and len(pages) >= 3
    listed = served(llmock, "/v1/batches")
    assert len(listed) == 2 * len(pages)  # one request per page, twice
    assert pages[0].next_request() is not None and pages[-1].next_request() is None


# -- retries and errors, sync -------------------------------------------------------------------------------------


def test_rate_limits_are_retried_after_the_servers_delay(llmock: LLMock) -> None:
    llmock.script(fail(429, retry_after=0.05, times=2))
    with sync_client(llmock) as client:
        raw = success(client.run_raw(chat()))
    assert raw.retries_taken == 2
    check_completion(raw.parse())
    sent = served(llmock, "/v1/chat/completions")
    assert [r["status"] for r in sent] == [429, 429, 200]
    assert [r["sdk_retry_count"] for r in sent] == [0, 1, 2]
    assert len({r["fingerprint"] for r in sent}) == 1  # the same call each time
    waited = [b["started_at"] - a["ended_at"] for a, b in itertools.pairwise(sent)]
    assert all(w >= 0.045 for w in waited), waited  # retry-after-ms honoured


def test_server_errors_are_retried_until_max_retries(llmock: LLMock) -> None:
    llmock.script(fail(503, retry_after=0.01, times=None))
    with sync_client(llmock, max_retries=1) as client:
        error = failure(client.run(chat()), oa.InternalServerError)
    assert error.status_code == 503
    assert [r["status"] for r in served(llmock, "/v1/chat/completions")] == [503, 503]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, oa.BadRequestError),
        (401, oa.AuthenticationError),
        (403, oa.PermissionDeniedError),
        (404, oa.NotFoundError),
        (422, oa.UnprocessableEntityError),
    ],
)
def test_client_errors_are_final_and_typed(llmock: LLMock, status: int, kind: type[oa.APIStatusError]) -> None:
    llmock.script(fail(status, message="scripted", code="scripted_code"))
    with sync_client(llmock) as client:
        error = failure(client.run(chat()), kind)
    assert (error.status_code, error.code) == (status, "scripted_code")
    assert error.message.endswith("scripted")
    body = cast("dict[str, Any]", error.body)  # the inner `error` object, as the official SDK keeps it
    assert (body["message"], body["code"], body["param"]) == ("scripted", "scripted_code", None)
    assert len(served(llmock, "/v1/chat/completions")) == 1


def test_insufficient_quota_is_not_retried(llmock: LLMock) -> None:
    llmock.script(fail(429, retry_after=0.01, code="insufficient_quota", message="You exceeded your current quota"))
    with sync_client(llmock) as client:
        error = failure(client.run(chat()), oa.RateLimitError)
    assert error.code == "insufficient_quota"
    assert len(served(llmock, "/v1/chat/completions")) == 1


def test_a_request_the_server_rejects_as_invalid(llmock: LLMock) -> None:
    bad = oa.make_request("POST", "/embeddings", body={"model": "text-embedding-3-small"})  # no `input`
    with sync_client(llmock) as client:
        error = failure(client.run(bad), oa.UnprocessableEntityError)
    assert "input" in error.message


def test_read_timeout_then_success(llmock: LLMock) -> None:
    llmock.script(delay(1.0))
    with sync_client(llmock, timeout=0.3) as client:
        raw = success(client.run_raw(chat()))
    assert raw.retries_taken == 1
    check_completion(raw.parse())


def test_read_timeout_without_retries_is_a_timeout_error(llmock: LLMock) -> None:
    llmock.script(delay(1.0))
    with sync_client(llmock) as client:
        failure(client.run(chat().with_options(timeout=0.3, max_retries=0)), oa.APITimeoutError)


def test_connection_refused_is_a_connection_error() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    with oa.OpenAI(api_key=KEY, base_url=base_url, retry=FAST, max_retries=1) as client:
        failure(client.run(chat()), oa.APIConnectionError)


# -- streams that go wrong ----------------------------------------------------------------------------------------


def stream_outcome(client: oa.OpenAI) -> tuple[list[ChatCompletionChunk], oa.OpenAIError | None]:
    """The chunks a stream delivered, and the typed error it ended with (``results()`` never raises)."""
    chunks: list[ChatCompletionChunk] = []
    item: Result[ChatCompletionChunk, oa.OpenAIError]
    for item in success(client.run(chat(stream=True))).results():
        if isinstance(item, Failure):
            return chunks, item.failure()
        chunks.append(item.unwrap())
    return chunks, None


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("disconnect", oa.APIConnectionError),
        ("truncate", oa.APIConnectionError),  # a clean end without [DONE] is not a complete answer
        ("malformed", oa.APIResponseValidationError),
    ],
)
def test_a_broken_stream_ends_in_a_typed_failure(llmock: LLMock, kind: str, expected: type[oa.OpenAIError]) -> None:
    llmock.script(stream_fault(kind, after_chunks=3))  # type: ignore[arg-type]
    with sync_client(llmock) as client:
        chunks, error = stream_outcome(client)
    assert len(chunks) == 3
    assert ECHO.startswith(text_of(chunks))
    assert type(error) is expected, repr(error)


def test_a_stalled_stream_times_out(llmock: LLMock) -> None:
    llmock.script(stream_fault("stall", after_chunks=2, stall_seconds=2.0))
    with sync_client(llmock, timeout=0.3) as client:
        chunks, error = stream_outcome(client)
    assert len(chunks) == 2
    assert type(error) is oa.APITimeoutError


def test_a_stream_that_fails_before_it_starts_is_retried(llmock: LLMock) -> None:
    llmock.script(fail(500, retry_after=0.01))
    with sync_client(llmock) as client:
        assert text_of(list(success(client.run(chat(stream=True))))) == ECHO
    assert [r["status"] for r in served(llmock, "/v1/chat/completions")] == [500, 200]


def test_leaving_a_stream_early_releases_the_connection(llmock: LLMock) -> None:
    with sync_client(llmock) as client:
        for _ in range(3):  # the pool would run dry, or the server journal stay open, if it leaked
            for chunk in success(client.run(chat(stream=True))):
                assert chunk.id.startswith("chatcmpl-")
                break
        check_completion(success(client.run(chat())))


# -- the same through the async executor, on asyncio and trio -----------------------------------------------------


@pytest.mark.anyio
async def test_async_main_calls(llmock: LLMock) -> None:
    async with async_client(llmock) as client:
        check_completion(success(await client.run(chat())))
        chunks = [chunk async for chunk in success(await client.run(chat(stream=True)))]
        vectors: CreateEmbeddingResponse = success(await client.run(embed("hello")))
        uploaded: OpenAIFile = success(await client.run(upload("batch.jsonl", BATCH_LINE)))
        created = {success(await client.run(create_batch(uploaded.id))).id for _ in range(3)}
        listed = [b.id async for b in client.paginate(batches.list(limit=2)) if b.input_file_id == uploaded.id]
    assert text_of(chunks) == ECHO
    assert len(vectors.data[0].embedding) == 1536
    assert uploaded.bytes == len(BATCH_LINE)
    assert set(listed) == created


@pytest.mark.anyio
async def test_async_retries_and_errors(llmock: LLMock) -> None:
    llmock.script(fail(429, retry_after=0.01), fail(500, retry_after=0.01))
    async with async_client(llmock) as client:
        raw = success(await client.run_raw(chat()))
        assert raw.retries_taken == 2
        llmock.script(fail(400, message="nope"))
        error = failure(await client.run(chat()), oa.BadRequestError)
    assert error.message.endswith("nope")
    assert [r["status"] for r in served(llmock, "/v1/chat/completions")] == [429, 500, 200, 400]


@pytest.mark.anyio
async def test_async_broken_and_stalled_streams(llmock: LLMock) -> None:
    llmock.script(stream_fault("disconnect", after_chunks=2))
    async with async_client(llmock, timeout=0.3) as client:
        outcomes = [item async for item in success(await client.run(chat(stream=True))).results()]
        llmock.script(stream_fault("stall", after_chunks=1, stall_seconds=2.0))
        stalled = [item async for item in success(await client.run(chat(stream=True))).results()]
    assert [type(o) for o in outcomes[:2]] == [Success, Success]
    assert type(failure(outcomes[-1], oa.APIConnectionError)) is oa.APIConnectionError
    assert len(stalled) == 2 and type(failure(stalled[-1], oa.APITimeoutError)) is oa.APITimeoutError


@pytest.mark.anyio
async def test_async_timeout_is_retried(llmock: LLMock) -> None:
    llmock.script(delay(1.0))
    async with async_client(llmock, timeout=0.3) as client:
        raw = success(await client.run_raw(chat()))
    assert raw.retries_taken == 1


# -- the server machinery (openai_fn.testing) ------------------------------------------------------------------


def test_a_port_in_use_is_refused_before_anything_starts(llmock_server: LLMock) -> None:
    with pytest.raises(ServerStartError, match="in use"):
        LLMock(port=llmock_server.port).start()
    assert llmock_server.running


def test_a_server_that_never_answers_is_stopped_at_the_deadline() -> None:
    server = ServerProcess(lambda port: [sys.executable, "-c", "import time; time.sleep(60)"], startup_timeout=0.5)
    with pytest.raises(ServerStartError, match="did not answer within") as caught:
        server.start()
    assert not caught.value.exited and not server.running and server.pid is None


def test_a_server_that_dies_while_starting_is_reported_with_its_output() -> None:
    argv = [sys.executable, "-c", "import sys; print('cannot start: boom', flush=True); sys.exit(3)"]
    server = ServerProcess(lambda port: argv, attempts=2)
    with pytest.raises(ServerStartError, match=r"(?s)exited with code 3.*cannot start: boom") as caught:
        server.start()
    assert caught.value.exited and not server.running


def test_stop_ends_the_process() -> None:
    server = LLMock().start()
    pid = server.pid
    assert pid is not None and server.running
    server.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


# -- the README and docs examples ---------------------------------------------------------------------------------


def run_quickstart(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "AZURE_OPENAI_", "LLMOCK_"))}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True, text=True, timeout=120, env={**clean, **env}, cwd=ROOT, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_quickstart_runs_offline_and_shows_every_step() -> None:
    out = run_quickstart()
    assert "starting llmock" in out and "llmock stopped." in out
    assert out.count(ECHO) == 2  # the chat completion, and the streamed one
    assert "1536 dimensions" in out
    assert re.search(r"uploaded quickstart-batch\.jsonl: file-[0-9a-f]+, \d+ bytes, purpose=batch", out)
    assert re.search(r"page 1: batch_\w+ \(validating\), batch_\w+ \(validating\)\n   page 2: batch_\w+", out)
    assert "429 then 200 after 1 retry" in out
    assert "NotFoundError (404)" in out
    assert out.rstrip().endswith("all steps succeeded")


def test_quickstart_with_a_configured_server_uses_it(llmock: LLMock) -> None:
    """With OPENAI_BASE_URL/OPENAI_API_KEY set (the real API's case), it starts no server and scripts nothing."""
    out = run_quickstart(OPENAI_BASE_URL=llmock.base_url, OPENAI_API_KEY=KEY)
    assert f"talking to {llmock.base_url}" in out and "starting llmock" not in out
    assert out.count(ECHO) == 2 and "all steps succeeded" in out
    sent = llmock.requests()
    assert {r["status"] for r in sent} <= {200, 404}  # nothing scripted: no 429
    assert not any(r["method"] == "POST" and r["path"] == "/v1/batches" for r in sent)  # creates no batches
    assert any(r["method"] == "DELETE" and r["path"].startswith("/v1/files/file-") for r in sent)  # cleans up


# The README's and docs' python blocks (``python llmock`` ones included) run in tests/test_docs.py.
