"""Write docs/reference.md, the API reference, from the package's own docstrings and signatures.

    .venv/bin/python docs/tools/apiref.py          # rewrite docs/reference.md
    .venv/bin/python docs/tools/apiref.py --check  # exit 1 if the committed file is stale

Deterministic: names are sorted, object addresses are scrubbed from signatures, and nothing depends
on the environment. ``tests/test_apiref_current.py`` proves the committed file is current.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "reference.md"
COMMAND = ".venv/bin/python docs/tools/apiref.py"

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def first_paragraph(obj: object) -> str:
    """The first paragraph of ``obj``'s own docstring, on one line ('' if it has none)."""
    doc = obj.__doc__ if isinstance(obj.__doc__, str) else None
    if not doc:
        return ""
    text = inspect.cleandoc(doc).split("\n\n", 1)[0]
    return " ".join(line.strip() for line in text.splitlines()).replace("|", "\\|")


def signature(obj: Any) -> str:
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""
    return _ADDRESS.sub("", text)


def _kind(obj: object) -> str:
    if inspect.isclass(obj):
        return "class"
    if inspect.ismodule(obj):
        return "module"
    if callable(obj):
        return "function"
    return "value"


def top_level() -> list[str]:
    import openai_fn as oa
    from openai_fn.facade.module_client import SETTINGS

    out = [
        "## `openai_fn`",
        "",
        "`import openai_fn as oa`. Everything loads on first use.",
        "",
        "Module-level client settings (read on every `oa.run(...)`; `None`: from the environment or the default): "
        + ", ".join(f"`{name}`" for name in SETTINGS) + ".",
        "",
        "Endpoint namespaces (pure builders, see [Builders](#builders)): "
        + ", ".join(f"`{name}`" for name in sorted(oa.NAMESPACES)) + "; and `types` (the generated Structs).",
        "",
    ]
    skip = set(SETTINGS) | set(oa.NAMESPACES) | {"types", "__version__"}
    for name in sorted(n for n in oa.__all__ if n not in skip):
        obj = getattr(oa, name)
        kind = _kind(obj)
        if kind == "value":
            out += [f"### `{name}`", "", f"A value: `{_ADDRESS.sub('', repr(obj))}`.", ""]
            continue
        sig = signature(obj)
        out += [f"### `{name}`", "", f"```text\n{kind} {name}{sig}\n```", ""]
        summary = first_paragraph(obj)
        if summary:
            out += [summary, ""]
    return out


def builders() -> list[str]:
    import openai_fn as oa

    out = [
        "## Builders",
        "",
        "One pure function per operation of the spec: `openai_fn.<dotted name>(...) -> Request[T]`; on an executor "
        "the same name runs it (`client.<dotted name>(...)`).",
        "",
        "| builder | method and path | result | summary |",
        "|---|---|---|---|",
    ]
    for op in sorted(oa.operations(), key=lambda o: o.name):
        result = getattr(op.result_type, "__name__", None) or str(op.result_type)
        style = {"page": f"page of `{result}`", "stream": f"stream of `{result}`"}.get(op.kind, f"`{result}`")
        summary = first_paragraph(op.builder).split(". ")[0].rstrip(".")
        out.append(f"| `{op.name}` | `{op.method} {op.path}` | {style} | {summary} |")
    out.append("")
    return out


def render() -> str:
    lines = [
        "# API reference",
        "",
        f"Generated from the docstrings and signatures by `{COMMAND}`; do not edit by hand.",
        "",
        *top_level(),
        *builders(),
    ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
