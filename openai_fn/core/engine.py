"""Every decision of running a request, written once, with no I/O (a sans-I/O generator).

An executor drives :func:`attempts`: it answers :class:`NeedCredential` with the current
credential, performs each :class:`Send` and reports what happened, sleeps for each
:class:`Sleep`, and receives a :class:`Finished` as the generator's return value. The sync
and async executors differ only in how they do those three things.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Generator, Mapping
from typing import Any, Protocol, cast

import msgspec
from returns.result import Failure, Result, Success

from .config import ClientConfig
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    MissingCredentialsError,
    OpenAIError,
    status_error_class,
)
from .request import Request
from .retry import backoff, retry_delay, should_retry_status
from .wire import WireRequest, build_wire

__all__ = [
    "Attempts",
    "Finished",
    "NeedCredential",
    "Raised",
    "Received",
    "ResponseLike",
    "Send",
    "Sleep",
    "attempts",
    "status_error",
]

log = logging.getLogger("openai_fn")


class ResponseLike(Protocol):
    """What the engine reads of an answer; ``httpx.Response`` is one."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def content(self) -> bytes: ...


class NeedCredential(msgspec.Struct, frozen=True):
    """Answer with the credential as a string (or ``None``), or the exception getting it raised."""


class Send(msgspec.Struct, frozen=True):
    """Send this attempt; read the whole body unless ``stream`` is set and the status is 2xx."""

    wire: WireRequest
    stream: bool
    retries_taken: int


class Sleep(msgspec.Struct, frozen=True):
    seconds: float


class Received(msgspec.Struct, frozen=True):
    response: Any  # ResponseLike; for error statuses its body has been read


class Raised(msgspec.Struct, frozen=True):
    error: APIConnectionError


class Finished(msgspec.Struct, frozen=True):
    """The end: a 2xx response (body read unless streaming) or the typed error, and how many retries it took."""

    result: Result[Any, OpenAIError]
    retries_taken: int


Step = NeedCredential | Send | Sleep
Attempts = Generator[Step, Any, Finished]


def attempts(
    request: Request[Any],
    config: ClientConfig,
    *,
    is_async: bool = False,
    stream: bool | None = None,
    rand: Callable[[], float] | None = None,
) -> Attempts:
    """The retry loop of DESIGN.md §3, as a generator of steps for an executor to carry out.

    ``stream`` (default: whether the request decodes a stream) leaves a 2xx body unread.
    """
    rand = rand or random.random
    request = config.prepared(request)
    policy = config.retry
    max_retries = request.options.max_retries if request.options.max_retries is not None else policy.max_retries
    idempotency_key = request.options.idempotency_key
    if idempotency_key is None and config.send_idempotency_key and request.method != "GET":
        idempotency_key = f"openai-fn-retry-{uuid.uuid4()}"
    stream = request.streams if stream is None else stream
    retries = 0
    while True:
        credential = yield NeedCredential()
        if isinstance(credential, BaseException):
            return Finished(Failure(MissingCredentialsError(f"Could not get a credential: {credential!r}")), retries)
        if not credential and config.credential_required:
            return Finished(Failure(MissingCredentialsError(_MISSING_KEY)), retries)
        wire = build_wire(
            request,
            config,
            retries_taken=retries,
            idempotency_key=idempotency_key,
            credential=credential,
            is_async=is_async,
        )
        if log.isEnabledFor(logging.DEBUG):
            log.debug("Request options: %s %s headers=%s", wire.method, wire.url, wire.loggable_headers())
        outcome = yield Send(wire, stream, retries)
        may_retry = retries < max_retries and request.replayable
        if isinstance(outcome, Raised):
            error = outcome.error
            retryable = policy.retry_timeouts if isinstance(error, APITimeoutError) else policy.retry_connection_errors
            if may_retry and retryable:
                delay = backoff(policy, retries, rand())
                log.info("Retrying request to %s in %.3f seconds after %s", request.path, delay, type(error).__name__)
                yield Sleep(delay)
                retries += 1
                continue
            log.debug("Request to %s failed: %r", request.path, error)
            return Finished(Failure(error), retries)
        response = outcome.response
        status = response.status_code
        if log.isEnabledFor(logging.INFO):
            log.info('HTTP Request: %s %s "%s"', wire.method, wire.url, status)
        if 200 <= status < 300:
            return Finished(Success(response), retries)
        body = error_body(response.content)
        if may_retry and should_retry_status(policy, status, response.headers, body):
            delay = retry_delay(policy, retries, response.headers, rand())
            if delay is not None:
                log.info("Retrying request to %s in %.3f seconds after status %d", request.path, delay, status)
                yield Sleep(delay)
                retries += 1
                continue
        return Finished(Failure(status_error(response, body)), retries)


_MISSING_KEY = (
    "The api_key client option must be set either by passing api_key to the client "
    "or by setting the OPENAI_API_KEY environment variable"
)


def error_body(content: bytes) -> object | None:
    """The inner ``error`` object of an error answer (the SDK's ``body``), else the decoded JSON, else the text."""
    if not content:
        return None
    try:
        data = msgspec.json.decode(content)
    except msgspec.DecodeError:
        return content.decode("utf-8", "replace")
    if isinstance(data, dict) and "error" in data:
        return data["error"]  # type: ignore[no-any-return]
    return data  # type: ignore[no-any-return]


def status_error(response: Any, body: object) -> APIStatusError:
    """The typed error for a non-2xx answer, message shaped like the SDK's ``Error code: 404 - …``."""
    status = response.status_code
    detail: object = body
    message: object = cast("dict[str, object]", body).get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and message:
        detail = message
    message_text = f"Error code: {status}" + (f" - {detail}" if detail not in (None, "") else "")
    error_class = status_error_class(status)
    return error_class(message_text, response=response, body=cast(object, body))
