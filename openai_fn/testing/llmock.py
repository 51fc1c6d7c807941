"""llmock, an OpenAI-compatible mock server, run on a free loopback port for demos and tests.

`llmock <https://pypi.org/project/llmock/>`_ (installed with the ``dev`` extra) answers chat
completions (also streamed), responses, embeddings, file uploads, batches, images and models
with deterministic text, and can be scripted to fail: an HTTP error with ``Retry-After``, a delay,
a stream cut, stalled or corrupted after *n* chunks. Scripts go through its ``/_llmock`` control
API, so they work across the process boundary::

    from openai_fn.testing.llmock import LLMock, fail

    with LLMock() as server:                          # starts `llmock serve`, waits for /health
        client = oa.OpenAI(base_url=server.base_url, api_key="sk-test")
        server.script(fail(429, retry_after=0.01))    # the next request gets a 429
        client.run(chat.completions.create(...))      # ... which the client retries
        server.requests()                             # what llmock saw, oldest first

The behaviour builders (:func:`fail`, :func:`delay`, :func:`stream_fault`, :func:`reply`) are
pure: they return the JSON form of one behaviour, to pass to :meth:`LLMock.script`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self, cast

from .process import LOOPBACK, ServerProcess, ServerStartError

__all__ = ["Behavior", "LLMock", "LLMockUnavailable", "delay", "fail", "reply", "stream_fault"]

Behavior = Mapping[str, object]
"""One scripted behaviour in llmock's JSON form, e.g. ``{"type": "fail", "status": 429}``."""

ResponseStyle = Literal["static", "hello", "echo", "varied"]
StreamFaultKind = Literal["disconnect", "truncate", "stall", "malformed"]


class LLMockUnavailable(ServerStartError):
    """llmock is not installed in this environment (``pip install llmock``, or the ``dev`` extra)."""


def _match(path: str | None, model: str | None, stream: bool | None) -> dict[str, object]:
    out: dict[str, object] = {}
    if path is not None:
        out["path"] = path
    if model is not None:
        out["model"] = model
    if stream is not None:
        out["stream"] = stream
    return out


def _behavior(type_: str, times: int | None, match: dict[str, object], **fields: object) -> Behavior:
    out: dict[str, object] = {"type": type_, "times": times}
    out.update({name: value for name, value in fields.items() if value is not None})
    if match:
        out["match"] = match
    return out


def fail(
    status: int,
    *,
    retry_after: float | None = None,
    message: str | None = None,
    code: str | None = None,
    times: int | None = 1,
    path: str | None = None,
    model: str | None = None,
) -> Behavior:
    """Answer the next ``times`` matching requests with HTTP ``status`` (``None``: every one, until reset).

    ``retry_after`` (seconds) is sent as ``retry-after`` and ``retry-after-ms``; ``path`` and
    ``model`` accept shell wildcards (``"/v1/chat/*"``).
    """
    if not 400 <= status <= 599:
        raise ValueError(f"status: expected an HTTP error status (400-599), got {status}")
    return _behavior(
        "fail", times, _match(path, model, None), status=status, retry_after=retry_after, message=message, code=code
    )


def delay(seconds: float, *, times: int | None = 1, path: str | None = None) -> Behavior:
    """Hold the whole answer of the next ``times`` matching requests for ``seconds``."""
    if seconds < 0:
        raise ValueError(f"seconds: expected a non-negative number, got {seconds}")
    return _behavior("delay", times, _match(path, None, None), seconds=seconds)


def stream_fault(
    kind: StreamFaultKind,
    *,
    after_chunks: int = 1,
    stall_seconds: float | None = None,
    times: int | None = 1,
    path: str | None = None,
) -> Behavior:
    """Break the next streamed answer after ``after_chunks`` events.

    ``disconnect`` drops the connection; ``truncate`` ends the body cleanly but early (no
    ``[DONE]``); ``stall`` pauses ``stall_seconds``; ``malformed`` sends an event that is not JSON.
    """
    return _behavior(
        "stream_fault", times, _match(path, None, True), kind=kind, after_chunks=after_chunks,
        stall_seconds=stall_seconds,
    )


def reply(text: str, *, finish_reason: str | None = None, times: int | None = 1, path: str | None = None) -> Behavior:
    """Make the mock model say exactly ``text`` in its next ``times`` matching answers."""
    return _behavior("reply", times, _match(path, None, None), text=text, finish_reason=finish_reason)


class LLMock(ServerProcess):
    """``llmock serve`` as a child process on a free loopback port; a context manager.

    :attr:`base_url` is what to give a client (``http://127.0.0.1:PORT/v1``). Start-up takes
    about a second or two; :attr:`startup_seconds` says how long it took. ``LLMOCK_*`` variables
    of this environment are not passed on, so the server behaves the same everywhere; chaos is
    scripted per test with :meth:`script` instead.
    """

    name = "llmock"

    def __init__(
        self,
        *,
        port: int | None = None,
        response_style: ResponseStyle = "echo",
        extra_args: Sequence[str] = (),
        startup_timeout: float = 30.0,
        python: str = sys.executable,
    ) -> None:
        self.response_style: ResponseStyle = response_style

        def argv(port: int) -> list[str]:
            return [
                python, "-m", "llmock.cli", "serve",
                "--host", LOOPBACK, "--port", str(port),
                "--log-level", "warning",
                "--response-style", response_style,
                *extra_args,
            ]

        env = {name: value for name, value in os.environ.items() if not name.startswith("LLMOCK_")}
        env["NO_COLOR"] = "1"
        super().__init__(argv, ready_path="/health", port=port, startup_timeout=startup_timeout, env=env)
        self._python = python

    def start(self) -> Self:
        if self._python == sys.executable and importlib.util.find_spec("llmock") is None:
            raise LLMockUnavailable(
                "llmock is not installed: `pip install llmock` (or `pip install -e '.[dev]'`, which `make setup` runs)",
                exited=False,
            )
        return super().start()

    @property
    def base_url(self) -> str:
        """The OpenAI API root on this server: ``http://127.0.0.1:PORT/v1``."""
        return self.url + "/v1"

    # -- the /_llmock control API ------------------------------------------------------------------

    def script(self, *behaviors: Behavior) -> int:
        """Queue behaviours for upcoming requests (each request consumes the first match per kind).

        Returns how many behaviours are now waiting.
        """
        if not behaviors:
            raise ValueError("script: give at least one behaviour")
        answer = self._control("POST", "/scenario", {"behaviors": [dict(b) for b in behaviors]})
        return int(answer["pending"])

    def pending(self) -> list[dict[str, Any]]:
        """Behaviours queued by :meth:`script` that have not fired yet."""
        return cast("list[dict[str, Any]]", self._control("GET", "/scenario")["pending"])

    def requests(self) -> list[dict[str, Any]]:
        """Every request served since the last :meth:`reset`, oldest first (``method``, ``path``,
        ``status``, ``stream``, ``fault``, ``sdk_retry_count``, ``body``, ...)."""
        return cast("list[dict[str, Any]]", self._control("GET", "/requests")["requests"])

    def reset(self) -> None:
        """Forget served requests and drop queued behaviours."""
        self._control("POST", "/reset")

    def _control(self, method: str, path: str, payload: object = None) -> dict[str, Any]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.url}/_llmock{path}", data=data, method=method,
            headers={"content-type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=10.0) as response:
                body: bytes = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", errors="replace")
            raise ValueError(f"llmock refused {method} /_llmock{path}: {exc.code} {detail}") from None
        return cast("dict[str, Any]", json.loads(body))
