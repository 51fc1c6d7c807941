"""Turning a successful answer into the value its request declares (pure)."""

from __future__ import annotations

import functools
from typing import Any

import msgspec
from returns.result import Failure, Result, Success

from .binary import BinaryContent
from .decoders import BinaryDecoder, JsonDecoder, PageDecoder, RawDecoder, StreamDecoder
from .errors import APIResponseValidationError, OpenAIError
from .request import Request

__all__ = ["decode_json", "decode_success", "json_decoder", "set_request_id"]


@functools.lru_cache(maxsize=4096)
def json_decoder(tp: Any) -> msgspec.json.Decoder[Any]:
    """One cached decoder per type: building a decoder costs far more than using one."""
    return msgspec.json.Decoder(tp)


def decode_json(tp: Any, content: bytes) -> Any:
    """Typed decode; an answer from a newer API (unknown union members) goes through the lenient path."""
    try:
        return json_decoder(tp).decode(content)
    except msgspec.ValidationError:
        from .lenient import decode_lenient

        return decode_lenient(tp, content)


def set_request_id(value: Any, request_id: str | None) -> Any:
    """Attach ``_request_id`` where the value can hold it (top-level Structs and pages)."""
    if request_id is not None:
        attrs = getattr(value, "__dict__", None)
        if isinstance(attrs, dict):
            attrs["_request_id"] = request_id
    return value


def decode_success(request: Request[Any], response: Any) -> Result[Any, OpenAIError]:
    """Decode a 2xx answer whose body has been read. Streams are not decoded here: executors wrap them."""
    decoder = request.decoder
    request_id: str | None = response.headers.get("x-request-id")
    try:
        if isinstance(decoder, JsonDecoder):
            content: bytes = response.content
            if decoder.type is dict and not content:
                return Success(set_request_id({}, request_id))
            return Success(set_request_id(decode_json(decoder.type, content), request_id))
        if isinstance(decoder, PageDecoder):
            from .pages import decode_page

            return Success(set_request_id(decode_page(request, response.content), request_id))
        if isinstance(decoder, BinaryDecoder):
            return Success(BinaryContent(response.content, response.headers.get("content-type"), request_id))
        if isinstance(decoder, RawDecoder):
            return Success(response)
        if isinstance(decoder, StreamDecoder):  # pragma: no cover - executors never pass streams here
            raise TypeError("stream answers are wrapped by the executor, not decoded whole")
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        return Failure(_invalid(response, exc))
    raise TypeError(f"unknown decoder {decoder!r}")  # pragma: no cover


def _invalid(response: Any, exc: Exception) -> APIResponseValidationError:
    try:
        body: object = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        body = response.content.decode("utf-8", "replace")
    return APIResponseValidationError(f"Data returned by API invalid for expected schema: {exc}", response, body=body)
