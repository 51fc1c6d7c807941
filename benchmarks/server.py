"""A tiny HTTP/1.1 server for the loopback cases: raw asyncio, keep-alive, canned answers, 127.0.0.1 only.

Run as a subprocess (``python -m benchmarks.server --vectors=64 ...``): it prints its port on
stdout, then serves until stdin closes (so it never outlives the benchmark run). Routes:

- ``POST /v1/chat/completions`` — the small chat completion, or (body has ``"stream":true``)
  the chunk stream, one HTTP chunk per SSE event;
- ``POST /v1/embeddings`` — the base64 embeddings answer;
- ``GET /v1/files?...`` — the page after the ``after`` cursor.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from .payloads import Payloads, Sizes

__all__ = ["main"]


def _head(status: str, content_type: str, extra: str) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\nx-request-id: req_bench\r\n{extra}\r\n"
    ).encode()


class _Handler(asyncio.Protocol):
    def __init__(self, payloads: Payloads) -> None:
        self.payloads = payloads
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        for _ in range(1000):  # bounded: at most this many pipelined requests per read
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            lines = head.split("\r\n")
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            body = self.buffer[end + 4 : total]
            self.buffer = self.buffer[total:]
            method, target, _ = lines[0].split(" ", 2)
            self.answer(method, target, body)

    def answer(self, method: str, target: str, body: bytes) -> None:
        transport = self.transport
        assert transport is not None
        payloads = self.payloads
        if target.startswith("/v1/chat/completions") and (b'"stream":true' in body or b'"stream": true' in body):
            out = [_head("200 OK", "text/event-stream", "transfer-encoding: chunked\r\n")]
            for event in payloads.events:
                out.append(b"%x\r\n%s\r\n" % (len(event), event))
            out.append(b"0\r\n\r\n")
            transport.writelines(out)
            return
        if target.startswith("/v1/chat/completions"):
            content = payloads.chat
        elif target.startswith("/v1/embeddings"):
            content = payloads.embeddings
        elif target.startswith("/v1/files"):
            content = payloads.page(target)
        else:
            transport.write(_head("404 Not Found", "application/json", "content-length: 2\r\n") + b"{}")
            return
        transport.writelines([_head("200 OK", "application/json", f"content-length: {len(content)}\r\n"), content])


async def serve(sizes: Sizes) -> None:
    payloads = Payloads(sizes)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Handler(payloads), "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with server:
        await reader.read()  # EOF: the parent is done (or gone)


def main() -> None:
    parser = argparse.ArgumentParser()
    for name, default in vars(Sizes()).items():
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    asyncio.run(serve(Sizes(**{name: getattr(args, name) for name in vars(Sizes())})))


if __name__ == "__main__":
    main()
