"""Leaving the world of ``Result`` values, for code that prefers exceptions."""

from __future__ import annotations

from typing import TypeVar

from returns.result import Failure, Result, Success

__all__ = ["unwrap_or_raise"]

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


def unwrap_or_raise(result: Result[T, E]) -> T:
    """The value of a ``Success``, or raise the ``Failure``'s own typed error.

    Unlike ``result.unwrap()`` (which raises returns' ``UnwrapFailedError``), this raises the
    ``OpenAIError`` subclass itself, so ``except openai_fn.RateLimitError:`` works as with the
    official SDK.
    """
    if isinstance(result, Success):
        return result.unwrap()
    if isinstance(result, Failure):
        raise result.failure()
    raise TypeError(f"unwrap_or_raise: expected a returns Result, got {type(result).__name__}")
