"""The facade is statically typed: pyright checks ``tests/typing_facade_sample.py`` with 0 errors.

The sample pins, with ``assert_type``, what ``client.chat.completions.create(...)`` and friends are to a type
checker (from the generated ``openai_fn/facade/_typed.py``), so the typing cannot silently regress.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import openai_fn
from openai_fn.facade import _typed

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "typing_facade_sample.py"


def _pyright() -> str | None:
    local = Path(sys.executable).parent / "pyright"
    return str(local) if local.exists() else shutil.which("pyright")


def test_pyright_accepts_the_facade_sample() -> None:
    pyright = _pyright()
    if pyright is None:
        pytest.skip("pyright is not installed")
    done = subprocess.run(
        [pyright, "--outputjson", str(SAMPLE)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    report: dict[str, Any] = json.loads(done.stdout)
    problems = [
        f"{d['file']}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert report["summary"]["filesAnalyzed"] >= 1
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("executor", [openai_fn.OpenAI, openai_fn.AsyncOpenAI])
def test_executors_declare_every_top_level_namespace(executor: type[Any]) -> None:
    source = Path(sys.modules[executor.__module__].__file__ or "").read_text()
    prefix = "Async" if executor is openai_fn.AsyncOpenAI else ""
    for name in _typed.TOP_LEVEL:
        cls = prefix + "".join(word.capitalize() for word in name.split("_"))
        assert f"        {name}: _typed.{cls}\n" in source, f"{executor.__name__} does not declare {name}"


def test_the_typed_module_is_for_type_checkers_only() -> None:
    code = (
        "import sys, openai_fn; openai_fn.OpenAI(api_key='x'); "
        "assert 'openai_fn.facade._typed' not in sys.modules; "
        "import openai_fn.facade._typed as t; "
        "assert not any(m.startswith('openai_fn.endpoints.') for m in sys.modules), sorted(sys.modules); "
        "assert not hasattr(t, 'ChatCompletions')"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_runtime_namespaces_are_unchanged() -> None:
    client = openai_fn.OpenAI(api_key="sk-x")
    try:
        assert type(client.chat).__name__ == "Namespace"  # the dynamic proxy; _typed only describes it
        assert "chat" not in openai_fn.OpenAI.__annotations__  # declared under TYPE_CHECKING only
    finally:
        client.close()
