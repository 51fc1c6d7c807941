"""The answers every contender reads, byte for byte the same for the mocks and the loopback server."""

from __future__ import annotations

import base64
import random
import struct
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import msgspec

from .bench_stream import make_events

__all__ = ["Payloads", "Sizes"]

CHAT_COMPLETION = msgspec.json.encode(
    {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "This is a test.", "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 5,
            "total_tokens": 17,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_44709d6fcb",
    }
)


@dataclass(frozen=True)
class Sizes:
    """How big each case is; ``Sizes.tiny()`` is for the smoke test."""

    vectors: int = 64
    dims: int = 1536
    chunks: int = 200
    files: int = 10_000
    page: int = 100

    @staticmethod
    def tiny() -> Sizes:
        return Sizes(vectors=2, dims=8, chunks=5, files=6, page=3)

    def argv(self) -> list[str]:
        return [f"--{name}={getattr(self, name)}" for name in ("vectors", "dims", "chunks", "files", "page")]


class Payloads:
    """Precomputed answers: a chat completion, base64 embeddings, stream events, and the pages of a file list."""

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes
        self.chat = CHAT_COMPLETION
        rng = random.Random(8)
        items: list[dict[str, object]] = []
        for index in range(sizes.vectors):
            floats = [rng.uniform(-0.1, 0.1) for _ in range(sizes.dims)]
            raw = struct.pack(f"<{sizes.dims}f", *floats)
            items.append({"object": "embedding", "index": index, "embedding": base64.b64encode(raw).decode()})
        self.embeddings = msgspec.json.encode(
            {
                "object": "list",
                "data": items,
                "model": "text-embedding-3-small",
                "usage": {"prompt_tokens": 8 * sizes.vectors, "total_tokens": 8 * sizes.vectors},
            }
        )
        self.events = make_events(sizes.chunks)
        self.stream = b"".join(self.events)
        self.pages: dict[str, bytes] = {}
        ids = [f"file-{n:08d}" for n in range(sizes.files)]
        for start in range(0, sizes.files, sizes.page):
            chunk = ids[start : start + sizes.page]
            body = msgspec.json.encode(
                {
                    "object": "list",
                    "data": [
                        {
                            "id": file_id,
                            "object": "file",
                            "bytes": 120_000,
                            "created_at": 1_677_610_602,
                            "filename": f"{file_id}.jsonl",
                            "purpose": "fine-tune",
                            "status": "processed",
                        }
                        for file_id in chunk
                    ],
                    "first_id": chunk[0],
                    "last_id": chunk[-1],
                    "has_more": start + sizes.page < sizes.files,
                }
            )
            self.pages["" if start == 0 else ids[start - 1]] = body

    def page(self, target: str) -> bytes:
        """The answer to ``GET /v1/files?...&after=...`` (the first page without ``after``)."""
        query = parse_qs(urlsplit(target).query)
        return self.pages.get(query.get("after", [""])[0], self.pages[""])
