"""Shared fixtures: the loopback server, the anyio backends, and syrupy's snapshot folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.loopback import LoopbackServer

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def _loopback_server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def loopback(_loopback_server: LoopbackServer) -> Iterator[LoopbackServer]:
    """The session's loopback server, with an empty script for this test."""
    _loopback_server.reset()
    yield _loopback_server
    _loopback_server.reset()


@pytest.fixture(autouse=True)
def _no_ambient_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's real key or base URL."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG",
                 "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION", "AZURE_OPENAI_AD_TOKEN"):
        monkeypatch.delenv(name, raising=False)


# Real servers on loopback (llmock for the integration tier, Prism for the contract tier): session
# fixtures `llmock_server`/`llmock`/`prism`, and the contract tier's counts in the terminal summary.
pytest_plugins = ["tests.servers", "tests.docs_harness"]
