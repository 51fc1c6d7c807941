"""The incremental SSE decoder: line ends, splits anywhere, fields, and linear cost on long lines."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_fn.core.sse import ServerSentEvent, SSEDecoder, decode_sse, iter_sse


def ev(data: bytes = b"", event: str | None = None, id: str | None = None, retry: int | None = None) -> ServerSentEvent:
    return ServerSentEvent(data, event, id, retry)


def feed_bytewise(body: bytes) -> list[ServerSentEvent]:
    return decode_sse([body[i : i + 1] for i in range(len(body))])


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_every_line_end_style(eol: bytes) -> None:
    body = eol.join([b"event: greet", b"data: hello", b"", b"data: world", b"", b""])
    expected = [ev(b"hello", "greet"), ev(b"world")]
    assert decode_sse(body) == expected
    assert feed_bytewise(body) == expected


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    # A CR ending one chunk and the LF starting the next must not count as two line ends
    # (that would be a blank line, dispatching the event early).
    assert decode_sse([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]) == [ev(b"a\nb")]


def test_cr_then_cr_is_two_line_ends() -> None:
    assert decode_sse([b"data: a\r", b"\r"]) == [ev(b"a")]


def test_multibyte_utf8_split_across_chunks() -> None:
    text = "data: {\"content\": \"héllo ✓ 𝄞\"}\n\nevent: ✓\ndata: x\n\n".encode()
    cut = text.index("𝄞".encode()) + 2  # in the middle of a 4-byte character
    events = decode_sse([text[:cut], text[cut:]])
    assert events[0].json() == {"content": "héllo ✓ 𝄞"}
    assert events[1] == ev(b"x", "✓")
    assert feed_bytewise(text) == events


def test_multiline_data_is_joined_with_newlines() -> None:
    body = b"data: {\ndata:  \"a\": 1\ndata\ndata: }\n\n"
    (event,) = decode_sse(body)
    assert event.data == b'{\n "a": 1\n\n}'  # one space after the colon is dropped, a second is kept
    assert event.json() == {"a": 1}


def test_comments_and_unknown_fields_are_ignored() -> None:
    body = b": keep-alive\n\n:another\nfoo: bar\ndata: x\n: mid-event comment\n\n"
    assert decode_sse(body) == [ev(b"x")]


def test_id_persists_and_retry_is_numeric_only() -> None:
    body = b"id: 7\nretry: 1500\ndata: a\n\ndata: b\n\nretry: soon\nid: bad\x00id\ndata: c\n\n"
    assert decode_sse(body) == [ev(b"a", id="7", retry=1500), ev(b"b", id="7"), ev(b"c", id="7")]


def test_meta_only_events_are_reported_with_empty_data() -> None:
    assert decode_sse(b"retry: 10\n\nid: 3\n\n\n\n") == [ev(retry=10), ev(id="3")]


def test_field_without_colon_and_without_space() -> None:
    assert decode_sse(b"data\n\ndata:x\nevent:e\n\n") == [ev(b""), ev(b"x", "e")]


def test_leading_bom_is_dropped() -> None:
    assert decode_sse(b"\xef\xbb\xbfdata: x\n\n") == [ev(b"x")]


def test_event_left_open_at_the_end_is_reported_and_flagged() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: [DONE]\n") == []
    assert decoder.finish() == [ev(b"[DONE]")]
    assert decoder.truncated

    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"a": 1}\n\ndata: {"b"') == [ev(b'{"a": 1}')]
    assert decoder.finish() == [ev(b'{"b"')]
    assert decoder.truncated


def test_cleanly_ended_body_is_not_truncated() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\n\n") == [ev(b"x")]
    assert decoder.finish() == []
    assert not decoder.truncated


def test_iter_sse_is_lazy() -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"data: 1\n\n"
        raise AssertionError("read too far")

    assert next(iter_sse(chunks())) == ev(b"1")


def test_long_line_split_finely_costs_linear_time() -> None:
    piece = b"x" * 64
    pieces = 40_000  # 2.5 MB in 40k chunks: quadratic joining would copy ~50 GB
    decoder = SSEDecoder()
    start = time.perf_counter()
    assert decoder.feed(b"data: ") == []
    for _ in range(pieces):
        assert decoder.feed(piece) == []
    (event,) = decoder.feed(b"\n\n")
    assert len(event.data) == len(piece) * pieces
    assert time.perf_counter() - start < 2.0


# -- property: the decoder's output does not depend on how the bytes were chunked ---------------

def _data_line(value: bytes) -> bytes:
    return b"data: " + value


def _text_data_line(value: str) -> bytes:
    return b"data:" + value.encode()


def _join(pairs: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(line + eol for line, eol in pairs)


_no_eol_bytes = st.binary(max_size=12).filter(lambda b: b"\r" not in b and b"\n" not in b)
_no_eol_text = st.text(max_size=8).filter(lambda s: "\r" not in s and "\n" not in s)
_line: st.SearchStrategy[bytes] = st.one_of(
    st.builds(_data_line, _no_eol_bytes),
    st.builds(_text_data_line, _no_eol_text),
    st.sampled_from([b"", b": comment", b"event: x", b"event:y", b"id: 1", b"retry: 30", b"retry: x", b"data", b"foo"]),
)
_eol = st.sampled_from([b"\n", b"\r", b"\r\n"])
_stream = st.lists(st.tuples(_line, _eol), max_size=30).map(_join)


@st.composite
def _stream_and_cuts(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    body = draw(_stream)
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=12)))
    bounds = [0, *cuts, len(body)]
    return body, [body[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=400, deadline=None)
@given(_stream_and_cuts())
def test_any_split_decodes_like_the_whole(case: tuple[bytes, list[bytes]]) -> None:
    body, chunks = case
    whole = SSEDecoder()
    expected = whole.feed(body) + whole.finish()
    split = SSEDecoder()
    got = [event for chunk in chunks for event in split.feed(chunk)] + split.finish()
    assert got == expected
    assert split.truncated == whole.truncated
