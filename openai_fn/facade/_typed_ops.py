"""Type-level operators that turn a builder's signature into the facade's (for type checkers only).

``client.chat.completions.create(...)`` runs through the dynamic :class:`~openai_fn.facade.namespaces.Namespace`
at runtime. For type checkers, the generated ``_typed.py`` declares the same tree as classes whose members are
these operators applied to the builders themselves, so no signature is written twice:

- ``sync_op(builder)``: ``Callable[P, Request[T]]`` → ``Callable[P, Result[T, OpenAIError]]``;
- ``sync_raw_op`` → ``Result[APIResponse[T], OpenAIError]`` (``with_raw_response``);
- ``sync_open_op`` → a context manager of ``Result[StreamedResponse[T], OpenAIError]`` (``with_streaming_response``);
- ``async_op``, ``async_raw_op``, ``async_open_op``: the same, awaitable (or an async context manager);
- ``sync_helper(helper)`` / ``async_helper(helper)``: a helper whose first parameter is the executor, bound.

Each returns an :class:`Op` descriptor whose ``__get__`` gives the callable, so the type checker does not treat
it as a method to bind ``self`` to. A ParamSpec keeps the builder's overloads (pyright keeps each overload that
maps). Nothing here runs when a request is made; the functions exist so the generated module type-checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    from returns.result import Result

    from ..core.errors import OpenAIError
    from ..core.request import Request
    from ..executors.async_ import AsyncOpenAI
    from ..executors.response import APIResponse, AsyncStreamedResponse, StreamedResponse
    from ..executors.sync import OpenAI

__all__ = [
    "Op",
    "async_helper",
    "async_op",
    "async_open_op",
    "async_raw_op",
    "sync_helper",
    "sync_op",
    "sync_open_op",
    "sync_raw_op",
]

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class Op(Generic[F]):
    """A class attribute that reads as the callable ``F`` on instances (and on the class)."""

    __slots__ = ()

    def __get__(self, instance: object, owner: type[Any] | None = None) -> F:
        raise NotImplementedError("openai_fn.facade._typed is for type checkers only")


def sync_op(builder: Callable[P, Request[T]]) -> Op[Callable[P, Result[T, OpenAIError]]]:
    return Op()


def sync_raw_op(builder: Callable[P, Request[T]]) -> Op[Callable[P, Result[APIResponse[T], OpenAIError]]]:
    return Op()


def sync_open_op(
    builder: Callable[P, Request[T]],
) -> Op[Callable[P, AbstractContextManager[Result[StreamedResponse[T], OpenAIError]]]]:
    return Op()


def async_op(builder: Callable[P, Request[T]]) -> Op[Callable[P, Awaitable[Result[T, OpenAIError]]]]:
    return Op()


def async_raw_op(
    builder: Callable[P, Request[T]],
) -> Op[Callable[P, Awaitable[Result[APIResponse[T], OpenAIError]]]]:
    return Op()


def async_open_op(
    builder: Callable[P, Request[T]],
) -> Op[Callable[P, AbstractAsyncContextManager[Result[AsyncStreamedResponse[T], OpenAIError]]]]:
    return Op()


def sync_helper(helper: Callable[Concatenate[OpenAI, P], R]) -> Op[Callable[P, R]]:
    return Op()


def async_helper(helper: Callable[Concatenate[AsyncOpenAI, P], R]) -> Op[Callable[P, R]]:
    return Op()
