"""Union tags and the widening of unions msgspec cannot decode.

msgspec decodes a union when it can tell its members apart by JSON kind alone: at most one
string-like, one integer, one float, one boolean, one array and one object type, except that
several Structs may share an object slot when they are *tagged* (one field whose value names
the member). This module

1. finds the tag of every union of Structs: the spec's ``discriminator`` property, else the
   first of ``type``/``role``/``object``/``event`` that has one fixed value on every branch
   (the spec's discriminators have no mapping, so the value is read from each branch);
2. gives each Struct the tag its unions need (a Struct can have one tag field only; on a
   conflict the field most unions want wins and the other unions are widened);
3. rewrites every union into one msgspec accepts: string enums merged (``str`` when any
   branch is open), arrays merged into one ``list[...]``, untagged or mixed objects widened
   to ``dict[str, Any]``; a note records each widening (it ends up as a comment).

Unions of tagged Structs in types that appear in answers also get a catch-all member
(``UnknownVariant`` and friends), so a new member from a newer API never fails decoding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from .ir import ANY, AliasDef, Def, Field, StructDef, T, TDict, TList, TLit, TPrim, TRef, TUnion
from .schema import SchemaModel, pascal

__all__ = ["CATCH_ALL", "TAG_CANDIDATES", "UnionFixer"]

TAG_CANDIDATES = ("type", "role", "object", "event")
CATCH_ALL = {
    "type": "UnknownVariant",
    "role": "UnknownRoleVariant",
    "object": "UnknownObjectVariant",
    "event": "UnknownEventVariant",
}
CATCH_ALL_NAMES = frozenset(CATCH_ALL.values())


class UnionFixer:
    def __init__(self, model: SchemaModel) -> None:
        self.model = model
        self.fixed_alias: dict[str, T] = {}
        self.in_progress: set[str] = set()
        self.widened: list[tuple[str, str]] = []  # (where, note)
        self.tag_conflicts: list[str] = []
        self.merged: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self.replacements: dict[TUnion, dict[str, str]] = {}

    # -- leaves ------------------------------------------------------------------------------

    def raw_leaves(self, t: T, seen: frozenset[str] = frozenset()) -> list[T]:
        if isinstance(t, TUnion):
            out: list[T] = []
            for m in t.members:
                out.extend(self.raw_leaves(m, seen))
            return out
        if isinstance(t, TRef):
            d = self.model.defs.get(t.name)
            if isinstance(d, AliasDef):
                if t.name in seen:
                    return [ANY]
                return self.raw_leaves(d.type, seen | {t.name})
        return [t]

    def walk_unions(self, t: T) -> Iterable[TUnion]:
        if isinstance(t, TUnion):
            yield t
            for m in t.members:
                yield from self.walk_unions(m)
        elif isinstance(t, TList):
            yield from self.walk_unions(t.item)
        elif isinstance(t, TDict):
            yield from self.walk_unions(t.value)

    # -- tags --------------------------------------------------------------------------------

    def tag_values(self, f: Field) -> tuple[str, ...]:
        if isinstance(f.const, str):
            return (f.const,)
        t = f.type
        if isinstance(t, TUnion):
            real = [m for m in t.members if m != TPrim("none")]
            if len(real) != 1:
                return ()
            t = real[0]
        if isinstance(t, TRef):
            d = self.model.defs.get(t.name)
            if isinstance(d, AliasDef):
                t = d.type
        if isinstance(t, TLit) and all(isinstance(v, str) for v in t.values):
            return tuple(str(v) for v in t.values)
        return ()

    def union_tag(
        self, u: TUnion, request: bool
    ) -> tuple[str, list[StructDef], dict[str, list[StructDef]]] | None:
        """The tag field of a union of Structs, its Structs, and groups of Structs sharing one tag value."""
        structs = self.struct_leaves(self.raw_leaves(u))
        if len(structs) < 2:
            return None
        candidates = (u.discriminator,) if u.discriminator else TAG_CANDIDATES
        for fieldname in candidates:
            by_value: dict[str, list[StructDef]] = {}
            ok = True
            for s in structs:
                f = next((f for f in s.fields if f.api_name == fieldname), None)
                values = self.tag_values(f) if f is not None else ()
                if f is None or not values or (request and not f.required):
                    ok = False
                    break
                for v in values:
                    by_value.setdefault(v, []).append(s)
            if not ok:
                continue
            dupes = {v: group for v, group in by_value.items() if len(group) > 1}
            if dupes and (
                request
                or any(len(self.tag_values(self.field(s, fieldname))) > 1 for g in dupes.values() for s in g)
            ):
                continue
            return fieldname, structs, dupes
        return None

    @staticmethod
    def field(s: StructDef, api_name: str) -> Field:
        return next(f for f in s.fields if f.api_name == api_name)

    def struct_leaves(self, leaves: list[T]) -> list[StructDef]:
        out: list[StructDef] = []
        for leaf in leaves:
            if isinstance(leaf, TRef):
                s = self.model.struct(leaf.name)
                if s is not None and s not in out:
                    out.append(s)
        return out

    def assign_tags(self) -> None:
        votes: dict[str, Counter[str]] = {}
        for d in list(self.model.defs.values()):
            for t in self.types_of(d):
                for u in self.walk_unions(t):
                    found = self.union_tag(u, d.request)
                    if found is None:
                        continue
                    fieldname, structs, dupes = found
                    for s in structs:
                        if not any(s in group for group in dupes.values()):
                            votes.setdefault(s.name, Counter())[fieldname] += 1
                    if dupes:
                        self.merge_duplicates(u, d, fieldname, dupes)
        for name, counter in sorted(votes.items()):
            s = self.model.struct(name)
            assert s is not None
            best = max(
                counter, key=lambda f: (counter[f], -TAG_CANDIDATES.index(f) if f in TAG_CANDIDATES else -99)
            )
            if len(counter) > 1:
                self.tag_conflicts.append(f"{name}: tag fields {dict(counter)}, chose {best!r}")
            self.set_tag(s, best, self.tag_values(self.field(s, best)))

    def set_tag(self, s: StructDef, fieldname: str, values: tuple[str, ...]) -> None:
        s.tag_field = fieldname
        s.tags = values
        s.tag = values[0]
        for value in values[1:]:
            sub = StructDef(
                self.model.fresh(s.name + pascal(value)),
                f"{s.name} with {fieldname}={value!r}",
                f"`{s.name}` whose `{fieldname}` is `{value!r}`.",
                tag_field=fieldname,
                tag=value,
                tags=(value,),
                base=s.name,
                response=s.response,
                request=s.request,
            )
            self.model.defs[sub.name] = sub
            s.subclasses.append(sub.name)

    def merge_duplicates(
        self, u: TUnion, owner: Def, fieldname: str, dupes: dict[str, list[StructDef]]
    ) -> None:
        """Branches of an answer's union that share a tag value become one Struct with all their fields."""
        mapping: dict[str, str] = {}
        for value, group in dupes.items():
            key = (fieldname, value, tuple(s.name for s in group))
            merged_name = self.merged.get(key)
            if merged_name is None:
                merged_name = self.model.fresh(owner.name + pascal(value))
                fields: dict[str, Field] = {}
                for s in group:
                    for f in s.fields:
                        if f.api_name in fields:
                            old = fields[f.api_name]
                            if old.type != f.type:
                                old.type = TUnion(tuple(dict.fromkeys((old.type, f.type))))
                            old.required = old.required and f.required
                        else:
                            fields[f.api_name] = Field(
                                f.api_name, f.py_name, f.type, False, f.description, f.const
                            )
                fields[fieldname].const = value
                merged = StructDef(
                    merged_name,
                    f"merged {fieldname}={value!r} branches of {owner.name}",
                    f"Any of {', '.join('`' + s.name + '`' for s in group)} (they share `{fieldname}: {value!r}`,"
                    " so one Struct holds all their fields).",
                    fields=list(fields.values()),
                    response=True,
                    note=f"merged from {', '.join(s.name for s in group)}",
                )
                self.model.defs[merged_name] = merged
                self.merged[key] = merged_name
                self.set_tag(merged, fieldname, (value,))
            for s in group:
                mapping[s.name] = merged_name
        self.replacements[u] = mapping

    @staticmethod
    def types_of(d: Def) -> list[T]:
        if isinstance(d, StructDef):
            return [f.type for f in d.fields]
        return [d.type]

    # -- fixing ------------------------------------------------------------------------------

    def fix_all(self) -> None:
        for d in list(self.model.defs.values()):
            if isinstance(d, AliasDef):
                d.type = self.alias_type(d.name)
        for d in list(self.model.defs.values()):
            if isinstance(d, StructDef):
                for f in d.fields:
                    if d.tag_field and f.api_name == d.tag_field:
                        continue
                    f.type = self.fix(f.type, d, f"{d.name}.{f.api_name}")

    def alias_type(self, name: str) -> T:
        if name in self.fixed_alias:
            return self.fixed_alias[name]
        d = self.model.defs[name]
        assert isinstance(d, AliasDef)
        if name in self.in_progress:
            return ANY
        self.in_progress.add(name)
        fixed = self.fix(d.type, d, name)
        self.in_progress.discard(name)
        self.fixed_alias[name] = fixed
        return fixed

    def leaves(self, t: T) -> list[T]:
        """Leaves of an already fixed type; aliases expand to their fixed form."""
        if isinstance(t, TUnion):
            out: list[T] = []
            for m in t.members:
                out.extend(self.leaves(m))
            return out
        if isinstance(t, TRef):
            d = self.model.defs.get(t.name)
            if isinstance(d, AliasDef):
                if t.name in self.in_progress:
                    return [ANY]
                return self.leaves(self.alias_type(t.name))
            if isinstance(d, StructDef) and d.subclasses:
                return [t, *(TRef(n) for n in d.subclasses)]
        return [t]

    def fix(self, t: T, owner: Def, where: str) -> T:
        if isinstance(t, TList):
            return TList(self.fix(t.item, owner, where + "[]"))
        if isinstance(t, TDict):
            return TDict(self.fix(t.value, owner, where + "{}"))
        if isinstance(t, TRef):
            s = self.model.struct(t.name)
            if s is not None and s.subclasses:
                return TUnion((t, *(TRef(n) for n in s.subclasses)))
            return t
        if not isinstance(t, TUnion):
            return t
        replace = self.replacements.get(t, {})
        members = [self.fix(m, owner, where) for m in t.members]
        leaves = dedupe(leaf for m in members for leaf in self.leaves(m))
        if replace:
            leaves = dedupe(
                TRef(replace[x.name]) if isinstance(x, TRef) and x.name in replace else x for x in leaves
            )
        problem = self.problem(leaves, owner.request)
        if problem is None and not replace:
            out = list(dict.fromkeys(members))
            catch_all = self.catch_all(leaves, owner.response)
            if catch_all is not None:
                out.append(catch_all)
            return TUnion(tuple(out), note=t.note) if len(out) > 1 or t.note else out[0]
        if problem is None:
            catch_all = self.catch_all(leaves, owner.response)
            out = [*leaves, *([catch_all] if catch_all is not None else [])]
            return TUnion(tuple(out), note="branches sharing a tag merged") if len(out) > 1 else out[0]
        return self.rebuild(leaves, owner, where, problem)

    def category(self, leaf: T) -> str:
        if isinstance(leaf, TPrim):
            return {"str": "str", "int": "int", "float": "float", "bool": "bool", "none": "none"}.get(
                leaf.kind, "any"
            )
        if isinstance(leaf, TLit):
            return "str" if all(isinstance(v, str) for v in leaf.values) else "int"
        if isinstance(leaf, TList):
            return "array"
        if isinstance(leaf, TDict):
            return "object"
        if isinstance(leaf, TRef):
            if leaf.name in CATCH_ALL_NAMES:
                return "tagged"
            s = self.model.struct(leaf.name)
            if s is None:
                return "any"
            return "tagged" if s.tag_field else "object"
        return "any"

    def problem(self, leaves: list[T], request: bool = False) -> str | None:
        cats = Counter(self.category(leaf) for leaf in leaves)
        if cats["any"]:
            return "a branch is untyped"
        for cat in ("str", "int", "float", "bool", "array"):
            if cats[cat] > 1:
                return f"several {cat} branches"
        if cats["object"] > 1:
            return "several untagged object branches"
        if cats["object"] and cats["tagged"]:
            return "tagged and untagged object branches"
        if cats["tagged"]:
            fields = {self.tag_field_of(leaf) for leaf in leaves if self.category(leaf) == "tagged"}
            if len(fields) > 1:
                return f"branches tagged by different fields {sorted(fields)}"
            tags = [self.tag_of(leaf) for leaf in leaves if self.category(leaf) == "tagged"]
            if len(set(tags)) != len(tags):
                return "two branches share a tag"
            if request and any(
                not self.tag_required(leaf) for leaf in leaves if self.category(leaf) == "tagged"
            ):
                return "the tag is optional on a branch sent in requests"
        return None

    def tag_field_of(self, leaf: T) -> str:
        assert isinstance(leaf, TRef)
        for fieldname, name in CATCH_ALL.items():
            if name == leaf.name:
                return fieldname
        s = self.model.struct(leaf.name)
        assert s is not None and s.tag_field
        return s.tag_field

    def tag_required(self, leaf: T) -> bool:
        assert isinstance(leaf, TRef)
        s = self.model.struct(leaf.name)
        if s is None:
            return True
        while s.base is not None:
            base = self.model.struct(s.base)
            assert base is not None
            s = base
        f = next((f for f in s.fields if f.api_name == s.tag_field), None)
        return f is None or f.required

    def tag_of(self, leaf: T) -> str:
        assert isinstance(leaf, TRef)
        if leaf.name in CATCH_ALL_NAMES:
            return "__unknown__"
        s = self.model.struct(leaf.name)
        assert s is not None and s.tag
        return s.tag

    def catch_all(self, leaves: list[T], response: bool) -> T | None:
        if not response:
            return None
        tagged = [leaf for leaf in leaves if self.category(leaf) == "tagged"]
        if len(tagged) < 2 and not any(isinstance(t, TRef) and t.name in CATCH_ALL_NAMES for t in tagged):
            return None
        if any(isinstance(t, TRef) and t.name in CATCH_ALL_NAMES for t in tagged):
            return None
        return TRef(CATCH_ALL[self.tag_field_of(tagged[0])])

    def merge_structs(self, refs: Sequence[T], where: str) -> str:
        """Untagged object branches of an answer: one Struct with every branch's fields, all optional."""
        structs: list[StructDef] = []
        for r in refs:
            assert isinstance(r, TRef)
            s = self.model.struct(r.name)
            assert s is not None
            while s.base is not None:
                base = self.model.struct(s.base)
                assert base is not None
                s = base
            if s not in structs:
                structs.append(s)
        key = ("", "", tuple(s.name for s in structs))
        if key in self.merged:
            return self.merged[key]
        name = self.model.fresh(pascal(where.replace("[]", " item").replace("{}", " value")) + "Merged")
        fields: dict[str, Field] = {}
        for s in structs:
            for f in s.fields:
                t = f.raw_type if f.raw_type is not None else f.type
                if f.api_name in fields:
                    old = fields[f.api_name]
                    if old.type != t:
                        old.type = TUnion(tuple(dict.fromkeys((old.type, t))))
                else:
                    fields[f.api_name] = Field(f.api_name, f.py_name, t, False, f.description)
        merged = StructDef(
            name,
            f"merged branches of {where}",
            "One of "
            + ", ".join(f"`{s.name}`" for s in structs)
            + ": msgspec cannot tell these apart, so this"
            " Struct has the fields of all of them (each optional).",
            fields=list(fields.values()),
            response=True,
            note="merged from " + ", ".join(s.name for s in structs),
        )
        self.model.defs[name] = merged
        self.merged[key] = name
        for f in merged.fields:
            f.raw_type = f.type
            f.type = self.fix(f.type, merged, f"{name}.{f.api_name}")
        return name

    def rebuild(self, leaves: list[T], owner: Def, where: str, problem: str) -> T:
        response = owner.response
        self.widened.append((where, problem))
        if any(self.category(leaf) == "any" for leaf in leaves):
            return TUnion((ANY,), note=problem)
        by_cat: dict[str, list[T]] = {}
        for leaf in leaves:
            by_cat.setdefault(self.category(leaf), []).append(leaf)
        out: list[T] = []
        strs = by_cat.get("str", [])
        if strs:
            if all(isinstance(s, TLit) for s in strs):
                values: list[object] = []
                for s in strs:
                    assert isinstance(s, TLit)
                    values.extend(v for v in s.values if v not in values)
                out.append(TLit(tuple(values)))
            else:
                out.append(TPrim("str"))
        ints = by_cat.get("int", [])
        if ints:
            if all(isinstance(s, TLit) for s in ints):
                ivalues: list[object] = []
                for s in ints:
                    assert isinstance(s, TLit)
                    ivalues.extend(v for v in s.values if v not in ivalues)
                out.append(TLit(tuple(ivalues)))
            else:
                out.append(TPrim("int"))
        if by_cat.get("float"):
            out.append(TPrim("float"))
        if by_cat.get("bool"):
            out.append(TPrim("bool"))
        arrays = by_cat.get("array", [])
        if len(arrays) == 1:
            out.append(arrays[0])
        elif arrays:
            items: list[T] = []
            for a in arrays:
                assert isinstance(a, TList)
                items.append(a.item)
            out.append(TList(self.fix(TUnion(tuple(dict.fromkeys(items))), owner, where + "[]")))
        objects = by_cat.get("object", []) + by_cat.get("tagged", [])
        if len(objects) == 1:
            out.append(objects[0])
        elif objects:
            tagged_only = [o for o in objects if self.category(o) == "tagged"]
            if len(tagged_only) == len(objects) and self.problem(objects, owner.request) is None:
                out.extend(objects)
                catch_all = self.catch_all(objects, response)
                if catch_all is not None:
                    out.append(catch_all)
            else:
                structs = [
                    o for o in objects if isinstance(o, TRef) and self.model.struct(o.name) is not None
                ]
                if response and not owner.request and len(structs) == len(objects):
                    out.append(TRef(self.merge_structs(structs, where)))
                else:
                    out.append(TDict(ANY))
        if by_cat.get("none"):
            out.append(TPrim("none"))
        return TUnion(tuple(out), note=problem)


def dedupe(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))
