"""``client.webhooks``: verify and unwrap signed webhook payloads with the executor's ``webhook_secret``."""

from __future__ import annotations

from typing import Any

from returns.result import Result

from ..core.errors import InvalidWebhookSignatureError, OpenAIError
from ..helpers import webhooks as _webhooks

__all__ = ["Webhooks"]


class Webhooks:
    """The official SDK's ``client.webhooks``, answering ``Result`` values; nothing here does I/O."""

    def __init__(self, secret: str | None) -> None:
        self._secret = secret

    def unwrap(
        self, payload: str | bytes, headers: _webhooks.HeadersLike, *, secret: str | None = None
    ) -> Result[Any, OpenAIError]:
        """Verify ``payload`` (``secret`` defaults to the executor's ``webhook_secret``) and decode its typed event."""
        return _webhooks.unwrap(payload, headers, secret=secret or self._secret)

    def verify_signature(
        self, payload: str | bytes, headers: _webhooks.HeadersLike, *, secret: str | None = None
    ) -> Result[None, InvalidWebhookSignatureError]:
        return _webhooks.verify_signature(payload, headers, secret=secret or self._secret)

    def __repr__(self) -> str:
        return f"<Webhooks secret={'<set>' if self._secret else None}>"
