"""The docs-as-tests harness: the ```` ```python ```` blocks of README.md and docs/*.md, and their tally.

Every fenced block whose info string starts with ``python`` is code to run (``python``,
``python llmock``, ...), except ``python skip: <reason>``, which is counted, listed with its reason
at the end of the session, and not run. Skips must be rare: a block that cannot run against
llmock can usually use an ``httpx.MockTransport`` instead, or show only the pure part.

Registered from ``tests/conftest.py`` (``pytest_plugins``) for :func:`pytest_terminal_summary`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = ["ROOT", "Block", "DocTally", "TALLY", "doc_files", "python_blocks", "pytest_terminal_summary"]

ROOT = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)\n(?P<code>.*?)^(?P=fence)[ \t]*$", re.DOTALL | re.MULTILINE)
_SKIP = re.compile(r"^python\s+skip\s*:\s*(?P<reason>\S.*)$")


@dataclass(frozen=True)
class Block:
    """One ```` ```python ```` block: where it starts (1-based line of the fence), its code, and a skip reason."""

    path: Path
    line: int
    code: str
    skip: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def doc_files() -> list[Path]:
    """README.md, then docs/*.md in name order."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks(path: Path) -> list[Block]:
    """The python blocks of one Markdown file, in order.

    ``python skip`` without a reason is refused: a skipped block must say why.
    """
    text = path.read_text(encoding="utf-8")
    blocks: list[Block] = []
    for match in _FENCE.finditer(text):
        info = match.group("info").strip()
        if not (info == "python" or info.startswith(("python ", "python\t"))):
            continue
        line = text.count("\n", 0, match.start()) + 1
        skip: str | None = None
        if re.match(r"python\s+skip\b", info):
            found = _SKIP.match(info)
            if found is None:
                raise ValueError(f"{path.name}:{line}: a skipped block needs a reason: ```python skip: <why>")
            skip = found.group("reason").strip()
        blocks.append(Block(path, line, match.group("code"), skip))
    return blocks


@dataclass
class DocTally:
    """What the docs harness did, printed at the end of the session."""

    ran: dict[str, int] = field(default_factory=lambda: dict[str, int]())
    skipped: list[tuple[str, str]] = field(default_factory=lambda: list[tuple[str, str]]())

    def lines(self) -> list[str]:
        if not self.ran and not self.skipped:
            return []
        out = [f"docs: {sum(self.ran.values())} python blocks run in {len(self.ran)} files, {len(self.skipped)} skipped"]
        out.extend(f"  skipped {where}: {reason}" for where, reason in self.skipped)
        return out


TALLY = DocTally()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = TALLY.lines()
    if lines:
        terminalreporter.write_sep("-", "docs as tests")
        for line in lines:
            terminalreporter.write_line(line)
