"""Builders: the right request for a sample of operations; every builder works with minimal arguments;
bad arguments raise before anything is sent, naming the field."""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
import pytest

from codegen.ir import AliasDef, StructDef, T, TDict, TList, TLit, TPrim, TRef, TUnion
from openai_fn.core import validation as _runtime
from openai_fn.core.decoders import BinaryDecoder, JsonDecoder, PageDecoder, StreamDecoder
from openai_fn.core.request import JsonBody, MultipartBody, RawBody, Request
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


def test_speech_stream_format_switches_the_decoder() -> None:
    from openai_fn.endpoints.audio import speech
    from openai_fn.types import CreateSpeechResponseStreamEvent

    sse = speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hello", stream_format="sse")
    assert isinstance(sse.decoder, StreamDecoder)
    assert sse.decoder.format == "typed" and sse.decoder.event_type == CreateSpeechResponseStreamEvent
    assert isinstance(sse.body, JsonBody) and sse.body.decoded()["stream_format"] == "sse"
    for binary in (
        speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hello"),
        speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hello", stream_format="audio"),
    ):
        assert isinstance(binary.decoder, BinaryDecoder)
    with_options = speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="Hello", stream_format="sse", extra_headers={"x-a": "1"}, timeout=5.0
    )
    assert isinstance(with_options.decoder, StreamDecoder) and ("x-a", "1") in with_options.headers
    entry = operation("createSpeech")
    assert entry.kind == "binary" and entry.result_type is bytes
    assert entry.stream_event_type == CreateSpeechResponseStreamEvent and entry.stream_format == "typed"
    # ``stream: bool`` operations keep their flag (transcriptions stream with ``stream=True``)
    assert "stream" in inspect.signature(operation("createTranscription").builder).parameters


def test_every_stream_argument_selects_the_stream_decoder() -> None:
    streaming = [op for op in operations() if op.stream_event_type is not None]
    assert len(streaming) == 13
    for op in streaming:
        assert op.stream_argument is not None, op.name
        name, value = op.stream_argument
        request = op.builder(**{**minimal_arguments(op.operation_id), name: value})
        assert isinstance(request.decoder, StreamDecoder), op.name
        assert request.decoder.event_type == op.stream_event_type and request.decoder.format == op.stream_format
        assert not isinstance(op.builder(**minimal_arguments(op.operation_id)).decoder, StreamDecoder), op.name
    assert all(op.stream_argument is None for op in operations() if op.stream_event_type is None)


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


# -- the SDK's per-call options: extra_headers, extra_query, extra_body, timeout ---------------------------------

OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")


def test_every_builder_takes_the_sdk_options_last() -> None:
    for op in operations():
        params = list(inspect.signature(op.builder).parameters.values())
        assert tuple(p.name for p in params[-4:]) == OPTIONS, op.name
        assert [p.default for p in params[-4:]] == [None, None, None, msgspec.UNSET], op.name
        assert sum(p.name in OPTIONS for p in params) == 4, op.name  # no operation parameter shadows one


def test_options_land_in_the_request() -> None:
    from openai_fn.core.policies import Timeout
    from openai_fn.endpoints import chat

    messages: Any = [{"role": "user", "content": "hi"}]
    plain = chat.completions.create(model="m", messages=messages, metadata={"a": "1"})
    request = chat.completions.create(
        model="m",
        messages=messages,
        metadata={"a": "1"},
        extra_headers={"X-Trace": "t1", "openai-beta": None},
        extra_query={"debug": True},
        extra_body={"metadata": {"b": "2"}, "custom": [1, 2]},
        timeout=5.0,
    )
    assert request.headers == (("openai-beta", None), ("x-trace", "t1"))
    assert request.query == (("debug", "true"),)
    assert isinstance(request.body, JsonBody)
    assert request.body.decoded() == {
        "messages": messages,
        "model": "m",
        "metadata": {"a": "1", "b": "2"},
        "custom": [1, 2],
    }
    assert request.options.timeout == Timeout(read=5.0, write=5.0, pool=5.0, connect=5.0)
    # the same as with_options on the plain request, and nothing else changes
    assert request == plain.with_options(
        extra_headers={"X-Trace": "t1", "openai-beta": None},
        extra_query={"debug": True},
        extra_body={"metadata": {"b": "2"}, "custom": [1, 2]},
        timeout=5.0,
    )
    assert (request.method, request.path, request.decoder, request.operation_id) == (
        plain.method,
        plain.path,
        plain.decoder,
        plain.operation_id,
    )
    # not given (or empty) → the very same request as without options
    assert (
        chat.completions.create(model="m", messages=messages, metadata={"a": "1"}, extra_headers={}) == plain
    )
    assert chat.completions.create(model="m", messages=messages, metadata={"a": "1"}).options.timeout is None
    # timeout=None means "no limit", as in the SDK
    unlimited = chat.completions.create(model="m", messages=messages, timeout=None).options.timeout
    assert unlimited is not None and unlimited.read is None


def test_options_on_queries_pages_headers_and_streams() -> None:
    from openai_fn.endpoints import beta, files

    page = files.list(limit=5, extra_query={"limit": 7, "x": "y"}, extra_headers={"a": "b"})
    assert page.query == (("limit", "7"), ("x", "y"))  # an extra query parameter replaces the builder's
    assert isinstance(page.decoder, PageDecoder)
    run = beta.threads.runs.create(
        thread_id="t", assistant_id="a", stream=True, extra_headers={"OpenAI-Beta": "assistants=v3"}
    )
    assert ("openai-beta", "assistants=v3") in run.headers and (
        "openai-beta",
        "assistants=v2",
    ) not in run.headers
    assert isinstance(run.decoder, StreamDecoder)
    # a GET with extra_body gets a JSON body, as with_options gives it
    got = files.retrieve(file_id="f", extra_body={"k": 1})
    assert isinstance(got.body, JsonBody) and got.body.decoded() == {"k": 1}


def test_options_on_multipart_and_raw_bodies() -> None:
    from openai_fn.endpoints import files, realtime

    upload = files.create(
        file=("d.jsonl", b"{}"),
        purpose="batch",
        extra_body={"expires_after": {"anchor": "created_at", "seconds": 3600}},
    )
    assert isinstance(upload.body, MultipartBody)
    assert upload.body.fields == (
        ("purpose", "batch"),
        ("expires_after[anchor]", "created_at"),
        ("expires_after[seconds]", "3600"),
    )
    raw = [op for op in operations() if op.operation_id == "create-realtime-call"]
    assert raw  # the SDP operation
    call = realtime.calls.create(sdp="v=0", timeout=3)
    assert call.options.timeout is not None and call.options.timeout.read == 3
    if isinstance(call.body, RawBody):
        with pytest.raises(TypeError, match="extra_body"):
            realtime.calls.create(sdp="v=0", extra_body={"x": 1})


def test_bad_options_raise_before_anything_is_sent() -> None:
    from openai_fn.endpoints import models

    with pytest.raises(TypeError, match="extra_headers"):
        models.list(extra_headers={"x": 1})  # type: ignore[dict-item]
    with pytest.raises((TypeError, ValueError)):
        models.list(timeout="soon")  # type: ignore[arg-type]
