"""The benchmark suite runs: every case once, tiny sizes, no timing assertions.

The official package's column is skipped when ``openai`` is not importable (CI installs only
the dev extra); everything else runs, including the loopback server and the subprocess cases.
"""

from __future__ import annotations

import pytest

from benchmarks.__main__ import main
from benchmarks.contenders import official_available
from benchmarks.payloads import Sizes
from benchmarks.report import table
from benchmarks.suite import Settings, run_cases


def test_every_case_runs_once_at_tiny_sizes() -> None:
    settings = Settings(sizes=Sizes.tiny(), rounds=1, official=official_available(), import_runs=1, memory_calls=20)
    rows = run_cases(settings)
    cases = {row.case.split(".")[0] for row in rows}
    assert cases == {"1", "2", "3", "4", "5", "6", "7"}
    for row in rows:
        assert row.ours > 0 or row.unit == "MB", row
        assert row.floor is not None
        assert (row.official is not None) == settings.official or row.case.startswith("7. memory: RSS growth"), row
    text = table(rows)
    assert text.count("\n") == len(rows) + 1


def test_the_command_line_runs_a_quick_sync_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--cases", "sync", "--no-official"]) == 0
    out = capsys.readouterr().out
    assert "| 2. chat completion, per call | in-process |" in out
    assert "| 5. list 6 files, 3/page | loopback |" in out
