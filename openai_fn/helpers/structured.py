"""Structured outputs: a msgspec Struct (or a JSON schema) in, a strict schema to the API, typed values back.

The pure half builds requests and reads answers: :func:`strict_json_schema` applies the API's
strict-mode rules to ``msgspec.json.schema`` (objects closed with ``additionalProperties:
false``, every property required, optional ones made nullable, the root inlined);
:func:`chat_parse_request` / :func:`responses_parse_request` put it in ``response_format`` /
``text.format`` (and strict ``tools`` from Structs); :func:`parse_chat_completion` /
:func:`parse_response` decode the answer into the Struct, with the SDK's
``LengthFinishReasonError`` / ``ContentFilterFinishReasonError``. :func:`parse_chat` and
:func:`parse_responses` run the two halves with an executor.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

import msgspec
from returns.result import Failure, Result, Success

from ..core.errors import ContentFilterFinishReasonError, LengthFinishReasonError, OpenAIError
from ..core.request import Request
from .effects import Call, Program, drive
from .polling import field_of

if TYPE_CHECKING:
    from ..executors.async_ import AsyncOpenAI
    from ..executors.sync import OpenAI

__all__ = [
    "OutputParseError",
    "ParsedChatCompletion",
    "ParsedChoice",
    "ParsedFunctionCall",
    "ParsedMessage",
    "ParsedResponse",
    "ParsedToolCall",
    "chat_parse_request",
    "decode_output",
    "function_tool",
    "parse_chat",
    "parse_chat_completion",
    "parse_response",
    "parse_responses",
    "response_format",
    "response_function_tool",
    "responses_parse_request",
    "strict_json_schema",
    "text_format",
]

T = TypeVar("T")
P = TypeVar("P")

OutputType = type[Any] | Mapping[str, Any]
"""A Struct type (decoded into that type) or a JSON schema dict (decoded into plain JSON)."""


class OutputParseError(OpenAIError):
    """The model's output is not valid for the requested type (only possible without strict mode)."""

    def __init__(self, message: str, content: str) -> None:
        super().__init__(message)
        self.content = content


# --- schemas ---------------------------------------------------------------------------------------


def _schema_name(output: OutputType) -> str:
    raw = output.get("title", "response") if isinstance(output, Mapping) else getattr(output, "__name__", "response")
    return re.sub(r"[^a-zA-Z0-9_-]", "_", str(raw))[:64] or "response"


def strict_json_schema(output: OutputType) -> dict[str, Any]:
    """The strict-mode JSON schema of a Struct type (or a JSON schema dict, made strict)."""
    if isinstance(output, Mapping):
        return _strict(copy.deepcopy(dict(output)))
    return copy.deepcopy(_struct_schema(output))


@functools.lru_cache(maxsize=256)
def _struct_schema(tp: type[Any]) -> dict[str, Any]:
    schema = msgspec.json.schema(tp)
    defs: dict[str, Any] = schema.pop("$defs", {})
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        root = dict(defs[name])
        if not _references(defs, name):
            del defs[name]
        schema = root
    if schema.get("type") != "object":
        raise TypeError(f"{_schema_name(tp)}: structured outputs need an object (a Struct), not {schema!r}")
    if defs:
        schema["$defs"] = defs
    return _strict(schema)


def _references(defs: Mapping[str, Any], name: str) -> bool:
    return f'"#/$defs/{name}"' in msgspec.json.encode(defs).decode()


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The strict-mode rules, applied in place (the official SDK's ``to_strict_json_schema``, plus nullability)."""
    for key in ("$defs", "definitions"):
        for definition in cast("dict[str, Any]", schema.get(key, {})).values():
            _strict(definition)
    if "oneOf" in schema:  # strict mode knows anyOf only
        schema["anyOf"] = schema.pop("oneOf")
    schema.pop("discriminator", None)
    schema.pop("default", None)  # every property is required in strict mode: a default never applies
    if schema.get("type") == "object" or "properties" in schema:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            raise ValueError(
                f"{schema.get('title', 'an object')}: strict mode cannot describe a free-form mapping "
                "(dict[str, X]); use a Struct with named fields"
            )
        schema["additionalProperties"] = False
        properties = cast("dict[str, Any]", schema.get("properties", {}))
        required = set(cast("list[str]", schema.get("required", [])))
        for name, prop in properties.items():
            _strict(prop)
            if name not in required and not _allows_null(prop):
                properties[name] = {"anyOf": [prop, {"type": "null"}]}
        schema["required"] = list(properties)
    items = schema.get("items")
    if isinstance(items, dict):
        _strict(cast("dict[str, Any]", items))
    for variant in cast("list[Any]", schema.get("anyOf", [])):
        _strict(variant)
    all_of = cast("list[Any]", schema.get("allOf", []))
    if len(all_of) == 1:
        schema.update(_strict(schema.pop("allOf")[0]))
    else:
        for variant in all_of:
            _strict(variant)
    return schema


def _allows_null(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_allows_null(variant) for variant in cast("list[Any]", schema.get("anyOf", [])))


def response_format(output: OutputType) -> dict[str, Any]:
    """``response_format`` for chat completions: a strict ``json_schema`` of ``output``."""
    json_schema: dict[str, Any] = {"name": _schema_name(output), "schema": strict_json_schema(output), "strict": True}
    description = _description(output)
    if description:
        json_schema["description"] = description
    return {"type": "json_schema", "json_schema": json_schema}


def text_format(output: OutputType) -> dict[str, Any]:
    """``text`` for the Responses API: ``{"format": {"type": "json_schema", ...}}``."""
    fmt: dict[str, Any] = {"type": "json_schema", "name": _schema_name(output), "schema": strict_json_schema(output),
                           "strict": True}
    description = _description(output)
    if description:
        fmt["description"] = description
    return {"format": fmt}


def _description(output: OutputType) -> str | None:
    text = output.get("description") if isinstance(output, Mapping) else getattr(output, "__doc__", None)
    return text.strip() if isinstance(text, str) and text.strip() else None


def function_tool(output: type[Any], *, name: str | None = None, description: str | None = None) -> dict[str, Any]:
    """A strict chat-completions function tool whose arguments are ``output`` (a Struct)."""
    function: dict[str, Any] = {"name": name or output.__name__, "parameters": strict_json_schema(output),
                                "strict": True}
    text = description or _description(output)
    if text:
        function["description"] = text
    return {"type": "function", "function": function}


def response_function_tool(
    output: type[Any], *, name: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """A strict Responses-API function tool whose arguments are ``output`` (a Struct)."""
    tool: dict[str, Any] = {"type": "function", "name": name or output.__name__,
                            "parameters": strict_json_schema(output), "strict": True}
    text = description or _description(output)
    if text:
        tool["description"] = text
    return tool


# --- decoding ---------------------------------------------------------------------------------------


def decode_output(output: OutputType, content: str | bytes) -> Result[Any, OutputParseError]:
    """Decode model output into ``output`` (a Struct; nulls the strict schema added become defaults)."""
    text = content if isinstance(content, str) else content.decode()
    try:
        data = msgspec.json.decode(text)
        if isinstance(output, Mapping):
            return Success(data)
        return Success(msgspec.convert(_drop_added_nulls(data, output), output))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return Failure(OutputParseError(f"Could not parse the output as {_schema_name(output)}: {exc}", text))


def _drop_added_nulls(data: Any, tp: Any) -> Any:
    """Remove ``null`` for optional fields whose own type has no null (strict mode sends null for "absent")."""
    info = msgspec.inspect.type_info(tp)
    return _walk_nulls(data, info)


def _walk_nulls(data: Any, info: msgspec.inspect.Type) -> Any:
    if isinstance(info, msgspec.inspect.StructType) and isinstance(data, dict):
        obj = cast("dict[str, Any]", data)
        out: dict[str, Any] = {}
        fields = {field.encode_name: field for field in info.fields}
        for key, value in obj.items():
            field = fields.get(key)
            if field is None:
                out[key] = value
            elif value is None and not field.required and not _accepts_none(field.type):
                continue
            else:
                out[key] = _walk_nulls(value, field.type)
        return out
    if isinstance(info, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.FrozenSetType | \
                  msgspec.inspect.VarTupleType) and isinstance(data, list):
        return [_walk_nulls(item, info.item_type) for item in cast("list[Any]", data)]
    if isinstance(info, msgspec.inspect.UnionType) and isinstance(data, dict):
        structs = [t for t in info.types if isinstance(t, msgspec.inspect.StructType)]
        if len(structs) == 1:
            return _walk_nulls(data, structs[0])
        tagged = [t for t in structs if t.tag_field and cast("dict[str, Any]", data).get(t.tag_field) == t.tag]
        if tagged:
            return _walk_nulls(data, tagged[0])
    return cast("Any", data)


def _accepts_none(info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.NoneType | msgspec.inspect.AnyType):
        return True
    return isinstance(info, msgspec.inspect.UnionType) and any(_accepts_none(t) for t in info.types)


# --- chat completions ---------------------------------------------------------------------------------


class ParsedFunctionCall(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    arguments: str
    parsed_arguments: Any = None
    """The arguments decoded into the tool's Struct (strict tools only; ``None`` otherwise)."""


class ParsedToolCall(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    type: str
    function: ParsedFunctionCall


class ParsedMessage(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    role: str
    content: str | None
    refusal: str | None = None
    parsed: T | None = None
    """The content decoded into the ``response_format`` type; ``None`` on a refusal or tool calls."""
    tool_calls: list[ParsedToolCall] = []
    raw: Any = None
    """The message as the API typed it (annotations, audio…)."""


class ParsedChoice(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    index: int
    finish_reason: str | None
    message: ParsedMessage[T]
    logprobs: Any = None


class ParsedChatCompletion(msgspec.Struct, Generic[T], frozen=True, kw_only=True, dict=True):
    """A chat completion whose choices carry ``message.parsed``; ``raw`` is the completion as the API typed it."""

    id: str
    model: str
    created: int
    choices: list[ParsedChoice[T]]
    usage: Any = None
    raw: Any = None

    @property
    def parsed(self) -> T | None:
        """The first choice's parsed value: what most callers want."""
        return self.choices[0].message.parsed if self.choices else None

    def __getattr__(self, name: str) -> Any:
        if name == "_request_id":
            return getattr(self.raw, "_request_id", None)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def _tool_types(tools: Sequence[Any] | None) -> tuple[list[dict[str, Any]], dict[str, OutputType]]:
    """Tools as the API wants them, and what each strict function's arguments decode into."""
    sent: list[dict[str, Any]] = []
    types: dict[str, OutputType] = {}
    for tool in tools or ():
        if isinstance(tool, type):
            definition = function_tool(tool)
            types[definition["function"]["name"]] = tool
            sent.append(definition)
            continue
        definition = dict(cast("Mapping[str, Any]", tool))
        function = definition.get("function", definition)
        spec: Mapping[str, Any] = cast("Mapping[str, Any]", function) if isinstance(function, Mapping) else {}
        if spec.get("strict"):
            types[str(spec.get("name"))] = cast("Mapping[str, Any]", spec.get("parameters", {}))
        sent.append(definition)
    return sent, types


def chat_parse_request(
    *, response_format: OutputType | None = None, tools: Sequence[Any] | None = None, **params: Any
) -> Request[Any]:
    """``chat.completions.create`` with a strict ``response_format`` (and tools) built from Structs (pure)."""
    from ..endpoints import chat

    if params.get("stream"):
        raise ValueError("stream: parse() reads a whole completion; use the stream helpers to stream")
    if response_format is not None:
        params["response_format"] = globals()["response_format"](response_format)
    sent, _ = _tool_types(tools)
    if sent:
        params["tools"] = sent
    return cast("Request[Any]", chat.completions.create(**params))


def parse_chat_completion(
    completion: Any, output: OutputType | None = None, tools: Sequence[Any] | None = None
) -> Result[ParsedChatCompletion[Any], OpenAIError]:
    """Decode each choice of ``completion`` (pure): the SDK's finish-reason errors, then content and tool calls."""
    _, tool_types = _tool_types(tools)
    choices: list[ParsedChoice[Any]] = []
    for choice in cast("list[Any]", field_of(completion, "choices") or []):
        finish_reason = field_of(choice, "finish_reason")
        if finish_reason == "length":
            return Failure(LengthFinishReasonError(completion=completion))
        if finish_reason == "content_filter":
            return Failure(ContentFilterFinishReasonError())
        message = field_of(choice, "message")
        content = cast("str | None", field_of(message, "content"))
        refusal = cast("str | None", field_of(message, "refusal"))
        parsed: Any = None
        if output is not None and content and not refusal:
            decoded = decode_output(output, content)
            if not isinstance(decoded, Success):
                return Failure(decoded.failure())
            parsed = decoded.unwrap()
        calls: list[ParsedToolCall] = []
        for call in cast("list[Any]", field_of(message, "tool_calls") or []):
            function = field_of(call, "function")
            if function is None:  # a custom tool call: no JSON arguments to parse
                continue
            name, arguments = str(field_of(function, "name")), str(field_of(function, "arguments") or "")
            parsed_arguments: Any = None
            if name in tool_types:
                decoded_arguments = decode_output(tool_types[name], arguments)
                if not isinstance(decoded_arguments, Success):
                    return Failure(decoded_arguments.failure())
                parsed_arguments = decoded_arguments.unwrap()
            calls.append(ParsedToolCall(
                id=str(field_of(call, "id")), type=str(field_of(call, "type") or "function"),
                function=ParsedFunctionCall(name=name, arguments=arguments, parsed_arguments=parsed_arguments),
            ))
        choices.append(ParsedChoice(
            index=cast("int", field_of(choice, "index") or 0),
            finish_reason=cast("str | None", finish_reason),
            message=ParsedMessage(role=str(field_of(message, "role") or "assistant"), content=content,
                                  refusal=refusal, parsed=parsed, tool_calls=calls, raw=message),
            logprobs=field_of(choice, "logprobs"),
        ))
    return Success(ParsedChatCompletion(
        id=str(field_of(completion, "id") or ""), model=str(field_of(completion, "model") or ""),
        created=cast("int", field_of(completion, "created") or 0), choices=choices,
        usage=field_of(completion, "usage"), raw=completion,
    ))


def _call_and_parse(
    request: Request[Any], parse: Callable[[Any], Result[P, OpenAIError]]
) -> Program[Result[P, OpenAIError]]:
    """Run ``request``, then ``parse`` its answer: the one program behind both ``parse()`` helpers,
    which ``drive`` runs sync or async as the client is."""
    answer: Result[Any, OpenAIError] = yield Call(request)
    if not isinstance(answer, Success):
        return Failure(answer.failure())
    return parse(answer.unwrap())


@overload
def parse_chat(
    client: OpenAI, *, response_format: type[T], tools: Sequence[Any] | None = None, **params: Any
) -> Result[ParsedChatCompletion[T], OpenAIError]: ...
@overload
def parse_chat(
    client: AsyncOpenAI, *, response_format: type[T], tools: Sequence[Any] | None = None, **params: Any
) -> Awaitable[Result[ParsedChatCompletion[T], OpenAIError]]: ...
@overload
def parse_chat(
    client: OpenAI, *, response_format: Mapping[str, Any] | None = None, tools: Sequence[Any] | None = None,
    **params: Any,
) -> Result[ParsedChatCompletion[Any], OpenAIError]: ...
@overload
def parse_chat(
    client: AsyncOpenAI, *, response_format: Mapping[str, Any] | None = None, tools: Sequence[Any] | None = None,
    **params: Any,
) -> Awaitable[Result[ParsedChatCompletion[Any], OpenAIError]]: ...
def parse_chat(
    client: OpenAI | AsyncOpenAI, *, response_format: OutputType | None = None, tools: Sequence[Any] | None = None,
    **params: Any,
) -> Result[ParsedChatCompletion[Any], OpenAIError] | Awaitable[Result[ParsedChatCompletion[Any], OpenAIError]]:
    """``client.chat.completions.parse(...)``: create with a strict schema, decode into ``response_format``."""
    request = chat_parse_request(response_format=response_format, tools=tools, **params)
    return drive(
        client, _call_and_parse(request, lambda completion: parse_chat_completion(completion, response_format, tools))
    )


# --- responses ----------------------------------------------------------------------------------------


class ParsedResponse(msgspec.Struct, Generic[T], frozen=True, kw_only=True, dict=True):
    """A response with its structured output decoded; ``raw`` is the response as the API typed it."""

    id: str
    output_parsed: T | None
    """The first ``output_text`` decoded into ``text_format`` (``None`` without one, or on a refusal)."""
    output_text: str
    parsed_outputs: list[T] = []
    """Every ``output_text`` part decoded, in order."""
    function_calls: list[ParsedFunctionCall] = []
    raw: Any = None

    def __getattr__(self, name: str) -> Any:
        if name == "_request_id":
            return getattr(self.raw, "_request_id", None)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def responses_parse_request(
    *, text_format: OutputType | None = None, tools: Sequence[Any] | None = None, **params: Any
) -> Request[Any]:
    """``responses.create`` with a strict ``text.format`` (and strict function tools from Structs) (pure)."""
    from ..endpoints import responses

    if params.get("stream"):
        raise ValueError("stream: parse() reads a whole response; use the stream helpers to stream")
    if text_format is not None:
        params["text"] = {**cast("Mapping[str, Any]", params.get("text") or {}), **globals()["text_format"](text_format)}
    sent = [response_function_tool(tool) if isinstance(tool, type) else tool for tool in tools or ()]
    if sent:
        params["tools"] = sent
    return cast("Request[Any]", responses.create(**params))


def parse_response(
    response: Any, output: OutputType | None = None, tools: Sequence[Any] | None = None
) -> Result[ParsedResponse[Any], OpenAIError]:
    """Decode the ``output_text`` parts and strict function calls of ``response`` (pure)."""
    tool_types: dict[str, OutputType] = {}
    for tool in tools or ():
        if isinstance(tool, type):
            tool_types[tool.__name__] = tool
        elif isinstance(tool, Mapping) and cast("Mapping[str, Any]", tool).get("strict"):
            spec = cast("Mapping[str, Any]", tool)
            tool_types[str(spec.get("name"))] = cast("Mapping[str, Any]", spec.get("parameters", {}))
    texts: list[str] = []
    parsed: list[Any] = []
    calls: list[ParsedFunctionCall] = []
    for item in cast("list[Any]", field_of(response, "output") or []):
        kind = field_of(item, "type")
        if kind == "message":
            for part in cast("list[Any]", field_of(item, "content") or []):
                if field_of(part, "type") != "output_text":
                    continue
                text = str(field_of(part, "text") or "")
                texts.append(text)
                if output is not None:
                    decoded = decode_output(output, text)
                    if not isinstance(decoded, Success):
                        return Failure(decoded.failure())
                    parsed.append(decoded.unwrap())
        elif kind == "function_call":
            name, arguments = str(field_of(item, "name")), str(field_of(item, "arguments") or "")
            parsed_arguments: Any = None
            if name in tool_types:
                decoded_arguments = decode_output(tool_types[name], arguments)
                if not isinstance(decoded_arguments, Success):
                    return Failure(decoded_arguments.failure())
                parsed_arguments = decoded_arguments.unwrap()
            calls.append(ParsedFunctionCall(name=name, arguments=arguments, parsed_arguments=parsed_arguments))
    return Success(ParsedResponse(
        id=str(field_of(response, "id") or ""), output_parsed=parsed[0] if parsed else None,
        output_text="".join(texts), parsed_outputs=parsed, function_calls=calls, raw=response,
    ))


@overload
def parse_responses(
    client: OpenAI, *, text_format: type[T], tools: Sequence[Any] | None = None, **params: Any
) -> Result[ParsedResponse[T], OpenAIError]: ...
@overload
def parse_responses(
    client: AsyncOpenAI, *, text_format: type[T], tools: Sequence[Any] | None = None, **params: Any
) -> Awaitable[Result[ParsedResponse[T], OpenAIError]]: ...
@overload
def parse_responses(
    client: OpenAI, *, text_format: Mapping[str, Any] | None = None, tools: Sequence[Any] | None = None,
    **params: Any,
) -> Result[ParsedResponse[Any], OpenAIError]: ...
@overload
def parse_responses(
    client: AsyncOpenAI, *, text_format: Mapping[str, Any] | None = None, tools: Sequence[Any] | None = None,
    **params: Any,
) -> Awaitable[Result[ParsedResponse[Any], OpenAIError]]: ...
def parse_responses(
    client: OpenAI | AsyncOpenAI, *, text_format: OutputType | None = None, tools: Sequence[Any] | None = None,
    **params: Any,
) -> Result[ParsedResponse[Any], OpenAIError] | Awaitable[Result[ParsedResponse[Any], OpenAIError]]:
    """``client.responses.parse(...)``: create with a strict ``text.format``, decode into ``text_format``."""
    request = responses_parse_request(text_format=text_format, tools=tools, **params)
    return drive(client, _call_and_parse(request, lambda response: parse_response(response, text_format, tools)))
