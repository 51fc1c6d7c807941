"""The iteration boilerplate shared by the stream helpers (chat, responses, assistants).

Each helper reads a source stream through a generator that folds every item into its state;
what is left — iterating that generator, reading it to the end, closing the source, the
context-manager protocol — is the same for all of them, so it lives here, once per flavour.
A subclass sets ``_source`` (the stream to close) and ``_iterator`` (its folding generator).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

__all__ = ["AsyncFoldingStream", "FoldingStream"]

E = TypeVar("E")


class FoldingStream(Generic[E]):
    """A sync stream helper: iterating it runs the fold; leaving a ``with`` block closes the source."""

    _source: object = None
    _iterator: Iterator[E] | None = None

    def __iter__(self) -> Iterator[E]:
        if self._iterator is None:  # only an event handler can be iterated before attach()
            raise RuntimeError("attach(stream) first")
        return self._iterator

    def __next__(self) -> E:
        return next(iter(self))

    def until_done(self) -> Self:
        """Read the stream to its end."""
        for _ in self:
            pass
        return self

    def close(self) -> None:
        close: Any = getattr(self._source, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class AsyncFoldingStream(Generic[E]):
    """:class:`FoldingStream` over an async source (closed with its ``aclose()``)."""

    _source: object = None
    _iterator: AsyncIterator[E] | None = None

    def __aiter__(self) -> AsyncIterator[E]:
        if self._iterator is None:  # only an event handler can be iterated before attach()
            raise RuntimeError("attach(stream) first")
        return self._iterator

    async def __anext__(self) -> E:
        return await anext(aiter(self))

    async def until_done(self) -> Self:
        """Read the stream to its end."""
        async for _ in self:
            pass
        return self

    async def close(self) -> None:
        close: Any = getattr(self._source, "aclose", None)
        if close is not None:
            await close()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
