"""Structured outputs: strict schemas from Structs, decoding answers, and parse() over a loopback server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal, cast

import msgspec
import pytest
from returns.result import Failure, Success
from syrupy.assertion import SnapshotAssertion

from openai_fn.core.errors import ContentFilterFinishReasonError, LengthFinishReasonError
from openai_fn.executors.async_ import AsyncOpenAI
from openai_fn.executors.sync import OpenAI
from openai_fn.helpers.structured import (
    OutputParseError,
    ParsedChatCompletion,
    chat_parse_request,
    decode_output,
    function_tool,
    parse_chat,
    parse_chat_completion,
    parse_response,
    parse_responses,
    response_format,
    response_function_tool,
    responses_parse_request,
    strict_json_schema,
    text_format,
)
from tests.loopback import LoopbackServer, json_reply


class Step(msgspec.Struct, frozen=True):
    explanation: str
    output: str


class MathAnswer(msgspec.Struct, frozen=True):
    """A worked answer."""

    steps: list[Step]
    final_answer: str
    confidence: float | None = None
    unit: str = "none"
    kind: Literal["exact", "approx"] = "exact"


class GetWeather(msgspec.Struct, frozen=True):
    """Get the weather for a city."""

    city: str
    units: Literal["c", "f"] = "c"


class Tree(msgspec.Struct, frozen=True):
    label: str
    children: list[Tree] = []


def walk(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        node = cast("dict[str, Any]", schema)
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(schema, list):
        for value in cast("list[Any]", schema):
            yield from walk(value)


def test_the_strict_schema_of_a_struct(snapshot: SnapshotAssertion) -> None:
    schema = strict_json_schema(MathAnswer)
    assert schema == snapshot
    assert schema["type"] == "object" and "$ref" not in schema  # the root is inlined
    for node in walk(schema):
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
        assert "default" not in node


def test_optional_fields_are_required_but_nullable() -> None:
    properties = strict_json_schema(MathAnswer)["properties"]
    assert properties["confidence"] == {"anyOf": [{"type": "number"}, {"type": "null"}]}
    assert properties["unit"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert properties["final_answer"] == {"type": "string"}


def test_recursive_structs_keep_their_definition() -> None:
    schema = strict_json_schema(Tree)
    assert schema["$defs"]["Tree"]["additionalProperties"] is False
    assert "#/$defs/Tree" in json.dumps(schema["properties"])


def test_free_form_mappings_and_non_objects_are_refused() -> None:
    class Loose(msgspec.Struct):
        extra: dict[str, int]

    with pytest.raises(ValueError, match="free-form"):
        strict_json_schema(Loose)
    with pytest.raises(TypeError, match="need an object"):
        strict_json_schema(list[int])


def test_a_json_schema_dict_is_made_strict_and_named_from_its_title() -> None:
    schema = {"title": "Person", "type": "object", "properties": {"name": {"type": "string"},
                                                                 "age": {"type": "integer"}}, "required": ["name"]}
    fmt = response_format(schema)
    assert fmt["json_schema"]["name"] == "Person"
    assert fmt["json_schema"]["schema"]["required"] == ["name", "age"]
    assert fmt["json_schema"]["schema"]["properties"]["age"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert schema["required"] == ["name"]  # the caller's dict is not changed


def test_formats_and_tools() -> None:
    assert response_format(MathAnswer)["json_schema"] | {"schema": None} == {
        "name": "MathAnswer", "schema": None, "strict": True, "description": "A worked answer."}
    assert text_format(MathAnswer)["format"]["type"] == "json_schema"
    tool = function_tool(GetWeather)
    assert tool["function"]["name"] == "GetWeather" and tool["function"]["strict"] is True
    assert tool["function"]["description"] == "Get the weather for a city."
    assert response_function_tool(GetWeather, name="weather")["name"] == "weather"


def test_decode_output_turns_added_nulls_back_into_defaults() -> None:
    content = json.dumps({"steps": [{"explanation": "x", "output": "1"}], "final_answer": "1",
                          "confidence": None, "unit": None, "kind": "approx"})
    assert decode_output(MathAnswer, content) == Success(
        MathAnswer(steps=[Step("x", "1")], final_answer="1", confidence=None, unit="none", kind="approx"))
    bad = decode_output(MathAnswer, '{"steps": 3}')
    assert isinstance(bad, Failure) and isinstance(bad.failure(), OutputParseError)
    assert decode_output({"type": "object"}, '{"a": 1}') == Success({"a": 1})


def test_chat_parse_request_sends_the_strict_schema_and_tools() -> None:
    request = chat_parse_request(response_format=MathAnswer, tools=[GetWeather], model="gpt-4o-mini",
                                 messages=[{"role": "user", "content": "1+0?"}])
    assert request.body is not None
    body = json.loads(request.body.data)  # type: ignore[union-attr]
    assert body["response_format"] == response_format(MathAnswer)
    assert body["tools"] == [function_tool(GetWeather)]
    with pytest.raises(ValueError, match="stream"):
        chat_parse_request(response_format=MathAnswer, model="m", messages=[], stream=True)


def completion(content: str | None, finish_reason: str = "stop", **message: Any) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": finish_reason, "logprobs": None,
                         "message": {"role": "assistant", "content": content, "refusal": None, **message}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


ANSWER = {"steps": [{"explanation": "add", "output": "2"}], "final_answer": "2", "confidence": 0.9,
          "unit": None, "kind": "exact"}


def test_parse_chat_completion_decodes_content_and_tool_calls() -> None:
    calls = [{"id": "call_1", "type": "function",
              "function": {"name": "GetWeather", "arguments": '{"city": "Paris", "units": null}'}}]
    parsed = parse_chat_completion(completion(json.dumps(ANSWER), tool_calls=calls), MathAnswer, [GetWeather])
    value = parsed.unwrap()
    assert value.parsed == MathAnswer(steps=[Step("add", "2")], final_answer="2", confidence=0.9)
    assert value.choices[0].message.tool_calls[0].function.parsed_arguments == GetWeather("Paris")


def test_finish_reasons_become_the_sdk_errors() -> None:
    length = parse_chat_completion(completion('{"steps": [', "length"), MathAnswer)
    assert isinstance(length, Failure) and isinstance(length.failure(), LengthFinishReasonError)
    filtered = parse_chat_completion(completion(None, "content_filter"), MathAnswer)
    assert isinstance(filtered, Failure) and isinstance(filtered.failure(), ContentFilterFinishReasonError)


def test_a_refusal_is_not_parsed() -> None:
    value = parse_chat_completion(completion(None, refusal="I can't help with that."), MathAnswer).unwrap()
    assert value.parsed is None
    assert value.choices[0].message.refusal == "I can't help with that."


def response_body(text: str, *extra: dict[str, Any]) -> dict[str, Any]:
    return {"id": "resp_1", "object": "response", "created_at": 1, "status": "completed", "model": "gpt-4o",
            "output": [{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                        "content": [{"type": "output_text", "text": text, "annotations": []}]}, *extra]}


def test_parse_response_decodes_output_text_and_function_calls() -> None:
    call = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "GetWeather",
            "arguments": '{"city": "Oslo", "units": "f"}', "status": "completed"}
    value = parse_response(response_body(json.dumps(ANSWER), call), MathAnswer, [GetWeather]).unwrap()
    assert value.output_parsed is not None and value.output_parsed.final_answer == "2"
    assert value.function_calls[0].parsed_arguments == GetWeather("Oslo", "f")
    assert value.output_text == json.dumps(ANSWER)


def test_responses_parse_request_sets_text_format() -> None:
    request = responses_parse_request(text_format=MathAnswer, model="gpt-4o", input="1+1?",
                                      tools=[GetWeather])
    body = json.loads(request.body.data)  # type: ignore[union-attr]
    assert body["text"] == text_format(MathAnswer)
    assert body["tools"] == [response_function_tool(GetWeather)]


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as c:
        yield c


def test_parse_chat_over_the_wire(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply(completion(json.dumps(ANSWER)), headers=[("x-request-id", "req_p")]))
    result = parse_chat(client, response_format=MathAnswer, model="gpt-4o-mini",
                        messages=[{"role": "user", "content": "1+1"}])
    value: ParsedChatCompletion[MathAnswer] = result.unwrap()
    assert value.parsed is not None and value.parsed.final_answer == "2"
    assert value._request_id == "req_p"
    sent = loopback.received[0].json()
    assert sent["response_format"]["json_schema"]["strict"] is True


def test_parse_chat_over_the_wire_with_a_length_cut(client: OpenAI, loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply(completion('{"steps":', "length")))
    result = parse_chat(client, response_format=MathAnswer, model="m", messages=[])
    assert isinstance(result, Failure) and isinstance(result.failure(), LengthFinishReasonError)


@pytest.mark.anyio
async def test_async_parse_responses(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply(response_body(json.dumps(ANSWER))))
    async with AsyncOpenAI(api_key="sk-test", base_url=loopback.base_url, max_retries=0) as client:
        result = await parse_responses(client, text_format=MathAnswer, model="gpt-4o", input="1+1?")
    assert result.unwrap().output_parsed == MathAnswer(steps=[Step("add", "2")], final_answer="2", confidence=0.9)
    assert loopback.received[0].json()["text"]["format"]["name"] == "MathAnswer"


def test_parse_requests_take_the_per_call_options() -> None:
    from openai_fn.core.request import JsonBody

    class Answer(msgspec.Struct):
        value: int

    options: dict[str, Any] = {"extra_headers": {"x-trace": "t1"}, "extra_query": {"dbg": "1"},
                               "extra_body": {"store": True}, "timeout": 9.0}
    chat = chat_parse_request(model="m", messages=[{"role": "user", "content": "hi"}], response_format=Answer, **options)
    responses = responses_parse_request(model="m", input="hi", text_format=Answer, **options)
    for request in (chat, responses):
        assert ("x-trace", "t1") in request.headers and ("dbg", "1") in request.query
        assert isinstance(request.body, JsonBody) and request.body.decoded()["store"] is True
        assert request.options.timeout is not None and request.options.timeout.read == 9.0
    assert cast("JsonBody", chat.body).decoded()["response_format"]["type"] == "json_schema"
