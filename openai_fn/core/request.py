"""The ``Request`` value: everything needed to run one API call, and nothing that runs it.

Requests are immutable, hashable and equal by value. A JSON body is encoded once, when the
request is built (keys in a deterministic order), so two requests built from the same
arguments are equal, the bytes on the wire are the bytes a snapshot shows, and executors
do no encoding work. Secrets never live here: the API key belongs to the executor.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import IO, Any, Generic, TypeVar, cast
from urllib.parse import quote

import msgspec

from .decoders import BinaryDecoder, Decoder, JsonDecoder, PageDecoder, RawDecoder, StreamDecoder, type_name
from .policies import Timeout, TimeoutLike, to_timeout
from .query import QueryPairs, encode_query

__all__ = [
    "UNSET",
    "FileContent",
    "FileField",
    "JsonBody",
    "MultipartBody",
    "RawBody",
    "RawResponseMarker",
    "Request",
    "RequestBody",
    "RequestOptions",
    "UnsetType",
    "format_path",
    "json_body",
    "make_request",
]

T = TypeVar("T")
UNSET = msgspec.UNSET
UnsetType = msgspec.UnsetType

SECRET_HEADERS = frozenset({"authorization", "api-key", "openai-api-key", "x-api-key", "proxy-authorization"})
"""Header names whose values never appear in a repr, ``to_dict()``, log line or snapshot."""


class JsonBody(msgspec.Struct, frozen=True):
    """A JSON body, held as the exact bytes that will be sent."""

    data: bytes

    def decoded(self) -> Any:
        return msgspec.json.decode(self.data)


FileContent = bytes | os.PathLike[str] | IO[bytes]
"""A file's contents: bytes, a path (read when sent), or an open binary file."""


class FileField(msgspec.Struct, frozen=True):
    """One file part of a multipart body."""

    filename: str | None
    content: Any  # FileContent; ``Any`` because open files are not msgspec-typed values
    content_type: str | None = None

    @property
    def replayable(self) -> bool:
        """Can the same bytes be sent again on a retry (bytes, a path, or a seekable file)?"""
        content = self.content
        if isinstance(content, bytes | bytearray | memoryview | os.PathLike | str):
            return True
        seekable = getattr(content, "seekable", None)
        return bool(seekable and seekable())


class MultipartBody(msgspec.Struct, frozen=True):
    """A ``multipart/form-data`` body: plain fields (already flattened) and file parts."""

    fields: tuple[tuple[str, str], ...]
    files: tuple[tuple[str, FileField], ...]

    @property
    def replayable(self) -> bool:
        return all(part.replayable for _, part in self.files)


class RawBody(msgspec.Struct, frozen=True):
    """A body sent as-is: bytes (replayable) or an iterable of chunks (sent once, never retried)."""

    content: Any  # bytes | Iterable[bytes] | AsyncIterable[bytes]
    content_type: str = "application/octet-stream"

    @property
    def replayable(self) -> bool:
        return isinstance(self.content, bytes | bytearray | memoryview)


RequestBody = JsonBody | MultipartBody | RawBody


class RequestOptions(msgspec.Struct, frozen=True, kw_only=True):
    """Per-request overrides of the executor's policies; ``None`` means: the executor's."""

    timeout: Timeout | None = None
    max_retries: int | None = None
    idempotency_key: str | None = None


class RawResponseMarker:
    """Pass as ``cast_to`` to :func:`make_request` to get the HTTP response itself."""


class Request(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """One API call, described: method, path, query, headers, body, how to decode the answer, overrides.

    Build these with the endpoint builders (``chat.completions.create(...)``) or
    :func:`make_request` for undocumented endpoints; run them with an executor.
    """

    method: str
    path: str
    query: QueryPairs = ()
    headers: tuple[tuple[str, str | None], ...] = ()
    """Lower-cased names; ``None`` removes a header the executor would otherwise send."""
    body: RequestBody | None = None
    decoder: Decoder = JsonDecoder(dict)
    options: RequestOptions = RequestOptions()
    operation_id: str = ""

    @property
    def replayable(self) -> bool:
        """Whether the body can be sent again, which retrying needs."""
        body = self.body
        return body is None or isinstance(body, JsonBody) or body.replayable

    @property
    def streams(self) -> bool:
        """Whether the answer is a stream of events, read lazily."""
        return isinstance(self.decoder, StreamDecoder)

    def with_options(
        self,
        *,
        timeout: TimeoutLike | UnsetType = UNSET,
        max_retries: int | UnsetType = UNSET,
        idempotency_key: str | UnsetType = UNSET,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
    ) -> Request[T]:
        """A new request with these overrides; this one is unchanged.

        ``extra_body`` is deep-merged into a JSON body (and added as fields to a multipart
        one); ``extra_headers`` with a ``None`` value removes that header.
        """
        options = self.options
        if timeout is not UNSET:
            options = msgspec.structs.replace(options, timeout=to_timeout(timeout))
        if max_retries is not UNSET:
            if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
                raise ValueError(f"max_retries: expected a non-negative integer, got {max_retries!r}")
            options = msgspec.structs.replace(options, max_retries=max_retries)
        if idempotency_key is not UNSET:
            if not isinstance(idempotency_key, str) or not idempotency_key:
                raise ValueError(f"idempotency_key: expected a non-empty string, got {idempotency_key!r}")
            options = msgspec.structs.replace(options, idempotency_key=idempotency_key)
        headers = self.headers
        if extra_headers:
            headers = merge_headers(headers, extra_headers)
        query = self.query
        if extra_query:
            query = merge_query(query, encode_query(extra_query))
        body = self.body
        if extra_body:
            body = merge_body(body, extra_body)
        return msgspec.structs.replace(self, options=options, headers=headers, query=query, body=body)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready description for snapshots and logs; secret headers are redacted."""
        out: dict[str, Any] = {"method": self.method, "path": self.path}
        if self.operation_id:
            out["operation_id"] = self.operation_id
        if self.query:
            out["query"] = [list(pair) for pair in self.query]
        if self.headers:
            out["headers"] = {name: redact_header(name, value) for name, value in self.headers}
        if self.body is not None:
            out["body"] = describe_body(self.body)
        out["decoder"] = describe_decoder(self.decoder)
        options = {k: v for k, v in msgspec.structs.asdict(self.options).items() if v is not None}
        if options:
            out["options"] = msgspec.to_builtins(options)
        return out

    def __repr__(self) -> str:
        fields = self.to_dict()
        head = f"{fields.pop('method')} {fields.pop('path')}"
        rest = ", ".join(f"{key}={value!r}" for key, value in fields.items())
        return f"Request({head}, {rest})"

    __str__ = __repr__

    def __rich_repr__(self) -> list[tuple[str, Any]]:  # pragma: no cover - cosmetic
        return list(self.to_dict().items())


def redact_header(name: str, value: str | None) -> str | None:
    if value is not None and name.lower() in SECRET_HEADERS:
        return "<redacted>"
    return value


def describe_body(body: RequestBody) -> Any:
    if isinstance(body, JsonBody):
        return body.decoded()
    if isinstance(body, MultipartBody):
        return {
            "multipart": [list(pair) for pair in body.fields],
            "files": [[name, describe_file(part)] for name, part in body.files],
        }
    content: object = body.content
    size = f"{len(content)} bytes" if isinstance(content, bytes) else "stream"
    return {"raw": size, "content_type": body.content_type}


def describe_file(part: FileField) -> str:
    content: object = part.content
    if isinstance(content, bytes):
        what = f"{len(content)} bytes"
    elif isinstance(content, os.PathLike | str):
        what = f"path {os.fspath(cast('os.PathLike[str] | str', content))}"
    else:
        what = type(content).__name__
    return f"{part.filename or '<unnamed>'} ({what}{', ' + part.content_type if part.content_type else ''})"


def describe_decoder(decoder: Decoder) -> str:
    if isinstance(decoder, JsonDecoder):
        return f"json:{type_name(decoder.type)}"
    if isinstance(decoder, StreamDecoder):
        return f"stream[{decoder.format}]:{type_name(decoder.event_type)}"
    if isinstance(decoder, PageDecoder):
        return f"page[{decoder.style}]:{type_name(decoder.item_type)}"
    if isinstance(decoder, BinaryDecoder):
        return "binary"
    return "raw"


def json_body(data: Mapping[str, Any] | Any) -> JsonBody:
    """Encode ``data`` (UNSET values dropped, keys sorted) into a :class:`JsonBody`."""
    try:
        return JsonBody(msgspec.json.encode(_drop_unset(data), order="deterministic"))
    except TypeError as exc:
        raise TypeError(f"body: {exc}") from None


def _drop_unset(value: Any) -> Any:
    if isinstance(value, dict):
        items = cast("dict[Any, Any]", value).items()
        return {key: _drop_unset(item) for key, item in items if item is not UNSET}
    if isinstance(value, list | tuple):
        return [_drop_unset(item) for item in cast("Iterable[Any]", value)]
    return value


def merge_headers(
    headers: tuple[tuple[str, str | None], ...], extra: Mapping[str, str | None]
) -> tuple[tuple[str, str | None], ...]:
    merged = dict(headers)
    for name, value in extra.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"extra_headers[{name!r}]: expected a string or None, got {type(value).__name__}")
        merged[name.lower()] = value
    return tuple(sorted(merged.items()))


def merge_query(query: QueryPairs, extra: QueryPairs) -> QueryPairs:
    replaced = {name for name, _ in extra}
    return tuple(pair for pair in query if pair[0] not in replaced) + extra


def deep_merge(base: Any, extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``: nested objects merge key by key, anything else is replaced."""
    merged: dict[str, Any] = dict(cast("dict[str, Any]", base)) if isinstance(base, dict) else {}
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, cast("Mapping[str, Any]", value))
        else:
            merged[key] = value
    return merged


def merge_body(body: RequestBody | None, extra: Mapping[str, Any]) -> RequestBody:
    if body is None:
        return json_body(dict(extra))
    if isinstance(body, JsonBody):
        return json_body(deep_merge(body.decoded(), extra))
    if isinstance(body, MultipartBody):
        from .multipart import flatten_fields

        replaced = set(extra)
        kept = tuple(pair for pair in body.fields if pair[0].split("[", 1)[0] not in replaced)
        return MultipartBody(fields=kept + flatten_fields(extra), files=body.files)
    raise TypeError("extra_body: a raw (non-JSON) body cannot take extra fields")


def format_path(template: str, **params: object) -> str:
    """Fill ``{name}`` slots of a path, percent-encoding each value.

    An empty or missing value is a ``ValueError`` naming the parameter: sending
    ``/files/`` instead of ``/files/{file_id}`` would call a different endpoint.
    """
    path = template
    for name, value in params.items():
        if value is None or value is UNSET or (isinstance(value, str) and not value):
            raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise TypeError(f"{name}: expected a string, got {type(value).__name__}")
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    if "{" in path:
        raise ValueError(f"path {template!r}: no value given for {path[path.index('{'):path.index('}') + 1]}")
    return path


def make_request(
    method: str,
    path: str,
    *,
    cast_to: Any = dict,
    query: Mapping[str, object] | None = None,
    headers: Mapping[str, str | None] | None = None,
    body: Mapping[str, object] | bytes | None = None,
    files: Mapping[str, Any] | None = None,
    content_type: str = "application/octet-stream",
    stream: bool = False,
    stream_event_type: Any = dict,
    stream_format: str = "chunks",
    page_style: str | None = None,
    timeout: TimeoutLike | UnsetType = UNSET,
    max_retries: int | UnsetType = UNSET,
) -> Request[Any]:
    """A request for any method and path: undocumented endpoints, or endpoints newer than this package.

    ``cast_to`` chooses the result: a Struct type, ``dict`` (plain JSON, the default), ``bytes``
    (the body as bytes), or :class:`RawResponseMarker` (the HTTP response itself). ``stream=True``
    reads server-sent events decoded into ``stream_event_type``; ``page_style`` makes it a page of
    ``cast_to`` items.
    """
    if not isinstance(method, str) or not method:
        raise ValueError(f"method: expected an HTTP method such as 'GET', got {method!r}")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"path: expected a path starting with '/', got {path!r}")
    decoder: Decoder
    if stream:
        if stream_format not in ("chunks", "typed", "assistant"):
            raise ValueError(f"stream_format: expected 'chunks', 'typed' or 'assistant', got {stream_format!r}")
        decoder = StreamDecoder(stream_event_type, cast("Any", stream_format))
    elif page_style is not None:
        if page_style not in ("cursor", "after", "token", "list"):
            raise ValueError(f"page_style: expected 'cursor', 'after', 'token' or 'list', got {page_style!r}")
        decoder = PageDecoder(cast_to, cast("Any", page_style))
    elif cast_to is bytes:
        decoder = BinaryDecoder()
    elif cast_to is RawResponseMarker:
        decoder = RawDecoder()
    else:
        decoder = JsonDecoder(cast_to)
    request_body: RequestBody | None
    if files:
        from .multipart import multipart_body

        if isinstance(body, bytes):
            raise TypeError("body: cannot send raw bytes together with files")
        request_body = multipart_body(body or {}, files)
    elif isinstance(body, bytes | bytearray):
        request_body = RawBody(bytes(body), content_type)
    elif body is not None:
        request_body = json_body(dict(body))
    else:
        request_body = None
    request: Request[Any] = Request(
        method=method.upper(),
        path=path,
        query=encode_query(query) if query else (),
        body=request_body,
        decoder=decoder,
    )
    if headers or timeout is not UNSET or max_retries is not UNSET:
        request = request.with_options(extra_headers=headers, timeout=timeout, max_retries=max_retries)
    return request

