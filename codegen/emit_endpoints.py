"""Write ``openai_fn/endpoints/``: one pure builder per operation, in lazily loaded namespace packages."""

from __future__ import annotations

from dataclasses import dataclass, field

from .emit_types import HEADER, param_name
from .ir import StructDef, T, TDict, TPrim, TRef, TUnion
from .ops import OPTION_NAMES, Operation, Param
from .pipeline import Analysis
from .render import doc_block, render_type, trim_doc
from .unions import CATCH_ALL_NAMES

__all__ = ["OPTION_DOCS", "OPTION_PARAMS", "emit_endpoints", "namespace_tree"]

OPTION_PARAMS: tuple[tuple[str, str, str], ...] = (
    ("extra_headers", "Mapping[str, str | None] | None", "None"),
    ("extra_query", "Mapping[str, object] | None", "None"),
    ("extra_body", "Mapping[str, object] | None", "None"),
    ("timeout", "TimeoutLike | msgspec.UnsetType", "UNSET"),
)
"""The official SDK's per-call options, keyword-only after every builder's own parameters (name, type, default).

The API's own parameters of these names get a trailing ``_`` (``codegen/ops.py``, ``OPTION_NAMES``)."""
if tuple(name for name, _, _ in OPTION_PARAMS) != OPTION_NAMES:
    raise SystemExit("codegen: OPTION_PARAMS and ops.OPTION_NAMES disagree")

OPTION_DOCS: dict[str, str] = {
    "extra_headers": "Send extra headers (a ``None`` value removes a header).",
    "extra_query": "Add additional query parameters to the request.",
    "extra_body": "Add additional JSON properties to the request (deep-merged into a JSON body).",
    "timeout": "Override the client-level default timeout for this request, in seconds (or a ``Timeout``).",
}


@dataclass
class Namespace:
    path: tuple[str, ...]
    ops: list[Operation] = field(default_factory=lambda: [])
    children: set[str] = field(default_factory=lambda: set())


def namespace_tree(ops: list[Operation]) -> dict[tuple[str, ...], Namespace]:
    tree: dict[tuple[str, ...], Namespace] = {(): Namespace(())}
    for op in ops:
        ns = op.namespace
        for i in range(1, len(ns) + 1):
            tree.setdefault(ns[:i], Namespace(ns[:i]))
            tree[ns[: i - 1]].children.add(ns[i - 1])
        tree[ns].ops.append(op)
    for ns in tree.values():
        clash = {op.func for op in ns.ops} & ns.children
        if clash:
            raise SystemExit(f"codegen: {'.'.join(ns.path)} has functions and sub-namespaces named {clash}")
    return tree


def emit_endpoints(a: Analysis) -> dict[str, str]:
    files: dict[str, str] = {}
    tree = namespace_tree(a.ops)
    for path, ns in sorted(tree.items()):
        target = "openai_fn/endpoints/" + "/".join((*path, "__init__.py"))
        files[target] = NamespaceWriter(a, ns).source()
    return files


class NamespaceWriter:
    def __init__(self, a: Analysis, ns: Namespace) -> None:
        self.a = a
        self.ns = ns
        self.type_modules: set[str] = set()
        self.param_modules: set[str] = set()
        self.needs: set[str] = set()
        self.typing_needs: set[str] = set()

    # -- references ----------------------------------------------------------------------------

    def tref(self, name: str) -> str:
        if name in CATCH_ALL_NAMES:
            self.needs.add("model")
            return f"_model.{name}"
        mod = self.a.defs[name].module
        self.type_modules.add(mod)
        return f"_t_{mod}.{name}"

    def pref(self, name: str) -> str:
        d = self.a.defs[name]
        if isinstance(d, StructDef) and d.base is not None:
            d = self.a.defs[d.base]
        self.param_modules.add(d.module)
        return f"_p_{d.module}.{param_name(self.a, d.name)}"

    def runtime_type(self, t: T) -> str:
        # ``builtins.list``: a builder named ``list`` shadows the builtin in these modules
        return render_type(t, self.tref, seq="builtins.list")

    def param_type(self, p: Param) -> str:
        assert p.raw_type is not None
        if p.where == "file":
            self.typing_needs.add("FileInput")
        if p.where == "raw":
            return "str | bytes"
        return render_type(p.raw_type, self.pref, file="FileInput", seq="Sequence")

    # -- module ----------------------------------------------------------------------------------

    def source(self) -> str:
        body: list[str] = []
        for op in sorted(self.ns.ops, key=lambda o: o.func):
            body.extend(self.builder(op))
        dotted = ".".join(self.ns.path) or "endpoints"
        funcs = sorted(op.func for op in self.ns.ops)
        children = sorted(self.ns.children)
        doc_names = ", ".join(f"``{f}``" for f in funcs) or "none"
        doc = (
            f"Builders of ``{dotted}``: {doc_names}."
            if self.ns.path
            else "Pure request builders for every operation of the API, by resource (loaded lazily)."
        )
        if children:
            doc += "\n\nSub-namespaces: " + ", ".join(f"``{c}``" for c in children) + "."
        head = [HEADER.format(doc=doc), "from __future__ import annotations", ""]
        std = ["import builtins", "import importlib"] if self.ns.ops else ["import importlib"]
        typing_names = {"TYPE_CHECKING", "Any"}
        if self.ns.ops:
            typing_names |= {"Literal"}
            if any(op.stream_where for op in self.ns.ops):
                typing_names.add("overload")
            std.append("from collections.abc import Mapping, Sequence")
        head.extend(sorted(std))
        head.append(f"from typing import {', '.join(sorted(typing_names))}")
        head.append("")
        if self.ns.ops:
            head.append("import msgspec")
            head.append("")
            core = self.core_imports()
            head.extend(core)
            head.append("from openai_fn.core import validation as _rt")
            if "model" in self.needs:
                head.append("from openai_fn.core import model as _model")
            for mod in sorted(self.type_modules):
                head.append(f"from openai_fn.types import {mod} as _t_{mod}")
            head.append("")
        head.append("if TYPE_CHECKING:")
        tc: list[str] = []
        for c in children:
            tc.append(f"    from . import {c} as {c}")
        if self.ns.ops:
            for name, mod in sorted(self.typing_imports().items()):
                tc.append(f"    from {mod} import {name}")
            for mod in sorted(self.param_modules):
                tc.append(f"    from openai_fn.types.params import {mod} as _p_{mod}")
        head.extend(sorted(tc) or ["    pass"])
        head.append("")
        if self.ns.ops:
            head.append("UNSET = msgspec.UNSET")
        head.append(
            f"_SUBMODULES = frozenset({{{', '.join(f'{c!r}'.replace(chr(39), chr(34)) for c in children)}}})"
        )
        head.append("__all__ = [" + ", ".join(f'"{n}"' for n in sorted(funcs + children)) + "]")
        head.append("")
        head.append("")
        head.append("def __getattr__(name: str) -> Any:")
        head.append("    if name in _SUBMODULES:")
        head.append('        return importlib.import_module(f"{__name__}.{name}")')
        head.append('    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")')
        head.append("")
        head.append("")
        head.append("def __dir__() -> list[str]:")
        head.append("    return sorted({*globals(), *_SUBMODULES})")
        return "\n".join(head + body).rstrip() + "\n"

    def core_imports(self) -> list[str]:
        ops = self.ns.ops
        dec: set[str] = {"JsonDecoder"} if any(o.result_kind == "json" for o in ops) else set()
        if any(o.result_kind == "page" for o in ops):
            dec.add("PageDecoder")
        if any(o.result_kind == "binary" for o in ops):
            dec.add("BinaryDecoder")
        if any(o.stream_where for o in ops):
            dec.add("StreamDecoder")
        req = {"Request"}
        if any(p.where == "path" for o in ops for p in o.params):
            req.add("format_path")
        if any(o.body_kind == "json" for o in ops):
            req.add("json_body")
        if any(o.body_kind == "raw" for o in ops):
            req.add("RawBody")
        out = [f"from openai_fn.core.decoders import {', '.join(sorted(dec))}"] if dec else []
        if any(o.body_kind == "multipart" for o in ops):
            out.append("from openai_fn.core.multipart import multipart_body")
        if any(p.where in ("query",) for o in ops for p in o.params) or any(o.static_query for o in ops):
            out.append("from openai_fn.core.query import encode_query")
        out.append(f"from openai_fn.core.request import {', '.join(sorted(req))}")
        return out

    def typing_imports(self) -> dict[str, str]:
        out: dict[str, str] = {"TimeoutLike": "openai_fn.core.policies"}
        ops = self.ns.ops
        if any(o.result_kind == "page" for o in ops):
            out["Page"] = "openai_fn.core.pages"
        if any(o.stream_where for o in ops):
            out["Stream"] = "openai_fn.core.stream_types"
        if any(o.result_kind == "binary" for o in ops):
            out["BinaryContent"] = "openai_fn.core.binary"
        if "FileInput" in self.typing_needs:
            out["FileInput"] = "openai_fn.core.multipart"
        return out

    # -- one builder -------------------------------------------------------------------------------

    def result(self, op: Operation) -> tuple[str, str]:
        """(return annotation, decoder expression) of the non-streaming answer."""
        if op.result_kind == "binary":
            return "Request[BinaryContent]", "BinaryDecoder()"
        if op.result_kind == "page":
            assert op.item_type is not None
            item = self.runtime_type(op.item_type)
            return f"Request[Page[{item}]]", f'PageDecoder({item}, "{op.page_style}")'
        t = op.response_type
        if isinstance(t, TDict) and t.value == TPrim("any"):
            return "Request[dict[str, Any]]", "JsonDecoder(dict)"
        text = self.runtime_type(t)
        return f"Request[{text}]", f"JsonDecoder({text})"

    def ordered_params(self, op: Operation) -> list[Param]:
        path = [p for p in op.params if p.where == "path"]
        rest = [p for p in op.params if p.where != "path"]
        return path + [p for p in rest if p.required] + [p for p in rest if not p.required]

    def signature(self, op: Operation, stream_mode: str | None) -> list[str]:
        lines: list[str] = []
        for p in self.ordered_params(op):
            if op.stream_value is not None and p.api_name == op.stream_param and p.where == op.stream_where:
                lines.append(self.selector_param(p, op.stream_value, stream_mode))
                continue
            if op.stream_where and p.api_name == "stream" and p.where == op.stream_where:
                if stream_mode == "false":
                    lines.append("    stream: Literal[False] | None | msgspec.UnsetType = UNSET,")
                elif stream_mode == "true":
                    lines.append("    stream: Literal[True],")
                elif stream_mode == "bool":
                    lines.append("    stream: bool,")
                else:
                    lines.append("    stream: bool | None | msgspec.UnsetType = UNSET,")
                continue
            text = self.param_type(p)
            if p.required:
                lines.append(f"    {p.py_name}: {text},")
            else:
                lines.append(f"    {p.py_name}: {text} | msgspec.UnsetType = UNSET,")
        lines.extend(f"    {name}: {annotation} = {default}," for name, annotation, default in OPTION_PARAMS)
        return lines

    def selector_param(self, p: Param, value: str, stream_mode: str | None) -> str:
        """An enum parameter that selects the stream (``stream_format``), in one overload's spelling.

        ``"true"``: exactly the streaming value; ``"false"``: the other values or nothing (the default); ``"bool"``:
        any value, given (a variable of the whole type); ``None`` (the implementation): as an ordinary parameter.
        """
        values: list[object] = p.schema.get("enum") or []
        enum = [str(v) for v in values]
        if not enum or p.required:
            raise SystemExit(f"codegen: the stream selector {p.api_name} is not an optional enum")
        text = self.param_type(p)
        if stream_mode == "true":
            return f'    {p.py_name}: Literal["{value}"],'
        if stream_mode == "false":
            others = ", ".join(f'"{v}"' for v in enum if v != value)
            return f"    {p.py_name}: Literal[{others}] | msgspec.UnsetType = UNSET,"
        if stream_mode == "bool":
            return f"    {p.py_name}: {text} | msgspec.UnsetType,"
        return f"    {p.py_name}: {text} | msgspec.UnsetType = UNSET,"

    def builder(self, op: Operation) -> list[str]:
        ret, dec = self.result(op)
        name = op.func
        out: list[str] = ["", ""]
        consts: list[str] = [f"_{name}_decoder = {dec}"]
        stream_ret = ""
        if op.stream_where:
            assert op.stream_event is not None
            event = self.runtime_type(op.stream_event)
            stream_ret = f"Request[Stream[{event}]]"
            consts.append(f'_{name}_stream_decoder = StreamDecoder({event}, "{op.stream_format}")')
        query = [p for p in op.params if p.where in ("query", "header")]
        if query:
            consts.append(f"_{name}_query_types: dict[str, Any] = {{")
            for p in query:
                consts.append(f'    "{p.api_name}": {self.runtime_type(p.type)},')
            consts.append("}")
        out.extend(consts)
        if op.stream_where:
            for mode, r in (("false", ret), ("true", stream_ret), ("bool", f"{ret} | {stream_ret}")):
                out.append("")
                out.append("")
                out.append("@overload")
                out.append(f"def {name}(")
                out.append("    *,")
                out.extend(self.signature(op, mode))
                out.append(f") -> {r}: ...")
            ret_impl = f"{ret} | {stream_ret}"
            out.append("")
            out.append("")
        else:
            ret_impl = ret
        out.append(f"def {name}(")
        out.append("    *,")
        out.extend(self.signature(op, None))
        out.append(f") -> {ret_impl}:")
        out.extend(self.docstring(op))
        out.extend(self.body_lines(op, name))
        return out

    def docstring(self, op: Operation) -> list[str]:
        text = trim_doc(op.summary, 400)
        desc = trim_doc(op.description, 600)
        if desc and desc != text:
            text = f"{text}\n\n{desc}" if text else desc
        text += "\n\nArgs:"
        for p in self.ordered_params(op):
            if p.description:
                first = trim_doc(p.description.strip().split("\n\n")[0], 240).replace("\n", " ")
                text += f"\n    {p.py_name}: {first}"
        for option, doc in OPTION_DOCS.items():
            text += f"\n    {option}: {doc}"
        text += f"\n\nOperation ``{op.operation_id}``: ``{op.method} {op.path}``."
        if op.deprecated:
            text = "Deprecated. " + text
        return doc_block(text, "    ", limit=100_000)

    def body_lines(self, op: Operation, name: str) -> list[str]:
        lines: list[str] = []
        kw: list[str] = [f'method="{op.method}"']
        path_params = [p for p in op.params if p.where == "path"]
        if path_params:
            args = ", ".join(f"{p.api_name}={p.py_name}" for p in path_params)
            kw.append(f'path=format_path("{op.path_template}", {args})')
        else:
            kw.append(f'path="{op.path_template}"')
        query = [p for p in op.params if p.where == "query"]
        headers = [p for p in op.params if p.where == "header"]
        if query or headers:
            values = ", ".join(f'"{p.api_name}": {p.py_name}' for p in query + headers)
            lines.append(f"    _rt.check_query(_{name}_query_types, {{{values}}})")
        static = op.static_query
        if query:
            pairs = ", ".join(f'"{p.api_name}": {p.py_name}' for p in query)
            q = f"encode_query({{{pairs}}})"
            if static:
                q = f"{tuple(static)!r} + {q}"
            kw.append(f"query={q}")
        elif static:
            kw.append(f"query={tuple(static)!r}")
        header_items: list[str] = []
        if op.beta_header:
            header_items.append(f'("openai-beta", "{op.beta_header}")')
        if headers:
            lines.append("    _headers: list[tuple[str, str | None]] = [" + ", ".join(header_items) + "]")
            for p in headers:
                lines.append(f"    if {p.py_name} is not UNSET and {p.py_name} is not None:")
                lines.append(
                    f'        _headers.append(("{p.api_name.lower()}", ",".join({p.py_name}) if not isinstance({p.py_name}, str) else {p.py_name}))'
                )
            kw.append("headers=tuple(sorted(_headers))")
        elif header_items:
            kw.append(f"headers=({header_items[0]},)")
        body_params = [p for p in op.params if p.where in ("body", "file")]
        if op.body_kind == "json":
            whole = [p for p in op.params if p.where == "body_whole"]
            if whole:
                lines.append(f"    _body = {whole[0].py_name}")
            else:
                values = ", ".join(f'"{p.api_name}": {p.py_name}' for p in body_params)
                lines.append(f"    _body = _rt.clean({{{values}}})")
            if op.body_type is not None:
                lines.append(f"    _rt.check_body({self.body_check_type(op)}, _body)")
            kw.append("body=json_body(_body)")
        elif op.body_kind == "multipart":
            fields = [p for p in body_params if p.where == "body"]
            files = [p for p in body_params if p.where == "file"]
            values = ", ".join(f'"{p.api_name}": {p.py_name}' for p in fields)
            lines.append(f"    _fields = _rt.clean({{{values}}})")
            fvalues = ", ".join(f'"{p.api_name}": {p.py_name}' for p in files)
            lines.append(f"    _files = _rt.clean({{{fvalues}}})")
            if op.body_type is not None:
                lines.append(f"    _rt.check_body({self.body_check_type(op)}, {{**_fields, **_files}})")
            kw.append("body=multipart_body(_fields, _files)")
        elif op.body_kind == "raw":
            raw = next(p for p in op.params if p.where == "raw")
            lines.append(f"    if not isinstance({raw.py_name}, str | bytes):")
            lines.append(
                f'        raise _rt.InvalidArgumentError(f"{raw.py_name}: expected str or bytes, got {{type({raw.py_name}).__name__}}")'
            )
            lines.append(
                f"    _raw = {raw.py_name}.encode() if isinstance({raw.py_name}, str) else {raw.py_name}"
            )
            kw.append(f'body=RawBody(_raw, "{op.raw_content_type}")')
        if op.stream_where:
            if op.stream_value is not None:
                selector = next(p for p in op.params if p.api_name == op.stream_param and p.where == op.stream_where)
                test = f'{selector.py_name} == "{op.stream_value}"'
            else:
                test = "stream"
            kw.append(f"decoder=_{name}_stream_decoder if {test} else _{name}_decoder")
        else:
            kw.append(f"decoder=_{name}_decoder")
        kw.append(f'operation_id="{op.operation_id}"')
        lines.append("    _request = Request(")
        lines.extend(f"        {k}," for k in kw)
        lines.append("    )")
        # the SDK's per-call options, applied only when given (the common path pays four identity checks)
        lines.append(
            "    if extra_headers is None and extra_query is None and extra_body is None and timeout is UNSET:"
        )
        lines.append("        return _request")
        lines.append(
            "    return _request.with_options("
            "extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, timeout=timeout)"
        )
        return lines

    def body_check_type(self, op: Operation) -> str:
        assert op.body_type is not None
        t = op.body_type
        if isinstance(t, TUnion) and not t.members:
            return "Any"
        if isinstance(t, TRef):
            return self.tref(t.name)
        return self.runtime_type(t)
