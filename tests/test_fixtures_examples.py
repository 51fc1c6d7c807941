"""Every strict-JSON example answer in the spec's ``x-oaiMeta`` decodes into its operation's type.

Most decode with the fast typed decoder as they are; a few need the lenient path (the spec's
examples show values its schemas do not allow, like a new enum value); the rest are listed below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast

import msgspec
import pytest

from openai_fn.core.lenient import decode_lenient
from openai_fn.registry import operation

from ._codegen_spec import spec

# (operationId, example index) -> why it cannot decode
KNOWN_BAD: dict[tuple[str, int], str] = {
    ("runGrader", 0): "example's metadata.token_usage is an object; the schema says an integer",
    ("searchVectorStore", 0): "example's search_query is a string; the schema (and the API) say an array",
}

# Examples whose typed decode fails on a spec mistake but that the lenient path repairs
# (null for a non-nullable field, an enum value or union member the schema lacks).
NEEDS_LENIENT: frozenset[tuple[str, int]] = frozenset(
    {
        ("getChatCompletionMessages", 0),
        ("getEvalRuns", 0),
        ("createEvalRun", 0),
        ("getEvalRun", 0),
        ("cancelEvalRun", 0),
        ("getEvalRunOutputItems", 0),
        ("getEvalRunOutputItem", 0),
        ("createFineTuningJob", 1),
        ("createFineTuningJob", 2),
        ("create-realtime-transcription-session", 0),
        ("ListThreadItemsMethod", 0),
    }
)


def examples() -> Iterator[tuple[str, int, str]]:
    for item in spec()["paths"].values():
        for method, op in item.items():
            if method == "parameters":
                continue
            found = op.get("x-oaiMeta", {}).get("examples")
            if found is None:
                continue
            listed = cast("list[dict[str, Any]]", found if isinstance(found, list) else [found])
            for index, example in enumerate(listed):
                text = example.get("response")
                if not isinstance(text, str):
                    continue
                try:
                    json.loads(text)
                except ValueError:
                    continue  # not strict JSON (SSE transcripts, comments, trailing commas)
                yield op["operationId"], index, text


def decode(operation_id: str, text: str, *, lenient: bool) -> Any:
    tp = operation(operation_id).response_type
    if lenient:
        return decode_lenient(tp, text.encode())
    return msgspec.json.decode(text.encode(), type=tp)


def test_example_count() -> None:
    assert len(list(examples())) == 244


def test_every_example_decodes() -> None:
    strict = lenient = 0
    failures: list[str] = []
    for operation_id, index, text in examples():
        key = (operation_id, index)
        if key in KNOWN_BAD:
            with pytest.raises(msgspec.ValidationError):
                decode(operation_id, text, lenient=True)
            continue
        try:
            decode(operation_id, text, lenient=False)
            strict += 1
            assert key not in NEEDS_LENIENT, f"{key} decodes strictly now: remove it from NEEDS_LENIENT"
            continue
        except msgspec.ValidationError as exc:
            if key not in NEEDS_LENIENT:
                failures.append(f"{operation_id}[{index}]: {exc}")
                continue
        decode(operation_id, text, lenient=True)
        lenient += 1
    assert not failures, failures
    assert strict + lenient + len(KNOWN_BAD) == 244
    print(f"examples: {strict} strict, {lenient} lenient, {len(KNOWN_BAD)} known bad")


def sdk_output_text(data: dict[str, Any]) -> str:
    """The official SDK's ``Response.output_text``, on the example's JSON (written out independently)."""
    return "".join(
        part["text"]
        for item in data.get("output", [])
        if item.get("type") == "message"
        for part in item.get("content", [])
        if part.get("type") == "output_text"
    )


def test_response_output_text_is_computed_like_the_sdk() -> None:
    from openai_fn.helpers.responses_stream import output_text
    from openai_fn.types import BetaResponse, Response

    seen: set[str] = set()
    for operation_id, index, text in examples():
        tp = operation(operation_id).response_type
        if tp not in (Response, BetaResponse):
            continue
        data = json.loads(text)
        assert "output_text" not in data  # the server never sends it: an SDK-only property
        answer = decode(operation_id, text, lenient=(operation_id, index) in NEEDS_LENIENT)
        assert isinstance(answer, Response | BetaResponse)
        expected = sdk_output_text(data)
        assert answer.output_text == expected, (operation_id, index)
        assert output_text(answer) == output_text(data) == expected  # the helper: typed or plain
        assert "output_text" not in answer.to_dict()  # computed, not a field
        seen.add(f"{operation_id}:{bool(expected)}")
    # text answers and a function-call-only answer (""), for both the stable and the beta Responses types
    assert {
        "createResponse:True",
        "createResponse:False",
        "getResponse:True",
        "beta_createResponse:True",
    } <= seen

    first = next(
        text for operation_id, index, text in examples() if (operation_id, index) == ("createResponse", 0)
    )
    assert decode("createResponse", first, lenient=False).output_text.startswith(
        "In a peaceful grove beneath a silver moon, a unicorn named Lumina"
    )
    assert Response().output_text == ""  # nothing decoded yet: no text, no error
