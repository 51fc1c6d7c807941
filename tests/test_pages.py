"""Pages as values: decoding each style and the pure step to the next page's request."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from openai_fn.core.decoding import set_request_id
from openai_fn.core.pages import Page, PageInfo, decode_page
from openai_fn.core.request import Request, make_request


class Item(msgspec.Struct, frozen=True):
    id: str
    size: int = 0


def list_request(style: str, **query: object) -> Request[Any]:
    return make_request("GET", "/things", query=query or None, page_style=style, cast_to=Item)


def body(ids: list[str], **extra: object) -> bytes:
    return json.dumps({"object": "list", "data": [{"id": i} for i in ids], **extra}).encode()


def test_cursor_page_asks_after_its_last_id_and_keeps_other_params() -> None:
    request = list_request("cursor", limit=2, order="desc")
    page = decode_page(request, body(["a", "b"], has_more=True, first_id="a", last_id="b"))
    assert page.data == [Item("a"), Item("b")]
    assert (page.first_id, page.last_id, page.has_more) == ("a", "b", True)
    assert page.has_next_page()
    assert page.next_page_info() == PageInfo({"after": "b"})
    assert page.next_request() == list_request("cursor", limit=2, order="desc", after="b")


def test_next_request_replaces_the_previous_cursor() -> None:
    request = list_request("cursor", after="b", limit=2)
    page = decode_page(request, body(["c", "d"], has_more=True, first_id="c", last_id="d"))
    nxt = page.next_request()
    assert nxt is not None
    assert [value for name, value in nxt.query if name == "after"] == ["d"]
    assert dict(nxt.query) == {"after": "d", "limit": "2"}


def test_cursor_page_without_last_id_uses_the_last_items_id() -> None:
    page = decode_page(list_request("cursor"), body(["a", "b"], has_more=True))
    assert page.next_page_info() == PageInfo({"after": "b"})


def test_has_more_false_or_empty_data_ends_the_walk() -> None:
    last = decode_page(list_request("cursor"), body(["a"], has_more=False, last_id="a"))
    assert not last.has_next_page()
    assert last.next_request() is None
    empty = decode_page(list_request("cursor"), body([], has_more=True))
    assert not empty.has_next_page()
    assert empty.next_request() is None


def test_has_more_missing_still_follows_the_cursor_like_the_sdk() -> None:
    page = decode_page(list_request("cursor"), body(["a"], last_id="a"))
    assert page.has_more is None
    assert page.next_page_info() == PageInfo({"after": "a"})


def test_a_cursor_request_that_pages_backwards_continues_before_the_first_id() -> None:
    request = list_request("cursor", before="m", limit=2)
    page = decode_page(request, body(["k", "l"], has_more=True, first_id="k", last_id="l"))
    assert page.next_page_info() == PageInfo({"before": "k"})
    assert page.next_request() == list_request("cursor", before="k", limit=2)


def test_after_style_uses_the_last_items_id() -> None:
    page = decode_page(list_request("after", limit=2), body(["ftjob-1", "ftjob-2"], has_more=True))
    assert page.next_request() == list_request("after", limit=2, after="ftjob-2")


def test_after_style_prefers_the_answers_next_cursor() -> None:
    page = decode_page(list_request("after"), body(["g1", "g2"], has_more=True, next="cursor-xyz"))
    assert page.next_page == "cursor-xyz"
    assert page.next_page_info() == PageInfo({"after": "cursor-xyz"})


def test_token_style_sends_the_next_page_token_as_page() -> None:
    request = list_request("token", limit=7)
    page = decode_page(request, body(["bucket"], has_more=True, next_page="page_AAA"))
    assert page.next_request() == list_request("token", limit=7, page="page_AAA")
    last = decode_page(request, body(["bucket"], has_more=False, next_page=None))
    assert last.next_request() is None
    no_token = decode_page(request, body(["bucket"], has_more=True))
    assert no_token.next_request() is None


def test_plain_lists_never_paginate() -> None:
    page = decode_page(list_request("list"), body(["gpt-4o", "gpt-4o-mini"], has_more=True, last_id="x"))
    assert [m.id for m in page] == ["gpt-4o", "gpt-4o-mini"]
    assert page.next_page_info() is None
    assert not page.has_next_page()
    assert page.next_request() is None


def test_dict_items_and_their_ids() -> None:
    request = make_request("GET", "/things", page_style="after")
    page = decode_page(request, body(["a", "b"], has_more=True))
    assert page.data == [{"id": "a"}, {"id": "b"}]
    assert page.next_page_info() == PageInfo({"after": "b"})


def test_items_without_ids_have_no_cursor() -> None:
    request = make_request("GET", "/things", page_style="after")
    page = decode_page(request, b'{"data": [{"name": "x"}], "has_more": true}')
    assert page.next_page_info() is None
    assert not page.has_next_page()


def test_page_value_semantics() -> None:
    request = list_request("cursor")
    content = body(["a"], has_more=False, first_id="a", last_id="a")
    page = decode_page(request, content)
    assert page == decode_page(request, content)
    assert page.request is request
    assert len(page) == 1
    assert list(page) == [Item("a")]
    assert page.to_dict() == {"object": "list", "data": [{"id": "a", "size": 0}], "has_more": False,
                              "first_id": "a", "last_id": "a"}
    assert page._request_id is None
    assert set_request_id(page, "req_123")._request_id == "req_123"
    with pytest.raises(AttributeError):
        page.data = []  # type: ignore[misc]
    assert "Page(1 items" in repr(page)


def test_page_is_generic_over_its_item_type() -> None:
    page: Page[Item] = decode_page(list_request("cursor"), body(["a"]))
    assert isinstance(page.data[0], Item)


@pytest.mark.parametrize(
    "content",
    [b"not json", b'{"data": [1, 2', b""],
)
def test_a_body_that_is_not_json_raises_decode_error(content: bytes) -> None:
    with pytest.raises(msgspec.DecodeError):
        decode_page(list_request("cursor"), content)


@pytest.mark.parametrize(
    "content",
    [b'{"object": "list"}', b'{"data": {"id": "a"}}', b'{"data": [], "has_more": "yes"}', b"[]"],
)
def test_a_body_that_is_not_a_list_answer_raises_validation_error(content: bytes) -> None:
    with pytest.raises(msgspec.ValidationError):
        decode_page(list_request("cursor"), content)


def test_decode_page_refuses_a_request_that_is_not_a_page() -> None:
    with pytest.raises(TypeError, match="not a page"):
        decode_page(make_request("GET", "/things"), body(["a"]))
