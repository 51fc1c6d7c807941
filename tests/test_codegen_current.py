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


def test_an_operation_parameter_named_like_an_sdk_option_gets_a_trailing_underscore() -> None:
    from codegen.ops import OPTION_NAMES, build_operation
    from codegen.schema import SchemaModel

    op = build_operation(
        "/things",
        "get",
        {
            "operationId": "listThings",
            "parameters": [
                {"name": "timeout", "in": "query", "schema": {"type": "integer"}},
                {"name": "extra_body", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": {"200": {"content": {"application/json": {"schema": {"type": "object"}}}}},
        },
        SchemaModel({}),
    )
    names = {p.api_name: p.py_name for p in op.params}
    assert names == {"timeout": "timeout_", "extra_body": "extra_body_", "limit": "limit"}  # wire names kept
    assert not set(OPTION_NAMES) & {p.py_name for p in op.params}


def test_extra_members_replace_the_spec_fields_they_compute() -> None:
    from codegen.extra_members import EXTRA_MEMBERS

    defs = {d.spec_name or d.name: d for d in generated().analysis.defs.values()}
    for schema, members in EXTRA_MEMBERS.items():
        fields = {f.py_name for f in getattr(defs[schema], "fields", [])}
        assert all(m.why and m.name not in fields for m in members), schema
