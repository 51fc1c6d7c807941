"""Session fixtures for the real-server tiers: llmock (integration) and Prism (contract).

Each server starts once per test session, on a free loopback port, and is stopped at the end.
Registered from ``tests/conftest.py`` (``pytest_plugins``); the contract tier's counts are
printed by :func:`pytest_terminal_summary`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from openai_fn.testing.llmock import LLMock

__all__ = ["ContractTally", "llmock", "llmock_server", "pytest_terminal_summary"]


@pytest.fixture(scope="session")
def llmock_server() -> Iterator[LLMock]:
    """llmock, started once for the session (about a second)."""
    with LLMock() as server:
        yield server


@pytest.fixture
def llmock(llmock_server: LLMock) -> Iterator[LLMock]:
    """The session's llmock with no scripted behaviour and an empty journal, before and after the test."""
    llmock_server.reset()
    yield llmock_server
    llmock_server.reset()


@dataclass
class ContractTally:
    """What the contract tier did with each operation of the registry."""

    exercised: dict[str, str] = field(default_factory=lambda: dict[str, str]())
    skipped: dict[str, str] = field(default_factory=lambda: dict[str, str]())
    failed: dict[str, str] = field(default_factory=lambda: dict[str, str]())
    total: int | None = None
    startup_seconds: float | None = None
    unavailable: str | None = None
    notes: list[str] = field(default_factory=lambda: list[str]())
    seconds: float = 0.0
    """Time spent running operations (building, sending, decoding), start-up excluded."""

    def lines(self) -> list[str]:
        if self.unavailable is not None:
            return [f"contract tier (Prism) not run: {self.unavailable}"]
        counted = len(self.exercised) + len(self.skipped) + len(self.failed)
        if self.total is None or counted == 0:  # the tier was deselected, or never got to an operation
            return []
        out = [
            f"contract tier (Prism): {self.total} operations: {len(self.exercised)} exercised, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed"
            + ("" if counted == self.total else f", {self.total - counted} not reached")
            + (f"; Prism started in {self.startup_seconds:.1f} s" if self.startup_seconds is not None else "")
            + f"; operations ran in {self.seconds:.1f} s",
        ]
        reasons: dict[str, list[str]] = {}
        for operation_id, reason in sorted(self.skipped.items()):
            reasons.setdefault(reason, []).append(operation_id)
        for reason, ids in sorted(reasons.items()):
            out.append(f"  skipped ({reason}): {len(ids)}: {', '.join(ids)}")
        for operation_id, reason in sorted(self.failed.items()):
            out.append(f"  FAILED {operation_id}: {reason}")
        out.extend(f"  note: {note}" for note in self.notes)
        return out


TALLY = ContractTally()
"""Filled by ``tests/test_contract_prism.py``, printed at the end of the session."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = TALLY.lines()
    if lines:
        terminalreporter.write_sep("-", "real servers")
        for line in lines:
            terminalreporter.write_line(line)
