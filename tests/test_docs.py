"""Docs as tests: every ```` ```python ```` block of README.md and docs/*.md runs, against llmock.

One test per Markdown file. Its blocks run in order, in one namespace (a fresh module, registered
in ``sys.modules`` while it runs so classes defined in a block resolve their annotations), each
compiled with ``dont_inherit=True`` so nothing of this file's ``__future__`` imports leaks in.
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` point at the session's llmock; the module-level client's
settings start from ``None`` and its cached executors are dropped (and closed) around each file.
The blocks run in a temporary working directory with ``tempfile`` writing under it, and must not
leave threads behind. ``python skip: <reason>`` blocks are counted and listed at the end.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import openai_fn as oa
from openai_fn.facade import module_client
from openai_fn.testing.llmock import LLMock
from tests.docs_harness import ROOT, TALLY, Block, doc_files, python_blocks

KEY = "sk-llmock-docs"
FILES = [path for path in doc_files() if path.exists()]
MAX_SKIPPED = 8
"""Skipped blocks must stay rare."""


def _drop_module_clients() -> None:
    cached = module_client._sync
    module_client._sync = None
    if cached is not None:
        cached[1].close()
    module_client._async.clear()  # their pools belong to event loops that have ended


@pytest.fixture
def module_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in module_client.SETTINGS:
        monkeypatch.setattr(oa, name, None)
    _drop_module_clients()
    yield
    _drop_module_clients()


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory of its own; ``tempfile.mkdtemp()`` and friends write under it too."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return tmp_path


def _threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.is_alive()}


def _leftover_threads(before: set[threading.Thread], wait: float = 2.0) -> set[threading.Thread]:
    deadline = time.monotonic() + wait
    while True:
        left = _threads() - before
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)


def test_the_docs_have_python_blocks() -> None:
    names = {path.name for path in FILES}
    assert {"README.md", "foundation.md", "migration.md", "composition.md", "quickstart.md"} <= names
    blocks = [block for path in FILES for block in python_blocks(path)]
    skipped = [block for block in blocks if block.skip is not None]
    assert len(blocks) > 50
    assert len(skipped) <= MAX_SKIPPED, [block.where for block in skipped]


@pytest.mark.parametrize("path", FILES, ids=[str(path.relative_to(ROOT)) for path in FILES])
def test_doc_file(
    path: Path, llmock: LLMock, monkeypatch: pytest.MonkeyPatch, module_settings: None, sandbox: Path
) -> None:
    """Run the file's python blocks in order, in one namespace; a failing block names its line."""
    blocks = python_blocks(path)
    runnable: list[Block] = []
    for block in blocks:
        if block.skip is None:
            runnable.append(block)
        elif (block.where, block.skip) not in TALLY.skipped:
            TALLY.skipped.append((block.where, block.skip))
            print(f"skipped {block.where}: {block.skip}")
    if not runnable:
        pytest.skip(f"{path.name} has no python blocks to run")

    monkeypatch.setenv("OPENAI_BASE_URL", llmock.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    name = "docs_" + "".join(c if c.isalnum() else "_" for c in str(path.relative_to(ROOT)))
    module = types.ModuleType(name)
    module.__file__ = str(path)
    monkeypatch.setitem(sys.modules, name, module)

    before = _threads()
    for block in runnable:
        code = compile(block.code, block.where, "exec", dont_inherit=True)
        exec(code, module.__dict__)
    TALLY.ran[str(path.relative_to(ROOT))] = len(runnable)

    _drop_module_clients()
    left = _leftover_threads(before)
    assert not left, f"{path.name}: the blocks left threads running: {sorted(t.name for t in left)}"
