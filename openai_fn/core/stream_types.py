"""Typing markers for streamed answers: builders declare ``Request[Stream[Event]]``.

The sync executor returns ``openai_fn.executors.streams.Stream`` and the async one
``AsyncStream``; both satisfy these protocols.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Protocol, TypeVar

__all__ = ["AsyncStream", "Stream"]

T_co = TypeVar("T_co", covariant=True)


class Stream(Protocol[T_co]):
    def __iter__(self) -> Iterator[T_co]: ...


class AsyncStream(Protocol[T_co]):
    def __aiter__(self) -> AsyncIterator[T_co]: ...
