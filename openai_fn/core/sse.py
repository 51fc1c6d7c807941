"""An incremental decoder for server-sent events, over bytes.

Pure: it holds only parsing state and does no I/O, so executors feed it whatever chunks the
network delivers. It works on bytes rather than text because a chunk may end in the middle of
a multi-byte UTF-8 character or between the CR and LF of a line break; only complete lines are
looked at, and an event's ``data`` stays bytes so it can be JSON-decoded without a copy to
``str``. Partial lines are kept as a list of pieces and joined once, so a very long line costs
linear time however finely it is split.

Follows the WHATWG event-stream rules (CR, LF and CRLF line ends, ``:`` comments, an optional
space after the colon, several ``data:`` lines joined by ``\\n``, ``id`` without NUL, numeric
``retry``), with two leniencies the API's clients rely on: an event whose only fields were
``id``/``retry``/``event`` is still reported (callers skip it), and :meth:`SSEDecoder.finish`
reports an event left open at the end of the body instead of dropping it silently.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import msgspec

__all__ = ["SSEDecoder", "ServerSentEvent", "aiter_sse", "decode_sse", "iter_sse"]

_BOM = b"\xef\xbb\xbf"


class ServerSentEvent(msgspec.Struct, frozen=True, gc=False):
    """One dispatched event. ``data`` is the raw bytes of its ``data:`` lines joined by ``\\n``."""

    data: bytes = b""
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    @property
    def text(self) -> str:
        """``data`` as text (invalid UTF-8 is replaced, never fatal)."""
        return self.data.decode("utf-8", "replace")

    def json(self) -> Any:
        """``data`` parsed as JSON into plain Python values."""
        return json.loads(self.data)


class SSEDecoder:
    """Feed it chunks of bytes; it returns the events each chunk completes.

    >>> d = SSEDecoder()
    >>> d.feed(b"data: hel"), d.feed(b"lo\\r"), d.feed(b"\\n\\r\\n")
    ([], [], [ServerSentEvent(data=b'hello', event=None, id=None, retry=None)])
    """

    __slots__ = ("_data", "_dirty", "_event", "_last_id", "_partial", "_retry", "_skip_lf", "_started", "truncated")

    def __init__(self) -> None:
        self._partial: list[bytes] = []
        self._skip_lf = False
        self._started = False
        self._data: list[bytes] = []
        self._event: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None
        self._dirty = False
        self.truncated = False
        """Set by :meth:`finish` when the body ended in the middle of a line or of an event."""

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events completed by ``chunk`` (often none, sometimes several)."""
        if not chunk:
            return []
        if self._skip_lf:  # the previous chunk ended with CR: a LF here belongs to it
            self._skip_lf = False
            if chunk[0] == 10:
                chunk = chunk[1:]
                if not chunk:
                    return []
        if not self._started:
            self._started = True
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        if b"\r" in chunk:
            self._skip_lf = chunk[-1] == 13
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = chunk.split(b"\n")
        rest = lines.pop()
        partial = self._partial
        if not lines:  # no line end in this chunk: keep it, join later (linear, not quadratic)
            partial.append(rest)
            return []
        if partial:
            partial.append(lines[0])
            lines[0] = b"".join(partial)
            partial.clear()
        if rest:
            partial.append(rest)
        return self._take_lines(lines)

    def _take_lines(self, lines: list[bytes]) -> list[ServerSentEvent]:
        """Interpret complete lines; the hot path (``data:`` lines and blank lines) stays inline."""
        events: list[ServerSentEvent] = []
        data = self._data
        dirty = self._dirty
        for line in lines:
            if not line:
                if dirty:
                    payload = data[0] if len(data) == 1 else b"\n".join(data)
                    events.append(ServerSentEvent(payload, self._event, self._last_id, self._retry))
                    data = self._data = []
                    self._event = None
                    self._retry = None
                    dirty = False
            elif line[:5] == b"data:":
                data.append(line[6:] if line[5:6] == b" " else line[5:])
                dirty = True
            elif line[0] != 58:  # not a ":" comment
                dirty = self._field(line) or dirty
        self._dirty = dirty
        return events

    def finish(self) -> list[ServerSentEvent]:
        """Call at the end of the body: an event still open (no blank line after it) is returned.

        ``truncated`` tells whether that happened, so a caller can treat a body cut in the middle
        of an event as the connection error it most likely is.
        """
        lines: list[bytes] = []
        if self._partial:
            lines.append(b"".join(self._partial))
            self._partial.clear()
        events = self._take_lines(lines)
        self.truncated = bool(lines) or self._dirty
        if self._dirty:
            events.append(self._dispatch())
        self._skip_lf = False
        return events

    def _field(self, line: bytes) -> bool:
        """Apply a non-``data:`` field line; whether it was a field that makes an event."""
        name, _, value = line.partition(b":")
        if value[:1] == b" ":
            value = value[1:]
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value.decode("utf-8", "replace")
        elif name == b"id":
            if b"\0" in value:
                return False
            self._last_id = value.decode("utf-8", "replace")
        elif name == b"retry":
            if not value.isdigit():
                return False
            self._retry = int(value)
        else:
            return False  # unknown fields are ignored, as the standard says
        return True

    def _dispatch(self) -> ServerSentEvent:
        data = self._data
        payload = data[0] if len(data) == 1 else b"\n".join(data)
        event = ServerSentEvent(payload, self._event, self._last_id, self._retry)
        self._data = []
        self._event = None
        self._retry = None
        self._dirty = False
        return event


def iter_sse(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Lazily decode an iterable of byte chunks, including an event left open at the end."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.finish()


async def aiter_sse(chunks: AsyncIterable[bytes]) -> AsyncIterator[ServerSentEvent]:
    """:func:`iter_sse` over an async iterable of byte chunks."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.finish():
        yield event


def decode_sse(body: bytes | Iterable[bytes]) -> list[ServerSentEvent]:
    """Every event in a whole body (or in its chunks), for tests and recorded transcripts."""
    return list(iter_sse([body] if isinstance(body, bytes | bytearray) else body))
