"""The module-level client: settings on the module, read on every call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from returns.result import Success

import openai_fn as oa
from openai_fn.facade.module_client import SETTINGS
from tests.loopback import LoopbackServer, json_reply

REQUEST = oa.make_request("GET", "/models")


@pytest.fixture
def module_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in SETTINGS:
        monkeypatch.setattr(oa, name, None)
    yield


def test_settings_take_effect_on_the_next_call(loopback: LoopbackServer, module_settings: None) -> None:
    oa.api_key = "sk-module-one"
    oa.base_url = loopback.base_url
    loopback.enqueue(json_reply({"n": 1}), json_reply({"n": 2}))
    assert oa.run(REQUEST) == Success({"n": 1})
    first = oa.default_client()
    oa.api_key = "sk-module-two"
    oa.default_headers = {"x-team": "t"}
    assert oa.run(REQUEST) == Success({"n": 2})
    assert oa.default_client() is not first
    assert oa.default_client().http_client is not None
    one, two = loopback.received
    assert one.headers["authorization"] == "Bearer sk-module-one"
    assert two.headers["authorization"] == "Bearer sk-module-two"
    assert two.headers["x-team"] == "t"


def test_module_max_retries_and_timeout(loopback: LoopbackServer, module_settings: None) -> None:
    oa.api_key = "sk-x"
    oa.base_url = loopback.base_url
    oa.max_retries = 0
    oa.timeout = 7.0
    loopback.enqueue(json_reply({"error": {"message": "down"}}, 503))
    assert isinstance(oa.run(REQUEST).failure(), oa.InternalServerError)
    assert len(loopback.received) == 1
    assert oa.default_client().config.timeout == oa.Timeout.all(7.0)


@pytest.mark.anyio
async def test_async_module_run(loopback: LoopbackServer, module_settings: None) -> None:
    oa.api_key = "sk-async-module"
    oa.base_url = loopback.base_url
    loopback.enqueue(json_reply({"ok": 1}))
    assert await oa.arun(REQUEST) == Success({"ok": 1})
    assert loopback.received[0].headers["authorization"] == "Bearer sk-async-module"


def test_unwrap_or_raise_raises_the_typed_error(loopback: LoopbackServer, module_settings: None) -> None:
    oa.api_key = "sk-x"
    oa.base_url = loopback.base_url
    loopback.enqueue(json_reply({"error": {"message": "slow down", "type": "requests"}}, 429, [("x-should-retry", "false")]))
    with pytest.raises(oa.RateLimitError, match="slow down") as caught:
        oa.unwrap_or_raise(oa.run(REQUEST))
    assert caught.value.status_code == 429
    loopback.enqueue(json_reply({"fine": True}))
    assert oa.unwrap_or_raise(oa.run(REQUEST)) == {"fine": True}


def test_one_pool_across_settings_and_environment_changes(
    loopback: LoopbackServer, module_settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-one")
    oa.base_url = loopback.base_url
    loopback.enqueue(json_reply({}), json_reply({}), json_reply({}))
    oa.run(REQUEST)
    first = oa.default_client()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-two")
    oa.run(REQUEST)
    oa.timeout = 30.0
    oa.run(REQUEST)
    assert oa.default_client() is not first
    assert oa.default_client().http_client is first.http_client
    assert [r.headers["authorization"] for r in loopback.received] == [
        "Bearer sk-env-one", "Bearer sk-env-two", "Bearer sk-env-two"
    ]
