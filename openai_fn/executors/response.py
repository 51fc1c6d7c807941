"""Raw answers: ``run_raw`` (body read, plus metadata) and ``open`` (body read lazily)."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, TypeVar

import httpx
import msgspec
from returns.result import Result

from ..core.decoding import decode_success
from ..core.errors import OpenAIError
from ..core.request import Request

__all__ = ["APIResponse", "AsyncStreamedResponse", "StreamedResponse"]

T = TypeVar("T")


class _Meta(Generic[T]):
    """Metadata every raw answer has."""

    def __init__(self, http_response: httpx.Response, request: Request[T], retries_taken: int) -> None:
        self.http_response = http_response
        self.request = request
        self.retries_taken = retries_taken

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        return self.http_response.headers.get("x-request-id")

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def elapsed(self) -> datetime.timedelta:
        return self.http_response.elapsed

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.method} {self.url} retries_taken={self.retries_taken}>"


class APIResponse(_Meta[T]):
    """What ``run_raw`` returns: headers, status, request id, retries taken, and ``parse()`` for the value."""

    def __init__(
        self,
        http_response: httpx.Response,
        request: Request[T],
        retries_taken: int,
        parse_stream: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(http_response, request, retries_taken)
        self._parse_stream = parse_stream
        self._parsed: Result[T, OpenAIError] | None = None

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return msgspec.json.decode(self.http_response.content)

    def parse_result(self) -> Result[T, OpenAIError]:
        """The decoded value as a ``Result`` (a body that does not decode is an ``APIResponseValidationError``)."""
        if self._parsed is None:
            if self._parse_stream is not None:
                from returns.result import Success

                self._parsed = Success(self._parse_stream())
            else:
                self._parsed = decode_success(self.request, self.http_response)
        return self._parsed

    def parse(self) -> T:
        """The decoded value, as ``run`` would have returned it; raises the typed error if it does not decode."""
        return _value_or_raise(self.parse_result())


class StreamedResponse(_Meta[T]):
    """What ``open`` yields: the body is read only when asked, piece by piece or whole."""

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        return self.http_response.iter_lines()

    def read(self) -> bytes:
        return self.http_response.read()

    def json(self) -> Any:
        return msgspec.json.decode(self.read())

    def parse(self) -> T:
        self.read()
        return _value_or_raise(decode_success(self.request, self.http_response))

    def write_to_file(self, path: str) -> None:
        """Stream the body to ``path`` without holding it all in memory."""
        with open(path, "wb") as file:
            for chunk in self.http_response.iter_bytes():
                file.write(chunk)

    def close(self) -> None:
        self.http_response.close()


class AsyncStreamedResponse(_Meta[T]):
    """The async ``open`` answer."""

    def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        return self.http_response.aiter_lines()

    async def read(self) -> bytes:
        return await self.http_response.aread()

    async def json(self) -> Any:
        return msgspec.json.decode(await self.read())

    async def parse(self) -> T:
        await self.read()
        return _value_or_raise(decode_success(self.request, self.http_response))

    async def write_to_file(self, path: str) -> None:
        import anyio

        async with await anyio.open_file(path, "wb") as file:
            async for chunk in self.http_response.aiter_bytes():
                await file.write(chunk)

    async def close(self) -> None:
        await self.http_response.aclose()


def _value_or_raise(result: Result[T, OpenAIError]) -> T:
    from returns.result import Success

    if isinstance(result, Success):
        return result.unwrap()
    raise result.failure()
