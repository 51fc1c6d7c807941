"""``client.<namespace>.<operation>(...)`` is ``client.run(<builder>(...))``, sync and async."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

import openai_fn as oa
from openai_fn import chat, files
from openai_fn.helpers.webhooks import sign
from openai_fn.types.params.chat import ChatCompletionRequestMessageParam
from tests.loopback import LoopbackServer, json_reply

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi", "refusal": None}}],
}
MODEL = "gpt-4o-mini"
MESSAGES: list[ChatCompletionRequestMessageParam] = [{"role": "user", "content": "hi"}]


def test_namespace_call_equals_run_of_the_builder(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply(COMPLETION), json_reply(COMPLETION))
    with oa.OpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        via_facade = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        via_run = client.run(chat.completions.create(model=MODEL, messages=MESSAGES))
    assert via_facade == via_run
    assert via_facade.unwrap().choices[0].message.content == "hi"
    first, second = loopback.received
    assert (first.path, first.json()) == (second.path, second.json())


def test_bound_operations_keep_the_builders_signature_and_docs() -> None:
    client = oa.OpenAI(api_key="sk-x")
    bound = client.chat.completions.create
    assert inspect.signature(bound) == inspect.signature(chat.completions.create)
    assert bound.__doc__ == chat.completions.create.__doc__
    assert "create" in dir(client.chat.completions)
    assert "create_and_poll" in dir(client.beta.threads.runs)
    with pytest.raises(AttributeError):
        _ = client.no_such_namespace
    client.close()


def test_raw_and_streaming_response_variants(loopback: LoopbackServer) -> None:
    listing: dict[str, Any] = {"object": "list", "data": [], "has_more": False}
    loopback.enqueue(json_reply(listing, headers=[("x-request-id", "req_list")]), json_reply(listing))
    with oa.OpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        raw = client.files.with_raw_response.list(limit=2).unwrap()
        assert (raw.status_code, raw.request_id) == (200, "req_list")
        assert raw.parse().data == []
        with client.files.with_streaming_response.list(limit=2) as opened:
            assert b"".join(opened.unwrap().iter_bytes()).startswith(b'{"object"')
    assert loopback.received[0].query == {"limit": ["2"]}


def test_bad_arguments_raise_before_anything_is_sent(loopback: LoopbackServer) -> None:
    with oa.OpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        with pytest.raises(oa.InvalidArgumentError, match="role"):
            bad: Any = [{"role": "bot", "content": "x"}]
            client.chat.completions.create(model="m", messages=bad)
        with pytest.raises(ValueError, match="file_id"):
            client.files.retrieve(file_id="")
    assert loopback.received == []


@pytest.mark.anyio
async def test_async_namespaces(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply(COMPLETION), json_reply({"object": "list", "data": [], "has_more": False}))
    async with oa.AsyncOpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        completion = (await client.chat.completions.create(model=MODEL, messages=MESSAGES)).unwrap()
        assert completion.id == "chatcmpl-1"
        raw = (await client.files.with_raw_response.list()).unwrap()
        assert raw.status_code == 200


def test_webhooks_use_the_executor_secret() -> None:
    secret = "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQ="
    payload = b'{"id": "evt_1", "object": "event", "type": "batch.completed", "created_at": 1, "data": {"id": "batch_1"}}'
    headers = sign(payload, secret=secret, webhook_id="wh_1")
    client = oa.OpenAI(api_key="sk-x", webhook_secret=secret)
    event = client.webhooks.unwrap(payload, headers).unwrap()
    assert type(event).__name__ == "WebhookBatchCompleted"
    assert client.webhooks.unwrap(payload, headers, secret="whsec_d3Jvbmc=").failure()
    client.close()


def test_module_namespaces_stay_pure_builders() -> None:
    request = oa.files.list(limit=3)
    assert isinstance(request, oa.Request)
    assert request == files.list(limit=3)


def test_chat_stream_helper_on_the_namespace(loopback: LoopbackServer) -> None:
    from tests.loopback import sse_reply

    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    events = [
        "data: " + json.dumps({**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]}) + "\n\n",
        "data: " + json.dumps({**chunk, "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]}) + "\n\n",
        "data: [DONE]\n\n",
    ]
    loopback.enqueue(sse_reply(events))
    with oa.OpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        stream = client.chat.completions.stream(model=MODEL, messages=MESSAGES).unwrap()
        with stream:
            kinds = [event.type for event in stream]
        final = stream.get_final_completion()
    assert "content.delta" in kinds and "content.done" in kinds
    assert final.choices[0].message.content == "Hello"
    assert loopback.received[0].json()["stream"] is True


def test_stream_helpers_take_the_per_call_options(loopback: LoopbackServer) -> None:
    from tests.loopback import sse_reply

    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    loopback.enqueue(sse_reply([
        "data: " + json.dumps({**chunk, "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": "stop"}]})
        + "\n\n",
        "data: [DONE]\n\n",
    ]))
    loopback.enqueue(sse_reply([
        'event: response.completed\ndata: {"type":"response.completed","sequence_number":0,'
        '"response":{"id":"r","object":"response","status":"completed","output":[]}}\n\n',
    ]))
    options: dict[str, Any] = {"extra_headers": {"x-trace": "t1"}, "extra_query": {"dbg": "1"},
                               "extra_body": {"store": True}, "timeout": 9.0}
    with oa.OpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        with client.chat.completions.stream(model=MODEL, messages=MESSAGES, **options).unwrap() as stream:
            assert stream.get_final_completion().choices[0].message.content == "Hi"
        with client.responses.stream(model=MODEL, input="hi", **options).unwrap() as events:
            assert events.get_final_response().id == "r"
    for received in loopback.received:
        assert received.headers.get("x-trace") == "t1" and received.query == {"dbg": ["1"]}
        assert received.json()["store"] is True and received.json()["stream"] is True


def test_client_level_raw_and_streaming_modes(loopback: LoopbackServer) -> None:
    listing: dict[str, Any] = {"object": "list", "data": [], "has_more": False}
    loopback.enqueue(json_reply(listing, headers=[("x-request-id", "req_root")]), json_reply(listing))
    with oa.OpenAI(api_key="sk-x", base_url=loopback.base_url) as client:
        raw = client.with_raw_response.files.list(limit=1).unwrap()
        assert (raw.status_code, raw.request_id, raw.parse().data) == (200, "req_root", [])
        with client.with_streaming_response.files.list() as opened:
            assert opened.unwrap().json()["object"] == "list"
        with pytest.raises(AttributeError):
            getattr(client.with_raw_response, "webhooks")  # noqa: B009 - typed as absent, checked at run time too
