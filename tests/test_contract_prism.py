"""Contract tier: every operation's builder, run against Prism mocking the OpenAPI spec.

For each of the registry's operations (``openai_fn.registry.operations()``), the test builds a
request with the generated builder from the simplest valid arguments the spec allows (path
parameters, required query parameters, required body fields; see ``tests/spec_args.py``), runs it
through the sync executor against Prism, and checks that:

- Prism found the path and method (no 404/405) and accepted the content type (no 415);
- the request passed Prism's validation of parameters and body (no 422, no other 4xx);
- the answer decodes into the type the builder declares.

Operations whose answers are binary, or that only stream events, are skipped with the reason
(Prism serves neither). Every operation ends up exercised, skipped or failed, and the counts are
printed at the end of the session (``tests/servers.py``). Prism starts once per session (30-50 s);
the tier is skipped, with the reason printed, only where the spec, node or Prism is missing.

``OPENAI_FN_PRISM_URL=http://127.0.0.1:PORT`` reuses a Prism already running there (handy when
working on this file); otherwise one is started on a free port.
"""

from __future__ import annotations

import inspect
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import msgspec
import pytest
from returns.result import Failure, Success

import openai_fn as oa
from openai_fn.core.decoders import JsonDecoder, PageDecoder
from openai_fn.core.model import BaseModel
from openai_fn.core.pages import Page
from openai_fn.core.request import MultipartBody
from openai_fn.registry import Operation, operation, operations
from openai_fn.testing.prism import Prism, PrismUnavailable
from tests.servers import TALLY
from tests.spec_args import OperationSpec, SpecArgs, drop_contradicting_examples, load_spec

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec" / "openai-openapi.yaml"
PRISM_BIN = ROOT / ".tools" / "node_modules" / ".bin" / "prism"
KEY = "sk-prism-contract"
OPERATIONS = operations()
TALLY.total = len(OPERATIONS)

MISROUTED = {404: "path not in the spec", 405: "method not in the spec", 415: "content type refused"}


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The spec as data, without the few examples that contradict their own schema (see below)."""
    if not SPEC.is_file():
        TALLY.unavailable = f"the OpenAPI spec is not at {SPEC}"
        pytest.skip(f"contract tier skipped: {TALLY.unavailable}")
    data = load_spec(SPEC)
    TALLY.notes.append(
        "spec examples contradicting their schema, left out so Prism answers from the schema: "
        + (", ".join(drop_contradicting_examples(data)) or "none")
    )
    return data


@pytest.fixture(scope="session")
def spec_args(spec: dict[str, Any]) -> SpecArgs:
    return SpecArgs(spec)


@pytest.fixture(scope="session")
def prism(spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a Prism mocking the spec, started once per session.

    Prism reads the spec as loaded by :func:`spec`: the file's content, less the examples that
    contradict their own schema (the real API follows the schema, so Prism should too).
    """
    reuse = os.environ.get("OPENAI_FN_PRISM_URL")
    if reuse:
        yield reuse.rstrip("/")
        return
    served = tmp_path_factory.mktemp("prism") / "openai-openapi.json"
    served.write_text(json.dumps(spec, default=str), encoding="utf-8")
    server = Prism(spec=served, executable=PRISM_BIN)
    reason = server.missing()
    if reason is not None:
        TALLY.unavailable = reason
        pytest.skip(f"contract tier skipped: {reason}")
    try:
        server.start()
    except PrismUnavailable as exc:  # pragma: no cover - missing() said it was there
        TALLY.unavailable = str(exc)
        pytest.skip(f"contract tier skipped: {exc}")
    TALLY.startup_seconds = server.startup_seconds
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def client(prism: str) -> Iterator[oa.OpenAI]:
    with oa.OpenAI(api_key=KEY, base_url=prism, max_retries=0, timeout=60.0) as client:
        yield client


def skip_reason(operation: Operation, op: OperationSpec) -> str | None:
    """Why this operation cannot be checked against Prism, or ``None``."""
    if operation.kind == "binary":
        return "binary answer (Prism cannot serve one)"
    answers = op.success_content_types
    if answers and not answers - {"text/event-stream"}:
        return "streams only (Prism cannot stream)"
    if op.request_content_types and not {"application/json", "multipart/form-data"} & set(op.request_content_types):
        return f"{op.request_content_types[0]} request body (not JSON or multipart)"
    return None


def body_content_type(operation: Operation, op: OperationSpec) -> str | None:
    """The request body's content type the builder sends (multipart when it builds one)."""
    types = op.request_content_types
    if not types:
        return None
    if "multipart/form-data" in types and ("application/json" not in types or uses_multipart(operation)):
        return "multipart/form-data"
    return "application/json"


def uses_multipart(operation: Operation) -> bool:
    try:
        return "multipart_body(" in inspect.getsource(operation.builder)
    except (OSError, TypeError):
        return False


def declared_type(request: oa.Request[Any]) -> Any:
    decoder = request.decoder
    if isinstance(decoder, JsonDecoder):
        return decoder.type
    if isinstance(decoder, PageDecoder):
        return decoder.item_type
    return None


def problem_detail(body: object) -> str:
    """Prism's explanation of a refusal: its title and the first validation messages."""
    if not isinstance(body, dict):
        return repr(body)[:300]
    data = cast(dict[str, Any], body)
    parts = [str(data.get("title") or data.get("message") or data)]
    for item in cast(list[dict[str, Any]], data.get("validation") or [])[:3]:
        where = ".".join(str(p) for p in item.get("location", []))
        parts.append(f"{where}: {item.get('message')}")
    return "; ".join(parts)[:400]


def check(operation: Operation, op: OperationSpec, spec_args: SpecArgs, client: oa.OpenAI) -> str:
    """Run one operation against Prism; return what passed, or raise AssertionError saying what did not."""
    content_type = body_content_type(operation, op)
    arguments = dict(spec_args.arguments(operation.operation_id, content_type))
    try:
        request: oa.Request[Any] = operation.builder(**arguments)
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"the builder refused the spec's minimal arguments {sorted(arguments)}: {exc}") from None
    assert request.method == operation.method, (request.method, operation.method)
    if content_type == "multipart/form-data":
        assert isinstance(request.body, MultipartBody), f"expected a multipart body, got {type(request.body).__name__}"
    raw_result = client.run_raw(request)
    match raw_result:
        case Failure(oa.APIStatusError() as error):
            status = error.status_code
            detail = problem_detail(error.response.json() if error.response.content else None)
            label = MISROUTED.get(status, "request refused" if status == 422 else "error status")
            raise AssertionError(f"{status} {label} for {request.method} {error.response.request.url.path}: {detail}")
        case Failure(error):
            raise AssertionError(f"{type(error).__name__}: {error}")
        case Success(raw):
            pass
        case _:  # pragma: no cover - Result has two cases
            raise AssertionError(raw_result)
    assert 200 <= raw.status_code < 300, raw.status_code
    if raw.status_code == 204 or not raw.content:
        return f"{raw.status_code}, empty"
    match raw.parse_result():
        case Success(value):
            what = declared_type(request)
            if isinstance(value, Page):
                return f"{raw.status_code}, page of {len(cast(Page[Any], value).data)} {getattr(what, '__name__', what)}"
            return f"{raw.status_code}, {type(value).__name__}"
        case Failure(error):
            raise AssertionError(f"the answer does not decode into {declared_type(request)!r}: {error}")
        case other:  # pragma: no cover
            raise AssertionError(other)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.operation_id for o in OPERATIONS])
def test_operation_matches_the_spec(
    operation: Operation, spec_args: SpecArgs, client: oa.OpenAI
) -> None:
    op = spec_args.operations.get(operation.operation_id)
    if op is None:
        TALLY.failed[operation.operation_id] = "not in the spec"
        pytest.fail(f"{operation.operation_id} is not an operation of the spec")
    reason = skip_reason(operation, op)
    if reason is not None:
        TALLY.skipped[operation.operation_id] = reason
        pytest.skip(reason)
    started = time.monotonic()
    try:
        outcome = check(operation, op, spec_args, client)
    except AssertionError as exc:
        TALLY.failed[operation.operation_id] = str(exc).splitlines()[0][:300]
        raise
    finally:
        TALLY.seconds += time.monotonic() - started
    TALLY.exercised[operation.operation_id] = outcome


class NotAModel(BaseModel, frozen=True):
    """Nothing the API answers has this field, so decoding any answer into it fails."""

    never_answered: int


@pytest.mark.parametrize(
    ("method", "path", "body", "cast_to", "expected"),
    [
        ("POST", "/no/such/operation", {"model": "x", "input": "x"}, dict, "404 path not in the spec"),
        ("PUT", "/embeddings", {"model": "x", "input": "x"}, dict, "405 method not in the spec"),
        ("POST", "/embeddings", b"model=x&input=x", dict, "415 content type refused"),
        ("POST", "/embeddings", {"model": "text-embedding-3-small"}, dict, "422 request refused"),
        ("POST", "/embeddings", {"model": "text-embedding-3-small", "input": "x"}, NotAModel, "the answer does not decode"),
    ],
    ids=["wrong path", "wrong method", "wrong content type", "invalid body", "wrong answer type"],
)
def test_the_check_catches_what_it_is_for(
    spec_args: SpecArgs, client: oa.OpenAI, method: str, path: str, body: Any, cast_to: Any, expected: str
) -> None:
    """The contract check fails for each kind of mistake it exists to find (so a pass means something)."""

    def build(**_: Any) -> oa.Request[Any]:
        return oa.make_request(method, path, body=body, cast_to=cast_to, content_type="text/plain")

    wrong = msgspec.structs.replace(operation("createEmbedding"), method=method, builder=build)
    with pytest.raises(AssertionError, match=expected):
        check(wrong, spec_args.operations["createEmbedding"], spec_args, client)


def test_a_rate_limit_from_the_spec_is_a_typed_failure(client: oa.OpenAI) -> None:
    """``Prefer: code=429`` makes Prism answer with the spec's 429 (an error object), every time."""
    from openai_fn.endpoints import embeddings

    request = embeddings.create(model="text-embedding-3-small", input="hello")
    rate_limited = request.with_options(extra_headers={"prefer": "code=429"})
    fast = client.with_options(max_retries=2, retry=oa.RetryPolicy(initial_delay=0.001, max_delay=0.002))
    for result in (client.run(rate_limited), fast.run(rate_limited)):
        match result:
            case Failure(oa.RateLimitError() as error):
                assert error.status_code == 429
                body = cast(dict[str, Any], error.body)  # the inner `error` object of the spec's example
                assert {"message", "type", "code", "param"} <= set(body), body
            case other:
                raise AssertionError(f"expected Failure(RateLimitError), got {other!r}")
    match client.run(request):  # the same request without the header is fine
        case Success(answer):
            assert answer.data
        case other:
            raise AssertionError(f"expected Success, got {other!r}")
