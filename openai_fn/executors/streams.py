"""Lazy iterators over a streamed answer: typed events, read as the server sends them.

An executor hands a successful, not-yet-read ``httpx.Response`` to :class:`Stream` (sync) or
:class:`AsyncStream` (async). Iterating yields typed events and raises the typed error at the
point of failure: an error event is an :class:`~openai_fn.core.errors.APIError`; a read error
or timeout mid-body is an ``APIConnectionError``/``APITimeoutError``; a chunks-format body that
ends without ``[DONE]`` (or any body cut inside an event) is an ``APIConnectionError`` —
never a silent truncation. ``results()`` yields ``Result`` values instead of raising.

After ``[DONE]`` the rest of an HTTP/1.1 body is drained briefly (bounded in time and bytes) so
the connection goes back to the pool; leaving a ``for`` loop early, ``close()``, or the end of a
``with`` block closes the response and its connection.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import anyio
import httpx
from returns.result import Failure, Result, Success

from ..core.decoders import StreamDecoder, type_name
from ..core.errors import APIConnectionError, APIError, APIResponseValidationError, OpenAIError
from ..core.sse import SSEDecoder
from ..core.stream_events import Control, Done, EventReader, Skip, StreamError, event_reader
from .base import NETWORK_ERRORS, map_exception

__all__ = ["DRAIN_MAX_BYTES", "DRAIN_SECONDS", "AsyncStream", "Stream"]

E = TypeVar("E")

DRAIN_SECONDS = 0.1
"""How long the rest of a body is read after ``[DONE]`` before the connection is dropped instead."""
DRAIN_MAX_BYTES = 64 * 1024
"""How much of the rest of a body is read after ``[DONE]`` before the connection is dropped instead."""


class _Base(Generic[E]):
    """What both streams share: the response, the decoders, and turning outcomes into errors."""

    response: httpx.Response
    decoder: StreamDecoder

    def __init__(self, *, response: httpx.Response, decoder: StreamDecoder) -> None:
        self.response = response
        self.decoder = decoder
        self._reader: EventReader[E] = event_reader(decoder)
        self._sse = SSEDecoder()
        self._closed = False

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the answer, for support requests and logs."""
        return self.response.headers.get("x-request-id")

    def __repr__(self) -> str:
        name = type_name(self.decoder.event_type)
        if len(name) > 80:  # a union of dozens of event types: its first member says enough
            name = name[:77] + "..."
        return f"{type(self).__name__}[{self.decoder.format}]({name}, request_id={self.request_id!r})"

    def _error(self, outcome: StreamError, *, at_end: bool = False) -> APIError:
        request = self.response.request
        if outcome.kind == "api":
            return APIError(outcome.message, request, body=outcome.body)
        if at_end:  # a half-sent event at the end of the body: the connection was cut
            return APIConnectionError("Connection error: the stream ended in the middle of an event.", request)
        return APIResponseValidationError(outcome.message, self.response, body=outcome.body)

    def _tail(self) -> list[Any]:
        """The events left open at the end of the body, each as an event or a raisable error."""
        out: list[Any] = []
        for sse in self._sse.finish():
            outcome = self._reader(sse)
            if isinstance(outcome, StreamError):
                out.append(self._error(outcome, at_end=self._sse.truncated))
                break
            if isinstance(outcome, Done):
                out.append(outcome)
                break
            if not isinstance(outcome, Skip):
                out.append(outcome)
        return out

    def _ended_early(self) -> APIConnectionError:
        return APIConnectionError(
            "Connection error: the stream ended before its [DONE] event.", self.response.request
        )

    def _needs_done(self) -> bool:
        return self.decoder.format == "chunks"


def _plain_body(response: httpx.Response) -> bool:
    """Unread and not content-encoded: the raw bytes are the body, one decoding layer fewer per chunk."""
    return not response.is_stream_consumed and response.headers.get("content-encoding", "identity") == "identity"


class Stream(_Base[E]):
    """A synchronous stream of typed events: ``for event in stream``, or ``stream.results()``."""

    def __init__(self, *, response: httpx.Response, decoder: StreamDecoder) -> None:
        super().__init__(response=response, decoder=decoder)
        self._iterator: Iterator[E] = self._events()

    def __iter__(self) -> Iterator[E]:
        try:
            yield from self._iterator
        finally:  # also when a loop is left early: the connection is not left half-read
            self.close()

    def __next__(self) -> E:
        return next(self._iterator)

    def results(self) -> Iterator[Result[E, OpenAIError]]:
        """Every event as ``Success``; a failure as one last ``Failure``. Raises nothing for network or server outcomes."""
        iterator = self.__iter__()
        try:
            while True:
                try:
                    event = next(iterator)
                except StopIteration:
                    return
                except OpenAIError as exc:
                    yield Failure(exc)
                    return
                yield Success(event)
        finally:
            self.close()

    def close(self) -> None:
        """Release the connection; iteration then ends. Safe to call more than once."""
        self._closed = True
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _events(self) -> Iterator[E]:
        response = self.response
        feed = self._sse.feed
        read = self._reader
        chunks = response.iter_raw() if _plain_body(response) else response.iter_bytes()
        try:
            try:
                for chunk in chunks:
                    for sse in feed(chunk):
                        outcome = read(sse)
                        if not isinstance(outcome, Control):
                            yield outcome
                            if self._closed:
                                return
                        elif isinstance(outcome, Done):
                            self._drain(chunks)
                            return
                        elif isinstance(outcome, StreamError):
                            raise self._error(outcome)
            except NETWORK_ERRORS as exc:
                if self._closed:
                    return
                raise map_exception(exc, response.request) from exc
            if self._closed:
                return
            for item in self._tail():
                if isinstance(item, OpenAIError):
                    raise item
                if isinstance(item, Done):
                    return
                yield item
            if self._needs_done():
                raise self._ended_early()
        finally:
            self.close()

    def _drain(self, chunks: Iterator[bytes]) -> None:
        """Read what follows ``[DONE]`` (normally just the end of the body) so the connection is reused."""
        if self.response.is_closed or self.response.http_version != "HTTP/1.1":
            return
        deadline = time.monotonic() + DRAIN_SECONDS
        left = DRAIN_MAX_BYTES
        try:
            for chunk in chunks:
                left -= len(chunk)
                if left < 0 or time.monotonic() > deadline:
                    return  # too much or too slow: close() drops the connection instead
        except NETWORK_ERRORS:
            return  # the events were all delivered; a failing tail is not the caller's problem


class AsyncStream(_Base[E]):
    """An asynchronous stream of typed events: ``async for event in stream``, or ``stream.results()``."""

    def __init__(self, *, response: httpx.Response, decoder: StreamDecoder) -> None:
        super().__init__(response=response, decoder=decoder)
        self._iterator: AsyncIterator[E] = self._events()

    async def __aiter__(self) -> AsyncIterator[E]:
        try:
            async for event in self._iterator:
                yield event
        finally:  # also when a loop is left early: the connection is not left half-read
            await self.aclose()

    async def __anext__(self) -> E:
        return await anext(self._iterator)

    async def results(self) -> AsyncIterator[Result[E, OpenAIError]]:
        """Every event as ``Success``; a failure as one last ``Failure``. Raises nothing for network or server outcomes."""
        try:
            async for event in self._iterator:
                yield Success(event)
        except OpenAIError as exc:
            yield Failure(exc)
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Release the connection; iteration then ends. Safe to call more than once, even when cancelled."""
        self._closed = True
        with anyio.CancelScope(shield=True):
            await self.response.aclose()

    close = aclose

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _events(self) -> AsyncIterator[E]:
        response = self.response
        feed = self._sse.feed
        read = self._reader
        chunks = response.aiter_raw() if _plain_body(response) else response.aiter_bytes()
        try:
            try:
                async for chunk in chunks:
                    for sse in feed(chunk):
                        outcome = read(sse)
                        if not isinstance(outcome, Control):
                            yield outcome
                            if self._closed:
                                return
                        elif isinstance(outcome, Done):
                            await self._drain(chunks)
                            return
                        elif isinstance(outcome, StreamError):
                            raise self._error(outcome)
            except NETWORK_ERRORS as exc:
                if self._closed:
                    return
                raise map_exception(exc, response.request) from exc
            if self._closed:
                return
            for item in self._tail():
                if isinstance(item, OpenAIError):
                    raise item
                if isinstance(item, Done):
                    return
                yield item
            if self._needs_done():
                raise self._ended_early()
        finally:
            await self.aclose()

    async def _drain(self, chunks: AsyncIterator[bytes]) -> None:
        if self.response.is_closed or self.response.http_version != "HTTP/1.1":
            return
        left = DRAIN_MAX_BYTES
        try:
            with anyio.move_on_after(DRAIN_SECONDS):
                async for chunk in chunks:
                    left -= len(chunk)
                    if left < 0:
                        return
        except NETWORK_ERRORS:
            return
