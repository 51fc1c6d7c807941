"""Typing for streamed answers: builders declare ``Request[Stream[Event]]``.

The sync executor returns ``openai_fn.executors.streams.Stream`` and the async one
``AsyncStream``; both satisfy these protocols, so type-checked code sees every method a
user needs without this pure module importing the executors.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TypeVar

if TYPE_CHECKING:
    from returns.result import Result

    from .errors import OpenAIError

__all__ = ["AsyncStream", "Stream"]

T_co = TypeVar("T_co", covariant=True)


class Stream(Protocol[T_co]):
    """Events, read lazily; iterating raises the typed error where the stream fails."""

    @property
    def request_id(self) -> str | None: ...
    def __iter__(self) -> Iterator[T_co]: ...
    def results(self) -> Iterator[Result[T_co, OpenAIError]]:
        """The events as ``Result`` values: ``Success`` each, then at most one ``Failure``; never raises."""
        ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class AsyncStream(Protocol[T_co]):
    """The async twin of :class:`Stream`."""

    @property
    def request_id(self) -> str | None: ...
    def __aiter__(self) -> AsyncIterator[T_co]: ...
    def results(self) -> AsyncIterator[Result[T_co, OpenAIError]]: ...
    async def aclose(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
