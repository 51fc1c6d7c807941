"""Polling: re-run a retrieve request until the object reaches a terminal status.

What to do after each answer is a pure function, :func:`decide`: finish, wait (the explicit
interval, else the server's ``openai-poll-after-ms`` hint, else one second, and never past
the deadline), or give up once ``max_wait`` has passed. :func:`poll_program` strings those
decisions together as an effects program (see :mod:`.effects`), which runs sync or async.

The named helpers (runs, batches) pair a create/submit request with the matching poll, as
the official SDK's ``*_and_poll`` methods do; each returns a ``Result``. They take the builders'
per-call options (``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``, :class:`CallOptions`):
a ``poll_*`` helper applies them to every retrieve; a ``create_*_and_poll`` helper applies them to the
create request and, but for ``extra_body`` (the retrieves are ``GET``s), to the retrieves that follow.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack, cast, overload

import msgspec
from returns.result import Failure, Result, Success

from ..core.errors import OpenAIError
from ..core.request import Request
from .effects import Call, Clock, Pause, Program, drive

if TYPE_CHECKING:
    from ..core.policies import TimeoutLike
    from ..executors.async_ import AsyncOpenAI
    from ..executors.response import APIResponse
    from ..executors.sync import OpenAI
    from ..types.batches import Batch
    from ..types.threads import RunObject

__all__ = [
    "BATCH_TERMINAL",
    "OPTION_NAMES",
    "CallOptions",
    "DEFAULT_INTERVAL",
    "RUN_TERMINAL",
    "split_options",
    "with_call_options",
    "Finish",
    "GiveUp",
    "PollTimeoutError",
    "Wait",
    "decide",
    "field_of",
    "following",
    "poll",
    "poll_interval",
    "poll_program",
    "poll_request",
    "create_batch_and_poll",
    "create_run_and_poll",
    "create_thread_and_run_poll",
    "poll_batch",
    "poll_run",
    "run_then_poll",
    "submit_tool_outputs_and_poll",
    "status_in",
    "then_poll_program",
]

T = TypeVar("T")
A = TypeVar("A")

DEFAULT_INTERVAL = 1.0
"""Seconds between polls when neither the caller nor the server says (the SDK's one second)."""
POLL_AFTER_HEADER = "openai-poll-after-ms"

RUN_TERMINAL = frozenset({"requires_action", "cancelled", "completed", "failed", "expired", "incomplete"})
BATCH_TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class CallOptions(TypedDict, total=False):
    """The builders' per-call options (the official SDK's), as the helpers take them."""

    extra_headers: Mapping[str, str | None] | None
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    timeout: TimeoutLike | msgspec.UnsetType


OPTION_NAMES = ("extra_headers", "extra_query", "extra_body", "timeout")


def split_options(params: Mapping[str, Any]) -> tuple[dict[str, Any], CallOptions]:
    """A helper's ``**params``: (the builder's own arguments, the per-call options among them)."""
    own = {name: value for name, value in params.items() if name not in OPTION_NAMES}
    options = cast("CallOptions", {name: value for name, value in params.items() if name in OPTION_NAMES})
    return own, options


def with_call_options(request: Request[T], options: CallOptions, *, body: bool = True) -> Request[T]:
    """``request`` with the per-call options; ``body=False`` leaves ``extra_body`` out (the follow-up ``GET``s)."""
    given = {name: value for name, value in options.items() if body or name != "extra_body"}
    return request.with_options(**cast("CallOptions", given)) if given else request


def following(retrieve: Callable[[A], Request[T]], options: CallOptions) -> Callable[[A], Request[T]]:
    """The retrieve after a create (or upload), with the create's per-call options but ``extra_body`` (a ``GET``)."""
    if not options:
        return retrieve
    return lambda made: with_call_options(retrieve(made), options, body=False)


class PollTimeoutError(OpenAIError):
    """``max_wait`` passed before the object reached a terminal status; ``last`` is the latest value seen.

    The work goes on on the server: poll again, or cancel it.
    """

    def __init__(self, message: str, last: object | None = None) -> None:
        super().__init__(message)
        self.last = last


# --- the pure decision ----------------------------------------------------------------------------


class Finish(msgspec.Struct, frozen=True):
    """The object is in a terminal status: return it."""


class Wait(msgspec.Struct, frozen=True):
    seconds: float


class GiveUp(msgspec.Struct, frozen=True):
    """The deadline has passed."""


def poll_interval(headers: Mapping[str, str], interval: float | None) -> float:
    """The wait before the next poll: the explicit interval, else the server's hint, else one second."""
    if interval is not None:
        return interval
    hint = headers.get(POLL_AFTER_HEADER)
    if hint is not None:
        try:
            millis = float(hint)
        except ValueError:
            millis = math.nan
        if math.isfinite(millis) and millis >= 0:
            return millis / 1000
    return DEFAULT_INTERVAL


def decide(
    done: bool,
    *,
    headers: Mapping[str, str],
    interval: float | None,
    elapsed: float,
    max_wait: float | None,
) -> Finish | Wait | GiveUp:
    """What to do after a poll answered: ``elapsed`` seconds since polling began, ``max_wait`` the budget."""
    if done:
        return Finish()
    if max_wait is not None and elapsed >= max_wait:
        return GiveUp()
    seconds = poll_interval(headers, interval)
    if max_wait is not None:
        seconds = min(seconds, max_wait - elapsed)  # the last look is at the deadline, not after it
    return Wait(seconds)


def status_in(statuses: Collection[str]) -> Callable[[Any], bool]:
    """A ``done`` test: the value's ``status`` (attribute or key) is one of ``statuses``."""
    wanted = frozenset(statuses)

    def done(value: Any) -> bool:
        return _status(value) in wanted

    return done


def _check_timing(poll_interval: float | None, max_wait: float | None) -> None:
    for name, value in (("poll_interval", poll_interval), ("max_wait", max_wait)):
        if value is not None and (isinstance(value, bool) or not math.isfinite(value) or value < 0):
            raise ValueError(f"{name}: expected a finite, non-negative number of seconds, got {value!r}")


def poll_request(request: Request[T], poll_interval: float | None) -> Request[T]:
    """The retrieve request as the SDK's poll helpers send it (they say so in two headers)."""
    headers: dict[str, str | None] = {"x-stainless-poll-helper": "true"}
    if poll_interval is not None:
        headers["x-stainless-custom-poll-interval"] = str(round(poll_interval * 1000))
    return request.with_options(extra_headers=headers)


# --- the program ----------------------------------------------------------------------------------


def poll_program(
    request: Request[T],
    done: Callable[[T], bool],
    *,
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Program[Result[T, OpenAIError]]:
    """Run ``request`` until ``done(value)``; the first failed retrieve ends polling with its error."""
    _check_timing(poll_interval, max_wait)
    request = poll_request(request, poll_interval)
    started: float = yield Clock()
    while True:
        answer: Result[APIResponse[T], OpenAIError] = yield Call(request, raw=True)
        if not isinstance(answer, Success):
            return Failure(answer.failure())
        response = answer.unwrap()
        parsed = response.parse_result()
        if not isinstance(parsed, Success):
            return parsed
        value: T = parsed.unwrap()
        now: float = yield Clock()
        decision = decide(
            done(value), headers=response.headers, interval=poll_interval, elapsed=now - started, max_wait=max_wait
        )
        if isinstance(decision, Finish):
            return Success(value)
        if isinstance(decision, GiveUp):
            return Failure(
                PollTimeoutError(
                    f"Gave up after {max_wait} s polling {request.method} {request.path}: "
                    f"status is still {_status(value)!r}",
                    last=value,
                )
            )
        yield Pause(decision.seconds)


def then_poll_program(
    first: Request[A],
    retrieve: Callable[[A], Request[T]],
    done: Callable[[T], bool],
    *,
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Program[Result[T, OpenAIError]]:
    """Run ``first`` (create, submit…), then poll the object it made, unless ``first`` failed."""
    _check_timing(poll_interval, max_wait)
    created: Result[A, OpenAIError] = yield Call(first)
    if not isinstance(created, Success):
        return Failure(created.failure())
    return (yield from poll_program(retrieve(created.unwrap()), done, poll_interval=poll_interval, max_wait=max_wait))


def field_of(value: object, name: str) -> object:
    """A field of an answer, whether it was decoded into a Struct (attribute) or plain JSON (key)."""
    if isinstance(value, Mapping):
        return cast("Mapping[str, object]", value).get(name)
    return getattr(value, name, None)


def _status(value: object) -> object:
    return field_of(value, "status")


# --- running it -----------------------------------------------------------------------------------


@overload
def poll(
    client: OpenAI,
    request: Request[T],
    *,
    until: Collection[str] | Callable[[T], bool],
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Result[T, OpenAIError]: ...
@overload
def poll(
    client: AsyncOpenAI,
    request: Request[T],
    *,
    until: Collection[str] | Callable[[T], bool],
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Awaitable[Result[T, OpenAIError]]: ...
def poll(
    client: OpenAI | AsyncOpenAI,
    request: Request[T],
    *,
    until: Collection[str] | Callable[[T], bool],
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Result[T, OpenAIError] | Awaitable[Result[T, OpenAIError]]:
    """Re-run the retrieve ``request`` until its value's status is in ``until`` (or ``until(value)`` is true).

    ``poll_interval`` (seconds) overrides the server's ``openai-poll-after-ms`` hint; after
    ``max_wait`` seconds the result is a ``PollTimeoutError`` holding the last value. With an
    ``AsyncOpenAI`` client, await the result.
    """
    done = until if callable(until) else status_in(until)
    return drive(client, poll_program(request, done, poll_interval=poll_interval, max_wait=max_wait))


@overload
def run_then_poll(
    client: OpenAI,
    first: Request[A],
    retrieve: Callable[[A], Request[T]],
    *,
    until: Collection[str] | Callable[[T], bool],
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Result[T, OpenAIError]: ...
@overload
def run_then_poll(
    client: AsyncOpenAI,
    first: Request[A],
    retrieve: Callable[[A], Request[T]],
    *,
    until: Collection[str] | Callable[[T], bool],
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Awaitable[Result[T, OpenAIError]]: ...
def run_then_poll(
    client: OpenAI | AsyncOpenAI,
    first: Request[A],
    retrieve: Callable[[A], Request[T]],
    *,
    until: Collection[str] | Callable[[T], bool],
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Result[T, OpenAIError] | Awaitable[Result[T, OpenAIError]]:
    """Run ``first``, then poll ``retrieve(its value)`` like :func:`poll`: the generic ``*_and_poll``."""
    done = until if callable(until) else status_in(until)
    program = then_poll_program(first, retrieve, done, poll_interval=poll_interval, max_wait=max_wait)
    return drive(client, program)


# --- the named helpers: batches and assistants runs (wired to the generated builders) -------------


def _endpoints() -> Any:
    from .. import endpoints

    return endpoints


def _ident(value: object, name: str = "id") -> str:
    ident = field_of(value, name)
    if not isinstance(ident, str):
        raise TypeError(f"expected an object with a string {name!r}, got {type(value).__name__}")
    return ident


def _batch(made: Any) -> Request[Any]:
    return _endpoints().batches.retrieve(batch_id=_ident(made))


def _run(made: Any) -> Request[Any]:
    return _endpoints().beta.threads.runs.retrieve(thread_id=_ident(made, "thread_id"), run_id=_ident(made))


@overload
def poll_batch(
    client: OpenAI, batch_id: str, *, poll_interval: float | None = None, max_wait: float | None = None,
    **options: Unpack[CallOptions],
) -> Result[Batch, OpenAIError]: ...
@overload
def poll_batch(
    client: AsyncOpenAI, batch_id: str, *, poll_interval: float | None = None, max_wait: float | None = None,
    **options: Unpack[CallOptions],
) -> Awaitable[Result[Batch, OpenAIError]]: ...
def poll_batch(
    client: OpenAI | AsyncOpenAI, batch_id: str, *, poll_interval: float | None = None, max_wait: float | None = None,
    **options: Unpack[CallOptions],
) -> Result[Batch, OpenAIError] | Awaitable[Result[Batch, OpenAIError]]:
    """Wait until a batch is ``completed``, ``failed``, ``expired`` or ``cancelled``."""
    request = _endpoints().batches.retrieve(batch_id=batch_id, **options)
    program = poll_program(request, status_in(BATCH_TERMINAL), poll_interval=poll_interval, max_wait=max_wait)
    return drive(client, program)


@overload
def create_batch_and_poll(
    client: OpenAI, *, poll_interval: float | None = None, max_wait: float | None = None, **params: Any
) -> Result[Batch, OpenAIError]: ...
@overload
def create_batch_and_poll(
    client: AsyncOpenAI, *, poll_interval: float | None = None, max_wait: float | None = None, **params: Any
) -> Awaitable[Result[Batch, OpenAIError]]: ...
def create_batch_and_poll(
    client: OpenAI | AsyncOpenAI, *, poll_interval: float | None = None, max_wait: float | None = None,
    **params: Any,
) -> Result[Batch, OpenAIError] | Awaitable[Result[Batch, OpenAIError]]:
    """Create a batch (``params`` as for ``batches.create``) and wait for a terminal status.

    Batches take up to their completion window (24 h): pass ``max_wait`` and a ``poll_interval``
    of a minute or so, and check ``request_counts``/``error_file_id`` on the result.
    """
    create = _endpoints().batches.create(**params)
    program = then_poll_program(
        create, following(_batch, split_options(params)[1]), status_in(BATCH_TERMINAL),
        poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)


@overload
def poll_run(
    client: OpenAI, thread_id: str, run_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[RunObject, OpenAIError]: ...
@overload
def poll_run(
    client: AsyncOpenAI, thread_id: str, run_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Awaitable[Result[RunObject, OpenAIError]]: ...
def poll_run(
    client: OpenAI | AsyncOpenAI, thread_id: str, run_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[RunObject, OpenAIError] | Awaitable[Result[RunObject, OpenAIError]]:
    """Wait until a run stops moving: ``requires_action`` or a final status (``RUN_TERMINAL``)."""
    request = _endpoints().beta.threads.runs.retrieve(thread_id=thread_id, run_id=run_id, **options)
    program = poll_program(request, status_in(RUN_TERMINAL), poll_interval=poll_interval, max_wait=max_wait)
    return drive(client, program)


@overload
def create_run_and_poll(
    client: OpenAI, thread_id: str, *, poll_interval: float | None = None, max_wait: float | None = None,
    **params: Any,
) -> Result[RunObject, OpenAIError]: ...
@overload
def create_run_and_poll(
    client: AsyncOpenAI, thread_id: str, *, poll_interval: float | None = None, max_wait: float | None = None,
    **params: Any,
) -> Awaitable[Result[RunObject, OpenAIError]]: ...
def create_run_and_poll(
    client: OpenAI | AsyncOpenAI, thread_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Result[RunObject, OpenAIError] | Awaitable[Result[RunObject, OpenAIError]]:
    """Start a run on a thread (``params`` as for ``beta.threads.runs.create``) and poll it."""
    create = _endpoints().beta.threads.runs.create(thread_id=thread_id, **params)
    program = then_poll_program(
        create, following(_run, split_options(params)[1]), status_in(RUN_TERMINAL),
        poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)


@overload
def create_thread_and_run_poll(
    client: OpenAI, *, poll_interval: float | None = None, max_wait: float | None = None, **params: Any
) -> Result[RunObject, OpenAIError]: ...
@overload
def create_thread_and_run_poll(
    client: AsyncOpenAI, *, poll_interval: float | None = None, max_wait: float | None = None, **params: Any
) -> Awaitable[Result[RunObject, OpenAIError]]: ...
def create_thread_and_run_poll(
    client: OpenAI | AsyncOpenAI, *, poll_interval: float | None = None, max_wait: float | None = None,
    **params: Any,
) -> Result[RunObject, OpenAIError] | Awaitable[Result[RunObject, OpenAIError]]:
    """Create a thread and run it in one request (``beta.threads.create_and_run``), then poll the run."""
    create = _endpoints().beta.threads.create_and_run(**params)
    program = then_poll_program(
        create, following(_run, split_options(params)[1]), status_in(RUN_TERMINAL),
        poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)


@overload
def submit_tool_outputs_and_poll(
    client: OpenAI, thread_id: str, run_id: str, tool_outputs: Sequence[Mapping[str, Any]], *,
    poll_interval: float | None = None, max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[RunObject, OpenAIError]: ...
@overload
def submit_tool_outputs_and_poll(
    client: AsyncOpenAI, thread_id: str, run_id: str, tool_outputs: Sequence[Mapping[str, Any]], *,
    poll_interval: float | None = None, max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Awaitable[Result[RunObject, OpenAIError]]: ...
def submit_tool_outputs_and_poll(
    client: OpenAI | AsyncOpenAI, thread_id: str, run_id: str, tool_outputs: Sequence[Mapping[str, Any]], *,
    poll_interval: float | None = None, max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[RunObject, OpenAIError] | Awaitable[Result[RunObject, OpenAIError]]:
    """Answer a run's ``requires_action`` with ``tool_outputs`` and poll it until it stops again."""
    submit = _endpoints().beta.threads.runs.submit_tool_outputs(
        thread_id=thread_id, run_id=run_id, tool_outputs=list(tool_outputs), **options
    )
    program = then_poll_program(
        submit, following(_run, options), status_in(RUN_TERMINAL), poll_interval=poll_interval, max_wait=max_wait
    )
    return drive(client, program)
