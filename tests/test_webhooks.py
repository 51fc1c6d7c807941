"""Webhook verification and unwrapping, against a signature computed independently in the test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import msgspec
import pytest
from returns.result import Failure, Result, Success

from openai_fn.core.errors import InvalidWebhookSignatureError
from openai_fn.core.model import UnknownVariant
from openai_fn.helpers.webhooks import WebhookPayloadError, event_types, sign, unwrap, verify_signature

KEY = b"a-32-byte-secret-key-for-testing"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
NOW = 1_750_000_000
PAYLOAD = json.dumps(
    {"id": "evt_685343a1381c819085d44c354e1b330e", "object": "event", "created_at": NOW, "type": "batch.completed",
     "data": {"id": "batch_abc"}},
    separators=(",", ":"),
)


def reference_headers(payload: str, *, webhook_id: str = "wh_1", timestamp: int = NOW) -> dict[str, str]:
    """What OpenAI sends, computed here from the Standard Webhooks definition."""
    signed = f"{webhook_id}.{timestamp}.{payload}".encode()
    digest = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
    return {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp), "webhook-signature": f"v1,{digest}"}


def test_a_genuine_payload_verifies() -> None:
    headers = reference_headers(PAYLOAD)
    assert verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW) == Success(None)
    assert verify_signature(PAYLOAD.encode(), headers, secret=SECRET, now=NOW) == Success(None)


def test_sign_makes_the_reference_headers() -> None:
    assert sign(PAYLOAD, secret=SECRET, webhook_id="wh_1", timestamp=NOW) == reference_headers(PAYLOAD)


def test_header_names_are_case_insensitive_and_pairs_work() -> None:
    headers = {name.title(): value for name, value in reference_headers(PAYLOAD).items()}
    assert verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW) == Success(None)
    assert verify_signature(PAYLOAD, list(headers.items()), secret=SECRET, now=NOW) == Success(None)


def test_any_of_several_signatures_may_match() -> None:
    headers = reference_headers(PAYLOAD)
    headers["webhook-signature"] = "v1,bm90LWl0 " + headers["webhook-signature"] + " v2,other"
    assert verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW) == Success(None)


def fails_with(result: Result[None, InvalidWebhookSignatureError], message: str) -> None:
    assert isinstance(result, Failure)
    error: object = result.failure()
    assert isinstance(error, InvalidWebhookSignatureError)
    assert message in error.message


def test_a_tampered_body_or_wrong_secret_fails() -> None:
    headers = reference_headers(PAYLOAD)
    fails_with(verify_signature(PAYLOAD.replace("batch_abc", "batch_xyz"), headers, secret=SECRET, now=NOW),
               "does not match")
    other = "whsec_" + base64.b64encode(b"another key").decode()
    fails_with(verify_signature(PAYLOAD, headers, secret=other, now=NOW), "does not match")
    swapped = dict(headers, **{"webhook-id": "wh_2"})
    fails_with(verify_signature(PAYLOAD, swapped, secret=SECRET, now=NOW), "does not match")


def test_the_timestamp_window_is_300_seconds_both_ways() -> None:
    headers = reference_headers(PAYLOAD)
    assert verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW + 300) == Success(None)
    fails_with(verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW + 301), "too old")
    assert verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW - 300) == Success(None)
    fails_with(verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW - 301), "too new")
    assert verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW + 3600, tolerance=3600) == Success(None)


def test_missing_or_malformed_headers_fail() -> None:
    headers = reference_headers(PAYLOAD)
    del headers["webhook-id"]
    fails_with(verify_signature(PAYLOAD, headers, secret=SECRET, now=NOW), "webhook-id")
    bad_time = dict(reference_headers(PAYLOAD), **{"webhook-timestamp": "yesterday"})
    fails_with(verify_signature(PAYLOAD, bad_time, secret=SECRET, now=NOW), "timestamp format")


def test_a_plain_secret_is_used_as_is() -> None:
    signed = f"wh_1.{NOW}.{PAYLOAD}"
    digest = base64.b64encode(hmac.new(b"plain", signed.encode(), hashlib.sha256).digest()).decode()
    headers = {"webhook-id": "wh_1", "webhook-timestamp": str(NOW), "webhook-signature": f"v1,{digest}"}
    assert verify_signature(PAYLOAD, headers, secret="plain", now=NOW) == Success(None)


def test_the_secret_comes_from_the_environment_or_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ValueError, match="OPENAI_WEBHOOK_SECRET"):
        verify_signature(PAYLOAD, reference_headers(PAYLOAD), now=NOW)
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    assert verify_signature(PAYLOAD, reference_headers(PAYLOAD), now=NOW) == Success(None)
    with pytest.raises(ValueError, match="base64"):
        verify_signature(PAYLOAD, reference_headers(PAYLOAD), secret="whsec_!!!", now=NOW)


def test_the_official_sdk_accepts_our_signature() -> None:
    sdk = pytest.importorskip("openai.lib._webhooks", reason="the official SDK is not installed here")
    headers = sign(PAYLOAD, secret=SECRET, webhook_id="wh_9")
    assert sdk.webhook_signature_matches(PAYLOAD, headers, secret=SECRET, tolerance=300)


def test_unwrap_verifies_then_decodes_the_typed_event() -> None:
    result = unwrap(PAYLOAD, reference_headers(PAYLOAD), secret=SECRET, now=NOW)
    event = result.unwrap()
    if "batch.completed" in event_types():
        assert type(event) is event_types()["batch.completed"]
        assert event.data.id == "batch_abc"
        assert event.type == "batch.completed"
    else:  # before the types are generated every event is kept whole
        assert isinstance(event, UnknownVariant)


def test_unwrap_keeps_unknown_event_types() -> None:
    payload = json.dumps({"id": "evt_1", "type": "brand.new_event", "created_at": NOW, "data": {"x": 1}})
    event = unwrap(payload, reference_headers(payload), secret=SECRET, now=NOW).unwrap()
    assert event == UnknownVariant(original_type="brand.new_event", data=json.loads(payload))


def test_unwrap_refuses_a_bad_signature_before_reading_the_body() -> None:
    result = unwrap("not json", reference_headers(PAYLOAD), secret=SECRET, now=NOW)
    assert isinstance(result, Failure) and isinstance(result.failure(), InvalidWebhookSignatureError)


@pytest.mark.parametrize("payload", ["not json", '{"no_type": 1}', "[]"])
def test_unwrap_of_a_signed_non_event_is_a_payload_error(payload: str) -> None:
    result = unwrap(payload, reference_headers(payload), secret=SECRET, now=NOW)
    assert isinstance(result, Failure) and isinstance(result.failure(), WebhookPayloadError)


def test_every_webhook_schema_of_the_spec_has_a_typed_event() -> None:
    types = event_types()
    if not types:
        pytest.skip("the generated types (openai_fn.types.webhooks) do not exist yet")
    expected = {
        "batch.cancelled", "batch.completed", "batch.expired", "batch.failed",
        "eval.run.canceled", "eval.run.failed", "eval.run.succeeded",
        "fine_tuning.job.cancelled", "fine_tuning.job.failed", "fine_tuning.job.succeeded",
        "realtime.call.incoming", "response.cancelled", "response.completed", "response.failed",
        "response.incomplete",
    }
    assert expected <= set(types)
    for tag, cls in types.items():
        payload = json.dumps({"id": "evt", "type": tag, "created_at": NOW, "object": "event",
                              "data": {"id": "x", "call_id": "c", "sip_headers": []}})
        event = unwrap(payload, reference_headers(payload), secret=SECRET, now=NOW).unwrap()
        assert isinstance(event, cls), tag
        assert msgspec.to_builtins(event)["type"] == tag
