"""Executor configuration: one immutable value, read from the environment like the official SDK."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec

from .policies import DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT, RetryPolicy, Timeout
from .query import QueryPairs
from .request import Request

__all__ = ["DEFAULT_BASE_URL", "ClientConfig", "Credential", "config_from_env"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"

Credential = str | Callable[[], str] | Callable[[], Awaitable[str]] | None
"""An API key, or a function returning one, called again before every attempt (rotating keys, AD tokens)."""


class ClientConfig(msgspec.Struct, frozen=True, kw_only=True):
    """Everything an executor needs besides its connection pool.

    The credential is kept out of ``repr`` and ``to_dict``; ``credential_header`` and
    ``credential_prefix`` say how it is sent (``Authorization: Bearer …`` for OpenAI,
    ``api-key: …`` for an Azure key).
    """

    credential: Any = None  # Credential; Any because callables are not msgspec-typed values
    credential_header: str = "authorization"
    credential_prefix: str = "Bearer "
    credential_required: bool = True
    organization: str | None = None
    project: str | None = None
    base_url: str = DEFAULT_BASE_URL
    timeout: Timeout = DEFAULT_TIMEOUT
    retry: RetryPolicy = DEFAULT_RETRY_POLICY
    default_headers: tuple[tuple[str, str | None], ...] = ()
    default_query: QueryPairs = ()
    webhook_secret: str | None = None
    prepare: Any = None
    """``Callable[[Request], Request] | None``: a pure rewrite applied before sending (Azure deployments)."""
    send_idempotency_key: bool = True

    def __repr__(self) -> str:
        shown = {
            "base_url": self.base_url,
            "organization": self.organization,
            "project": self.project,
            "credential": "<set>" if self.credential is not None else None,
            "timeout": self.timeout,
            "retry": self.retry,
        }
        return "ClientConfig(" + ", ".join(f"{key}={value!r}" for key, value in shown.items()) + ")"

    def prepared(self, request: Request[Any]) -> Request[Any]:
        prepare: Callable[[Request[Any]], Request[Any]] | None = self.prepare
        return prepare(request) if prepare is not None else request


def config_from_env(
    *,
    api_key: Credential = None,
    organization: str | None = None,
    project: str | None = None,
    base_url: str | None = None,
    webhook_secret: str | None = None,
    environ: Mapping[str, str] | None = None,
    **fields: Any,
) -> ClientConfig:
    """Explicit arguments first, then ``OPENAI_API_KEY``, ``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``,
    ``OPENAI_BASE_URL``, ``OPENAI_WEBHOOK_SECRET``; a missing key is not an error here, only when a request is sent."""
    env = os.environ if environ is None else environ
    return ClientConfig(
        credential=api_key if api_key is not None else env.get("OPENAI_API_KEY") or None,
        organization=organization if organization is not None else env.get("OPENAI_ORG_ID") or None,
        project=project if project is not None else env.get("OPENAI_PROJECT_ID") or None,
        base_url=(base_url or env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        webhook_secret=webhook_secret if webhook_secret is not None else env.get("OPENAI_WEBHOOK_SECRET") or None,
        **fields,
    )
