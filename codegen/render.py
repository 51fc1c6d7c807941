"""Rendering type expressions and docstrings as Python source."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .ir import T, TDict, TList, TLit, TPrim, TRef, TUnion

__all__ = ["doc_block", "literal", "render_type", "trim_doc"]


def literal(values: tuple[object, ...]) -> str:
    return "Literal[" + ", ".join(json.dumps(v) for v in values) + "]"


def render_type(t: T, ref: Callable[[str], str], *, file: str = "Any", seq: str = "list") -> str:
    """``ref`` renders a reference to a generated name (module prefix, ``Param`` suffix …)."""
    if isinstance(t, TRef):
        return ref(t.name)
    if isinstance(t, TPrim):
        return {
            "str": "str",
            "int": "int",
            "float": "float",
            "bool": "bool",
            "none": "None",
            "any": "Any",
        }.get(t.kind, file)
    if isinstance(t, TLit):
        return literal(t.values)
    if isinstance(t, TList):
        return f"{seq}[{render_type(t.item, ref, file=file, seq=seq)}]"
    if isinstance(t, TDict):
        return f"dict[str, {render_type(t.value, ref, file=file, seq=seq)}]"
    parts: list[str] = []
    for m in t.members:
        text = render_type(m, ref, file=file, seq=seq)
        if text not in parts:
            parts.append(text)
    if "Any" in parts:
        return "Any"
    # ``None`` last reads best
    if "None" in parts:
        parts.remove("None")
        parts.append("None")
    return " | ".join(parts)


def notes(t: T) -> list[str]:
    out: list[str] = []
    if isinstance(t, TUnion):
        if t.note:
            out.append(t.note)
        for m in t.members:
            out.extend(notes(m))
    elif isinstance(t, TList):
        out.extend(notes(t.item))
    elif isinstance(t, TDict):
        out.extend(notes(t.value))
    return list(dict.fromkeys(out))


_LINK = re.compile(r"\[([^\]]+)\]\((/[^)]*)\)")


def trim_doc(text: str, limit: int = 700) -> str:
    """A docstring-safe, trimmed description: relative doc links made absolute, whitespace tidied."""
    text = _LINK.sub(lambda m: f"{m.group(1)} (https://platform.openai.com{m.group(2)})", text or "")
    text = text.replace("\\", "\\\\").replace('"""', "'''").strip()
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    text = "\n".join(out).strip()
    if len(text) > limit:
        cut = text[:limit]
        dot = cut.rfind(". ")
        text = (cut[: dot + 1] if dot > limit // 2 else cut.rstrip() + " …").strip()
    return text


def doc_block(text: str, indent: str, limit: int = 700) -> list[str]:
    body = trim_doc(text, limit)
    if not body:
        return []
    if body.endswith('"'):
        body += " "
    lines = body.splitlines()
    if len(lines) == 1 and len(body) + len(indent) < 100:
        return [f'{indent}"""{body}"""']
    out = [f'{indent}"""{lines[0]}']
    out.extend(f"{indent}{line}" if line else "" for line in lines[1:])
    out.append(f'{indent}"""')
    return out
