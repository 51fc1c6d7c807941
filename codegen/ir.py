"""The small type model the generator lowers OpenAPI schemas into, before rendering Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AliasDef",
    "Def",
    "Field",
    "StructDef",
    "T",
    "TDict",
    "TList",
    "TLit",
    "TPrim",
    "TRef",
    "TUnion",
]


@dataclass(frozen=True)
class TRef:
    """A generated type (Struct or alias), by its Python name."""

    name: str


@dataclass(frozen=True)
class TPrim:
    """``str``, ``int``, ``float``, ``bool``, ``none``, ``any`` or ``file`` (binary upload)."""

    kind: str


@dataclass(frozen=True)
class TLit:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class TList:
    item: T


@dataclass(frozen=True)
class TDict:
    value: T


@dataclass(frozen=True)
class TUnion:
    members: tuple[T, ...]
    discriminator: str | None = None
    note: str = ""
    """Why this union was widened, when it was (rendered as a comment)."""


T = TRef | TPrim | TLit | TList | TDict | TUnion

ANY = TPrim("any")
NONE = TPrim("none")


@dataclass
class Field:
    api_name: str
    py_name: str
    type: T
    required: bool
    description: str = ""
    const: Any = None
    """The single value of a one-value enum/const property (a candidate union tag)."""
    deprecated: bool = False
    raw_type: T | None = None
    """The type as the spec writes it, before unions were fixed (request TypedDicts use it)."""

    def __post_init__(self) -> None:
        if self.raw_type is None:
            self.raw_type = self.type


@dataclass
class StructDef:
    name: str
    source: str
    description: str = ""
    fields: list[Field] = field(default_factory=lambda: [])
    tag_field: str | None = None
    tag: str | None = None
    module: str = ""
    response: bool = False
    request: bool = False
    tags: tuple[str, ...] = ()
    """All tag values; the first is this class's, each other one gets a subclass."""
    base: str | None = None
    """For a subclass that only carries another tag value: the Struct it extends."""
    subclasses: list[str] = field(default_factory=lambda: [])
    note: str = ""
    spec_name: str = ""
    """The spec's name, when the class takes the official SDK's name (``codegen/sdk_types.py``)."""


@dataclass
class AliasDef:
    name: str
    source: str
    type: T
    description: str = ""
    module: str = ""
    response: bool = False
    request: bool = False
    raw_type: T | None = None
    spec_name: str = ""
    """The spec's name, when the alias takes the official SDK's name (``codegen/sdk_types.py``)."""

    def __post_init__(self) -> None:
        if self.raw_type is None:
            self.raw_type = self.type


Def = StructDef | AliasDef
