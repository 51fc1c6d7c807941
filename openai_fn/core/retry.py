"""Retry decisions as pure functions of (policy, attempt, answer).

The executors only sleep for the delay these return and send again; nothing here does I/O,
so every rule is tested without a network and shared by the sync and async executors.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from typing import cast

from .policies import RetryPolicy

__all__ = ["backoff", "error_kinds", "parse_retry_after", "retry_delay", "should_retry_status"]


def should_retry_status(
    policy: RetryPolicy, status_code: int, headers: Mapping[str, str], error_body: object | None = None
) -> bool:
    """Whether an answer with this status is worth sending again.

    ``x-should-retry: true|false`` from the server wins over the status rule; a 429 (or any
    status) whose error type is in ``policy.never_retry_error_types`` (``insufficient_quota``)
    is final: waiting brings no quota back.
    """
    if not policy.never_retry_error_types.isdisjoint(error_kinds(error_body)):
        return False
    verdict = headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    if status_code in policy.retry_statuses:
        return True
    return policy.retry_server_errors and status_code >= 500


def error_kinds(error_body: object | None) -> frozenset[str]:
    """The ``type`` and ``code`` of an API error object: quota errors come as either (or both)."""
    if not isinstance(error_body, dict):
        return frozenset()
    body = cast("dict[str, object]", error_body)
    return frozenset(value for key in ("type", "code") if isinstance(value := body.get(key), str))


def parse_retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The delay the server asked for, in seconds: ``retry-after-ms``, else ``retry-after`` (seconds or HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return float(email.utils.mktime_tz(parsed)) - now()


def backoff(policy: RetryPolicy, retries_so_far: int, rand: float) -> float:
    """Exponential backoff with jitter: ``min(initial·2ⁿ, max) × (1 − jitter·rand)``, ``rand`` in [0, 1)."""
    base = min(policy.initial_delay * 2.0 ** min(retries_so_far, 1000), policy.max_delay)
    return max(base * (1.0 - policy.jitter * rand), 0.0)


def retry_delay(
    policy: RetryPolicy,
    retries_so_far: int,
    headers: Mapping[str, str],
    rand: float,
    now: Callable[[], float] = time.time,
) -> float | None:
    """Seconds to wait before the next attempt, or ``None`` when the server asked for longer than we accept.

    A server-asked delay ``0 < d ≤ policy.max_retry_after`` is honoured exactly; a longer one
    means no retry; zero, negative or unreadable values fall back to :func:`backoff`.
    """
    asked = parse_retry_after(headers, now)
    if asked is not None and asked > 0:
        if asked <= policy.max_retry_after:
            return asked
        return None
    return backoff(policy, retries_so_far, rand)
