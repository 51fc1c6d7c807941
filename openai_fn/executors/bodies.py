"""Multipart bodies on the wire: the file reading that :mod:`openai_fn.core.multipart` leaves to the edge.

The executor calls :func:`sync_multipart` / :func:`async_multipart` once per attempt, so every
attempt starts from the beginning: paths are opened again, seekable files rewound to 0 (as
httpx does). A one-shot stream is read once; the executor never retries such a body.

Bodies up to ``buffer_limit`` bytes are sent as one ``bytes`` value (with a Content-Length);
bigger ones, and streams of unknown size, are sent in chunks without being held in memory.
A streamed body is a :class:`StreamedBody` that knows its length when every part's size is
known, so an executor can send ``Content-Length`` instead of chunked transfer encoding.
"""

from __future__ import annotations

import inspect
import io
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any, cast

import anyio
import anyio.to_thread

from ..core.multipart import Segment, content_type_header, multipart_segments, new_boundary
from ..core.request import FileField, MultipartBody

__all__ = [
    "BUFFER_LIMIT",
    "CHUNK_SIZE",
    "AsyncStreamedBody",
    "StreamedBody",
    "async_multipart",
    "sync_multipart",
]

CHUNK_SIZE = 64 * 1024
BUFFER_LIMIT = 8 * 1024 * 1024
"""Bodies up to this size are built in memory and sent whole; bigger ones are streamed."""


class StreamedBody:
    """An iterable of chunks for a body too big to hold; ``content_length`` is ``None`` when unknown."""

    def __init__(self, chunks: Callable[[], Iterator[bytes]], content_length: int | None) -> None:
        self._chunks = chunks
        self.content_length = content_length

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()


class AsyncStreamedBody:
    """The async twin of :class:`StreamedBody`."""

    def __init__(self, chunks: Callable[[], AsyncIterator[bytes]], content_length: int | None) -> None:
        self._chunks = chunks
        self.content_length = content_length

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()


# --- sync -----------------------------------------------------------------------------------------


def sync_multipart(
    body: MultipartBody, *, boundary: str | None = None, buffer_limit: int | None = None
) -> tuple[bytes | Iterable[bytes], str]:
    """The content to send and its ``Content-Type`` header (with the boundary) for one attempt."""
    boundary = boundary or new_boundary()
    buffer_limit = BUFFER_LIMIT if buffer_limit is None else buffer_limit
    segments = multipart_segments(body, boundary)
    for segment in segments:
        if isinstance(segment, FileField):
            _rewind(segment.content)
    sizes = [_sync_size(segment) for segment in segments]
    total = None if None in sizes else sum(cast("list[int]", sizes))
    header = content_type_header(boundary)
    if total is not None and total <= buffer_limit:
        return b"".join(_read_whole(segment) for segment in segments), header
    return StreamedBody(lambda: _sync_chunks(segments), total), header


def _rewind(content: object) -> None:
    seekable = getattr(content, "seekable", None)
    if callable(seekable) and seekable():
        cast("io.IOBase", content).seek(0)


def _sync_size(segment: Segment) -> int | None:
    if isinstance(segment, bytes):
        return len(segment)
    content = segment.content
    if isinstance(content, bytes):
        return len(content)
    if isinstance(content, os.PathLike):
        return os.stat(cast("os.PathLike[str]", content)).st_size
    return _file_size(content)


def _file_size(file: Any) -> int | None:
    """Bytes left to read in a seekable file (just rewound), else ``None``."""
    seekable = getattr(file, "seekable", None)
    if not (callable(seekable) and seekable()):
        return None
    try:
        here = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(here)
    except (OSError, ValueError):
        return None
    return int(end) - int(here)


def _read_whole(segment: Segment) -> bytes:
    if isinstance(segment, bytes):
        return segment
    content = segment.content
    if isinstance(content, bytes):
        return content
    if isinstance(content, os.PathLike):
        with open(cast("os.PathLike[str]", content), "rb") as file:
            return file.read()
    return _as_bytes(content.read())


def _sync_chunks(segments: tuple[Segment, ...]) -> Iterator[bytes]:
    for segment in segments:
        if isinstance(segment, bytes):
            yield segment
            continue
        content = segment.content
        if isinstance(content, bytes):
            yield content
        elif isinstance(content, os.PathLike):
            with open(cast("os.PathLike[str]", content), "rb") as file:
                yield from _read_chunks(file)
        else:
            _rewind(content)  # again: the body may be iterated later than it was built
            yield from _read_chunks(content)


def _read_chunks(file: Any) -> Iterator[bytes]:
    while chunk := _as_bytes(file.read(CHUNK_SIZE)):
        yield chunk


def _as_bytes(data: object) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(cast("Any", data))
    raise TypeError(f"a file part's read() returned {type(data).__name__}, not bytes: open the file in binary mode")


# --- async ----------------------------------------------------------------------------------------


async def async_multipart(
    body: MultipartBody, *, boundary: str | None = None, buffer_limit: int | None = None
) -> tuple[bytes | AsyncIterable[bytes], str]:
    """Like :func:`sync_multipart`; paths and blocking files are read off the event loop."""
    boundary = boundary or new_boundary()
    buffer_limit = BUFFER_LIMIT if buffer_limit is None else buffer_limit
    segments = multipart_segments(body, boundary)
    sizes: list[int | None] = []
    for segment in segments:
        if isinstance(segment, FileField):
            await _async_rewind(segment.content)
        sizes.append(await _async_size(segment))
    total = None if None in sizes else sum(cast("list[int]", sizes))
    header = content_type_header(boundary)
    if total is not None and total <= buffer_limit:
        return b"".join([await _async_read_whole(segment) for segment in segments]), header
    return AsyncStreamedBody(lambda: _async_chunks(segments), total), header


async def _async_rewind(content: Any) -> None:
    if not _is_async_file(content):
        await anyio.to_thread.run_sync(_rewind, content)
        return
    seekable = getattr(content, "seekable", None)  # anyio's AsyncFile passes this through to the file
    if callable(seekable) and seekable():
        await content.seek(0)


def _is_async_file(content: object) -> bool:
    return inspect.iscoroutinefunction(getattr(content, "read", None))


async def _async_size(segment: Segment) -> int | None:
    if isinstance(segment, bytes):
        return len(segment)
    content = segment.content
    if isinstance(content, bytes):
        return len(content)
    if isinstance(content, os.PathLike):
        return (await anyio.Path(cast("os.PathLike[str]", content)).stat()).st_size
    if _is_async_file(content):
        return None
    return await anyio.to_thread.run_sync(_file_size, content)


async def _async_read_whole(segment: Segment) -> bytes:
    if isinstance(segment, bytes):
        return segment
    content = segment.content
    if isinstance(content, bytes):
        return content
    if isinstance(content, os.PathLike):
        return await anyio.Path(cast("os.PathLike[str]", content)).read_bytes()
    return _as_bytes(await anyio.to_thread.run_sync(content.read))


async def _async_chunks(segments: tuple[Segment, ...]) -> AsyncIterator[bytes]:
    for segment in segments:
        if isinstance(segment, bytes):
            yield segment
            continue
        content = segment.content
        if isinstance(content, bytes):
            yield content
        elif isinstance(content, os.PathLike):
            async with await anyio.open_file(cast("os.PathLike[str]", content), "rb") as file:
                while chunk := await file.read(CHUNK_SIZE):
                    yield chunk
        elif _is_async_file(content):
            await _async_rewind(content)  # again: the body may be iterated later than it was built
            while chunk := _as_bytes(await content.read(CHUNK_SIZE)):
                yield chunk
        else:
            await _async_rewind(content)
            while chunk := _as_bytes(await anyio.to_thread.run_sync(content.read, CHUNK_SIZE)):
                yield chunk
