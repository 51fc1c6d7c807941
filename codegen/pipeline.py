"""Spec → analysed model: schemas lowered, operations read, tags assigned, unions fixed, modules chosen."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .ir import AliasDef, Def, StructDef, T, TDict, TList, TPrim, TRef, TUnion
from .ops import Operation, build_operations
from .schema import SchemaModel
from .sdk_types import SDK_TYPE_NAMES
from .unions import CATCH_ALL_NAMES, UnionFixer

__all__ = ["Analysis", "analyse", "module_key"]

# Where schemas no operation reaches go, by name prefix (first match wins); the rest go to ``shared``.
UNREACHED_MODULES: tuple[tuple[str, str], ...] = (
    ("BetaResponse", "beta_responses"),
    ("RealtimeBeta", "realtime"),
    ("Realtime", "realtime"),
    ("Response", "responses"),
    ("Webhook", "webhooks"),
    ("Run", "threads"),
    ("Message", "threads"),
    ("Thread", "threads"),
    ("Assistant", "assistants"),
    ("Eval", "evals"),
    ("FineTun", "fine_tuning"),
    ("ChatCompletion", "chat"),
    ("Chatkit", "chatkit"),
    ("Audio", "audio"),
    ("Transcript", "audio"),
    ("Image", "images"),
    ("Video", "videos"),
    ("VectorStore", "vector_stores"),
    ("Usage", "admin"),
)


def module_key(dotted: str) -> str:
    """The types module for an operation's resource: its first segment (second under ``beta``)."""
    parts = dotted.split(".")
    if parts[0] == "beta":
        return "beta_responses" if parts[1] == "responses" else parts[1]
    return parts[0]


@dataclass
class Analysis:
    model: SchemaModel
    ops: list[Operation]
    fixer: UnionFixer
    param_names: dict[str, str]
    """Generated name → name of its request TypedDict (``…Param``)."""

    @property
    def defs(self) -> dict[str, Def]:
        return self.model.defs


def analyse(spec: Mapping[str, Any]) -> Analysis:
    model = SchemaModel(spec["components"]["schemas"])
    ops = build_operations(spec, model)

    request_roots = [n for op in ops for n in request_refs(model, op)]
    response_roots = [n for op in ops for n in response_refs(model, op)]
    request_set = model.closure(request_roots)
    response_set = model.closure(response_roots)
    for name, d in model.defs.items():
        d.request = name in request_set
        d.response = name in response_set or name not in request_set

    fixer = UnionFixer(model)
    fixer.assign_tags()
    fixer.fix_all()
    for op in ops:
        req = AliasDef(f"{op.operation_id}(request)", "", TDict(TPrim("any")), request=True, response=False)
        resp = AliasDef(f"{op.operation_id}(answer)", "", TDict(TPrim("any")), request=False, response=True)
        for p in op.params:
            p.type = fixer.fix(p.type, req, f"{op.operation_id}.{p.api_name}")
        if op.body_type is not None:
            op.body_type = fixer.fix(op.body_type, req, f"{op.operation_id}(body)")
        op.response_type = fixer.fix(op.response_type, resp, f"{op.operation_id}(answer)")
        if op.item_type is not None:
            op.item_type = fixer.fix(op.item_type, resp, f"{op.operation_id}(item)")
        if op.stream_event is not None:
            op.stream_event = fixer.fix(op.stream_event, resp, f"{op.operation_id}(event)")

    assign_modules(model, ops)
    rename_to_sdk_names(model, ops, SDK_TYPE_NAMES)
    return Analysis(model, ops, fixer, assign_param_names(model))


def rename_to_sdk_names(model: SchemaModel, ops: list[Operation], table: Mapping[str, str]) -> None:
    """Give the types in ``table`` the official SDK's name; the spec's name is kept as ``spec_name``."""
    for old, new in table.items():
        if old not in model.defs:
            raise SystemExit(f"codegen: sdk_types.py renames {old!r}, which the spec no longer has")
        if new in model.defs or new in CATCH_ALL_NAMES:
            raise SystemExit(f"codegen: sdk_types.py renames {old!r} to {new!r}, a name already in use")
    if not table:
        return

    def ren(t: T) -> T:
        if isinstance(t, TRef):
            return TRef(table.get(t.name, t.name))
        if isinstance(t, TList):
            return TList(ren(t.item))
        if isinstance(t, TDict):
            return TDict(ren(t.value))
        if isinstance(t, TUnion):
            return TUnion(tuple(ren(m) for m in t.members), t.discriminator, t.note)
        return t

    def ren_opt(t: T | None) -> T | None:
        return None if t is None else ren(t)

    renamed: dict[str, Def] = {}
    for name, d in model.defs.items():
        if name in table:
            d.spec_name = name
            d.name = table[name]
        if isinstance(d, StructDef):
            for f in d.fields:
                f.type = ren(f.type)
                f.raw_type = ren_opt(f.raw_type)
            if d.base is not None:
                d.base = table.get(d.base, d.base)
            d.subclasses = [table.get(n, n) for n in d.subclasses]
        else:
            d.type = ren(d.type)
            d.raw_type = ren_opt(d.raw_type)
        renamed[d.name] = d
    model.defs.clear()
    model.defs.update(renamed)
    model.component_of = {table.get(k, k): v for k, v in model.component_of.items()}
    for op in ops:
        for p in op.params:
            p.type = ren(p.type)
            p.raw_type = ren_opt(p.raw_type)
        op.body_type = ren_opt(op.body_type)
        op.response_type = ren(op.response_type)
        op.item_type = ren_opt(op.item_type)
        op.stream_event = ren_opt(op.stream_event)


def assign_param_names(model: SchemaModel) -> dict[str, str]:
    """The TypedDict name of every type: its spec name + ``Param``, unless it already ends in ``Param``
    (``FunctionToolParam`` stays ``FunctionToolParam``) and no other TypedDict takes that name (then it
    is doubled, as before, so ``FunctionTool``'s TypedDict keeps ``FunctionToolParam``)."""
    base = {name: d.spec_name or name for name, d in model.defs.items()}
    plain = {name: b + "Param" for name, b in base.items() if not b.endswith("Param")}
    emitted = {
        name
        for name, d in model.defs.items()
        if d.request and not (isinstance(d, StructDef) and d.base is not None)
    }
    taken = {plain[n] for n in emitted if n in plain}
    out: dict[str, str] = {}
    for name, b in base.items():
        if name in plain:
            out[name] = plain[name]
        else:
            out[name] = b + "Param" if b in taken else b
    return out


def refs(model: SchemaModel, types: Iterable[T | None]) -> list[str]:
    return [n for t in types if t is not None for n in model.refs_of(t)]


def request_refs(model: SchemaModel, op: Operation) -> list[str]:
    return refs(model, [op.body_type, *(p.type for p in op.params)])


def response_refs(model: SchemaModel, op: Operation) -> list[str]:
    return refs(model, [op.response_type, op.item_type, op.stream_event])


def owners_module(keys: set[str]) -> str:
    """The module of types used by several resources: named after them, so that importing one
    resource's types never imports types only other resources use."""
    if len(keys) == 1:
        return next(iter(keys))
    names = sorted(keys)
    joined = "_".join(names)
    if len(joined) <= 40:
        return f"shared_{joined}"
    digest = hashlib.sha1(joined.encode()).hexdigest()[:6]
    return f"shared_{names[0]}_{names[1]}_{len(names)}_{digest}"


def assign_modules(model: SchemaModel, ops: list[Operation]) -> None:
    owners: dict[str, set[str]] = {}
    for op in ops:
        key = module_key(op.dotted)
        for name in model.closure(request_refs(model, op) + response_refs(model, op)):
            owners.setdefault(name, set()).add(key)
    reached_modules: set[str] = set()
    for name, d in model.defs.items():
        keys = owners.get(name)
        if keys:
            d.module = owners_module(keys)
            reached_modules.add(d.module)
    # Types no operation reaches (stream and webhook events, realtime messages, request item
    # variants behind a widened union …) go to modules of their own, by name prefix, so that
    # they never weigh on importing the types an operation needs.
    for name, d in model.defs.items():
        if name in owners:
            continue
        mod = next((mod for prefix, mod in UNREACHED_MODULES if name.startswith(prefix)), "extras")
        d.module = f"{mod}_extras" if mod in reached_modules else mod
    for d in model.defs.values():
        if isinstance(d, StructDef) and d.base is not None:
            base = model.defs[d.base]
            d.module = base.module
    break_import_cycles(model)


def import_edges(model: SchemaModel) -> dict[tuple[str, str], list[Def]]:
    """Module → module dependencies that exist at import time (aliases and subclass bases)."""
    edges: dict[tuple[str, str], list[Def]] = {}
    for d in model.defs.values():
        if isinstance(d, AliasDef):
            names: Iterable[str] = model.refs_of(d.type)
        elif d.base is not None:
            names = (d.base,)
        else:
            continue
        for n in names:
            target = model.defs.get(n)
            if target is not None and target.module != d.module:
                edges.setdefault((d.module, target.module), []).append(d)
    return edges


def break_import_cycles(model: SchemaModel) -> None:
    """Move aliases that close an import-time cycle into the module they reference."""
    import graphlib

    for _ in range(50):
        edges = import_edges(model)
        graph: dict[str, list[str]] = {}
        for src, dst in sorted(edges):
            graph.setdefault(src, []).append(dst)
        try:
            graphlib.TopologicalSorter(dict(sorted(graph.items()))).prepare()
            return
        except graphlib.CycleError as exc:
            cycle: list[str] = exc.args[1]
        # the edge of the cycle carried by the fewest definitions is the cheapest to undo
        pairs = list(itertools.pairwise(cycle))
        src, dst = min(pairs, key=lambda p: (len(edges[p]), p))
        for d in edges[(src, dst)]:
            if isinstance(d, AliasDef):
                d.module = dst
