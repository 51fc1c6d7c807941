"""Multipart bodies: flattening, file descriptions, the pure encoding, and reading files per attempt."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterable, Iterable
from pathlib import Path

import anyio
import msgspec
import pytest
from syrupy.assertion import SnapshotAssertion

from openai_fn.core.multipart import (
    encode_multipart,
    file_content_type,
    file_field,
    flatten_fields,
    multipart_body,
    multipart_segments,
)
from openai_fn.core.query import encode_query
from openai_fn.core.request import FileField, MultipartBody, make_request
from openai_fn.executors.bodies import AsyncStreamedBody, StreamedBody, async_multipart, sync_multipart
from tests.multipart_parse import Part, parse_multipart

BOUNDARY = "test-boundary-0123456789"
HEADER = f"multipart/form-data; boundary={BOUNDARY}"


# --- building -------------------------------------------------------------------------------------


def test_fields_flatten_like_the_official_sdk() -> None:
    fields = flatten_fields(
        {
            "purpose": "fine-tune",
            "expires_after": {"anchor": "created_at", "seconds": 3600},
            "include": ["a", "b"],
            "chunking": {"static": {"max_chunk_size_tokens": 800}},
            "items": [{"k": 1}, {"k": 2}],
            "stream": False,
            "temperature": 0.5,
            "missing": None,
            "unset": msgspec.UNSET,
        }
    )
    assert fields == (
        ("purpose", "fine-tune"),
        ("expires_after[anchor]", "created_at"),
        ("expires_after[seconds]", "3600"),
        ("include[]", "a"),
        ("include[]", "b"),
        ("chunking[static][max_chunk_size_tokens]", "800"),
        ("items[][k]", "1"),
        ("items[][k]", "2"),
        ("stream", "false"),
        ("temperature", "0.5"),
    )


class _Window(msgspec.Struct, omit_defaults=True):
    gt: int | None = None
    lt: int | None = None


def test_form_fields_and_query_strings_flatten_alike() -> None:
    """One flattening for both: Structs as ``name[key]``, sets as sorted ``name[]``."""
    data: dict[str, object] = {"window": _Window(gt=1), "tags": {"b", "a"}, "ids": ("x",)}
    expected = (("window[gt]", "1"), ("tags[]", "a"), ("tags[]", "b"), ("ids[]", "x"))
    assert flatten_fields(data) == expected
    assert encode_query(data) == expected


def test_file_inputs_in_every_accepted_form(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"{}\n")
    with open(path, "rb") as handle:
        assert file_field("file", handle) == FileField("train.jsonl", handle)
    assert file_field("file", b"abc") == FileField(None, b"abc")
    assert file_field("file", bytearray(b"abc")) == FileField(None, b"abc")
    assert file_field("file", path) == FileField("train.jsonl", path)
    assert file_field("file", ("x.txt", b"abc")) == FileField("x.txt", b"abc")
    assert file_field("file", ("x.bin", b"abc", "image/png")) == FileField("x.bin", b"abc", "image/png")
    assert file_field("file", io.BytesIO(b"abc")).filename is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("train.jsonl", "a str is ambiguous"),
        (123, "expected bytes, a path"),
        (("a", "b", "c", "d"), "expected \\(filename, contents\\)"),
        ((1, b"x"), "filename must be a string"),
        (("a", b"x", 5), "content type must be a string"),
    ],
)
def test_bad_file_inputs_name_the_field(value: object, message: str) -> None:
    with pytest.raises(TypeError, match=f"^image: .*{message}"):
        file_field("image", value)


def test_a_list_of_files_is_repeated_name_brackets() -> None:
    body = multipart_body({"prompt": "a cat"}, {"image": [("a.png", b"A"), ("b.png", b"B")], "mask": None})
    assert [name for name, _ in body.files] == ["image[]", "image[]"]
    assert body.fields == (("prompt", "a cat"),)


def test_replayability_of_each_form(tmp_path: Path) -> None:
    class OneShot(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

    assert multipart_body({}, {"file": b"x"}).replayable
    assert multipart_body({}, {"file": tmp_path}).replayable
    assert multipart_body({}, {"file": io.BytesIO(b"x")}).replayable
    assert not multipart_body({}, {"file": OneShot()}).replayable
    assert not make_request("POST", "/files", files={"file": OneShot()}).replayable


def test_content_types_are_explicit_guessed_or_octet_stream() -> None:
    assert file_content_type(FileField("a.png", b"", "image/webp")) == "image/webp"
    assert file_content_type(FileField("a.png", b"")) == "image/png"
    assert file_content_type(FileField("a.unknownext", b"")) == "application/octet-stream"
    assert file_content_type(FileField(None, b"")) == "application/octet-stream"


# --- pure encoding --------------------------------------------------------------------------------


def test_encoding_is_deterministic_with_a_fixed_boundary(snapshot: SnapshotAssertion) -> None:
    body = multipart_body(
        {"purpose": "assistants", "expires_after": {"anchor": "created_at", "seconds": 60}},
        {"file": ("notes.txt", b"hello\r\nworld")},
    )
    encoded = encode_multipart(body, BOUNDARY)
    assert encoded == encode_multipart(body, BOUNDARY)
    assert encoded.decode().replace("\r\n", "<CRLF>\n") == snapshot


def test_encoding_round_trips_through_a_multipart_parser() -> None:
    payload = bytes(range(256)) * 4  # every byte value, including CR, LF and '-'
    body = multipart_body(
        {"model": "whisper-1", "timestamp_granularities": ["word", "segment"]},
        {"file": ("speech.mp3", payload), "extra": b"\x00\x01"},
    )
    parts = parse_multipart(HEADER, encode_multipart(body, BOUNDARY))
    assert parts == [
        Part("model", None, None, b"whisper-1"),
        Part("timestamp_granularities[]", None, None, b"word"),
        Part("timestamp_granularities[]", None, None, b"segment"),
        Part("file", "speech.mp3", "audio/mpeg", payload),
        Part("extra", "upload", "application/octet-stream", b"\x00\x01"),
    ]


def test_quotes_and_newlines_in_names_are_escaped() -> None:
    body = MultipartBody(fields=(('we"ird\r\nname', "v"),), files=(("f", FileField('a"b\n.txt', b"x")),))
    encoded = encode_multipart(body, BOUNDARY)
    assert b'name="we%22ird%0D%0Aname"' in encoded
    assert b'filename="a%22b%0A.txt"' in encoded
    assert b'we"ird' not in encoded


def test_unicode_field_values_and_filenames_are_utf8() -> None:
    body = multipart_body({"prompt": "café ☕"}, {"file": ("résumé.pdf", b"%PDF")})
    encoded = encode_multipart(body, BOUNDARY)
    assert "café ☕".encode() in encoded
    assert 'filename="résumé.pdf"'.encode() in encoded


def test_segments_leave_files_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    body = multipart_body({"a": "1"}, {"file": path})
    segments = multipart_segments(body, BOUNDARY)
    assert [type(s) for s in segments] == [bytes, FileField, bytes]
    with pytest.raises(TypeError, match="not in memory"):
        encode_multipart(body, BOUNDARY)


@pytest.mark.parametrize("boundary", ["", "x" * 71, "a\r\nb", 'a"b'])
def test_bad_boundaries_are_refused(boundary: str) -> None:
    with pytest.raises(ValueError, match="boundary"):
        multipart_segments(multipart_body({}, {}), boundary)


def test_an_empty_body_is_just_the_closing_delimiter() -> None:
    assert encode_multipart(multipart_body({}, {}), BOUNDARY) == f"--{BOUNDARY}--\r\n".encode()


# --- reading files per attempt (sync) -------------------------------------------------------------


def _join(content: bytes | Iterable[bytes]) -> bytes:
    return content if isinstance(content, bytes) else b"".join(content)


def test_sync_reads_paths_and_files_into_one_body(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    handle = io.BytesIO(b"from a file")
    body = multipart_body({"purpose": "batch"}, {"a": path, "b": ("b.txt", handle), "c": b"bytes"})
    content, header = sync_multipart(body, boundary=BOUNDARY)
    assert header == HEADER
    assert isinstance(content, bytes)
    parts = parse_multipart(header, content)
    assert [(p.name, p.filename, p.content) for p in parts] == [
        ("purpose", None, b"batch"),
        ("a", "data.jsonl", b'{"a": 1}\n'),
        ("b", "b.txt", b"from a file"),
        ("c", "upload", b"bytes"),
    ]


def test_sync_picks_a_fresh_random_boundary_by_default() -> None:
    body = multipart_body({}, {"file": b"x"})
    (_, first), (_, second) = sync_multipart(body), sync_multipart(body)
    assert first != second
    assert first.startswith("multipart/form-data; boundary=")


def test_seekable_files_are_rewound_on_every_attempt() -> None:
    handle = io.BytesIO(b"0123456789")
    handle.read(4)  # a previous attempt read part of it
    body = multipart_body({}, {"file": ("f.bin", handle)})
    first, _ = sync_multipart(body, boundary=BOUNDARY)
    second, _ = sync_multipart(body, boundary=BOUNDARY)
    assert first == second
    assert parse_multipart(HEADER, _join(first))[0].content == b"0123456789"


def test_big_bodies_stream_in_chunks_with_a_known_length(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = os.urandom(300_000)
    path.write_bytes(data)
    body = multipart_body({"purpose": "user_data"}, {"file": path})
    content, header = sync_multipart(body, boundary=BOUNDARY, buffer_limit=1000)
    assert isinstance(content, StreamedBody)
    chunks = list(content)
    assert len(chunks) > 3 and max(len(c) for c in chunks) <= 64 * 1024
    assert content.content_length == sum(len(c) for c in chunks)
    assert parse_multipart(header, b"".join(chunks))[1].content == data
    assert b"".join(content) == b"".join(chunks)  # a second pass reads the file again


def test_one_shot_streams_are_streamed_with_unknown_length() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def read(self, size: int = -1) -> bytes:
            return self._data.read(size)

    body = multipart_body({}, {"file": ("pipe.txt", Pipe(b"streamed once"))})
    content, header = sync_multipart(body, boundary=BOUNDARY)
    assert isinstance(content, StreamedBody)
    assert content.content_length is None
    assert parse_multipart(header, _join(content))[0].content == b"streamed once"


def test_text_mode_files_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("hi")
    with open(path) as handle:  # text mode: read() gives str
        body = multipart_body({}, {"file": handle})
        with pytest.raises(TypeError, match="binary mode"):
            sync_multipart(body)


# --- reading files per attempt (async) ------------------------------------------------------------


async def _ajoin(content: bytes | AsyncIterable[bytes]) -> bytes:
    if isinstance(content, bytes):
        return content
    return b"".join([chunk async for chunk in content])


@pytest.mark.anyio
async def test_async_reads_every_form(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"line\n")
    handle = io.BytesIO(b"xyz")
    handle.read()
    body = multipart_body({"purpose": "batch"}, {"a": path, "b": ("b.txt", handle), "c": b"bytes"})
    content, header = await async_multipart(body, boundary=BOUNDARY)
    assert isinstance(content, bytes)
    assert [(p.name, p.content) for p in parse_multipart(header, content)] == [
        ("purpose", b"batch"),
        ("a", b"line\n"),
        ("b", b"xyz"),
        ("c", b"bytes"),
    ]


@pytest.mark.anyio
async def test_async_streams_big_paths_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = os.urandom(200_000)
    path.write_bytes(data)
    body = multipart_body({}, {"file": path})
    content, header = await async_multipart(body, boundary=BOUNDARY, buffer_limit=10)
    assert isinstance(content, AsyncStreamedBody)
    joined = await _ajoin(content)
    assert content.content_length == len(joined)
    assert parse_multipart(header, joined)[0].content == data
    assert await _ajoin(content) == joined


@pytest.mark.anyio
async def test_async_files_are_read_and_rewound(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"async file contents")
    async with await anyio.open_file(path, "rb") as handle:
        body = multipart_body({}, {"file": ("a.bin", handle)})
        first, header = await async_multipart(body, boundary=BOUNDARY)
        second, _ = await async_multipart(body, boundary=BOUNDARY)
        first_bytes, second_bytes = await _ajoin(first), await _ajoin(second)
    assert first_bytes == second_bytes
    assert parse_multipart(header, first_bytes)[0].content == b"async file contents"
