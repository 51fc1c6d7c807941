"""Lazy iteration over every page of a list: each page is one ``run`` of a pure ``next_request()``.

A pager fetches a page only when the items of the one before are used up, so breaking out
of a loop costs no further requests. Each page goes through the executor's ``run``, so it gets
the full retry policy. A page that fails raises its typed error where the loop is (never a
silent stop); :meth:`SyncPager.results` yields ``Result`` values instead and ends after the
first ``Failure``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, Literal, TypeVar, cast, overload

from returns.result import Failure, Result, Success

from ..core.errors import OpenAIError
from ..core.pages import Page
from ..core.request import Request

__all__ = ["AsyncPager", "SyncPager"]

T = TypeVar("T")
Y = TypeVar("Y")

SyncRun = Callable[[Request[Page[T]]], Result[Page[T], OpenAIError]]
AsyncRun = Callable[[Request[Page[T]]], Awaitable[Result[Page[T], OpenAIError]]]


class SyncPager(Generic[Y]):
    """Iterate the items (or, with ``pages=True``, the pages) of a list request, fetching pages on demand."""

    @overload
    def __init__(self: SyncPager[T], run: SyncRun[T], request: Request[Page[T]], pages: Literal[False] = False) -> None: ...
    @overload
    def __init__(self: SyncPager[Page[T]], run: SyncRun[T], request: Request[Page[T]], pages: Literal[True]) -> None: ...
    @overload
    def __init__(self: SyncPager[Any], run: SyncRun[T], request: Request[Page[T]], pages: bool) -> None: ...
    def __init__(self, run: SyncRun[Any], request: Request[Page[Any]], pages: bool = False) -> None:
        self._run: SyncRun[Any] = run
        self.request = request
        self.pages = pages

    def __iter__(self) -> Iterator[Y]:
        """Items (or pages); a failed page raises its ``OpenAIError`` here.

        The same walk as :meth:`results`, without wrapping each item in a ``Success`` only to unwrap it.
        """
        request: Request[Page[Any]] | None = self.request
        while request is not None:
            result = self._run(request)
            if not isinstance(result, Success):
                raise result.failure()
            page: Page[Any] = result.unwrap()
            if self.pages:
                yield cast("Y", page)
            else:
                yield from cast("list[Y]", page.data)
            request = page.next_request()

    def iter_pages(self) -> Iterator[Page[Any]]:
        """Every page, whatever ``pages`` was."""
        return iter(SyncPager(self._run, self.request, pages=True))

    def results(self) -> Iterator[Result[Y, OpenAIError]]:
        """``Success`` per item (or page), then a ``Failure`` if a page fails, after which it stops."""
        request: Request[Page[Any]] | None = self.request
        while request is not None:
            result = self._run(request)
            if not isinstance(result, Success):
                yield Failure(result.failure())
                return
            page: Page[Any] = result.unwrap()
            if self.pages:
                yield Success(cast("Y", page))
            else:
                for item in page.data:
                    yield Success(cast("Y", item))
            request = page.next_request()

    def __repr__(self) -> str:
        return f"SyncPager({self.request!r}, pages={self.pages})"


class AsyncPager(Generic[Y]):
    """``async for`` over the items (or pages) of a list request, fetching pages on demand."""

    @overload
    def __init__(self: AsyncPager[T], run: AsyncRun[T], request: Request[Page[T]], pages: Literal[False] = False) -> None: ...
    @overload
    def __init__(self: AsyncPager[Page[T]], run: AsyncRun[T], request: Request[Page[T]], pages: Literal[True]) -> None: ...
    @overload
    def __init__(self: AsyncPager[Any], run: AsyncRun[T], request: Request[Page[T]], pages: bool) -> None: ...
    def __init__(self, run: AsyncRun[Any], request: Request[Page[Any]], pages: bool = False) -> None:
        self._run: AsyncRun[Any] = run
        self.request = request
        self.pages = pages

    async def _iterate(self) -> AsyncIterator[Y]:
        request: Request[Page[Any]] | None = self.request
        while request is not None:
            result = await self._run(request)
            if not isinstance(result, Success):
                raise result.failure()
            page: Page[Any] = result.unwrap()
            if self.pages:
                yield cast("Y", page)
            else:
                for item in page.data:
                    yield cast("Y", item)
            request = page.next_request()

    def __aiter__(self) -> AsyncIterator[Y]:
        """Items (or pages); a failed page raises its ``OpenAIError`` here."""
        return self._iterate()

    def iter_pages(self) -> AsyncIterator[Page[Any]]:
        """Every page, whatever ``pages`` was."""
        return AsyncPager(self._run, self.request, pages=True).__aiter__()

    async def results(self) -> AsyncIterator[Result[Y, OpenAIError]]:
        """``Success`` per item (or page), then a ``Failure`` if a page fails, after which it stops."""
        request: Request[Page[Any]] | None = self.request
        while request is not None:
            result = await self._run(request)
            if not isinstance(result, Success):
                yield Failure(result.failure())
                return
            page: Page[Any] = result.unwrap()
            if self.pages:
                yield Success(cast("Y", page))
            else:
                for item in page.data:
                    yield Success(cast("Y", item))
            request = page.next_request()

    def __repr__(self) -> str:
        return f"AsyncPager({self.request!r}, pages={self.pages})"
