"""The named ``*_and_poll`` helpers, wired to the generated builders, against a scripted fake API on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from returns.result import Failure

from openai_fn.core.errors import NotFoundError
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.sync import OpenAI
from openai_fn.helpers import polling, uploads
from openai_fn.types.batches import Batch
from openai_fn.types.files import OpenAIFile
from openai_fn.types.threads import RunObject
from openai_fn.types.vector_stores import VectorStoreFileBatchObject, VectorStoreFileObject
from tests.loopback import LoopbackServer, Received, Reply, json_reply
from tests.multipart_parse import parse_multipart

FAST = 0.001


class FakeAPI:
    """Objects whose status moves one step along a script on every GET; creates return the first step."""

    def __init__(self, scripts: dict[str, list[dict[str, Any]]]) -> None:
        self.scripts = scripts
        self.steps: dict[str, int] = {}
        self.lock = threading.Lock()

    def state(self, path: str) -> dict[str, Any]:
        with self.lock:
            script = self.scripts[path]
            step = self.steps.get(path, 0)
            self.steps[path] = step + 1
            return script[min(step, len(script) - 1)]

    def __call__(self, received: Received) -> Reply:
        path = received.path.removeprefix("/v1")
        if received.method == "POST" and path == "/files":
            name = parse_multipart(received.headers["content-type"], received.body)[1].filename
            return json_reply({"id": f"file-{name}", "object": "file", "status": "uploaded"})
        if received.method == "POST":
            body: dict[str, Any] = received.json() if received.body else {}
            if path == "/vector_stores/vs_1/files":
                return json_reply({"id": body["file_id"], "object": "vector_store.file", "status": "in_progress"})
            if path == "/vector_stores/vs_1/file_batches":
                return json_reply({"id": "vsfb_1", "status": "in_progress",
                                   "file_counts": {"in_progress": len(body["file_ids"]), "completed": 0}})
            if path == "/batches":
                return json_reply({"id": "batch_1", "object": "batch", "status": "validating"})
            if path in ("/threads/th_1/runs", "/threads/runs", "/threads/th_1/runs/run_1/submit_tool_outputs"):
                return json_reply({"id": "run_1", "thread_id": "th_1", "object": "thread.run", "status": "queued"})
        if received.method == "GET" and path in self.scripts:
            return json_reply(self.state(path))
        return json_reply({"error": {"message": f"no route {received.method} {path}", "type": "test"}}, 404)


def statuses(ident: str, *names: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"id": ident, "status": name, **extra} for name in names]


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as c:
        yield c


def requests_made(loopback: LoopbackServer) -> list[tuple[str, str]]:
    return [(r.method, r.path.removeprefix("/v1")) for r in loopback.received]


def test_wait_for_processing(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({"/files/file-1": statuses("file-1", "uploaded", "uploaded", "processed")})
    result = uploads.wait_for_processing(client, "file-1", poll_interval=FAST)
    file = result.unwrap()
    assert isinstance(file, OpenAIFile) and file.status == "processed"
    assert len(loopback.received) == 3


def test_upload_vector_store_file_and_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({"/vector_stores/vs_1/files/file-notes.md":
                                statuses("file-notes.md", "in_progress", "completed")})
    result = uploads.upload_vector_store_file_and_poll(
        client, "vs_1", ("notes.md", b"# notes"), poll_interval=FAST, attributes={"team": "docs"}
    )
    file = result.unwrap()
    assert isinstance(file, VectorStoreFileObject) and file.status == "completed"
    assert requests_made(loopback) == [
        ("POST", "/files"),
        ("POST", "/vector_stores/vs_1/files"),
        ("GET", "/vector_stores/vs_1/files/file-notes.md"),
        ("GET", "/vector_stores/vs_1/files/file-notes.md"),
    ]
    upload_parts = parse_multipart(loopback.received[0].headers["content-type"], loopback.received[0].body)
    assert (upload_parts[0].name, upload_parts[0].content) == ("purpose", b"assistants")
    assert loopback.received[1].json() == {"file_id": "file-notes.md", "attributes": {"team": "docs"}}


def test_create_vector_store_file_and_poll_and_poll_alone(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({"/vector_stores/vs_1/files/file-1": statuses("file-1", "in_progress", "failed")})
    made = uploads.create_vector_store_file_and_poll(client, "vs_1", "file-1", poll_interval=FAST).unwrap()
    assert made.status == "failed"  # a terminal status, returned as a value: the caller decides
    again = uploads.poll_vector_store_file(client, "vs_1", "file-1", poll_interval=FAST).unwrap()
    assert again.status == "failed"


def test_upload_file_batch_and_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    counts = [{"in_progress": 3, "completed": 0}, {"in_progress": 0, "completed": 3}]
    loopback.handler = FakeAPI({"/vector_stores/vs_1/file_batches/vsfb_1": [
        {"id": "vsfb_1", "status": "in_progress", "file_counts": counts[0]},
        {"id": "vsfb_1", "status": "completed", "file_counts": counts[1]},
    ]})
    files = [("a.txt", b"a"), ("b.txt", b"b")]
    result = uploads.upload_file_batch_and_poll(
        client, "vs_1", files, file_ids=["file-old"], max_concurrency=2, poll_interval=FAST
    )
    batch = result.unwrap()
    assert isinstance(batch, VectorStoreFileBatchObject) and batch.status == "completed"
    create = next(r for r in loopback.received if r.path == "/v1/vector_stores/vs_1/file_batches")
    assert create.json()["file_ids"][0] == "file-old"
    assert sorted(create.json()["file_ids"][1:]) == ["file-a.txt", "file-b.txt"]


def test_create_file_batch_and_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({"/vector_stores/vs_1/file_batches/vsfb_1": [
        {"id": "vsfb_1", "file_counts": {"in_progress": 0}, "status": "completed"}]})
    batch = uploads.create_file_batch_and_poll(client, "vs_1", file_ids=["file-1"], poll_interval=FAST).unwrap()
    assert batch.status == "completed"
    assert uploads.poll_file_batch(client, "vs_1", "vsfb_1", poll_interval=FAST).unwrap().id == "vsfb_1"


def test_upload_files_in_bulk(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({})
    result = uploads.upload_files(client, [("x.jsonl", b"{}"), ("y.jsonl", b"{}")], purpose="batch")
    assert [f.id for f in result.unwrap()] == ["file-x.jsonl", "file-y.jsonl"]


def test_create_batch_and_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({"/batches/batch_1": statuses("batch_1", "in_progress", "finalizing", "completed")})
    batch = polling.create_batch_and_poll(
        client, input_file_id="file-1", endpoint="/v1/chat/completions", completion_window="24h",
        poll_interval=FAST,
    ).unwrap()
    assert isinstance(batch, Batch) and batch.status == "completed"
    assert json.loads(loopback.received[0].body)["input_file_id"] == "file-1"
    assert polling.poll_batch(client, "batch_1", poll_interval=FAST).unwrap().status == "completed"


def test_runs_create_and_poll_then_submit_tool_outputs_and_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    api = FakeAPI({"/threads/th_1/runs/run_1": statuses("run_1", "queued", "in_progress", "requires_action",
                                                        "in_progress", "completed", thread_id="th_1")})
    loopback.handler = api
    run = polling.create_run_and_poll(client, "th_1", assistant_id="asst_1", poll_interval=FAST).unwrap()
    assert isinstance(run, RunObject) and run.status == "requires_action"
    run = polling.submit_tool_outputs_and_poll(
        client, "th_1", "run_1", [{"tool_call_id": "call_1", "output": "42"}], poll_interval=FAST
    ).unwrap()
    assert run.status == "completed"
    submit = next(r for r in loopback.received if r.path.endswith("/submit_tool_outputs"))
    assert submit.json() == {"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}]}
    assert submit.headers.get("openai-beta") == "assistants=v2"
    assert polling.poll_run(client, "th_1", "run_1", poll_interval=FAST).unwrap().status == "completed"


def test_create_thread_and_run_poll(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({"/threads/th_1/runs/run_1": statuses("run_1", "expired", thread_id="th_1")})
    run = polling.create_thread_and_run_poll(client, assistant_id="asst_1", poll_interval=FAST).unwrap()
    assert run.status == "expired"


def test_a_missing_object_is_the_typed_error(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({})
    result = polling.poll_run(client, "th_1", "nope", poll_interval=FAST)
    assert isinstance(result, Failure) and isinstance(result.failure(), NotFoundError)


@pytest.mark.anyio
async def test_async_named_helpers(loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({
        "/vector_stores/vs_1/file_batches/vsfb_1": [{"id": "vsfb_1", "status": "in_progress",
                                                     "file_counts": {"in_progress": 1}},
                                                    {"id": "vsfb_1", "status": "completed",
                                                     "file_counts": {"in_progress": 0}}],
        "/threads/th_1/runs/run_1": statuses("run_1", "in_progress", "completed", thread_id="th_1"),
        "/files/file-1": statuses("file-1", "processed"),
    })
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        batch = await uploads.upload_file_batch_and_poll(
            client, "vs_1", [("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c")], max_concurrency=2,
            poll_interval=FAST,
        )
        assert batch.unwrap().status == "completed"
        run = await polling.create_run_and_poll(client, "th_1", assistant_id="asst_1", poll_interval=FAST)
        assert run.unwrap().status == "completed"
        assert (await uploads.wait_for_processing(client, "file-1", poll_interval=FAST)).unwrap().status == "processed"


# -- the builders' per-call options go through the helpers -------------------------------------------------

OPTIONS: polling.CallOptions = {"extra_headers": {"x-trace": "t1"}, "extra_query": {"dbg": "1"}, "timeout": 9.0}


def traced(loopback: LoopbackServer) -> list[tuple[str, str, str | None, list[str] | None]]:
    """(method, path, x-trace header, dbg query) of every request the helper made."""
    return [(r.method, r.path.removeprefix("/v1"), r.headers.get("x-trace"), r.query.get("dbg"))
            for r in loopback.received]


def test_poll_helpers_send_the_per_call_options_on_every_retrieve(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({
        "/batches/batch_1": statuses("batch_1", "in_progress", "completed"),
        "/threads/th_1/runs/run_1": statuses("run_1", "completed", thread_id="th_1"),
        "/files/file-1": statuses("file-1", "processed"),
        "/vector_stores/vs_1/files/file-1": statuses("file-1", "completed"),
        "/vector_stores/vs_1/file_batches/vsfb_1": [{"id": "vsfb_1", "status": "completed", "file_counts": {"in_progress": 0}}],
    })
    assert polling.poll_batch(client, "batch_1", poll_interval=FAST, **OPTIONS).unwrap().status == "completed"
    assert polling.poll_run(client, "th_1", "run_1", poll_interval=FAST, **OPTIONS).unwrap().status == "completed"
    assert uploads.wait_for_processing(client, "file-1", poll_interval=FAST, **OPTIONS).unwrap().status == "processed"
    assert uploads.poll_vector_store_file(client, "vs_1", "file-1", poll_interval=FAST, **OPTIONS).unwrap().status == "completed"
    assert uploads.poll_file_batch(client, "vs_1", "vsfb_1", poll_interval=FAST, **OPTIONS).unwrap().id == "vsfb_1"
    made = traced(loopback)
    assert len(made) == 6 and all(method == "GET" for method, *_ in made)
    assert all((trace, dbg) == ("t1", ["1"]) for _, _, trace, dbg in made), made


def test_create_and_poll_helpers_send_the_options_on_the_create_and_the_retrieves(
    client: OpenAI, loopback: LoopbackServer
) -> None:
    loopback.handler = FakeAPI({
        "/batches/batch_1": statuses("batch_1", "completed"),
        "/threads/th_1/runs/run_1": statuses("run_1", "completed", thread_id="th_1"),
        "/vector_stores/vs_1/files/file-1": statuses("file-1", "completed"),
        "/vector_stores/vs_1/file_batches/vsfb_1": [{"id": "vsfb_1", "status": "completed", "file_counts": {"in_progress": 0}}],
    })
    both: polling.CallOptions = {**OPTIONS, "extra_body": {"metadata": {"k": "v"}}}
    polling.create_batch_and_poll(client, input_file_id="file-1", endpoint="/v1/chat/completions",
                                  completion_window="24h", poll_interval=FAST, **both).unwrap()
    polling.create_run_and_poll(client, "th_1", assistant_id="asst_1", poll_interval=FAST, **both).unwrap()
    polling.create_thread_and_run_poll(client, assistant_id="asst_1", poll_interval=FAST, **both).unwrap()
    polling.submit_tool_outputs_and_poll(client, "th_1", "run_1", [{"tool_call_id": "c", "output": "1"}],
                                         poll_interval=FAST, **both).unwrap()
    uploads.create_vector_store_file_and_poll(client, "vs_1", "file-1", poll_interval=FAST, **both).unwrap()
    uploads.create_file_batch_and_poll(client, "vs_1", file_ids=["file-1"], poll_interval=FAST, **both).unwrap()
    made = traced(loopback)
    assert [method for method, *_ in made] == ["POST", "GET"] * 6
    assert all((trace, dbg) == ("t1", ["1"]) for _, _, trace, dbg in made), made
    posts = [r for r in loopback.received if r.method == "POST"]
    assert all(r.json()["metadata"] == {"k": "v"} for r in posts)  # extra_body: on the create only
    assert all(not r.body for r in loopback.received if r.method == "GET")
    file_batch = posts[-1].json()
    assert file_batch == {"file_ids": ["file-1"], "metadata": {"k": "v"}}  # no option leaked into the body


def test_upload_helpers_send_the_options(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.handler = FakeAPI({
        "/vector_stores/vs_1/files/file-n.md": statuses("file-n.md", "completed"),
        "/vector_stores/vs_1/file_batches/vsfb_1": [{"id": "vsfb_1", "status": "completed", "file_counts": {"in_progress": 0}}],
    })
    files = uploads.upload_files(client, [("x.jsonl", b"{}")], purpose="batch", **OPTIONS).unwrap()
    assert [f.id for f in files] == ["file-x.jsonl"]
    uploads.upload_vector_store_file_and_poll(client, "vs_1", ("n.md", b"#"), poll_interval=FAST, **OPTIONS).unwrap()
    uploads.upload_file_batch_and_poll(client, "vs_1", [("a.txt", b"a")], poll_interval=FAST, **OPTIONS).unwrap()
    made = traced(loopback)
    assert [path for _, path, *_ in made] == [
        "/files", "/files", "/vector_stores/vs_1/files", "/vector_stores/vs_1/files/file-n.md",
        "/files", "/vector_stores/vs_1/file_batches", "/vector_stores/vs_1/file_batches/vsfb_1",
    ]
    assert all((trace, dbg) == ("t1", ["1"]) for _, _, trace, dbg in made), made
