"""Signed webhook payloads: verify them and unwrap them into the spec's typed webhook events.

OpenAI signs webhooks the Standard Webhooks way: the ``webhook-signature`` header holds
``v1,<base64 HMAC-SHA256>`` values (space separated) of ``"{webhook-id}.{webhook-timestamp}.{body}"``,
keyed with the endpoint's secret (``whsec_<base64 key>``). A timestamp more than ``tolerance``
seconds (default 300) away from now is refused, against replays. Everything here is pure but
for reading the clock (pass ``now`` to pin it) and the ``OPENAI_WEBHOOK_SECRET`` default.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import importlib
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any, cast

import msgspec
from returns.result import Failure, Result, Success

from ..core.errors import InvalidWebhookSignatureError, OpenAIError

__all__ = [
    "DEFAULT_TOLERANCE",
    "WebhookPayloadError",
    "event_types",
    "sign",
    "unwrap",
    "verify_signature",
]

DEFAULT_TOLERANCE = 300
SECRET_ENV = "OPENAI_WEBHOOK_SECRET"

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]]


class WebhookPayloadError(OpenAIError):
    """The signature checked out, but the body is not a webhook event (not JSON, or no ``type``)."""


def _secret_key(secret: str | None) -> bytes:
    secret = secret if secret is not None else os.environ.get(SECRET_ENV)
    if not secret:
        raise ValueError(
            f"secret: pass the webhook secret, or set {SECRET_ENV} (or webhook_secret= on the client)"
        )
    if not secret.startswith("whsec_"):
        return secret.encode()
    try:
        return base64.b64decode(secret[len("whsec_") :], validate=True)
    except binascii.Error:
        raise ValueError("secret: a 'whsec_' secret must be followed by base64") from None


def _header(headers: HeadersLike, name: str) -> str | None:
    items = cast("Mapping[str, str]", headers).items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        if key.lower() == name:
            return value
    return None


def _signature(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _as_bytes(payload: str | bytes) -> bytes:
    return payload.encode() if isinstance(payload, str) else bytes(payload)


def verify_signature(
    payload: str | bytes,
    headers: HeadersLike,
    *,
    secret: str | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Result[None, InvalidWebhookSignatureError]:
    """``Success(None)`` when ``payload`` was signed with ``secret`` within ``tolerance`` seconds of ``now``.

    ``payload`` must be the raw body exactly as received (not re-serialised JSON).
    """
    key = _secret_key(secret)
    found = {name: _header(headers, name) for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    missing = [name for name, value in found.items() if not value]
    if missing:
        return Failure(InvalidWebhookSignatureError(f"Missing required header(s): {', '.join(missing)}"))
    webhook_id, timestamp, signatures = (cast("str", found[name]) for name in found)
    try:
        sent_at = int(timestamp)
    except ValueError:
        return Failure(InvalidWebhookSignatureError("Invalid webhook timestamp format"))
    current = int(time.time() if now is None else now)
    if current - sent_at > tolerance:
        return Failure(InvalidWebhookSignatureError("Webhook timestamp is too old"))
    if sent_at > current + tolerance:
        return Failure(InvalidWebhookSignatureError("Webhook timestamp is too new"))
    expected = _signature(key, webhook_id, timestamp, _as_bytes(payload))
    candidates = [part.removeprefix("v1,") for part in signatures.split() if "," not in part or part.startswith("v1,")]
    if any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        return Success(None)
    return Failure(InvalidWebhookSignatureError("The given webhook signature does not match the expected signature"))


def sign(
    payload: str | bytes, *, secret: str, webhook_id: str, timestamp: int | None = None
) -> dict[str, str]:
    """The headers OpenAI would send with ``payload``: for testing your own webhook endpoint."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + _signature(_secret_key(secret), webhook_id, stamp, _as_bytes(payload)),
    }


class _Tagged(msgspec.Struct):
    type: str


@functools.cache
def event_types() -> Mapping[str, type[Any]]:
    """The typed webhook events of the spec, by their ``type`` (``"batch.completed"`` → its Struct)."""
    try:  # generated from the spec's webhook event schemas
        module = importlib.import_module("openai_fn.types.webhooks")
    except ImportError:  # pragma: no cover - only before the types are generated
        return {}
    out: dict[str, type[Any]] = {}
    for name in dir(module):
        candidate = getattr(module, name)
        if isinstance(candidate, type) and issubclass(candidate, msgspec.Struct) and name.startswith("Webhook"):
            tag = _event_tag(candidate)
            if tag:
                out[tag] = candidate
    return out


def _event_tag(cls: type[msgspec.Struct]) -> str | None:
    tag = cls.__struct_config__.tag
    if isinstance(tag, str):
        return tag
    info = msgspec.inspect.type_info(cls)
    if isinstance(info, msgspec.inspect.StructType):
        for field in info.fields:
            if field.name == "type" and isinstance(field.type, msgspec.inspect.LiteralType):
                values = field.type.values
                if len(values) == 1 and isinstance(values[0], str):
                    return values[0]
    return None


def unwrap(
    payload: str | bytes,
    headers: HeadersLike,
    *,
    secret: str | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Result[Any, OpenAIError]:
    """Verify ``payload`` and decode it into its typed event (``WebhookBatchCompleted``…).

    An event type newer than this package comes back as ``UnknownVariant(original_type, data)``,
    never as an error: the signature was valid.
    """
    verified = verify_signature(payload, headers, secret=secret, tolerance=tolerance, now=now)
    if not isinstance(verified, Success):
        return Failure(verified.failure())
    body = _as_bytes(payload)
    try:
        kind = msgspec.json.decode(body, type=_Tagged).type
        cls = event_types().get(kind)
        if cls is not None:
            return Success(msgspec.json.decode(body, type=cls))
        from ..core.model import UnknownVariant

        return Success(UnknownVariant(original_type=kind, data=msgspec.json.decode(body, type=dict[str, Any])))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return Failure(WebhookPayloadError(f"The webhook payload is not a webhook event: {exc}"))
