"""Write ``openai_fn/facade/_typed.py``: the statically typed view of ``client.<namespace>.<operation>``.

At runtime the facade is the dynamic ``Namespace`` proxy (``openai_fn/facade/namespaces.py``). For type checkers
this module declares the same tree as classes, for ``OpenAI`` and ``AsyncOpenAI``, each in three modes (run,
``with_raw_response``, ``with_streaming_response``). Members are the operators of ``_typed_ops`` applied to the
builders (``create = sync_op(_e_chat_completions.create)``), so no signature is repeated; the exceptions are the
run mode of operations that can stream, whose overloads are written out (generated from the same signature code
as the builders), because the async one answers ``AsyncStream`` for ``stream=True`` and a ParamSpec cannot map
that, and because pyright drops the ``stream: bool`` overload through a ParamSpec. Helpers bound on the namespaces
(``openai_fn/facade/helper_table.py``) are typed with ``sync_helper`` / ``async_helper``.

Everything sits under ``if TYPE_CHECKING:``: importing the module at runtime defines nothing and imports nothing.
"""

from __future__ import annotations

from .emit_endpoints import Namespace, NamespaceWriter, namespace_tree
from .emit_types import HEADER
from .ops import Operation
from .pipeline import Analysis

__all__ = ["MODES", "class_name", "emit_facade", "helper_table"]

TARGET = "openai_fn/facade/_typed.py"

# mode → (class name suffix, sync operator, async operator)
MODES: dict[str, tuple[str, str, str]] = {
    "run": ("", "sync_op", "async_op"),
    "raw": ("WithRawResponse", "sync_raw_op", "async_raw_op"),
    "open": ("WithStreamingResponse", "sync_open_op", "async_open_op"),
}


def helper_table() -> dict[str, str]:
    """The SDK-style helpers bound on the namespaces (dotted path → ``module:function``)."""
    from openai_fn.facade.helper_table import TABLE

    return dict(TABLE)


def pascal(part: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in part.split("_"))


def class_name(path: tuple[str, ...], mode: str, is_async: bool) -> str:
    """``("chat", "completions")`` → ``ChatCompletions`` / ``AsyncChatCompletionsWithRawResponse`` …"""
    return ("Async" if is_async else "") + "".join(pascal(p) for p in path) + MODES[mode][0]


def module_alias(path: tuple[str, ...]) -> str:
    return "_e_" + "_".join(path)


def emit_facade(a: Analysis) -> dict[str, str]:
    tree = namespace_tree(a.ops)
    helpers = helper_table()
    writer = FacadeWriter(a, tree, helpers)
    return {TARGET: writer.source()}


class FacadeWriter:
    def __init__(self, a: Analysis, tree: dict[tuple[str, ...], Namespace], helpers: dict[str, str]) -> None:
        self.a = a
        self.tree = tree
        self.helpers = helpers
        self.helper_modules: set[str] = set()
        self.type_modules: set[str] = set()
        self.param_modules: set[str] = set()
        self.typing_imports: dict[str, str] = {}
        self.names: set[str] = set()
        for dotted in helpers:
            ns = tuple(dotted.split(".")[:-1])
            if ns not in tree:
                raise SystemExit(f"codegen: helper {dotted} hangs on a namespace the API does not have")

    def source(self) -> str:
        body: list[str] = []
        paths = sorted(p for p in self.tree if p)
        for is_async in (False, True):
            for mode in ("raw", "open"):  # ``client.with_raw_response.chat…``: the root in the two other modes
                body.extend(self.namespace_class((), mode, is_async))
            for path in paths:
                for mode in MODES:
                    body.extend(self.namespace_class(path, mode, is_async))
        top = sorted(p[0] for p in paths if len(p) == 1)
        doc = (
            "Static types of the executors' namespaces (``client.chat.completions.create`` …), for type checkers.\n\n"
            "Everything is under ``if TYPE_CHECKING:``; at runtime the namespaces are "
            "``openai_fn.facade.namespaces.Namespace``.\n"
            "Top-level namespaces: " + ", ".join(f"``{t}``" for t in top) + "."
        )
        head = [HEADER.format(doc=doc), "from __future__ import annotations", ""]
        head.append("from typing import TYPE_CHECKING")
        head.append("")
        head.append(f"TOP_LEVEL = ({', '.join(repr(t).replace(chr(39), chr(34)) for t in top)},)")
        head.append('"""The top-level namespaces the executors declare (``OpenAI.chat`` …)."""')
        head.append("")
        head.append("if TYPE_CHECKING:")
        imports: list[str] = [
            "    from collections.abc import Mapping, Sequence",
            "    from typing import Any, Literal, overload",
            "",
            "    import msgspec",
            "    from returns.result import Result",
        ]
        first_party: list[tuple[str, str]] = [("openai_fn.core.errors", "import OpenAIError")]
        first_party.append(("openai_fn.core.stream_types", "import AsyncStream, Stream"))
        first_party.append(("openai_fn.core.policies", "import TimeoutLike"))
        for name, mod in self.typing_imports.items():
            first_party.append((mod, f"import {name}"))
        for path in paths:
            if self.tree[path].ops:
                parent = ".".join(("openai_fn.endpoints", *path[:-1]))
                first_party.append((parent, f"import {path[-1]} as {module_alias(path)}"))
        for mod in sorted(self.helper_modules):
            parent, _, last = mod.rpartition(".")
            first_party.append((parent, f"import {last} as _h_{last}"))
        ops = ", ".join(sorted([*(op for _, *ops in MODES.values() for op in ops), "async_helper", "sync_helper"]))
        first_party.append(("openai_fn.facade._typed_ops", f"import ({ops})"))
        for mod in sorted(self.type_modules):
            first_party.append(("openai_fn.types", f"import {mod} as _t_{mod}"))
        for mod in sorted(self.param_modules):
            first_party.append(("openai_fn.types.params", f"import {mod} as _p_{mod}"))
        imports.append("")
        for mod, what in sorted(first_party):
            if what.startswith("import ("):
                imports.append(f"    from {mod} import (")
                imports.extend(f"        {name}," for name in sorted(what[len("import (") : -1].split(", ")))
                imports.append("    )")
            elif len(f"    from {mod} {what}") > 110:  # wrapped as ruff's isort wraps it
                imports.extend([f"    from {mod} import (", f"        {what.removeprefix('import ')},", "    )"])
            else:
                imports.append(f"    from {mod} {what}")
        imports.extend(["", "    UNSET = msgspec.UNSET"])
        return "\n".join(head + imports + body).rstrip() + "\n"

    # -- one class -------------------------------------------------------------------------------

    def namespace_class(self, path: tuple[str, ...], mode: str, is_async: bool) -> list[str]:
        ns = self.tree[path]
        name = class_name(path, mode, is_async)
        if name in self.names:
            raise SystemExit(f"codegen: two facade namespaces are named {name}")
        self.names.add(name)
        dotted = ".".join(path)
        label = {"run": "", "raw": " (with_raw_response)", "open": " (with_streaming_response)"}[mode]
        kind = "AsyncOpenAI" if is_async else "OpenAI"
        out = ["", "", f"    class {name}:"]
        if path:
            out.append(f'        """``{kind}().{dotted}``{label}."""')
        else:
            out.append(f'        """``{kind}().{label.strip(" ()")}``: every namespace, answering in that mode."""')
        out.append("")
        for child in sorted(ns.children):
            out.append(f"        {child}: {class_name((*path, child), mode, is_async)}")
        if mode == "run":
            out.append(f"        with_raw_response: {class_name(path, 'raw', is_async)}")
            out.append(f"        with_streaming_response: {class_name(path, 'open', is_async)}")
        helpers = {d.rsplit(".", 1)[1]: t for d, t in self.helpers.items() if d.rsplit(".", 1)[0] == dotted}
        if mode != "run":
            helpers = {}
        writer = NamespaceWriter(self.a, ns)
        operator = MODES[mode][2 if is_async else 1]
        for op in sorted(ns.ops, key=lambda o: o.func):
            if op.func in helpers:
                continue
            if mode == "run" and op.stream_where:
                out.extend(self.stream_overloads(writer, op, is_async))
            else:
                out.append(f"        {op.func} = {operator}({module_alias(path)}.{op.func})")
        for attr, target in sorted(helpers.items()):
            module, _, func = target.partition(":")
            self.helper_modules.add(module)
            binder = "async_helper" if is_async else "sync_helper"
            out.append(f"        {attr} = {binder}(_h_{module.rsplit('.', 1)[1]}.{func})")
        self.type_modules |= writer.type_modules
        self.param_modules |= writer.param_modules
        if "FileInput" in writer.typing_needs:
            self.typing_imports["FileInput"] = "openai_fn.core.multipart"
        return out

    def stream_overloads(self, writer: NamespaceWriter, op: Operation, is_async: bool) -> list[str]:
        """The run mode of an operation that can stream: its three overloads, then a catch-all."""
        ret, _ = writer.result(op)
        if op.result_kind == "binary":  # ``audio.speech.create``: audio, or ``stream_format="sse"`` events
            self.typing_imports["BinaryContent"] = "openai_fn.core.binary"
        assert op.stream_event is not None
        event = writer.runtime_type(op.stream_event)
        value = ret.removeprefix("Request[")[:-1]
        stream = f"AsyncStream[{event}]" if is_async else f"Stream[{event}]"
        returns = {"false": value, "true": stream, "bool": f"{value} | {stream}"}
        out: list[str] = []
        prefix = "async def" if is_async else "def"
        for mode in ("false", "true", "bool"):
            out.append("")
            out.append("        @overload")
            out.append(f"        {prefix} {op.func}(")
            out.append("            self,")
            out.append("            *,")
            # ``None`` last in a union (ruff's RUF036); the builders keep the spec's order
            out.extend(
                "        " + line.replace(" | None | msgspec.UnsetType", " | msgspec.UnsetType | None")
                for line in writer.signature(op, mode)
            )
            out.append(f"        ) -> Result[{returns[mode]}, OpenAIError]: ...")
        out.append("")
        out.append(f"        {prefix} {op.func}(self, **kwargs: Any) -> Any:")
        out.append(f'            """Runs ``{".".join(op.namespace)}.{op.func}(...)``; see that builder."""')
        out.append("")
        return out
