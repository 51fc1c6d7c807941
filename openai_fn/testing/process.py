"""Run a server as a child process on a free loopback port: start it, wait until it answers, stop it.

This is the shared machinery of :class:`~openai_fn.testing.llmock.LLMock` and
:class:`~openai_fn.testing.prism.Prism`. Only the standard library is used, so importing it
costs nothing and needs neither httpx nor the servers themselves.

Every wait here is bounded: start-up has a deadline, each readiness probe has a timeout,
and stopping escalates from SIGTERM to SIGKILL after a grace period. The server's output
goes to a temporary log file (never a pipe, which could fill up and stall it); its tail is
quoted in the error when the server fails to start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

__all__ = ["ServerProcess", "ServerStartError", "free_port", "http_status", "port_is_free"]

LOOPBACK = "127.0.0.1"


def _parent_death_signal() -> Callable[[], None] | None:
    """On Linux, a ``preexec_fn`` asking the kernel to SIGTERM the child if this process dies.

    Without it, a test run killed with SIGKILL (a CI time-out) would leave the server running.
    The function is prepared here, before any fork, so the child only makes one system call.
    Strictly, the kernel watches the *thread* that started the child: start servers from a
    thread that outlives them (the main thread, as pytest fixtures and scripts do).
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    set_pdeathsig, sigterm = 1, int(signal.SIGTERM)  # PR_SET_PDEATHSIG

    def die_with_parent() -> None:
        prctl(set_pdeathsig, sigterm)

    return die_with_parent


class ServerStartError(RuntimeError):
    """The server process exited, or did not answer in time, while starting."""

    def __init__(self, message: str, *, exited: bool) -> None:
        super().__init__(message)
        self.exited = exited
        """True when the process ended by itself (e.g. its port was taken), False on a time-out."""


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port on ``host`` that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(host: str, port: int) -> bool:
    """Whether ``port`` on ``host`` can be bound right now (nothing listens on it).

    ``SO_REUSEADDR``, as servers set it: connections of a stopped server lingering in TIME_WAIT
    do not count, a listening socket does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def http_status(url: str, *, timeout: float = 2.0, headers: Mapping[str, str] | None = None) -> int | None:
    """The HTTP status of ``GET url``, or ``None`` when nothing answers (refused, reset, timed out)."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:  # an answer, just not a 2xx one
        return exc.code
    except (OSError, ValueError):
        return None


class ServerProcess:
    """A server started as a child process on ``host:port`` and stopped on exit.

    ``argv_for(port)`` gives the command line for a port; ``ready_url`` (relative to
    :attr:`url`) is polled until it answers with ``ready_status``. ``env`` is the child's whole
    environment (default: this process's). If the process exits
    during start-up (say, the port was taken in the meantime) it is started again on
    another free port, up to ``attempts`` times.
    """

    name = "server"

    def __init__(
        self,
        argv_for: Callable[[int], Sequence[str]],
        *,
        ready_path: str = "/",
        ready_status: Callable[[int], bool] = lambda status: 200 <= status < 300,
        host: str = LOOPBACK,
        port: int | None = None,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
        attempts: int = 3,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> None:
        self._argv_for = argv_for
        self._ready_path = ready_path
        self._ready_status = ready_status
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._attempts = max(1, attempts)
        self._env = env
        self._cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.startup_seconds: float | None = None
        """How long the last successful start took, from spawn to the first ready answer."""

    # -- where ------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{self.name} is not running")
        return self._port

    @property
    def url(self) -> str:
        """The server's root, e.g. ``http://127.0.0.1:53412``."""
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def log_text(self, limit: int = 4000) -> str:
        """The last ``limit`` characters the server printed (stdout and stderr)."""
        if self._log is None:
            return ""
        try:
            data = Path(self._log.name).read_bytes()
        except OSError:
            return ""
        return data[-limit:].decode("utf-8", errors="replace")

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Self:
        """Spawn the server and return once it answers; raise :class:`ServerStartError` otherwise."""
        if self._process is not None:
            raise RuntimeError(f"{self.name} is already running")
        last_error: ServerStartError | None = None
        for _ in range(self._attempts if self._requested_port is None else 1):
            port = self._requested_port or free_port(self.host)
            if not port_is_free(self.host, port):  # else another server's answers would pass for ours
                last_error = ServerStartError(f"{self.name}: port {port} on {self.host} is in use", exited=True)
                continue
            try:
                self._spawn(port)
                return self
            except ServerStartError as exc:
                last_error = exc
                if not exc.exited:
                    break  # it ran but never answered: another port will not help
        assert last_error is not None
        raise last_error

    def _spawn(self, port: int) -> None:
        self._log = tempfile.NamedTemporaryFile(prefix=f"{self.name}-", suffix=".log", delete=False)  # noqa: SIM115
        env = dict(os.environ if self._env is None else self._env)
        started = time.monotonic()
        self._process = subprocess.Popen(
            list(self._argv_for(port)),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=self._cwd,
            start_new_session=os.name == "posix",  # its own process group, so stop() reaches its children
            preexec_fn=_parent_death_signal(),  # stopped by the kernel if this process is killed
        )
        self._port = port
        try:
            self._wait_until_ready(port, started)
        except ServerStartError:
            raise
        except BaseException:  # interrupted (Ctrl-C) while waiting: do not leave the server behind
            self.stop()
            raise

    def _wait_until_ready(self, port: int, started: float) -> None:
        assert self._process is not None
        deadline = started + self.startup_timeout
        while True:
            status = None if self._process.poll() is not None else http_status(
                self.url + self._ready_path, timeout=min(2.0, self.startup_timeout)
            )
            code = self._process.poll()  # checked after the probe too: an answer from another server on
            if code is not None:  # this port (taken in the meantime) must not count as ours
                log = self.log_text()
                self._cleanup()
                raise ServerStartError(
                    f"{self.name} exited with code {code} while starting on port {port}:\n{log}", exited=True
                )
            if status is not None and self._ready_status(status):
                self.startup_seconds = time.monotonic() - started
                return
            if time.monotonic() > deadline:
                log = self.log_text()
                self.stop()
                raise ServerStartError(
                    f"{self.name} did not answer within {self.startup_timeout:.0f} s:\n{log}", exited=False
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``stop_timeout``) and remove its log."""
        process = self._process
        if process is not None and process.poll() is None:
            self._signal(process, signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait(timeout=self.stop_timeout)
        self._cleanup()

    def _signal(self, process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.name == "posix":
                os.killpg(process.pid, sig)  # the group this process leads (start_new_session)
            else:  # pragma: no cover - not POSIX
                process.send_signal(sig)

    def _cleanup(self) -> None:
        self._process = None
        self._port = None
        if self._log is not None:
            self._log.close()
            with contextlib.suppress(OSError):
                os.unlink(self._log.name)
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "stopped"
        return f"<{type(self).__name__} {where}>"
