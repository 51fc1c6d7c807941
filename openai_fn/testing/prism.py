"""Stoplight Prism mocking the OpenAI OpenAPI spec, run on a free loopback port for contract tests.

`Prism <https://github.com/stoplightio/prism>`_ (npm ``@stoplight/prism-cli``; 5.14.2 runs on
node 20, 5.16 needs node 24) serves every operation of the spec: it checks the path, method,
content type and (for most operations) the request body against the spec, answering 404, 405,
415 or 422 when they are wrong, and otherwise returns a placeholder answer built from the spec's
examples. ``Prefer: code=429`` asks it for that status instead. It cannot stream events and
mishandles binary answers. It serves the spec's paths **without** ``/v1``, so :attr:`Prism.base_url`
is the server's root::

    with Prism(spec="../shared/spec/openai-openapi.yaml") as prism:      # 30-50 s to start
        client = oa.OpenAI(base_url=prism.base_url, api_key="sk-prism")
        client.run(models.list())

Install it with ``npm install --prefix .tools @stoplight/prism-cli@5.14.2`` (``make test`` does).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Self

from .process import LOOPBACK, ServerProcess, ServerStartError

__all__ = ["Prism", "PrismUnavailable", "find_prism"]


class PrismUnavailable(ServerStartError):
    """Prism, node or the spec is missing here; the message says which."""


def find_prism(*candidates: str | os.PathLike[str]) -> str | None:
    """The first Prism executable among ``candidates``, ``$PRISM_BIN`` and ``prism`` on the PATH."""
    for candidate in (*candidates, os.environ.get("PRISM_BIN")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return os.fspath(candidate)
    return shutil.which("prism")


class Prism(ServerProcess):
    """``prism mock SPEC`` as a child process on a free loopback port; a context manager.

    Start-up reads and indexes the whole spec: 30-50 s and about 400 MB for OpenAI's, so start
    one per test session. :attr:`startup_seconds` says how long it took.
    """

    name = "prism"

    def __init__(
        self,
        *,
        spec: str | os.PathLike[str],
        executable: str | os.PathLike[str] | None = None,
        port: int | None = None,
        startup_timeout: float = 240.0,
        log_level: str = "warn",
    ) -> None:
        self.spec = Path(spec).resolve()
        self.executable = find_prism(executable) if executable is not None else find_prism()
        binary = self.executable

        def argv(port: int) -> list[str]:
            assert binary is not None
            return [binary, "mock", "-h", LOOPBACK, "-p", str(port), "--verboseLevel", log_level, os.fspath(self.spec)]

        super().__init__(
            argv,
            ready_path="/models",
            ready_status=lambda status: True,  # any answer at all: the routes are loaded
            port=port,
            startup_timeout=startup_timeout,
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )

    def missing(self) -> str | None:
        """Why Prism cannot start here (no spec, no Prism, no node), or ``None`` when it can."""
        if not self.spec.is_file():
            return f"the OpenAPI spec is not at {self.spec}"
        if shutil.which("node") is None:
            return "node is not installed (Prism runs on node >= 18)"
        if self.executable is None:
            return "Prism is not installed (npm install --prefix .tools @stoplight/prism-cli@5.14.2)"
        return None

    def start(self) -> Self:
        reason = self.missing()
        if reason is not None:
            raise PrismUnavailable(reason, exited=False)
        return super().start()

    @property
    def base_url(self) -> str:
        """What to give a client: the server's root, as Prism serves the spec's paths without ``/v1``."""
        return self.url
