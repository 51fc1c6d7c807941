"""docs/reference.md is generated from the docstrings by docs/tools/apiref.py: prove the committed file is current."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "docs" / "tools" / "apiref.py"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_tools_apiref", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_reference_is_current() -> None:
    tool = load_tool()
    fresh: str = tool.render()
    committed = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8") if (ROOT / "docs" / "reference.md").exists() else ""
    assert committed == fresh, (
        f"docs/reference.md is stale (the public API or its docstrings changed): run `{tool.COMMAND}` and commit the result"
    )


def test_reference_lists_the_public_api_and_every_builder() -> None:
    import openai_fn as oa

    text: str = load_tool().render()
    assert "### `OpenAI`" in text and "### `unwrap_or_raise`" in text
    assert all(f"| `{op.name}` |" in text for op in oa.operations())
    assert text == load_tool().render()  # deterministic
