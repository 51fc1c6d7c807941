"""Request values: equal by value, hashable, deterministic, pure overrides, clear errors on bad input."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

import openai_fn as oa
from openai_fn.core.request import format_path


def build(**body: Any) -> oa.Request[dict[str, Any]]:
    return oa.make_request("POST", "/chat/completions", body={"model": "gpt-4o-mini", **body})


def test_equal_by_value_and_hashable() -> None:
    a = build(messages=[{"role": "user", "content": "hi"}], temperature=0.2)
    b = build(temperature=0.2, messages=[{"content": "hi", "role": "user"}])
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != build(temperature=0.3)


def test_with_options_is_pure() -> None:
    base = build()
    changed = base.with_options(timeout=5.0, max_retries=4, extra_headers={"X-Trace": "1"}, idempotency_key="k1")
    assert base.options == oa.Request(method="GET", path="/").options
    assert changed.options.timeout == oa.Timeout.all(5.0)
    assert changed.options.max_retries == 4
    assert changed.options.idempotency_key == "k1"
    assert dict(changed.headers) == {"x-trace": "1"}
    assert changed != base


def test_extra_body_is_deep_merged() -> None:
    base = build(metadata={"a": "1", "nested": {"x": 1}})
    merged = base.with_options(extra_body={"metadata": {"nested": {"y": 2}}, "store": True})
    body = merged.to_dict()["body"]
    assert body == {"model": "gpt-4o-mini", "metadata": {"a": "1", "nested": {"x": 1, "y": 2}}, "store": True}


def test_timeout_spellings() -> None:
    import httpx

    assert build().with_options(timeout=httpx.Timeout(10.0, connect=2.0)).options.timeout == oa.Timeout(
        connect=2.0, read=10.0, write=10.0, pool=10.0
    )
    assert build().with_options(timeout=None).options.timeout == oa.Timeout.all(None)
    with pytest.raises(ValueError, match="timeout"):
        build().with_options(timeout=-1)
    with pytest.raises(TypeError, match="timeout"):
        build().with_options(timeout="soon")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"max_retries": -1}, "max_retries"), ({"idempotency_key": ""}, "idempotency_key")],
)
def test_bad_options_name_the_field(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        build().with_options(**kwargs)


def test_path_params_are_checked_and_encoded() -> None:
    assert format_path("/files/{file_id}/content", file_id="file a/b") == "/files/file%20a%2Fb/content"
    with pytest.raises(ValueError, match="`file_id`"):
        format_path("/files/{file_id}", file_id="")
    with pytest.raises(TypeError, match="file_id"):
        format_path("/files/{file_id}", file_id=["x"])


def test_make_request_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="path"):
        oa.make_request("GET", "models")
    with pytest.raises(ValueError, match="page_style"):
        oa.make_request("GET", "/models", page_style="pages")
    with pytest.raises(TypeError, match="body"):
        oa.make_request("POST", "/x", body={"when": object()})


def test_decoders_follow_cast_to() -> None:
    assert isinstance(oa.make_request("GET", "/x", cast_to=bytes).decoder, oa.BinaryDecoder)
    assert isinstance(oa.make_request("GET", "/x", cast_to=oa.RawResponseMarker).decoder, oa.RawDecoder)
    assert oa.make_request("GET", "/x", page_style="cursor").decoder == oa.PageDecoder(dict, "cursor")
    assert oa.make_request("POST", "/x", stream=True).decoder == oa.StreamDecoder(dict, "chunks")


def test_repr_and_to_dict_are_deterministic(snapshot: SnapshotAssertion) -> None:
    request = (
        oa.make_request(
            "GET",
            "/files",
            query={"limit": 20, "order": "desc", "include": ["a", "b"], "metadata": {"k": "v"}, "after": None},
            page_style="cursor",
        )
        .with_options(timeout=20.0, extra_headers={"Authorization": "Bearer sk-should-not-show-0123456789"})
    )
    assert repr(request) == snapshot(name="repr")
    assert request.to_dict() == snapshot(name="to_dict")
    assert json.dumps(request.to_dict())  # JSON-ready
    assert "sk-should-not-show" not in repr(request)
    upload = oa.make_request("POST", "/files", body={"purpose": "batch"}, files={"file": ("data.jsonl", b"{}\n")})
    assert upload.to_dict() == snapshot(name="multipart")


def test_public_surface(snapshot: SnapshotAssertion) -> None:
    surface: dict[str, str] = {}
    for name in dir(oa):
        value = getattr(oa, name)
        if callable(value) and not isinstance(value, type):
            surface[name] = f"def {name}{inspect.signature(value)}"
        elif isinstance(value, type):
            try:
                signature = str(inspect.signature(value))
            except (TypeError, ValueError):
                signature = ""
            surface[name] = f"class {name}{signature}"
        else:
            surface[name] = f"{name}: {type(value).__name__}"
    assert surface == snapshot


def test_import_and_build_never_import_httpx() -> None:
    code = (
        "import sys, openai_fn as oa\n"
        "oa.make_request('POST', '/chat/completions', body={'model': 'm'}).with_options(timeout=3)\n"
        "print(sorted(m for m in ('httpx', 'anyio', 'httpcore') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_array_parameters_named_with_brackets_get_no_second_pair() -> None:
    from openai_fn import admin
    from openai_fn.core.query import encode_query

    assert encode_query({"project_ids[]": ["a", "b"], "tags": ("x",)}) == (
        ("project_ids[]", "a"),
        ("project_ids[]", "b"),
        ("tags[]", "x"),
    )
    request = admin.organization.audit_logs.list(project_ids=["proj_1"])
    assert request.query == (("project_ids[]", "proj_1"),)
