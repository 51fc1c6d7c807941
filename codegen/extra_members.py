"""Members the generated Structs get beyond the spec's fields: the official SDK's computed properties.

Each entry names the spec's schema, the member's source (a class-body block), the module-level import it needs
and why it exists. A member whose schema is gone, or whose name is also a field of the Struct, fails the run
(when the spec declares the SDK's computed property as a field, ``codegen/patches.yaml`` deletes that field).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXTRA_MEMBERS", "ExtraMember"]


@dataclass(frozen=True)
class ExtraMember:
    name: str
    source: tuple[str, ...]
    """The member's lines, indented for a class body."""
    imports: tuple[str, ...]
    """Module-level imports of the types module (relative to ``openai_fn/types/``); keep them pure and light."""
    why: str


OUTPUT_TEXT = ExtraMember(
    name="output_text",
    source=(
        "    @property",
        "    def output_text(self) -> str:",
        '        """All ``output_text`` content parts of the ``message`` items of ``output``, joined.',
        "",
        '        The official SDK\'s computed ``response.output_text`` (the API never sends it); ``""`` when there',
        "        is no text. See :func:`openai_fn.core.output_text.output_text`.",
        '        """',
        "        return _output_text.output_text(self)",
    ),
    imports=("from ..core import output_text as _output_text",),
    why=(
        "The SDK computes `response.output_text` from `output`; the spec lists it as a field the server never "
        "sends (`x-oaiSupportedSDKs`: SDK-only), so it would always be UNSET."
    ),
)

EXTRA_MEMBERS: dict[str, tuple[ExtraMember, ...]] = {
    "Response": (OUTPUT_TEXT,),
    "BetaResponse": (OUTPUT_TEXT,),
}
"""The spec's schema name → the members its Struct gets."""
