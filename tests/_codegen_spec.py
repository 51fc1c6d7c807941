"""The spec and the generator's analysis of it, loaded once per test session (shared by codegen tests)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

SPEC = Path(__file__).resolve().parent.parent.parent / "shared" / "spec" / "openai-openapi.yaml"


def require_spec() -> Path:
    if not SPEC.exists():
        pytest.skip(f"the OpenAPI spec is absent ({SPEC}); generator checks need it")
    return SPEC


@functools.cache
def spec() -> dict[str, Any]:
    from codegen.generate import apply_patches, load_spec

    data = load_spec(require_spec())
    apply_patches(data)
    return data


@functools.cache
def generated() -> Any:
    from codegen.generate import generate

    return generate(require_spec())
