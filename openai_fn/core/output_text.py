"""``response.output_text``: the official SDK's computed text of a Responses API answer (pure).

The generated ``Response`` and ``BetaResponse`` types expose it as a property (``codegen/extra_members.py``);
:func:`openai_fn.helpers.responses_stream.output_text` is this function too. It imports nothing, so the types
modules can use it at import time for free.
"""

from __future__ import annotations

from typing import Any, cast

__all__ = ["output_text"]


def output_text(response: Any) -> str:
    """All ``output_text`` content parts of the ``message`` items of ``response.output``, joined.

    ``response`` is a typed ``Response`` (Structs, read by attribute) or its plain JSON form (dicts);
    anything missing or of another kind counts as no text, so a partial snapshot gives ``""``.
    """
    texts: list[str] = []
    output = _get(response, "output")
    for item in cast("list[Any]", output) if isinstance(output, list) else ():
        if _get(item, "type") != "message":
            continue
        content = _get(item, "content")
        for part in cast("list[Any]", content) if isinstance(content, list) else ():
            if _get(part, "type") == "output_text":
                text = _get(part, "text")
                if isinstance(text, str):
                    texts.append(text)
    return "".join(texts)


def _get(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return cast("dict[str, Any]", value).get(name)
    return getattr(value, name, None)
