"""``client.chat.completions.create(...)``: the builders, bound to an executor.

Nothing here repeats a signature. A namespace wraps a builder module; reading a builder
from it gives a function with the builder's own signature and docs that builds the request
and runs it on the executor. ``with_raw_response`` runs it with ``run_raw`` and
``with_streaming_response`` with ``open``, as in the official SDK. SDK-style helpers
(``create_and_poll``, ``upload_and_poll``, …) are looked up in a table and get the executor
as their first argument.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal

__all__ = ["HELPERS", "ModeRoot", "Namespace", "namespace_for"]

Mode = Literal["run", "raw", "open"]

HELPERS: dict[str, str] = {}
"""Dotted namespace path → ``module:function`` of a helper taking the executor first.

Filled in by :mod:`openai_fn.facade.helper_table` (kept apart so this module stays small)."""


class Namespace:
    """One level of the API tree (``client.beta.threads``), bound to an executor."""

    __slots__ = ("_children", "_executor", "_is_async", "_mode", "_module", "_path")

    def __init__(self, executor: Any, module: ModuleType, path: str, mode: Mode = "run", *, is_async: bool) -> None:
        self._executor = executor
        self._module = module
        self._path = path
        self._mode: Mode = mode
        self._is_async = is_async
        self._children: dict[str, Any] = {}

    @property
    def with_raw_response(self) -> Namespace:
        """The same calls, answering ``run_raw``'s ``APIResponse`` (headers, status, request id, ``.parse()``)."""
        return Namespace(self._executor, self._module, self._path, "raw", is_async=self._is_async)

    @property
    def with_streaming_response(self) -> Namespace:
        """The same calls, as ``open``: a context manager whose body is read lazily."""
        return Namespace(self._executor, self._module, self._path, "open", is_async=self._is_async)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        cached = self._children.get(name)
        if cached is not None:
            return cached
        dotted = f"{self._path}.{name}"
        helper = HELPERS.get(dotted) if self._mode == "run" else None
        if helper is not None:
            value: Any = _bind_helper(self._executor, helper)
        else:
            target = getattr(self._module, name)
            if isinstance(target, ModuleType):
                value = Namespace(self._executor, target, dotted, self._mode, is_async=self._is_async)
            elif callable(target):
                value = _bind(self._executor, target, self._mode, self._is_async)
            else:
                raise AttributeError(f"{dotted!r} is not an operation or a namespace")
        self._children[name] = value
        return value

    def __dir__(self) -> list[str]:
        names = set(dir(self._module)) | {key.rsplit(".", 1)[1] for key in HELPERS if key.rsplit(".", 1)[0] == self._path}
        return sorted(name for name in names if not name.startswith("_"))

    def __repr__(self) -> str:
        return f"<Namespace {self._path} ({self._mode}) of {self._executor!r}>"


class ModeRoot:
    """``client.with_raw_response`` (or ``with_streaming_response``): every namespace, in that mode."""

    __slots__ = ("_executor", "_is_async", "_mode")

    def __init__(self, executor: Any, mode: Mode, *, is_async: bool) -> None:
        self._executor = executor
        self._mode: Mode = mode
        self._is_async = is_async

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        namespace = namespace_for(self._executor, name, is_async=self._is_async)
        if not isinstance(namespace, Namespace):
            raise AttributeError(f"{name!r} has no {self._mode} mode")
        return namespace.with_raw_response if self._mode == "raw" else namespace.with_streaming_response

    def __repr__(self) -> str:
        return f"<{self._mode} namespaces of {self._executor!r}>"


def _bind(executor: Any, builder: Callable[..., Any], mode: Mode, is_async: bool) -> Callable[..., Any]:
    runner = {"run": executor.run, "raw": executor.run_raw, "open": executor.open}[mode]
    if is_async and mode != "open":

        async def call_async(*args: Any, **kwargs: Any) -> Any:
            return await runner(builder(*args, **kwargs))

        return functools.update_wrapper(call_async, builder)

    def call(*args: Any, **kwargs: Any) -> Any:
        return runner(builder(*args, **kwargs))

    return functools.update_wrapper(call, builder)


def _bind_helper(executor: Any, target: str) -> Callable[..., Any]:
    module_name, _, attribute = target.partition(":")
    helper = getattr(importlib.import_module(module_name), attribute)
    return functools.update_wrapper(functools.partial(helper, executor), helper)


def namespace_for(executor: Any, name: str, *, is_async: bool) -> Any:
    """The top-level namespace ``name`` (``chat``, ``files``, …) of ``executor``; AttributeError if there is none."""
    if name == "webhooks":
        from .webhooks import Webhooks

        return Webhooks(executor.config.webhook_secret)
    from .helper_table import register

    register()
    try:
        module = importlib.import_module(f"openai_fn.endpoints.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"{type(executor).__name__!r} object has no attribute {name!r}") from None
    return Namespace(executor, module, name, is_async=is_async)
