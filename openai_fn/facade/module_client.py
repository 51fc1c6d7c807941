"""The module-level default executor, for REPLs and notebooks: ``openai_fn.api_key = ...; openai_fn.run(req)``.

The settings are plain attributes of the ``openai_fn`` module. Every call reads them, and
a changed setting takes effect on the next call: the executor is derived again with
``with_options``, on the same connection pool.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Literal, TypeVar, cast, overload

from returns.result import Result

from ..core.errors import OpenAIError
from ..core.pages import Page
from ..core.request import UNSET, Request
from ..executors.async_ import AsyncOpenAI
from ..executors.pagination import AsyncPager, SyncPager
from ..executors.response import APIResponse
from ..executors.sync import OpenAI

__all__ = ["SETTINGS", "arun", "arun_raw", "apaginate", "default_async_client", "default_client", "paginate", "run", "run_raw"]

T = TypeVar("T")

SETTINGS = (
    "api_key",
    "organization",
    "project",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "default_query",
    "http_client",
)
"""Module attributes read on every call (``None`` means: from the environment, or the default)."""

_sync: tuple[tuple[Any, ...], OpenAI] | None = None
_sync_pool: OpenAI | None = None
"""The executor that owns the module's connection pool; the ones per settings borrow it."""
_async: dict[tuple[Any, ...], AsyncOpenAI] = {}

ENVIRONMENT = ("OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_BASE_URL")
"""Environment variables the settings fall back on: a change to them is a change of settings too."""


def _settings() -> dict[str, Any]:
    module = sys.modules["openai_fn"]
    return {name: getattr(module, name, None) for name in SETTINGS}


def _key(settings: dict[str, Any]) -> tuple[object, ...]:
    return (*(_hashable(value) for value in settings.values()), *(os.environ.get(name) for name in ENVIRONMENT))


def _hashable(value: object) -> object:
    if isinstance(value, dict):
        items = cast("dict[str, object]", value).items()
        return tuple(sorted((name, _hashable(item)) for name, item in items))
    return value


def _arguments(settings: dict[str, Any]) -> dict[str, Any]:
    arguments = {name: value for name, value in settings.items() if value is not None and name != "http_client"}
    arguments.setdefault("timeout", UNSET)
    arguments.setdefault("max_retries", UNSET)
    return arguments


def default_client() -> OpenAI:
    """The module's sync executor for the current settings (made on first use, re-derived on change)."""
    global _sync, _sync_pool
    settings = _settings()
    key = _key(settings)
    if _sync is None or _sync[0] != key:
        http_client = settings["http_client"]
        if http_client is None:
            if _sync_pool is None:
                _sync_pool = OpenAI(api_key="")
            http_client = _sync_pool.http_client
        _sync = (key, OpenAI(http_client=http_client, **_arguments(settings)))
    return _sync[1]


def default_async_client() -> AsyncOpenAI:
    """The module's async executor for the current settings and the running event loop."""
    settings = _settings()
    key = (*_key(settings), _loop_identity())
    client = _async.get(key)
    if client is None:
        _async.clear()  # an old event loop's pool cannot be used from this one
        client = _async[key] = AsyncOpenAI(**_arguments(settings))
    return client


def _loop_identity() -> object:
    import sniffio

    library = sniffio.current_async_library()
    if library == "trio":
        import trio

        return ("trio", id(trio.lowlevel.current_root_task()))
    import asyncio

    return (library, id(asyncio.get_running_loop()))


def run(request: Request[T]) -> Result[T, OpenAIError]:
    """``default_client().run(request)``."""
    return default_client().run(request)


def run_raw(request: Request[T]) -> Result[APIResponse[T], OpenAIError]:
    return default_client().run_raw(request)


@overload
def paginate(request: Request[Page[T]], *, pages: Literal[False] = False) -> SyncPager[T]: ...
@overload
def paginate(request: Request[Page[T]], *, pages: Literal[True]) -> SyncPager[Page[T]]: ...
def paginate(request: Request[Page[Any]], *, pages: bool = False) -> SyncPager[Any]:
    return SyncPager(default_client().run, request, pages=pages)


async def arun(request: Request[T]) -> Result[T, OpenAIError]:
    """``await default_async_client().run(request)``."""
    return await default_async_client().run(request)


async def arun_raw(request: Request[T]) -> Result[APIResponse[T], OpenAIError]:
    return await default_async_client().run_raw(request)


@overload
def apaginate(request: Request[Page[T]], *, pages: Literal[False] = False) -> AsyncPager[T]: ...
@overload
def apaginate(request: Request[Page[T]], *, pages: Literal[True]) -> AsyncPager[Page[T]]: ...
def apaginate(request: Request[Page[Any]], *, pages: bool = False) -> AsyncPager[Any]:
    return AsyncPager(default_async_client().run, request, pages=pages)
