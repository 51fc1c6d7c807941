"""Streaming benchmark: a 200-chunk chat completion stream decoded to typed chunks.

Three contenders in one run, each over an in-memory transport (no sockets, so only the
client's own work is measured), each reading the same body delivered one event per chunk:

- ``floor``  — raw ``httpx``: ``iter_lines()`` + ``msgspec.json.decode(line, type=ChatCompletionChunk)``;
- ``openai_fn`` — ``Stream`` over ``httpx.MockTransport``;
- ``openai`` — the official package's client, with its own ``http_client`` over a mock transport
  (``httpx2.MockTransport``: the official package is built on ``httpx2``; it needs
  ``pip install openai``, the ``bench`` extra, and is skipped when absent).

Run: ``.venv/bin/python benchmarks/bench_stream.py [--rounds 300] [--chunks 200]``.
Reports per-stream medians and the ratios to the floor.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx
import msgspec

from openai_fn.core.decoders import StreamDecoder
from openai_fn.executors.streams import Stream


def chunk_type() -> Any:
    """The generated ``ChatCompletionChunk`` when there, else a faithful local equivalent."""
    try:
        types = importlib.import_module("openai_fn.types")
    except ImportError:
        return _LocalChunk
    for name in ("ChatCompletionChunk", "CreateChatCompletionStreamResponse"):
        if (tp := getattr(types, name, None)) is not None:
            return tp
    return _LocalChunk


class _FunctionDelta(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    name: str | None = None
    arguments: str | None = None


class _ToolCallDelta(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    index: int
    id: str | None = None
    type: str | None = None
    function: _FunctionDelta | None = None


class _Delta(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    role: str | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[_ToolCallDelta] | None = None


class _TopLogprob(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    logprob: float
    bytes: list[int] | None = None


class _TokenLogprob(msgspec.Struct, frozen=True, kw_only=True):
    token: str
    logprob: float
    bytes: list[int] | None = None
    top_logprobs: list[_TopLogprob] = []


class _Logprobs(msgspec.Struct, frozen=True, kw_only=True):
    content: list[_TokenLogprob] | None = None
    refusal: list[_TokenLogprob] | None = None


class _Choice(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    index: int
    delta: _Delta
    logprobs: _Logprobs | None = None
    finish_reason: str | None = None


class _Usage(msgspec.Struct, frozen=True, kw_only=True):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class _LocalChunk(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, dict=True):
    id: str
    object: str
    created: int
    model: str
    choices: list[_Choice]
    system_fingerprint: str | None = None
    service_tier: str | None = None
    usage: _Usage | None = None


def make_events(n: int) -> list[bytes]:
    """``n`` realistic chat chunks (role, content deltas, a finish, usage) plus ``[DONE]``, one per SSE event."""
    head = b'{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_44709d6fcb",'
    events = [b"data: " + head + b'"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n']
    for i in range(n - 3):
        word = msgspec.json.encode(f" word{i}")
        events.append(b"data: " + head + b'"choices":[{"index":0,"delta":{"content":' + word + b'},"logprobs":null,"finish_reason":null}],"obfuscation":"q3"}\n\n')
    events.append(b"data: " + head + b'"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n')
    events.append(b"data: " + head + b'"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":197,"total_tokens":216}}\n\n')
    events.append(b"data: [DONE]\n\n")
    return events


def floor_run(client: httpx.Client, tp: Any) -> int:
    decode = msgspec.json.Decoder(tp).decode
    count = 0
    with client.stream("POST", "http://bench.local/v1/chat/completions") as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                data = line[6:]
                if data == "[DONE]":
                    break
                decode(data)
                count += 1
    return count


def openai_fn_run(client: httpx.Client, tp: Any) -> int:
    decoder = StreamDecoder(tp)
    response = client.send(client.build_request("POST", "http://bench.local/v1/chat/completions"), stream=True)
    count = 0
    with Stream[Any](response=response, decoder=decoder) as stream:
        for _ in stream:
            count += 1
    return count


def official_runner(events: list[bytes]) -> Callable[[], int] | None:
    try:
        import httpx2  # pyright: ignore[reportMissingImports]
        import openai  # pyright: ignore[reportMissingImports]
    except ImportError:
        return None

    def handler(request: Any) -> Any:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=iter(events))  # pyright: ignore

    official_client: Any = cast(Any, openai.OpenAI)  # pyright: ignore[reportUnknownMemberType]
    client: Any = official_client(
        api_key="sk-bench",
        base_url="http://bench.local/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),  # pyright: ignore
    )

    def run() -> int:
        count = 0
        for _ in client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True):
            count += 1
        return count

    return run


def measure(fn: Callable[[], int], rounds: int, expected: int) -> list[float]:
    for _ in range(max(3, rounds // 20)):  # warm up caches and the pool
        got = fn()
        assert got == expected, f"{fn} decoded {got} chunks, expected {expected}"
    times: list[float] = []
    gc.collect()
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--chunks", type=int, default=200)
    args = parser.parse_args()
    events = make_events(args.chunks)
    tp = chunk_type()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_iterate(events))

    client = httpx.Client(transport=httpx.MockTransport(handler))
    runners: dict[str, Callable[[], int]] = {
        "floor (httpx iter_lines + msgspec)": lambda: floor_run(client, tp),
        "openai_fn Stream": lambda: openai_fn_run(client, tp),
    }
    official = official_runner(events)
    if official is not None:
        runners["openai (official)"] = official
    results: dict[str, float] = {}
    # Interleave rounds so drift (CPU frequency, other load) hits every contender alike.
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(5):
        for name, fn in runners.items():
            samples[name] += measure(fn, args.rounds // 5, args.chunks)
    for name, times in samples.items():
        results[name] = statistics.median(times)
    floor = results["floor (httpx iter_lines + msgspec)"]
    print(f"{args.chunks}-chunk chat stream, typed decode ({getattr(tp, '__module__', '')}.{tp.__name__}); medians of {args.rounds} runs")
    for name, median in results.items():
        print(f"  {name:<36} {median * 1e6:9.1f} µs/stream  {median / args.chunks * 1e6:6.2f} µs/chunk  {median / floor:5.2f}× floor")


def _iterate(events: list[bytes]) -> Iterator[bytes]:
    yield from events


if __name__ == "__main__":
    main()
