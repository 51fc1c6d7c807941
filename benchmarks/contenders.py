"""The three contenders, each able to run every case over a given transport.

- ``floor``: raw httpx (``client.post``/``client.get``/``client.stream``) plus a cached
  ``msgspec.json.Decoder`` into the same generated Structs openai_fn returns (embeddings: a
  Struct whose ``embedding`` is ``bytes``, so msgspec undoes the base64; vectors viewed as float32);
- ``openai_fn``: ``OpenAI``/``AsyncOpenAI`` running pure requests (``client.run``, ``client.paginate``);
- ``official``: the ``openai`` package (3.x, on ``httpx2``), through its public resource methods.

A transport is ``None`` for the loopback server at ``base_url``, or ``"mock"`` for the in-process
mock transports answering from :class:`~benchmarks.payloads.Payloads`.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import msgspec

import openai_fn as oa
from openai_fn.endpoints import chat, files
from openai_fn.helpers import embeddings as emb
from openai_fn.types.chat import CreateChatCompletionResponse, CreateChatCompletionStreamResponse
from openai_fn.types.files import ListFilesResponse

from .payloads import Payloads

__all__ = ["MESSAGES", "MOCK_URL", "Floor", "Official", "Ours", "official_available"]

MOCK_URL = "http://bench.local/v1"
MODEL = "gpt-4o-mini"
MESSAGES: list[Any] = [{"role": "user", "content": "Say this is a test"}]
API_KEY = "sk-bench"
EMBED_MODEL = "text-embedding-3-small"


def embed_inputs(n: int) -> list[str]:
    return [f"benchmark sentence number {i}" for i in range(n)]


# -- in-process answers --------------------------------------------------------------------------


def _route(payloads: Payloads, path: str, target: str, body: bytes) -> tuple[str, bytes | list[bytes]]:
    if path.endswith("/chat/completions"):
        if b'"stream":true' in body or b'"stream": true' in body:
            return "text/event-stream", payloads.events
        return "application/json", payloads.chat
    if path.endswith("/embeddings"):
        return "application/json", payloads.embeddings
    if path.endswith("/files"):
        return "application/json", payloads.page(target)
    raise AssertionError(f"no route for {path}")


def httpx_handler(payloads: Payloads) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        kind, content = _route(payloads, request.url.path, str(request.url), request.content)
        headers = {"content-type": kind, "x-request-id": "req_bench"}
        if isinstance(content, list):
            return httpx.Response(200, headers=headers, content=iter(content))
        return httpx.Response(200, headers=headers, content=content)

    return handler


def async_httpx_handler(payloads: Payloads) -> Any:
    async def handler(request: httpx.Request) -> httpx.Response:
        kind, content = _route(payloads, request.url.path, str(request.url), await request.aread())
        return httpx.Response(200, headers={"content-type": kind, "x-request-id": "req_bench"}, content=content if isinstance(content, bytes) else b"".join(content))

    return handler


# -- the floor -----------------------------------------------------------------------------------


class FloorEmbedding(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    embedding: bytes
    object: str = "embedding"


class FloorEmbeddingUsage(msgspec.Struct, frozen=True, kw_only=True):
    prompt_tokens: int
    total_tokens: int


class FloorEmbeddings(msgspec.Struct, frozen=True, kw_only=True):
    data: list[FloorEmbedding]
    model: str
    object: str = "list"
    usage: FloorEmbeddingUsage | None = None


_HEADERS = {"authorization": f"Bearer {API_KEY}", "content-type": "application/json"}


class Floor:
    """Raw httpx + msgspec: what a hand-written client that does nothing extra costs."""

    name = "floor"

    def __init__(self, payloads: Payloads, base_url: str | None) -> None:
        self.payloads = payloads
        self.base_url = base_url or MOCK_URL
        transport = httpx.MockTransport(httpx_handler(payloads)) if base_url is None else None
        self.client = httpx.Client(transport=transport)
        self.chat_decoder = msgspec.json.Decoder(CreateChatCompletionResponse)
        self.chunk_decoder = msgspec.json.Decoder(CreateChatCompletionStreamResponse)
        self.embed_decoder = msgspec.json.Decoder(FloorEmbeddings)
        self.page_decoder = msgspec.json.Decoder(ListFilesResponse)
        self.inputs = embed_inputs(payloads.sizes.vectors)

    def chat(self, timeout: float | None = None) -> Any:
        body = msgspec.json.encode({"messages": MESSAGES, "model": MODEL})
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        response = self.client.post(f"{self.base_url}/chat/completions", content=body, headers=_HEADERS, **extra)
        response.raise_for_status()
        return self.chat_decoder.decode(response.content)

    def embeddings(self) -> list[memoryview[float]]:
        body = msgspec.json.encode({"input": self.inputs, "model": EMBED_MODEL, "encoding_format": "base64"})
        response = self.client.post(f"{self.base_url}/embeddings", content=body, headers=_HEADERS)
        response.raise_for_status()
        answer = self.embed_decoder.decode(response.content)
        return [memoryview(item.embedding).cast("f") for item in answer.data]

    def stream(self) -> int:
        body = msgspec.json.encode({"messages": MESSAGES, "model": MODEL, "stream": True})
        decode = self.chunk_decoder.decode
        count = 0
        with self.client.stream("POST", f"{self.base_url}/chat/completions", content=body, headers=_HEADERS) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    decode(data)
                    count += 1
        return count

    def list_files(self) -> int:
        count = 0
        params: dict[str, Any] = {"limit": self.payloads.sizes.page}
        for _ in range(1_000_000):  # bounded
            response = self.client.get(f"{self.base_url}/files", params=params, headers=_HEADERS)
            response.raise_for_status()
            page = self.page_decoder.decode(response.content)
            count += len(page.data)
            if not page.has_more or not page.data:
                break
            params = {"limit": self.payloads.sizes.page, "after": page.last_id}
        return count

    def close(self) -> None:
        self.client.close()


class AsyncFloor:
    name = "floor"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=1000, max_keepalive_connections=100))
        self.chat_decoder = msgspec.json.Decoder(CreateChatCompletionResponse)

    async def chat(self) -> Any:
        body = msgspec.json.encode({"messages": MESSAGES, "model": MODEL})
        response = await self.client.post(f"{self.base_url}/chat/completions", content=body, headers=_HEADERS)
        response.raise_for_status()
        return self.chat_decoder.decode(response.content)

    async def close(self) -> None:
        await self.client.aclose()


# -- openai_fn -----------------------------------------------------------------------------------


class Ours:
    name = "openai_fn"

    def __init__(self, payloads: Payloads, base_url: str | None) -> None:
        self.payloads = payloads
        transport = httpx.MockTransport(httpx_handler(payloads)) if base_url is None else None
        self.client = oa.OpenAI(api_key=API_KEY, base_url=base_url or MOCK_URL, transport=transport)
        self.inputs = embed_inputs(payloads.sizes.vectors)

    def chat(self, timeout: float | None = None) -> Any:
        client = self.client if timeout is None else self.client.with_options(timeout=timeout)
        return client.run(chat.completions.create(model=MODEL, messages=MESSAGES)).unwrap()

    def embeddings(self) -> list[emb.FloatVector]:
        return self.client.run(emb.create(model=EMBED_MODEL, input=self.inputs)).unwrap().vectors()

    def stream(self) -> int:
        count = 0
        stream = self.client.run(chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)).unwrap()
        with stream:
            for _ in stream:
                count += 1
        return count

    def list_files(self) -> int:
        return sum(1 for _ in self.client.paginate(files.list(limit=self.payloads.sizes.page)))

    def close(self) -> None:
        self.client.close()


class AsyncOurs:
    name = "openai_fn"

    def __init__(self, base_url: str) -> None:
        self.client = oa.AsyncOpenAI(api_key=API_KEY, base_url=base_url)

    async def chat(self) -> Any:
        return (await self.client.run(chat.completions.create(model=MODEL, messages=MESSAGES))).unwrap()

    async def close(self) -> None:
        await self.client.close()


# -- the official package ------------------------------------------------------------------------


def official_available() -> bool:
    try:
        importlib.import_module("openai")
        importlib.import_module("httpx2")
    except ImportError:
        return False
    return True


def _httpx2_handler(payloads: Payloads, httpx2: Any, is_async: bool) -> Any:
    def answer(request: Any, body: bytes) -> Any:
        kind, content = _route(payloads, request.url.path, str(request.url), body)
        headers = {"content-type": kind, "x-request-id": "req_bench"}
        if isinstance(content, list):
            if is_async:
                return httpx2.Response(200, headers=headers, content=_aiterate(content))
            return httpx2.Response(200, headers=headers, content=iter(content))
        return httpx2.Response(200, headers=headers, content=content)

    if is_async:

        async def async_handler(request: Any) -> Any:
            return answer(request, await request.aread())

        return async_handler

    def handler(request: Any) -> Any:
        return answer(request, request.read())

    return handler


async def _aiterate(items: list[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item


class Official:
    name = "official"

    def __init__(self, payloads: Payloads, base_url: str | None) -> None:
        openai: Any = importlib.import_module("openai")
        httpx2: Any = importlib.import_module("httpx2")
        self.payloads = payloads
        http_client = httpx2.Client(transport=httpx2.MockTransport(_httpx2_handler(payloads, httpx2, False))) if base_url is None else None
        self.client: Any = openai.OpenAI(api_key=API_KEY, base_url=base_url or MOCK_URL, http_client=http_client)
        self.inputs = embed_inputs(payloads.sizes.vectors)

    def chat(self, timeout: float | None = None) -> Any:
        client = self.client if timeout is None else self.client.with_options(timeout=timeout)
        return client.chat.completions.create(model=MODEL, messages=MESSAGES)

    def embeddings(self) -> list[Any]:
        answer = self.client.embeddings.create(model=EMBED_MODEL, input=self.inputs)
        return [item.embedding for item in answer.data]

    def stream(self) -> int:
        count = 0
        for _ in self.client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True):
            count += 1
        return count

    def list_files(self) -> int:
        return sum(1 for _ in self.client.files.list(limit=self.payloads.sizes.page))

    def close(self) -> None:
        self.client.close()


class AsyncOfficial:
    name = "official"

    def __init__(self, base_url: str) -> None:
        openai: Any = importlib.import_module("openai")
        self.client: Any = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url)

    async def chat(self) -> Any:
        return await self.client.chat.completions.create(model=MODEL, messages=MESSAGES)

    async def close(self) -> None:
        await self.client.close()


def iterate(items: list[bytes]) -> Iterator[bytes]:
    yield from items
