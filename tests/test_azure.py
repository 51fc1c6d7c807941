"""Azure executors against a loopback server that checks URLs, query and headers."""

from __future__ import annotations

import itertools

import pytest

import openai_fn as oa
from openai_fn.core.azure import deployment_rewrite
from tests.loopback import LoopbackServer, json_reply

CHAT = oa.make_request("POST", "/chat/completions", body={"model": "my-gpt4o", "messages": []})
MODELS = oa.make_request("GET", "/models")


def endpoint(server: LoopbackServer) -> str:
    return server.base_url.removesuffix("/v1")


def test_deployment_rewrite_is_pure_and_limited_to_model_endpoints() -> None:
    rewritten = deployment_rewrite(CHAT)
    assert rewritten.path == "/deployments/my-gpt4o/chat/completions"
    assert CHAT.path == "/chat/completions"
    assert deployment_rewrite(MODELS) is MODELS
    upload = oa.make_request("POST", "/audio/transcriptions", body={"model": "whisper"}, files={"file": b"x"})
    assert deployment_rewrite(upload).path == "/deployments/whisper/audio/transcriptions"


def test_api_key_goes_as_api_key_header_with_api_version(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({"ok": True}), json_reply({"data": []}))
    with oa.AzureOpenAI(api_key="azure-key", api_version="2024-10-21", azure_endpoint=endpoint(loopback)) as client:
        assert client.run(CHAT).unwrap() == {"ok": True}
        client.run(MODELS).unwrap()
    chat, models = loopback.received
    assert chat.path == "/openai/deployments/my-gpt4o/chat/completions"
    assert chat.query == {"api-version": ["2024-10-21"]}
    assert chat.headers["api-key"] == "azure-key"
    assert "authorization" not in chat.headers
    assert models.path == "/openai/models"


def test_fixed_deployment_is_not_rewritten_again(loopback: LoopbackServer) -> None:
    loopback.enqueue(json_reply({}))
    with oa.AzureOpenAI(
        api_key="k", api_version="v1", azure_endpoint=endpoint(loopback), azure_deployment="dep"
    ) as client:
        client.run(CHAT).unwrap()
    assert loopback.received[0].path == "/openai/deployments/dep/chat/completions"


def test_token_provider_is_called_per_attempt(loopback: LoopbackServer) -> None:
    counter = itertools.count(1)
    loopback.enqueue(json_reply({"error": {"message": "x"}}, 500), json_reply({}))
    with oa.AzureOpenAI(
        api_version="v1",
        azure_endpoint=endpoint(loopback),
        azure_ad_token_provider=lambda: f"token-{next(counter)}",
        retry=oa.RetryPolicy(initial_delay=0.001),
    ) as client:
        client.run(CHAT).unwrap()
    assert [r.headers["authorization"] for r in loopback.received] == ["Bearer token-1", "Bearer token-2"]


@pytest.mark.anyio
async def test_async_token_provider(loopback: LoopbackServer) -> None:
    async def provider() -> str:
        return "async-token"

    loopback.enqueue(json_reply({}))
    async with oa.AsyncAzureOpenAI(
        api_version="v1", azure_endpoint=endpoint(loopback), azure_ad_token_provider=provider
    ) as client:
        (await client.run(CHAT)).unwrap()
    assert loopback.received[0].headers["authorization"] == "Bearer async-token"


def test_environment_and_missing_settings(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="api_version"):
        oa.AzureOpenAI(api_key="k", azure_endpoint="https://x.openai.azure.com")
    with pytest.raises(ValueError, match="azure_endpoint"):
        oa.AzureOpenAI(api_key="k", api_version="v1")
    with oa.AzureOpenAI(api_version="v1", azure_endpoint=endpoint(loopback)) as client:
        assert isinstance(client.run(MODELS).failure(), oa.MissingCredentialsError)
    assert loopback.received == []
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-01-01")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", endpoint(loopback))
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    loopback.enqueue(json_reply({}))
    with oa.AzureOpenAI() as client:
        client.run(MODELS).unwrap()
    sent = loopback.received[0]
    assert (sent.headers["api-key"], sent.query["api-version"]) == ("env-key", ["2025-01-01"])
