"""Helpers written once, as generators of effects, and run by a sync or an async driver.

A helper (poll, upload and poll, …) is a generator that yields what it needs done —
:class:`Call` a request, :class:`Pause` for a while, read the :class:`Clock`, :class:`Gather`
several sub-helpers with a concurrency limit — and receives the outcome. Every decision
lives in the generator, so the sync and async versions cannot drift apart; the two drivers
below only do the I/O: ``time.sleep`` vs ``anyio.sleep``, threads vs tasks.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from ..core.request import Request

if TYPE_CHECKING:
    from ..executors.async_ import AsyncOpenAI
    from ..executors.sync import OpenAI

__all__ = [
    "Call",
    "Clock",
    "Effect",
    "Gather",
    "Pause",
    "Program",
    "drive",
    "drive_async",
    "drive_sync",
    "is_async_client",
]

R = TypeVar("R")


class Call(msgspec.Struct, frozen=True):
    """Run ``request``; the answer is its ``Result`` (``raw``: the ``APIResponse`` with headers, from ``run_raw``)."""

    request: Request[Any]
    raw: bool = False


class Pause(msgspec.Struct, frozen=True):
    """Sleep ``seconds``; the answer is ``None``."""

    seconds: float


class Clock(msgspec.Struct, frozen=True):
    """The answer is the driver's monotonic time, in seconds."""


class Gather(msgspec.Struct, frozen=True):
    """Run sub-programs, at most ``limit`` at once; the answer is their return values, in order.

    Programs start in the order given. When one returns a value that ``stop`` says is final
    (a failure), programs not started yet are not started (their slot holds ``None``); those
    already running finish.
    """

    programs: Sequence[Program[Any]]
    limit: int
    stop: Callable[[Any], bool]


Effect = Call | Pause | Clock | Gather
Program = Generator[Effect, Any, R]


def is_async_client(client: object) -> bool:
    """Whether ``client.run`` is a coroutine function (``AsyncOpenAI``), which picks the driver."""
    return inspect.iscoroutinefunction(getattr(client, "run", None))


def drive(client: OpenAI | AsyncOpenAI, program: Program[R]) -> R | Awaitable[R]:
    """Run ``program`` with the driver that fits ``client``: a value for sync, an awaitable for async."""
    if is_async_client(client):
        return drive_async(client, program)
    return drive_sync(client, program)


def drive_sync(
    client: Any,
    program: Program[R],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> R:
    """Carry out ``program``'s effects with blocking calls; ``Gather`` uses a thread pool."""
    answer: Any = None
    try:
        while True:
            effect = program.send(answer)
            if isinstance(effect, Call):
                answer = client.run_raw(effect.request) if effect.raw else client.run(effect.request)
            elif isinstance(effect, Pause):
                if effect.seconds > 0:
                    sleep(effect.seconds)
                answer = None
            elif isinstance(effect, Clock):
                answer = clock()
            else:
                answer = _gather_sync(client, effect, sleep, clock)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


def _gather_sync(client: Any, effect: Gather, sleep: Callable[[float], None], clock: Callable[[], float]) -> list[Any]:
    results: list[Any] = [None] * len(effect.programs)
    queue = _Queue(effect)

    def worker() -> None:
        while (index := queue.take()) is not None:
            results[index] = drive_sync(client, effect.programs[index], sleep=sleep, clock=clock)
            queue.finished(results[index])

    workers = min(max(1, effect.limit), len(effect.programs))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in [pool.submit(worker) for _ in range(workers)]:
            future.result()
    return results


class _Queue:
    """Hands out programs in input order (so uploads start in the order given) until one says stop."""

    def __init__(self, effect: Gather) -> None:
        self._effect = effect
        self._next = 0
        self._stopped = False
        self._lock = threading.Lock()

    def take(self) -> int | None:
        with self._lock:
            if self._stopped or self._next >= len(self._effect.programs):
                return None
            self._next += 1
            return self._next - 1

    def finished(self, result: Any) -> None:
        if self._effect.stop(result):
            with self._lock:
                self._stopped = True
                for program in self._effect.programs[self._next :]:
                    program.close()


async def drive_async(
    client: Any,
    program: Program[R],
    *,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    clock: Callable[[], float] | None = None,
) -> R:
    """Carry out ``program``'s effects on the event loop (asyncio or trio); ``Gather`` uses a task group."""
    import anyio

    sleep_fn = sleep or anyio.sleep
    clock_fn = clock or anyio.current_time
    answer: Any = None
    try:
        while True:
            effect = program.send(answer)
            if isinstance(effect, Call):
                answer = await (client.run_raw(effect.request) if effect.raw else client.run(effect.request))
            elif isinstance(effect, Pause):
                if effect.seconds > 0:
                    await sleep_fn(effect.seconds)
                answer = None
            elif isinstance(effect, Clock):
                answer = clock_fn()
            else:
                answer = await _gather_async(client, effect, sleep_fn, clock_fn)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]


async def _gather_async(
    client: Any, effect: Gather, sleep: Callable[[float], Awaitable[None]], clock: Callable[[], float]
) -> list[Any]:
    import anyio

    results: list[Any] = [None] * len(effect.programs)
    queue = _Queue(effect)

    async def worker() -> None:
        while (index := queue.take()) is not None:
            results[index] = await drive_async(client, effect.programs[index], sleep=sleep, clock=clock)
            queue.finished(results[index])

    async with anyio.create_task_group() as group:
        for _ in range(min(max(1, effect.limit), len(effect.programs))):
            group.start_soon(worker)
    return results
