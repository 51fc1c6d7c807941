"""Minimal valid arguments for any operation of the OpenAPI spec, derived from its schemas.

For the contract tier: given an ``operationId``, :meth:`SpecArgs.arguments` returns keyword
arguments for the operation's builder: every path parameter, every *required* query parameter,
and a request body holding exactly the *required* fields, each with the simplest value its schema
allows (the first enum value, a ``const``, the minimum of a range, the first variant of a union,
the schema's own ``example`` for free strings). File fields get a small file. Nothing optional is
set, so a builder is exercised with what a user must give, and the server sees what the spec
demands.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

__all__ = ["OperationSpec", "SpecArgs", "drop_contradicting_examples", "load_spec"]

JSON = dict[str, Any]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
"""A 1x1 transparent PNG: a valid upload for every file field (images, audio and documents alike, to a mock)."""

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def load_spec(path: Path) -> JSON:
    """The spec as plain data (libyaml's C loader when available: ~1 s instead of ~15 s)."""
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        return cast(JSON, yaml.load(handle, Loader=loader))


_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str, "object": dict, "array": list, "boolean": bool,
    "integer": int, "number": (int, float), "null": type(None),
}


def _fits(value: object, declared: object) -> bool:
    kinds = cast(list[str], declared) if isinstance(declared, list) else [cast(str, declared)]
    for kind in kinds:
        python = _JSON_TYPES.get(kind)
        if python is None:
            return True  # a type this check does not know: leave the example alone
        if isinstance(value, bool) and kind in ("integer", "number"):
            continue
        if isinstance(value, python):
            return True
    return False


def drop_contradicting_examples(node: Any, where: str = "#") -> list[str]:
    """Remove, in place, every ``example`` whose JSON type contradicts its schema's ``type``; return where.

    The spec has a few (an object property whose example is that object written as a string);
    Prism would serve them as answers, although the schema, which the real API follows, says
    otherwise. Without them Prism builds that value from the schema instead.
    """
    dropped: list[str] = []
    if isinstance(node, dict):
        schema = cast(JSON, node)
        if "type" in schema and "example" in schema and not _fits(schema["example"], schema["type"]):
            del schema["example"]
            dropped.append(where)
        for key, child in schema.items():
            dropped.extend(drop_contradicting_examples(child, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, child in enumerate(cast(list[Any], node)):
            dropped.extend(drop_contradicting_examples(child, f"{where}/{index}"))
    return dropped


@dataclass(frozen=True)
class OperationSpec:
    """One operation as the spec describes it."""

    operation_id: str
    method: str
    path: str
    operation: JSON
    path_item: JSON

    @property
    def success_content_types(self) -> set[str]:
        types: set[str] = set()
        for code, answer in cast(JSON, self.operation.get("responses", {})).items():
            if str(code).startswith("2"):
                types.update(cast(JSON, cast(JSON, answer).get("content") or {}))
        return types

    @property
    def request_content_types(self) -> list[str]:
        body = cast(JSON, self.operation.get("requestBody") or {})
        return list(cast(JSON, body.get("content") or {}))


class SpecArgs:
    """Builds builder arguments from the spec; one instance per spec (results are cached)."""

    max_depth = 16

    def __init__(self, spec: JSON) -> None:
        self.spec = spec
        self.schemas = cast(JSON, spec["components"]["schemas"])
        self.operations: dict[str, OperationSpec] = {}
        for path, item in cast(JSON, spec["paths"]).items():
            for method in HTTP_METHODS:
                operation = cast(JSON, item).get(method)
                if isinstance(operation, dict) and "operationId" in operation:
                    op = cast(JSON, operation)
                    self.operations[op["operationId"]] = OperationSpec(
                        op["operationId"], method.upper(), path, op, cast(JSON, item)
                    )

    # -- schemas ------------------------------------------------------------------------------------

    def resolve(self, schema: Any) -> JSON:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = cast(str, cast(JSON, schema)["$ref"])
            section, name = ref.split("/")[-2:]
            schema = self.spec["components"][section][name]
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {ref}")
        return cast(JSON, schema) if isinstance(schema, dict) else {}

    def merged(self, schema: JSON) -> JSON:
        """An ``allOf`` folded into one schema (properties and required lists united)."""
        if "allOf" not in schema:
            return schema
        out: JSON = {k: v for k, v in schema.items() if k != "allOf"}
        properties: JSON = dict(cast(JSON, out.get("properties", {})))
        required: list[str] = list(cast(list[str], out.get("required", [])))
        for part in cast(list[Any], schema["allOf"]):
            resolved = self.merged(self.resolve(part))
            properties.update(cast(JSON, resolved.get("properties", {})))
            required.extend(r for r in cast(list[str], resolved.get("required", [])) if r not in required)
            for key, value in resolved.items():
                if key not in ("properties", "required"):
                    out.setdefault(key, value)
        if properties:
            out["properties"] = properties
            out.setdefault("type", "object")
        out["required"] = required
        return out

    def is_file(self, schema: JSON) -> bool:
        schema = self.resolve(schema)
        return schema.get("format") == "binary" or "contentMediaType" in schema or schema.get("contentEncoding") == "binary"

    def value(self, schema: Any, depth: int = 0) -> Any:
        """The simplest value valid against ``schema``."""
        node = self.merged(self.resolve(schema))
        if depth > self.max_depth:
            raise RecursionError("schema nests deeper than the contract tier follows")
        if "const" in node:
            return node["const"]
        enum = cast(list[Any] | None, node.get("enum"))
        if enum:
            return next((v for v in enum if v is not None), enum[0])
        for key in ("anyOf", "oneOf"):
            if key in node:
                variants = [self.resolve(v) for v in cast(list[Any], node[key])]
                usable = [v for v in variants if v.get("type") != "null"] or variants
                return self.value(self._simplest(usable), depth + 1)
        kind = node.get("type")
        if isinstance(kind, list):
            kinds = [k for k in cast(list[str], kind) if k != "null"]
            kind = kinds[0] if kinds else "null"
        if kind is None:
            kind = "object" if "properties" in node or "additionalProperties" in node else "string"
        if self.is_file(node):
            return ("file.png", PNG, "image/png")
        if kind == "string":
            return self._string(node)
        if kind in ("integer", "number"):
            return self._number(node, integer=kind == "integer")
        if kind == "boolean":
            default = node.get("default")
            return default if isinstance(default, bool) else False
        if kind == "array":
            count = max(1, cast(int, node.get("minItems", 1)))
            return [self.value(node.get("items", {}), depth + 1) for _ in range(count)]
        if kind == "null":
            return None
        properties = cast(JSON, node.get("properties", {}))
        return {name: self.value(properties.get(name, {}), depth + 1) for name in self.required(node)}

    def required(self, node: JSON) -> list[str]:
        """An object's required properties, plus those of the first alternative of an ``anyOf``/``oneOf``
        that only lists required fields (the spec's way of saying "give `a` or `b`")."""
        names = list(cast(list[str], node.get("required", [])))
        for key in ("anyOf", "oneOf"):
            for variant in cast(list[Any], node.get(key, [])):
                extra = cast(list[str], self.resolve(variant).get("required", []))
                if extra:
                    names.extend(n for n in extra if n not in names)
                    break
        return names

    def _simplest(self, variants: list[JSON]) -> JSON:
        """The union member to use: a plain scalar when there is one, else the first."""
        for variant in variants:
            if variant.get("type") in ("string", "integer", "number", "boolean") and "enum" not in variant:
                return variant
        return variants[0]

    def _string(self, node: JSON) -> str:
        for key in ("example", "default"):
            candidate = node.get(key)
            if isinstance(candidate, str) and candidate:
                return candidate
        examples = node.get("examples")
        if isinstance(examples, list) and examples and isinstance(examples[0], str):
            return examples[0]
        fmt = node.get("format")
        if fmt == "uri":
            return "https://example.com/x"
        if fmt == "date-time":
            return "2024-01-01T00:00:00Z"
        if fmt == "date":
            return "2024-01-01"
        if fmt == "email":
            return "user@example.com"
        text = "abc"
        minimum = cast(int, node.get("minLength", 0))
        return text + "x" * max(0, minimum - len(text))

    def _number(self, node: JSON, *, integer: bool) -> int | float:
        for key in ("default", "example"):
            candidate = node.get(key)
            if isinstance(candidate, int | float) and not isinstance(candidate, bool):
                return int(candidate) if integer else candidate
        low = node.get("minimum")
        if low is None and node.get("exclusiveMinimum") is not None:
            low = cast(float, node["exclusiveMinimum"]) + 1
        high = node.get("maximum")
        value = low if low is not None else 1
        if high is not None and value > high:
            value = high
        return int(value) if integer else float(value)

    # -- operations ----------------------------------------------------------------------------------

    def parameters(self, op: OperationSpec) -> list[JSON]:
        raw = [*cast(list[Any], op.path_item.get("parameters", [])), *cast(list[Any], op.operation.get("parameters", []))]
        return [self.resolve(p) for p in raw]

    def body_schema(self, op: OperationSpec, content_type: str) -> JSON:
        body = self.resolve(op.operation.get("requestBody") or {})
        media = cast(JSON, cast(JSON, body.get("content") or {}).get(content_type) or {})
        return self.merged(self.resolve(media.get("schema", {})))

    @functools.cache  # noqa: B019 - one instance per session
    def arguments(self, operation_id: str, content_type: str | None) -> Mapping[str, Any]:
        """Keyword arguments for the builder of ``operation_id`` (body fields from ``content_type``'s schema)."""
        op = self.operations[operation_id]
        out: dict[str, Any] = {}
        for param in self.parameters(op):
            where, name = param.get("in"), cast(str, param["name"])
            if where == "path" or (where == "query" and param.get("required")):
                schema = cast(JSON, param.get("schema", {}))
                example = param.get("example")
                value = example if example is not None else self.value(schema)
                if where == "path" and not isinstance(value, str):
                    value = str(value)
                out[name.removesuffix("[]")] = value
        if content_type is not None:
            schema = self.body_schema(op, content_type)
            properties = cast(JSON, schema.get("properties", {}))
            for name in self.required(schema):
                out[name] = self.value(properties.get(name, {}))
        return out
