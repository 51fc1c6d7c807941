"""Multipart bodies as values, and their encoding, with no I/O.

Building a body (:func:`multipart_body`) flattens fields like the official SDK (objects as
``name[key]``, arrays as repeated ``name[]``) and describes each file without reading it.
Encoding (:func:`multipart_segments`) turns a body into the exact bytes of every part header
and separator, with each file's contents left as a :class:`FileField` for the executor to
read at the edge; :func:`encode_multipart` joins the whole body when every file is bytes
(what the snapshot tests pin, with a fixed ``boundary``).
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from collections.abc import Mapping
from typing import Any, cast

import msgspec

from .query import encode_query
from .request import FileField, MultipartBody

__all__ = [
    "DEFAULT_FILENAME",
    "FileInput",
    "Segment",
    "content_type_header",
    "encode_multipart",
    "file_content_type",
    "file_field",
    "flatten_fields",
    "multipart_body",
    "multipart_segments",
    "new_boundary",
]

FileInput = (
    bytes
    | os.PathLike[str]
    | Any  # an open binary file
    | tuple[str | None, Any]
    | tuple[str | None, Any, str | None]
)
"""A file argument: bytes, a path, an open binary file, or ``(filename, contents[, content_type])``."""

DEFAULT_FILENAME = "upload"
"""The filename sent for contents that have none (bytes), as httpx (and so the official SDK) does."""

Segment = bytes | FileField
"""A piece of an encoded body: literal bytes, or a file whose contents go there."""


def flatten_fields(data: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Form fields from nested data: objects as ``name[key]``, arrays as ``name[]``; ``None``/UNSET left out.

    The same rules as query strings (:func:`~openai_fn.core.query.encode_query`), as in the SDK.
    """
    return encode_query(data)


def file_field(name: str, value: object) -> FileField:
    """Describe one file argument; a clear ``TypeError`` naming ``name`` when it is none of the accepted forms."""
    if isinstance(value, tuple):
        parts = cast("tuple[Any, ...]", value)
        if len(parts) not in (2, 3):
            raise TypeError(f"{name}: expected (filename, contents) or (filename, contents, content_type)")
        filename, content = parts[0], parts[1]
        content_type = parts[2] if len(parts) == 3 else None
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"{name}: the filename must be a string or None, got {type(filename).__name__}")
        if content_type is not None and not isinstance(content_type, str):
            raise TypeError(f"{name}: the content type must be a string or None, got {type(content_type).__name__}")
        _check_content(name, content)
        return FileField(filename, _frozen(content), content_type)
    _check_content(name, value)
    return FileField(_guess_filename(value), _frozen(value), None)


def _frozen(content: object) -> object:
    """Copy mutable buffers, so a body value cannot change after it was built."""
    return bytes(cast("Any", content)) if isinstance(content, bytearray | memoryview) else content


def _check_content(name: str, content: object) -> None:
    if isinstance(content, str):
        raise TypeError(
            f"{name}: a str is ambiguous (contents or a path?); pass bytes, pathlib.Path(...) or an open binary file"
        )
    if isinstance(content, bytes | bytearray | memoryview | os.PathLike):
        return
    if callable(getattr(content, "read", None)):
        return
    raise TypeError(
        f"{name}: expected bytes, a path (os.PathLike), an open binary file or a (filename, contents) tuple, "
        f"got {type(content).__name__}"
    )


def _guess_filename(content: object) -> str | None:
    if isinstance(content, os.PathLike):
        return os.path.basename(os.fspath(cast("os.PathLike[str]", content)))
    name = getattr(content, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return os.path.basename(name)
    return None


def multipart_body(fields: Mapping[str, object], files: Mapping[str, object]) -> MultipartBody:
    """A multipart body; a list of files under one name is sent as repeated ``name[]`` parts, like the SDK."""
    parts: list[tuple[str, FileField]] = []
    for name, value in files.items():
        if value is None or value is msgspec.UNSET:
            continue
        if isinstance(value, list):
            for item in cast("list[object]", value):
                parts.append((f"{name}[]", file_field(name, item)))
        else:
            parts.append((name, file_field(name, value)))
    return MultipartBody(fields=flatten_fields(fields), files=tuple(parts))


# --- encoding -------------------------------------------------------------------------------------

_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}


def _quoted(value: str) -> str:
    """A ``Content-Disposition`` parameter value, escaped the way browsers and httpx do (HTML5 form encoding)."""
    return '"' + "".join(_ESCAPES.get(char, char) for char in value) + '"'


def new_boundary() -> str:
    """A fresh random boundary (32 hex digits, as httpx makes)."""
    return secrets.token_hex(16)


def content_type_header(boundary: str) -> str:
    return f"multipart/form-data; boundary={boundary}"


def file_content_type(part: FileField) -> str:
    """The part's own content type, else one guessed from its filename, else ``application/octet-stream``."""
    if part.content_type:
        return part.content_type
    guessed = mimetypes.guess_type(part.filename)[0] if part.filename else None
    return guessed or "application/octet-stream"


def multipart_segments(body: MultipartBody, boundary: str) -> tuple[Segment, ...]:
    """The body as literal bytes and the files that go between them, in wire order (fields first, then files)."""
    if not boundary or len(boundary) > 70 or any(c in boundary for c in '\r\n"'):
        raise ValueError(f"boundary: expected 1 to 70 plain characters, got {boundary!r}")
    delimiter = f"--{boundary}\r\n".encode()
    out: list[Segment] = []
    pending = bytearray()
    for name, value in body.fields:
        pending += delimiter
        pending += f"Content-Disposition: form-data; name={_quoted(name)}\r\n\r\n".encode()
        pending += value.encode()
        pending += b"\r\n"
    for name, part in body.files:
        filename = part.filename if part.filename is not None else DEFAULT_FILENAME
        pending += delimiter
        pending += (
            f"Content-Disposition: form-data; name={_quoted(name)}; filename={_quoted(filename)}\r\n"
            f"Content-Type: {file_content_type(part)}\r\n\r\n"
        ).encode()
        out.append(bytes(pending))
        pending.clear()
        out.append(part)
        pending += b"\r\n"
    pending += f"--{boundary}--\r\n".encode()
    out.append(bytes(pending))
    return tuple(out)


def encode_multipart(body: MultipartBody, boundary: str) -> bytes:
    """The whole body as bytes; every file must already be bytes (a ``TypeError`` says which is not)."""
    chunks: list[bytes] = []
    for segment in multipart_segments(body, boundary):
        if isinstance(segment, bytes):
            chunks.append(segment)
        elif isinstance(segment.content, bytes):
            chunks.append(segment.content)
        else:
            raise TypeError(
                f"encode_multipart: {segment.filename or 'a file'} is not in memory; the executor reads it when sending"
            )
    return b"".join(chunks)
