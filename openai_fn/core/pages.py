"""Pages of list answers as values, and the pure step from one page to the request for the next.

A :class:`Page` keeps the request that fetched it, so asking for the next page needs no
client: :meth:`Page.next_request` is a new :class:`~openai_fn.core.request.Request` with the
cursor set. The executors' paginators only run these requests, one page at a time.

The styles of the spec (``PageDecoder.style``):

- ``"cursor"``: ``after``/``before`` cursors, ``has_more``, ``first_id``/``last_id``. The next page is
  ``after=<last id>``; a request that pages backwards (``before`` set, no ``after``) goes on with
  ``before=<first id>``.
- ``"after"``: ``after=<last item's id>`` (or the answer's ``next`` cursor) while ``has_more``.
- ``"token"``: ``page=<next_page>`` while there is a ``next_page`` token.
- ``"list"``: a plain list; never paginates.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar, cast

import msgspec

from .decoders import PageDecoder, PageStyle
from .query import QueryPairs
from .request import Request

__all__ = ["Page", "PageInfo", "decode_page"]

T = TypeVar("T")


class PageInfo(msgspec.Struct, frozen=True):
    """The query parameters that ask for the next page, e.g. ``{"after": "file-abc"}`` (as in the SDK)."""

    params: Mapping[str, str]


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True, dict=True):
    """One page of a list answer: its items and what is needed to ask for the next page.

    Iterating a page yields the items of this page only (no I/O); use ``client.paginate(request)``
    to walk every page. ``_request_id`` is the ``x-request-id`` of the answer, as on other values.
    """

    data: list[T]
    request: Request[Page[T]]
    """The request that fetched this page; :meth:`next_request` derives the next one from it."""
    has_more: bool | None = None
    first_id: str | None = None
    last_id: str | None = None
    next_page: str | None = None
    """The page token (``"token"`` style) or cursor (an answer's ``next`` field) for the next page."""
    object: str | None = None

    @property
    def style(self) -> PageStyle:
        decoder = self.request.decoder
        return decoder.style if isinstance(decoder, PageDecoder) else "list"

    def has_next_page(self) -> bool:
        """Whether another page exists: the server did not say ``has_more: false`` and there is a cursor."""
        if self.has_more is False or not self.data:
            return False
        return self.next_page_info() is not None

    def next_page_info(self) -> PageInfo | None:
        """The parameters of the next page, or ``None`` when this style (or this answer) has none."""
        style = self.style
        if style == "list":
            return None
        if style == "token":
            return PageInfo({"page": self.next_page}) if self.next_page else None
        if style == "cursor" and _pages_backwards(self.request):
            first = self.first_id or (_item_id(self.data[0]) if self.data else None)
            return PageInfo({"before": first}) if first else None
        cursor = self.next_page or self.last_id or (_item_id(self.data[-1]) if self.data else None)
        return PageInfo({"after": cursor}) if cursor else None

    def next_request(self) -> Request[Page[T]] | None:
        """The request for the next page (pure), or ``None`` when this is the last page."""
        if not self.has_next_page():
            return None
        info = self.next_page_info()
        if info is None:  # pragma: no cover - has_next_page() checked it
            return None
        return msgspec.structs.replace(self.request, query=_with_params(self.request.query, info.params))

    def to_dict(self) -> dict[str, Any]:
        """The page as plain data, like the answer it came from (without the request)."""
        out: dict[str, Any] = {"data": msgspec.to_builtins(self.data)}
        for name in ("object", "has_more", "first_id", "last_id", "next_page"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getattr__(self, name: str) -> Any:
        if name == "_request_id":
            return None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        more = f", has_more={self.has_more}" if self.has_more is not None else ""
        return f"Page({len(self.data)} items{more}, style={self.style!r}, next={self.next_page_info()!r})"


class _Envelope(msgspec.Struct, Generic[T]):
    """The wire shape shared by every list answer of the API."""

    data: list[T]
    object: str | None = None
    has_more: bool | None = None
    first_id: str | None = None
    last_id: str | None = None
    next: str | None = None
    next_page: str | None = None


@functools.lru_cache(maxsize=1024)
def _envelope_decoder(item_type: Any) -> msgspec.json.Decoder[_Envelope[Any]]:
    return msgspec.json.Decoder(_Envelope[item_type])


_RAW_ENVELOPE: msgspec.json.Decoder[_Envelope[msgspec.Raw]] = msgspec.json.Decoder(_Envelope[msgspec.Raw])


def decode_page(request: Request[Any], content: bytes) -> Page[Any]:
    """Decode a list answer to ``request`` into a :class:`Page` (pure).

    Items that do not match their type (an answer from a newer API) go through the lenient
    decoder; a body that is not a list answer at all raises ``msgspec.ValidationError`` or
    ``msgspec.DecodeError``, which the executor reports as ``APIResponseValidationError``.
    """
    decoder = request.decoder
    if not isinstance(decoder, PageDecoder):
        raise TypeError(f"decode_page: the request decodes {type(decoder).__name__}, not a page")
    try:
        envelope = _envelope_decoder(decoder.item_type).decode(content)
    except msgspec.ValidationError:
        envelope = _decode_leniently(decoder.item_type, content)
    return Page(
        data=envelope.data,
        request=request,
        has_more=envelope.has_more,
        first_id=envelope.first_id,
        last_id=envelope.last_id,
        next_page=envelope.next_page or envelope.next,
        object=envelope.object,
    )


def _decode_leniently(item_type: Any, content: bytes) -> _Envelope[Any]:
    """Decode the envelope strictly and each item with the lenient fallback where strict decoding fails."""
    from .decoding import decode_json

    raw = _RAW_ENVELOPE.decode(content)  # a broken envelope still raises here
    items = [decode_json(item_type, bytes(item)) for item in raw.data]
    return cast("_Envelope[Any]", msgspec.structs.replace(cast("Any", raw), data=items))


def _with_params(query: QueryPairs, params: Mapping[str, str]) -> QueryPairs:
    """``query`` with each of ``params`` set: in its place when present (stable URLs), else appended."""
    replaced = [(name, params[name]) if name in params else (name, value) for name, value in query]
    present = {name for name, _ in query}
    return tuple(replaced) + tuple((name, value) for name, value in params.items() if name not in present)


def _pages_backwards(request: Request[Any]) -> bool:
    names = {name for name, _ in request.query}
    return "before" in names and "after" not in names


def _item_id(item: object) -> str | None:
    value = cast("Mapping[str, object]", item).get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    return value if isinstance(value, str) and value else None
