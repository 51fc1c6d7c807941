"""Lower the spec's component schemas into Struct and alias definitions (``codegen.ir``).

Every object schema with properties becomes a Struct: component schemas under their own
name, inline ones under a name derived from where they sit (``Parent`` + ``Property``,
``Item`` for array items, the branch ``title`` for union branches). Unions are kept as
written at first; :mod:`codegen.unions` later decides tags and widens what msgspec cannot
decode.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from .ir import ANY, NONE, AliasDef, Def, Field, StructDef, T, TDict, TList, TLit, TPrim, TRef, TUnion

__all__ = ["SchemaModel", "pascal", "py_field_name", "type_name"]

JSON = dict[str, Any]

RESERVED_TYPE_NAMES = frozenset(
    {
        "Any",
        "Literal",
        "BaseModel",
        "UnknownVariant",
        "UNSET",
        "UnsetType",
        "msgspec",
        "TypedDict",
        "Required",
    }
)
BASEMODEL_ATTRS = frozenset({"to_dict", "to_json"})


def pascal(text: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", text)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return out or "X"


def type_name(raw: str) -> str:
    name = re.sub(r"[^0-9A-Za-z_]", "_", raw)
    if not name[:1].isalpha():
        name = "T" + name
    name = name[:1].upper() + name[1:]
    if name in RESERVED_TYPE_NAMES:
        name += "_"
    return name


def py_field_name(api_name: str) -> str:
    name = re.sub(r"[^0-9A-Za-z_]", "_", api_name).strip("_") or "field"
    if name[0].isdigit():
        name = "f_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in BASEMODEL_ATTRS:
        name += "_"
    return name


def singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 3:
        return name[:-1]
    return name + "Item"


def as_dict(value: Any) -> JSON:
    return cast("JSON", value) if isinstance(value, dict) else {}


class SchemaModel:
    """All definitions generated from ``components.schemas`` (plus the inline objects they hold)."""

    def __init__(self, schemas: Mapping[str, JSON]) -> None:
        self.schemas = schemas
        self.names: dict[str, str] = {}
        used: set[str] = set()
        for raw in schemas:
            name = type_name(raw)
            while name in used:
                name += "_"
            used.add(name)
            self.names[raw] = name
        self.used = used
        self.defs: dict[str, Def] = {}
        self.component_of: dict[str, str] = {}  # python name -> component name
        for raw, schema in schemas.items():
            self.build_component(raw, schema)

    # -- naming ----------------------------------------------------------------------------

    def fresh(self, hint: str) -> str:
        name = type_name(hint)
        base, n = name, 2
        while name in self.used:
            name = f"{base}{n}"
            n += 1
        self.used.add(name)
        return name

    def ref_name(self, ref: str) -> str:
        return self.names[ref.rsplit("/", 1)[-1]]

    def deref(self, schema: JSON) -> JSON:
        seen = 0
        while "$ref" in schema and seen < 50:
            schema = as_dict(self.schemas[schema["$ref"].rsplit("/", 1)[-1]])
            seen += 1
        return schema

    # -- components --------------------------------------------------------------------------

    def build_component(self, raw: str, schema: JSON) -> None:
        name = self.names[raw]
        self.component_of[name] = raw
        obj = self.object_shape(schema)
        description = str(schema.get("description") or schema.get("title") or "")
        if obj is not None:
            self.build_struct(name, raw, obj, description)
        else:
            self.defs[name] = AliasDef(name, raw, self.lower(schema, name), description)

    def object_shape(self, schema: JSON) -> JSON | None:
        """The merged ``{properties, required}`` of an object schema (``allOf`` flattened), else None."""
        if "allOf" in schema:
            parts = [as_dict(p) for p in schema["allOf"]]
            props: JSON = {}
            required: list[str] = []
            for part in parts:
                shape = self.object_shape(self.deref(part))
                if shape is None:
                    if set(part) <= {"description", "title", "x-oaiMeta", "example"}:
                        continue
                    return None
                props.update(shape["properties"])
                required.extend(r for r in shape["required"] if r not in required)
            if not props:
                return None
            return {"properties": props, "required": required}
        if "$ref" in schema or (("anyOf" in schema or "oneOf" in schema) and not constraint_only(schema)):
            return None
        props = as_dict(schema.get("properties"))
        if props and (schema.get("type") in (None, "object")):
            return {"properties": props, "required": list(schema.get("required") or [])}
        return None

    def build_struct(self, name: str, source: str, shape: JSON, description: str) -> None:
        struct = StructDef(name, source, description)
        self.defs[name] = struct  # registered first: recursive references see it
        required = set(shape["required"])
        seen: set[str] = set()
        for api_name, prop in shape["properties"].items():
            prop = as_dict(prop)
            py_name = py_field_name(api_name)
            while py_name in seen:
                py_name += "_"
            seen.add(py_name)
            ctx = name + pascal(api_name)
            ftype = self.lower(prop, ctx)
            const = self.const_of(prop)
            desc = str(prop.get("description") or self.deref(prop).get("description") or "")
            struct.fields.append(
                Field(
                    api_name, py_name, ftype, api_name in required, desc, const, bool(prop.get("deprecated"))
                )
            )

    def const_of(self, prop: JSON) -> Any:
        prop = self.deref(prop)
        if "const" in prop and isinstance(prop["const"], str | int):
            return prop["const"]
        enum = prop.get("enum")
        if isinstance(enum, list) and len(cast("list[Any]", enum)) == 1 and isinstance(enum[0], str):
            return enum[0]
        for key in ("anyOf", "oneOf", "allOf"):
            branches = [as_dict(b) for b in cast("list[Any]", prop.get(key) or [])]
            real = [b for b in branches if b.get("type") != "null"]
            if len(real) == 1 and len(branches) <= 2:
                return self.const_of(real[0])
        return None

    # -- lowering ---------------------------------------------------------------------------

    def lower(self, schema: JSON, ctx: str) -> T:
        out = self._lower(schema, ctx)
        if schema.get("nullable") is True:
            out = union((out, NONE))
        return out

    def _lower(self, schema: JSON, ctx: str) -> T:
        if "$ref" in schema:
            return TRef(self.ref_name(schema["$ref"]))
        if "const" in schema:
            value = schema["const"]
            if value is None:
                return NONE
            if isinstance(value, bool):
                return TPrim("bool")
            return TLit((value,))
        for key in ("anyOf", "oneOf"):
            if key in schema and not constraint_only(schema):
                return self.lower_union(schema, key, ctx)
        if "allOf" in schema:
            parts = [as_dict(p) for p in schema["allOf"]]
            real = [p for p in parts if not set(p) <= {"description", "title", "x-oaiMeta", "example"}]
            if len(real) == 1:
                return self.lower(real[0], ctx)
            shape = self.object_shape(schema)
            if shape is not None:
                name = self.fresh(ctx)
                self.build_struct(name, f"inline {ctx}", shape, str(schema.get("description") or ""))
                return TRef(name)
            return TUnion((ANY,), note="allOf of non-object schemas")
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            nullable = len(values) != len(schema["enum"])
            out: T
            if all(isinstance(v, bool) for v in values):
                out = TPrim("bool")
            elif all(isinstance(v, str) for v in values) or all(
                isinstance(v, int) and not isinstance(v, bool) for v in values
            ):
                out = TLit(tuple(dict.fromkeys(values)))
            else:
                out = ANY
            return union((out, NONE)) if nullable else out
        stype = schema.get("type")
        if isinstance(stype, list):
            members = [self._lower({**schema, "type": t}, ctx) for t in cast("list[str]", stype)]
            return union(members)
        if stype == "string":
            return TPrim("file") if schema.get("format") == "binary" else TPrim("str")
        if stype == "integer":
            return TPrim("int")
        if stype == "number":
            return TPrim("float")
        if stype == "boolean":
            return TPrim("bool")
        if stype == "null":
            return NONE
        if stype == "array":
            items = schema.get("items")
            return TList(self.lower(as_dict(items), singular(ctx)) if items else ANY)
        if stype == "object" or "properties" in schema or "additionalProperties" in schema:
            props = as_dict(schema.get("properties"))
            if props:
                name = self.fresh(ctx)
                self.build_struct(
                    name,
                    f"inline {ctx}",
                    {"properties": props, "required": list(schema.get("required") or [])},
                    str(schema.get("description") or schema.get("title") or ""),
                )
                return TRef(name)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return TDict(self.lower(cast("JSON", extra), ctx + "Value"))
            return TDict(ANY)
        return ANY

    def lower_union(self, schema: JSON, key: str, ctx: str) -> T:
        branches = [as_dict(b) for b in schema[key]]
        real = [b for b in branches if b.get("type") != "null"]
        members: list[T] = []
        for i, branch in enumerate(branches):
            if branch.get("type") == "null" and len(branch) <= 2:
                members.append(NONE)
                continue
            if len(real) == 1:
                hint = ctx
            else:
                title = branch.get("title")
                hint = ctx + (pascal(str(title)) if title else f"Variant{i + 1}")
            members.append(self.lower(branch, hint))
        disc = as_dict(schema.get("discriminator")).get("propertyName")
        return union(members, discriminator=disc if isinstance(disc, str) else None)

    # -- queries ----------------------------------------------------------------------------

    def struct(self, name: str) -> StructDef | None:
        d = self.defs.get(name)
        return d if isinstance(d, StructDef) else None

    def refs_of(self, t: T) -> Iterable[str]:
        if isinstance(t, TRef):
            yield t.name
        elif isinstance(t, TList):
            yield from self.refs_of(t.item)
        elif isinstance(t, TDict):
            yield from self.refs_of(t.value)
        elif isinstance(t, TUnion):
            for m in t.members:
                yield from self.refs_of(m)

    def def_refs(self, d: Def) -> Iterable[str]:
        if isinstance(d, StructDef):
            for f in d.fields:
                yield from self.refs_of(f.type)
        else:
            yield from self.refs_of(d.type)

    def closure(self, roots: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            name = stack.pop()
            if name in seen or name not in self.defs:
                continue
            seen.add(name)
            stack.extend(self.def_refs(self.defs[name]))
        return seen


def constraint_only(schema: JSON) -> bool:
    """An object whose ``anyOf``/``oneOf`` only says which properties are required (one of several)."""
    branches = [as_dict(b) for key in ("anyOf", "oneOf") for b in cast("list[Any]", schema.get(key) or [])]
    return bool(schema.get("properties")) and all(
        set(b) <= {"required", "description", "title"} for b in branches
    )


def union(members: Iterable[T], discriminator: str | None = None, note: str = "") -> T:
    flat: list[T] = []
    for m in members:
        if isinstance(m, TUnion) and not m.discriminator and not m.note:
            flat.extend(m.members)
        else:
            flat.append(m)
    unique = list(dict.fromkeys(flat))
    if len(unique) == 1 and not note:
        return unique[0]
    return TUnion(tuple(unique), discriminator, note)
