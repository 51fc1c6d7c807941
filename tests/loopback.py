"""A real, scriptable HTTP/1.1 server on 127.0.0.1 for tests.

It speaks HTTP over a real socket so the executors' connection pool, timeouts and error
mapping are exercised for real: tests script answers (status, headers, a body sent whole or
in slow chunks, a delay before answering, a connection dropped before or mid-answer) and read
back what the client sent. Keep-alive is supported; every loop here is bounded.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

__all__ = ["LoopbackServer", "Received", "Reply", "json_reply", "sse_reply"]


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: Sequence[tuple[str, str]] = ()
    body: bytes | Sequence[bytes] = b""
    """Bytes are sent with Content-Length; a sequence is sent chunked, one chunk at a time."""
    chunk_delay: float = 0.0
    delay: float = 0.0
    """Seconds to wait before the status line (read timeouts)."""
    drop: bool = False
    """Close the connection without answering at all."""
    drop_after_chunks: int | None = None
    """Close the connection abruptly after this many chunks of a chunked body."""


@dataclass(frozen=True)
class Received:
    """One request as the server read it off the socket."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body)


def json_reply(data: Any, status: int = 200, headers: Sequence[tuple[str, str]] = ()) -> Reply:
    return Reply(status=status, headers=[("content-type", "application/json"), *headers], body=json.dumps(data).encode())


def sse_reply(events: Sequence[str], *, chunk_delay: float = 0.0, headers: Sequence[tuple[str, str]] = ()) -> Reply:
    """Server-sent events, one chunk per already-formatted event text."""
    return Reply(
        headers=[("content-type", "text/event-stream"), *headers],
        body=[event.encode() for event in events],
        chunk_delay=chunk_delay,
    )


@dataclass
class _Script:
    replies: deque[Reply] = field(default_factory=lambda: deque[Reply]())
    handler: Callable[[Received], Reply] | None = None
    received: list[Received] = field(default_factory=lambda: list[Received]())
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class LoopbackServer:
    """``with LoopbackServer() as server:`` serves on a free port until the block ends."""

    def __init__(self) -> None:
        self._script = _Script()
        script = self._script

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def handle(self) -> None:
                with script.lock:
                    script.connections += 1
                for _ in range(10_000):  # keep-alive requests on one connection, bounded
                    received = _read_request(self.rfile)
                    if received is None:
                        return
                    with script.lock:
                        script.received.append(received)
                        if script.replies:
                            reply = script.replies.popleft()
                        elif script.handler is not None:
                            reply = script.handler(received)
                        else:
                            reply = json_reply({"error": {"message": "loopback: nothing scripted", "type": "test"}}, 599)
                    if not _write_reply(self.connection, self.wfile, reply):
                        return

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def received(self) -> list[Received]:
        return self._script.received

    @property
    def connections(self) -> int:
        """How many TCP connections were opened so far (to check pooling)."""
        return self._script.connections

    @property
    def handler(self) -> Callable[[Received], Reply] | None:
        return self._script.handler

    @handler.setter
    def handler(self, fn: Callable[[Received], Reply] | None) -> None:
        self._script.handler = fn

    def enqueue(self, *replies: Reply) -> None:
        with self._script.lock:
            self._script.replies.extend(replies)

    def reset(self) -> None:
        with self._script.lock:
            self._script.replies.clear()
            self._script.received.clear()
            self._script.handler = None
            self._script.connections = 0

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_request(rfile: Any) -> Received | None:
    try:
        line = rfile.readline(65537)
    except (OSError, ValueError):
        return None
    if not line or not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    for _ in range(200):
        raw = rfile.readline(65537)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts: list[bytes] = []
        for _ in range(1_000_000):
            size = int(rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                rfile.readline()
                break
            parts.append(rfile.read(size))
            rfile.readline()
        body = b"".join(parts)
    elif "content-length" in headers:
        body = rfile.read(int(headers["content-length"]))
    return Received(method=method, target=target, headers=headers, body=body)


def _write_reply(conn: socket.socket, wfile: Any, reply: Reply) -> bool:
    """Send ``reply``; False when the connection was (deliberately) closed."""
    if reply.delay:
        time.sleep(reply.delay)
    if reply.drop:
        _abort(conn)
        return False
    head = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
    names = {name.lower() for name, _ in reply.headers}
    head += [f"{name}: {value}" for name, value in reply.headers]
    chunked = not isinstance(reply.body, bytes)
    if chunked:
        head.append("transfer-encoding: chunked")
    else:
        head.append(f"content-length: {len(cast(bytes, reply.body))}")
    if "content-type" not in names:
        head.append("content-type: application/json")
    try:
        wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if not chunked:
            wfile.write(reply.body)
            wfile.flush()
            return True
        wfile.flush()
        chunks = cast("Sequence[bytes]", reply.body)
        for index, chunk in enumerate(chunks):
            if reply.drop_after_chunks is not None and index >= reply.drop_after_chunks:
                _abort(conn)
                return False
            if reply.chunk_delay:
                time.sleep(reply.chunk_delay)
            wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            wfile.flush()
        if reply.drop_after_chunks is not None and reply.drop_after_chunks >= len(reply.body):
            _abort(conn)
            return False
        wfile.write(b"0\r\n\r\n")
        wfile.flush()
    except OSError:
        return False
    return True


def _abort(conn: socket.socket) -> None:
    """Close with a reset, as a crashed server or a cut network would."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
