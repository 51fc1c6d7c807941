"""Builders: the right request for a sample of operations; every builder works with minimal arguments;
bad arguments raise before anything is sent, naming the field."""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
import pytest

from codegen.ir import AliasDef, StructDef, T, TDict, TList, TLit, TPrim, TRef, TUnion
from openai_fn.core.decoders import BinaryDecoder, JsonDecoder, PageDecoder, StreamDecoder
from openai_fn.core.request import JsonBody, MultipartBody, RawBody, Request
from openai_fn.core import validation as _runtime
from openai_fn.registry import operation, operations

from ._codegen_spec import generated


def sample(t: T, defs: dict[str, Any], depth: int = 0) -> Any:
    """A minimal valid value of a generated type (required fields only)."""
    if isinstance(t, TPrim):
        return {"str": "x", "int": 1, "float": 1.0, "bool": True, "none": None, "file": b"data"}.get(
            t.kind, "x"
        )
    if isinstance(t, TLit):
        return t.values[0]
    if isinstance(t, TList):
        return [sample(t.item, defs, depth + 1)]
    if isinstance(t, TDict):
        return {}
    if isinstance(t, TUnion):
        members = [
            m
            for m in t.members
            if m != TPrim("none") and not (isinstance(m, TRef) and m.name.startswith("Unknown"))
        ]
        return sample(members[0], defs, depth) if members else None
    assert isinstance(t, TRef)
    d = defs[t.name]
    if isinstance(d, AliasDef):
        return sample(d.type, defs, depth)
    assert isinstance(d, StructDef)
    while d.base is not None:
        d = defs[d.base]
    out: dict[str, Any] = {}
    if d.tag_field:
        out[d.tag_field] = d.tag
    for f in d.fields:
        if f.required and f.api_name != d.tag_field and depth < 8:
            out[f.api_name] = sample(f.type, defs, depth + 1)
    return out


def minimal_arguments(operation_id: str) -> dict[str, Any]:
    analysis = generated().analysis
    op = next(o for o in analysis.ops if o.operation_id == operation_id)
    args: dict[str, Any] = {}
    for p in op.params:
        if not p.required:
            continue
        if p.where == "path":
            args[p.py_name] = "id_1"
        elif p.where == "raw":
            args[p.py_name] = "v=0"
        elif p.where == "file":
            args[p.py_name] = ("f.bin", b"data")
        else:
            args[p.py_name] = sample(p.type, analysis.defs)
    return args


def test_registry_covers_every_operation() -> None:
    ops = operations()
    assert len(ops) == 288
    assert len({op.operation_id for op in ops}) == 288
    assert len({op.name for op in ops}) == 288
    kinds = {op.kind for op in ops}
    assert kinds == {"json", "page", "binary"}
    chat = operation("createChatCompletion")
    assert chat.name == "chat.completions.create"
    assert chat.path == "/chat/completions" and chat.method == "POST"
    assert chat.result_type.__name__ == "ChatCompletion"  # the official SDK's names
    assert chat.stream_event_type.__name__ == "ChatCompletionChunk"
    assert chat.stream_format == "chunks"
    files = operation("listFiles")
    assert files.kind == "page" and files.result_type.__name__ == "FileObject"
    assert operation("downloadFile").result_type is bytes


def test_every_builder_accepts_minimal_arguments() -> None:
    failures: list[str] = []
    for op in operations():
        try:
            request = op.builder(**minimal_arguments(op.operation_id))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(f"{op.name}: {type(exc).__name__}: {exc}")
            continue
        assert isinstance(request, Request)
        assert request.method == op.method
        assert request.operation_id == op.operation_id
        if "{" not in op.path:
            assert request.path == op.path.split("?")[0]
    assert not failures, failures


def test_builders_are_keyword_only() -> None:
    for op in operations():
        params = inspect.signature(op.builder).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), op.name


def test_chat_completion_request() -> None:
    from openai_fn.endpoints import chat

    messages: Any = [{"role": "user", "content": "Say this is a test"}]
    request = chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=None)
    assert request.method == "POST" and request.path == "/chat/completions"
    assert isinstance(request.body, JsonBody)
    assert request.body.decoded() == {"messages": messages, "model": "gpt-4o-mini", "temperature": None}
    assert isinstance(request.decoder, JsonDecoder)
    assert request == chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=None)
    streaming = chat.completions.create(model="gpt-4o-mini", messages=messages, stream=True)
    assert isinstance(streaming.decoder, StreamDecoder) and streaming.decoder.format == "chunks"


def test_paths_queries_and_pages() -> None:
    from openai_fn.endpoints import beta, fine_tuning, vector_stores

    request = fine_tuning.jobs.checkpoints.list(fine_tuning_job_id="ftjob-1", limit=5, after="c")
    assert request.path == "/fine_tuning/jobs/ftjob-1/checkpoints"
    assert request.query == (("after", "c"), ("limit", "5"))
    assert isinstance(request.decoder, PageDecoder) and request.decoder.style == "after"
    runs = beta.threads.runs.list(thread_id="t 1", order="asc")
    assert runs.path == "/threads/t%201/runs"
    assert ("openai-beta", "assistants=v2") in runs.headers
    assert isinstance(runs.decoder, PageDecoder) and runs.decoder.style == "cursor"
    batch = vector_stores.file_batches.create(vector_store_id="vs_1", file_ids=["f1"])
    assert batch.path == "/vector_stores/vs_1/file_batches"
    run = beta.threads.runs.create(thread_id="t", assistant_id="a", stream=True)
    assert isinstance(run.decoder, StreamDecoder) and run.decoder.format == "assistant"


def test_beta_query_key_and_header() -> None:
    from openai_fn.endpoints import beta

    request = beta.responses.retrieve(response_id="resp_1", betas=["responses_multi_agent=v1"])
    assert request.path == "/responses/resp_1"
    assert request.query[0] == ("beta", "true")
    assert ("openai-beta", "responses_multi_agent=v1") in request.headers


def test_multipart_binary_and_raw() -> None:
    from openai_fn.endpoints import files, realtime

    upload = files.create(file=("data.jsonl", b"{}"), purpose="fine-tune")
    assert isinstance(upload.body, MultipartBody)
    assert upload.body.fields == (("purpose", "fine-tune"),)
    assert [name for name, _ in upload.body.files] == ["file"]
    content = files.content(file_id="file-1")
    assert isinstance(content.decoder, BinaryDecoder)
    call = realtime.calls.create(sdp="v=0")
    assert isinstance(call.body, MultipartBody | RawBody)
    assert isinstance(call.decoder, BinaryDecoder)


def test_bad_arguments_name_the_field() -> None:
    from openai_fn.endpoints import chat, files

    bad: Any = [{"role": "bot", "content": "hi"}]
    with pytest.raises(TypeError, match=r"messages\[0\]\.role"):
        chat.completions.create(model="gpt-4o-mini", messages=bad)
    with pytest.raises(TypeError, match="temperature"):
        chat.completions.create(model="gpt-4o-mini", messages=[], temperature="hot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit"):
        files.list(limit="ten")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        chat.completions.create(model="gpt-4o-mini")  # type: ignore[call-arg]
    assert issubclass(_runtime.InvalidArgumentError, TypeError)
    assert issubclass(_runtime.InvalidArgumentError, ValueError)


def test_bad_union_tags_and_enum_values_list_the_allowed_values() -> None:
    from openai_fn.endpoints import chat, files, responses

    def message(call: Any) -> str:
        with pytest.raises(_runtime.InvalidArgumentError) as info:
            call()
        return str(info.value)

    bad: Any = [{"role": "bot", "content": "hi"}]
    assert message(lambda: chat.completions.create(model="m", messages=bad)) == (
        "messages[0].role: expected one of 'developer', 'system', 'user', 'assistant', 'tool', 'function', got 'bot'"
    )
    parts: Any = [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "zzz"}]}]
    assert message(lambda: chat.completions.create(model="m", messages=parts)) == (
        "messages[0].content[1].type: expected one of 'text', 'image_url', 'input_audio', 'file', got 'zzz'"
    )
    order: Any = "sideways"
    assert message(lambda: files.list(order=order)) == "order: expected one of 'asc', 'desc', got 'sideways'"
    tools: Any = [{"type": "nope"}]
    text = message(lambda: responses.create(model="m", tools=tools))
    assert text.startswith("tools[0].type: expected one of 'function', ") and "__unknown__" not in text


def test_empty_path_parameter_is_a_value_error() -> None:
    from openai_fn.endpoints import chat

    with pytest.raises(ValueError, match="completion_id"):
        chat.completions.retrieve(completion_id="")


def test_null_and_missing_in_bodies() -> None:
    from openai_fn.endpoints import chat

    request = chat.completions.update(completion_id="c", metadata=None)
    assert isinstance(request.body, JsonBody)
    assert request.body.decoded() == {"metadata": None}
    assert msgspec.UNSET not in request.body.decoded().values()
