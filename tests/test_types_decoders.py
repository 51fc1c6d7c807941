"""Every generated type builds a msgspec decoder; unknown members and values decode leniently."""

from __future__ import annotations

import importlib
from typing import Any

import msgspec
import pytest

import openai_fn.types as types
from openai_fn.core.lenient import convert_lenient, decode_lenient
from openai_fn.core.model import BaseModel, UnknownVariant


def test_every_type_has_a_decoder_and_module() -> None:
    table: dict[str, str] = types._TYPES  # pyright: ignore[reportAttributeAccessIssue]
    assert len(table) >= 1422
    failures: list[str] = []
    for name, module in sorted(table.items()):
        tp = getattr(importlib.import_module(f"openai_fn.types.{module}"), name)
        try:
            msgspec.json.Decoder(tp)
            msgspec.convert({}, dict[str, Any])
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(f"{name}: {exc}")
    assert not failures, failures[:10]


def test_lazy_index() -> None:
    assert "ChatCompletionTool" in dir(types) and "CreateChatCompletionResponse" in dir(types)
    assert types.ChatCompletionTool.__name__ == "ChatCompletionTool"
    with pytest.raises(AttributeError):
        _ = types.NoSuchType


def test_sdk_names_are_the_classes_and_spec_names_alias_them() -> None:
    from codegen.sdk_types import SDK_TYPE_NAMES

    assert "ChatCompletion" in types.__all__ and "CreateChatCompletionResponse" in types.__all__
    for spec_name, sdk_name in SDK_TYPE_NAMES.items():
        cls = getattr(types, sdk_name)
        assert getattr(types, spec_name) is cls, spec_name
        if isinstance(cls, type):
            assert cls.__name__ == sdk_name
            module = importlib.import_module(cls.__module__)
            assert getattr(module, spec_name) is cls  # ``from openai_fn.types.chat import CreateChatCompletionResponse``
    from openai_fn.types import ChatCompletion, ChatCompletionChunk, CreateChatCompletionResponse, FileObject

    assert ChatCompletion is CreateChatCompletionResponse
    assert repr(ChatCompletionChunk).endswith(".ChatCompletionChunk'>") and FileObject.__name__ == "FileObject"


def test_typeddicts_never_double_the_param_suffix() -> None:
    from openai_fn.types import params

    names = list(params.__all__)
    assert "FunctionShellToolParam" in names and "FunctionShellToolParamParam" not in names
    doubled = sorted(n for n in names if n.endswith("ParamParam"))
    # only where the single suffix is another schema's TypedDict (``FunctionTool`` → ``FunctionToolParam``)
    for name in doubled:
        assert name.removesuffix("Param") in names, name


def test_structs_are_frozen_basemodels() -> None:
    tp = types.CreateChatCompletionResponse
    assert issubclass(tp, BaseModel)
    value = msgspec.json.decode(b'{"id": "x", "object": "chat.completion", "choices": []}', type=tp)
    with pytest.raises(AttributeError):
        value.id = "y"  # type: ignore[misc]
    assert value.to_dict() == {"id": "x", "object": "chat.completion", "choices": []}
    assert '"id": "x"' in value.to_json()


def test_null_and_missing_are_different() -> None:
    tp = types.CreateChatCompletionResponse
    missing = msgspec.json.decode(b'{"id": "x"}', type=tp)
    null = msgspec.json.decode(b'{"id": "x", "system_fingerprint": null}', type=tp)
    assert missing.system_fingerprint is msgspec.UNSET
    assert null.system_fingerprint is None
    assert "system_fingerprint" not in missing.to_dict()
    assert null.to_dict()["system_fingerprint"] is None


def test_tagged_union_reads_the_tag_and_exposes_it() -> None:
    body = b'{"id": "r", "output": [{"type": "message", "id": "m", "role": "assistant", "status": "completed", "content": []}]}'
    response = msgspec.json.decode(body, type=types.Response)
    item = response.output[0]
    assert type(item).__name__ == "OutputMessage"
    assert item.type == "message"


def test_unknown_union_member_decodes_leniently() -> None:
    body = b'{"id": "r", "output": [{"type": "brand_new_item", "x": 1}]}'
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(body, type=types.Response)
    response = decode_lenient(types.Response, body)
    item = response.output[0]
    assert isinstance(item, UnknownVariant)
    assert item.original_type == "brand_new_item"
    assert item.data == {"type": "brand_new_item", "x": 1}


def test_unknown_enum_value_and_unexpected_null_fall_back_to_unset() -> None:
    data = {"id": "r", "status": "a_new_status", "model": None}
    response = convert_lenient(types.Response, data)
    assert response.status is msgspec.UNSET
    assert response.model is msgspec.UNSET
    assert response.id == "r"


def test_unknown_role_in_role_tagged_union() -> None:
    tp = types.ChatCompletionRequestMessage
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"role": "bot", "content": "x"}, tp)


def test_renamed_and_keyword_fields_round_trip() -> None:
    # moderation categories use keys such as "self-harm/intent"
    from openai_fn.registry import operation

    tp = operation("createModeration").result_type
    body = (
        b'{"id": "m", "model": "x", "results": [{"flagged": true, "categories": {"self-harm/intent": true},'
        b' "category_scores": {"self-harm/intent": 0.5}}]}'
    )
    value = msgspec.json.decode(body, type=tp)
    assert value.to_dict()["results"][0]["categories"]["self-harm/intent"] is True
