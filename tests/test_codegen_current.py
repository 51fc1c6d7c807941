"""The committed generated code is exactly what the generator makes from the spec, and it is deterministic."""

from __future__ import annotations

from pathlib import Path

from codegen.generate import write_files

from ._codegen_spec import generated

ROOT = Path(__file__).resolve().parent.parent


def test_generated_code_is_current() -> None:
    result = generated()
    stale = write_files(result.files, ROOT, dry_run=True)
    assert not stale, (
        "generated code is out of date; run `.venv/bin/python -m codegen` (never edit it by hand): "
        + ", ".join(stale[:20])
    )


def test_generation_is_deterministic(tmp_path: Path) -> None:
    result = generated()
    first = write_files(result.files, tmp_path)
    assert first  # everything written once
    again = write_files(result.files, tmp_path)
    assert again == []


def test_counts() -> None:
    result = generated()
    analysis = result.analysis
    assert len(analysis.ops) == 288
    assert len(analysis.model.component_of) == 1422
    assert len({op.dotted for op in analysis.ops}) == 288
    assert result.patches >= 1
