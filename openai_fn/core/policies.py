"""Timeout and retry policies: plain immutable values with the official SDK's defaults."""

from __future__ import annotations

from typing import Protocol

import msgspec

__all__ = ["DEFAULT_RETRY_POLICY", "DEFAULT_TIMEOUT", "RetryPolicy", "Timeout", "TimeoutLike", "to_timeout"]


class Timeout(msgspec.Struct, frozen=True, kw_only=True):
    """Per-phase timeouts in seconds; ``None`` waits forever for that phase.

    The default is the official SDK's: 600 s for everything but connecting, 5 s to connect.
    """

    connect: float | None = 5.0
    read: float | None = 600.0
    write: float | None = 600.0
    pool: float | None = 600.0

    @classmethod
    def all(cls, seconds: float | None) -> Timeout:
        """The same limit for every phase, which is what a plain number means."""
        return cls(connect=seconds, read=seconds, write=seconds, pool=seconds)


class _HttpxTimeoutLike(Protocol):
    connect: float | None
    read: float | None
    write: float | None
    pool: float | None


TimeoutLike = float | int | Timeout | _HttpxTimeoutLike | None
"""What users may pass as ``timeout=``: seconds, a :class:`Timeout`, an ``httpx.Timeout``, or ``None`` (no limit)."""


def to_timeout(value: TimeoutLike) -> Timeout:
    """Normalise every accepted timeout spelling into a :class:`Timeout`."""
    if isinstance(value, Timeout):
        return value
    if value is None:
        return Timeout.all(None)
    if isinstance(value, bool):
        raise TypeError("timeout: expected seconds (float), a Timeout or an httpx.Timeout, got bool")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"timeout: expected a non-negative number of seconds, got {value!r}")
        return Timeout.all(float(value))
    if all(hasattr(value, name) for name in ("connect", "read", "write", "pool")):
        return Timeout(connect=value.connect, read=value.read, write=value.write, pool=value.pool)
    raise TypeError(f"timeout: expected seconds (float), a Timeout or an httpx.Timeout, got {type(value).__name__}")


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """When and how long to wait before sending a request again.

    Every number the official SDK hard-codes is a field here, so a user can change it
    with ``msgspec.structs.replace(policy, ...)`` or ``client.with_options(retry=...)``.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    """Fraction of the backoff delay taken off at random: delay × (1 − jitter·random())."""
    max_retry_after: float = 120.0
    """A server-asked delay up to this long is honoured exactly; a longer one means: do not retry."""
    retry_statuses: frozenset[int] = frozenset({408, 409, 429})
    retry_server_errors: bool = True
    """Retry every status of 500 or more."""
    retry_connection_errors: bool = True
    retry_timeouts: bool = True
    never_retry_error_types: frozenset[str] = frozenset({"insufficient_quota"})
    """Error ``type``/``code`` values on which no status is retried: waiting will not bring back quota."""

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries: expected a non-negative integer, got {self.max_retries!r}")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter: expected a fraction between 0 and 1, got {self.jitter!r}")


DEFAULT_TIMEOUT = Timeout()
DEFAULT_RETRY_POLICY = RetryPolicy()
