"""Operations: what each builder takes, sends and gets back, read from the spec's paths."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from .ir import ANY, StructDef, T, TDict, TList, TPrim, TRef
from .schema import SchemaModel, as_dict, pascal, py_field_name
from .sdk_names import BETA_HEADERS, OPERATION_NAMES

__all__ = ["OPTION_NAMES", "Operation", "Param", "build_operations", "fallback_name"]

JSON = dict[str, Any]
METHODS = ("get", "post", "put", "patch", "delete")

# Stream event types (and SSE formats) for operations that stream; ``stream`` is a body or query flag.
STREAM_FORMATS: dict[str, str] = {
    "createChatCompletion": "chunks",
    "createCompletion": "chunks",
    "createRun": "assistant",
    "createThreadAndRun": "assistant",
    "submitToolOuputsToRun": "assistant",
}
STREAM_EVENT_SCHEMAS: dict[str, str] = {
    "createCompletion": "CreateCompletionResponse",
    "createRun": "AssistantStreamEvent",
    "createThreadAndRun": "AssistantStreamEvent",
    "submitToolOuputsToRun": "AssistantStreamEvent",
    "getResponse": "ResponseStreamEvent",
    "beta_getResponse": "BetaResponseStreamEvent",
}

STREAM_SELECTORS: dict[str, str] = {"stream_format": "sse"}
"""Enum parameters that select the event stream of an operation without a ``stream`` flag, and the value that does
(``/audio/speech``: ``stream_format="sse"`` streams ``speech.audio.*`` events; anything else answers the audio)."""


@dataclass
class Param:
    api_name: str
    py_name: str
    type: T
    required: bool
    description: str = ""
    where: str = "body"  # path | query | header | body | body_whole | file | raw
    schema: JSON = field(default_factory=lambda: {})
    raw_type: T | None = None

    def __post_init__(self) -> None:
        if self.raw_type is None:
            self.raw_type = self.type


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str  # the spec's template, possibly with ``?beta=true``
    dotted: str  # e.g. chat.completions.create
    summary: str
    description: str
    params: list[Param]
    body_kind: str  # none | json | multipart | raw
    body_type: T | None  # the request schema (json/multipart), for validation
    result_kind: str  # json | page | binary
    response_type: T  # the JSON body type (dict for none)
    page_style: str | None = None
    item_type: T | None = None
    stream_event: T | None = None
    stream_format: str | None = None
    stream_where: str | None = None  # body | query
    stream_param: str = "stream"
    """The parameter that selects the stream: ``stream`` (a bool), or an enum like ``stream_format``."""
    stream_value: str | None = None
    """For an enum ``stream_param``: the value that selects the event stream (``"sse"``); ``None`` for ``stream``."""
    beta_header: str | None = None
    deprecated: bool = False
    raw_content_type: str | None = None

    @property
    def namespace(self) -> tuple[str, ...]:
        return tuple(self.dotted.split(".")[:-1])

    @property
    def func(self) -> str:
        return self.dotted.rsplit(".", 1)[-1]

    @property
    def static_query(self) -> list[tuple[str, str]]:
        if "?" not in self.path:
            return []
        pairs: list[tuple[str, str]] = []
        for part in self.path.split("?", 1)[1].split("&"):
            key, _, value = part.partition("=")
            pairs.append((key, value))
        return pairs

    @property
    def path_template(self) -> str:
        return self.path.split("?", 1)[0]


def fallback_name(method: str, path: str) -> str:
    segs = [s for s in path.split("?")[0].strip("/").split("/") if not s.startswith("{")]
    verb = {"get": "retrieve", "post": "create", "delete": "delete", "put": "update", "patch": "update"}[
        method
    ]
    if method == "get" and not path.rstrip("/").endswith("}"):
        verb = "list"
    return ".".join(re.sub(r"[^0-9a-z_]", "_", s.lower()) for s in segs) + "." + verb


OPTION_NAMES = ("extra_headers", "extra_query", "extra_body", "timeout")
"""The SDK's per-call options every builder takes (``emit_endpoints.OPTION_PARAMS``); an operation's own
parameter of one of these names gets a trailing ``_`` in Python (the wire name is kept), like keywords."""


def build_operations(spec: Mapping[str, Any], model: SchemaModel) -> list[Operation]:
    ops: list[Operation] = []
    for path, item in cast("Mapping[str, JSON]", spec["paths"]).items():
        for method in METHODS:
            if method in item:
                ops.append(build_operation(path, method, as_dict(item[method]), model))
    names = [op.dotted for op in ops]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SystemExit(f"codegen: two operations share a builder name: {sorted(dupes)}")
    return ops


def schema_type(model: SchemaModel, schema: JSON, ctx: str) -> T:
    return model.lower(schema, ctx)


def build_operation(path: str, method: str, op: JSON, model: SchemaModel) -> Operation:
    op_id = str(op["operationId"])
    dotted = OPERATION_NAMES.get(op_id) or fallback_name(method, path)
    ctx = pascal(op_id)
    params: list[Param] = []
    taken: set[str] = set(OPTION_NAMES)  # an API parameter called ``timeout`` would become ``timeout_``

    def add(p: Param) -> None:
        while p.py_name in taken:
            p.py_name += "_"
        taken.add(p.py_name)
        params.append(p)

    for raw in cast("list[Any]", op.get("parameters") or []):
        prm = as_dict(raw)
        where = str(prm["in"])
        schema = as_dict(prm.get("schema"))
        api_name = str(prm["name"])
        py_name = py_field_name(api_name)
        if where == "header":
            py_name = str(schema.get("x-stainless-param") or py_name)
        add(
            Param(
                api_name,
                py_name,
                schema_type(model, schema, ctx + pascal(api_name)),
                bool(prm.get("required")) or where == "path",
                str(prm.get("description") or ""),
                where,
                schema,
            )
        )

    body_kind = "none"
    body_type: T | None = None
    raw_content_type: str | None = None
    content = as_dict(as_dict(op.get("requestBody")).get("content"))
    if content:
        if "multipart/form-data" in content and has_binary(
            model, as_dict(content["multipart/form-data"].get("schema"))
        ):
            body_kind, ct = "multipart", "multipart/form-data"
        elif "application/json" in content:
            body_kind, ct = "json", "application/json"
        elif "multipart/form-data" in content:
            body_kind, ct = "multipart", "multipart/form-data"
        else:
            body_kind, ct = "raw", next(iter(content))
            raw_content_type = ct
        schema = as_dict(content[ct].get("schema"))
        if body_kind == "raw":
            add(
                Param(
                    "content",
                    "content",
                    TPrim("str"),
                    True,
                    str(schema.get("description") or ""),
                    "raw",
                    schema,
                )
            )
        else:
            body_type = schema_type(model, schema, ctx + "Request")
            struct = model.struct(body_type.name) if isinstance(body_type, TRef) else None
            if struct is None:
                add(Param("body", "body", body_type, True, "The request body.", "body_whole", schema))
            else:
                props = model.object_shape(model.deref(schema)) or {"properties": {}}
                for f in struct.fields:
                    prop = model.deref(as_dict(props["properties"].get(f.api_name)))
                    is_file = body_kind == "multipart" and is_file_type(model, f.type)
                    add(
                        Param(
                            f.api_name,
                            f.py_name,
                            f.type,
                            f.required,
                            f.description,
                            "file" if is_file else "body",
                            prop,
                            f.raw_type,
                        )
                    )

    # answers
    result_kind = "json"
    response_type: T = TDict(ANY)
    stream_event: T | None = None
    for code in ("200", "201", "202"):
        resp = as_dict(as_dict(op.get("responses")).get(code))
        if not resp:
            continue
        rcontent = as_dict(resp.get("content"))
        if "application/json" in rcontent:
            rschema = as_dict(rcontent["application/json"].get("schema"))
            if model.deref(rschema).get("type") == "string":
                result_kind = "binary"
            else:
                response_type = schema_type(model, rschema, ctx + "Response")
        elif rcontent or path.split("?")[0].endswith("/content"):
            result_kind = "binary"
        if "text/event-stream" in rcontent:
            stream_event = schema_type(
                model, as_dict(rcontent["text/event-stream"].get("schema")), ctx + "Event"
            )
        break

    stream_where: str | None = None
    stream_param = "stream"
    stream_value: str | None = None
    for p in params:
        if p.api_name == "stream" and p.where in ("body", "query"):
            stream_where = p.where
    if stream_where is None and stream_event is not None:
        # no ``stream: bool``: the stream is chosen by an enum (``/audio/speech``: ``stream_format: "sse"``)
        for p in params:
            if p.where in ("body", "query") and p.api_name in STREAM_SELECTORS:
                value = STREAM_SELECTORS[p.api_name]
                if value not in (p.schema.get("enum") or []):
                    raise SystemExit(f"codegen: {op_id}.{p.api_name} no longer offers {value!r}")
                stream_where, stream_param, stream_value = p.where, p.api_name, value
    stream_format: str | None = None
    if stream_value is not None:
        stream_format = STREAM_FORMATS.get(op_id, "typed")
    elif stream_where is not None and result_kind == "json":
        if op_id in STREAM_EVENT_SCHEMAS:
            stream_event = TRef(model.names[STREAM_EVENT_SCHEMAS[op_id]])
        if stream_event is None:
            stream_where = None
        else:
            stream_format = STREAM_FORMATS.get(op_id, "typed")
    else:
        stream_where = None
        stream_event = None

    page_style, item_type = page_info(model, method, params, response_type)
    if page_style is not None:
        result_kind = "page"

    return Operation(
        operation_id=op_id,
        method=method.upper(),
        path=path,
        dotted=dotted,
        summary=str(op.get("summary") or ""),
        description=str(op.get("description") or ""),
        params=params,
        body_kind=body_kind,
        body_type=body_type,
        result_kind=result_kind,
        response_type=response_type,
        page_style=page_style,
        item_type=item_type,
        stream_event=stream_event,
        stream_format=stream_format,
        stream_where=stream_where,
        stream_param=stream_param,
        stream_value=stream_value,
        beta_header=BETA_HEADERS.get(op_id),
        deprecated=bool(op.get("deprecated")),
        raw_content_type=raw_content_type,
    )


def has_binary(model: SchemaModel, schema: JSON) -> bool:
    shape = model.object_shape(model.deref(schema))
    if shape is None:
        return False
    for prop in shape["properties"].values():
        text = repr(prop)
        if "binary" in text:
            return True
    return False


def is_file_type(model: SchemaModel, t: T) -> bool:
    if isinstance(t, TPrim):
        return t.kind == "file"
    if isinstance(t, TList):
        return is_file_type(model, t.item)
    from .ir import TUnion

    if isinstance(t, TUnion):
        return any(is_file_type(model, m) for m in t.members)
    return False


def page_info(
    model: SchemaModel, method: str, params: list[Param], response: T
) -> tuple[str | None, T | None]:
    """The pagination style of a list answer, from its query parameters and its fields."""
    if method != "get" or not isinstance(response, TRef):
        return None, None
    struct = model.struct(response.name)
    if struct is None:
        return None, None
    fields = {f.api_name: f for f in struct.fields}
    data = fields.get("data")
    if data is None or not isinstance(strip_none(data.type), TList):
        return None, None
    item = strip_none(data.type)
    assert isinstance(item, TList)
    query = {p.api_name for p in params if p.where == "query"}
    if "page" in query and "next_page" in fields:
        return "token", item.item
    if "after" in query:
        if "before" in query and ("first_id" in fields or "last_id" in fields):
            return "cursor", item.item
        return "after", item.item
    if "object" in fields or "has_more" in fields:
        return "list", item.item
    return None, None


def strip_none(t: T) -> T:
    from .ir import TUnion

    if isinstance(t, TUnion):
        real = [m for m in t.members if m != TPrim("none")]
        if len(real) == 1:
            return real[0]
    return t


def struct_of(model: SchemaModel, t: T | None) -> StructDef | None:
    return model.struct(t.name) if isinstance(t, TRef) else None
