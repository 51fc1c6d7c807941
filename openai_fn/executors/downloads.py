"""Binary answers saved to a file chunk by chunk, never held whole in memory.

``run`` gives a binary answer as :class:`~openai_fn.core.binary.BinaryContent` (all in memory);
for big files (videos, container files, batch outputs) use these instead. The body goes to a
temporary file next to ``path`` that replaces ``path`` only once the whole body has arrived,
so a connection cut half-way leaves no truncated file behind and comes back as a ``Failure``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Protocol

import anyio
import anyio.to_thread
from returns.result import Failure, Result, Success

from ..core.errors import OpenAIError
from ..core.request import Request
from .base import NETWORK_ERRORS, map_exception

__all__ = ["Download", "async_download", "async_stream_to_file", "download", "stream_to_file"]


class Download(Protocol):
    """What a sync streamed answer offers (``StreamedResponse`` from ``client.open``)."""

    @property
    def http_response(self) -> Any: ...
    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


class AsyncDownload(Protocol):
    """What an async streamed answer offers (``AsyncStreamedResponse`` from ``aclient.open``)."""

    @property
    def http_response(self) -> Any: ...
    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]: ...


class _SyncClient(Protocol):
    def open(self, request: Request[Any]) -> Any: ...


class _AsyncClient(Protocol):
    def open(self, request: Request[Any]) -> Any: ...


def stream_to_file(
    response: Download, path: str | os.PathLike[str], *, chunk_size: int | None = None
) -> Result[Path, OpenAIError]:
    """Write the rest of ``response``'s body to ``path``; a network failure is a ``Failure``, a disk one raises."""
    target = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            chunks = response.iter_bytes(chunk_size)
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                except NETWORK_ERRORS as exc:
                    _remove(temp_name)
                    return Failure(map_exception(exc, _request_of(response)))
                file.write(chunk)
        os.replace(temp_name, target)
    except BaseException:
        _remove(temp_name)
        raise
    return Success(target)


async def async_stream_to_file(
    response: AsyncDownload, path: str | os.PathLike[str], *, chunk_size: int | None = None
) -> Result[Path, OpenAIError]:
    """Like :func:`stream_to_file`, writing off the event loop."""
    target = anyio.Path(path)
    handle, temp_name = await anyio.to_thread.run_sync(
        lambda: tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=os.fspath(target.parent))
    )
    os.close(handle)
    failure: OpenAIError | None = None
    try:
        async with await anyio.open_file(temp_name, "wb") as file:
            chunks = response.iter_bytes(chunk_size)
            while failure is None:
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
                except NETWORK_ERRORS as exc:
                    failure = map_exception(exc, _request_of(response))
                    break
                await file.write(chunk)
        if failure is not None:
            await anyio.to_thread.run_sync(_remove, temp_name)
            return Failure(failure)
        await anyio.Path(temp_name).replace(target)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_remove, temp_name)
        raise
    return Success(Path(target))


def download(
    client: _SyncClient, request: Request[Any], path: str | os.PathLike[str], *, chunk_size: int | None = None
) -> Result[Path, OpenAIError]:
    """Run ``request`` (a binary answer) and stream its body to ``path``: ``client.open`` + :func:`stream_to_file`."""
    with client.open(request) as opened:
        result: Result[Any, OpenAIError] = opened
        if not isinstance(result, Success):
            return Failure(result.failure())
        return stream_to_file(result.unwrap(), path, chunk_size=chunk_size)


async def async_download(
    client: _AsyncClient, request: Request[Any], path: str | os.PathLike[str], *, chunk_size: int | None = None
) -> Result[Path, OpenAIError]:
    """The async :func:`download`."""
    async with client.open(request) as opened:
        result: Result[Any, OpenAIError] = opened
        if not isinstance(result, Success):
            return Failure(result.failure())
        return await async_stream_to_file(result.unwrap(), path, chunk_size=chunk_size)


def _request_of(response: Download | AsyncDownload) -> Any:
    try:
        return response.http_response.request
    except (AttributeError, RuntimeError):
        return None


def _remove(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(name)
