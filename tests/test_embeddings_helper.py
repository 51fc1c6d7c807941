"""The base64 embeddings helper: same wire request as the builder, packed float32 vectors out."""

from __future__ import annotations

import base64
import struct

import httpx
import msgspec
import pytest
from returns.result import Success

import openai_fn as oa
from openai_fn.endpoints import embeddings
from openai_fn.helpers import embeddings as emb


def _answer(vectors: list[list[float]], *, reverse: bool = False) -> bytes:
    items = [
        {"object": "embedding", "index": i, "embedding": base64.b64encode(struct.pack(f"<{len(v)}f", *v)).decode()}
        for i, v in enumerate(vectors)
    ]
    if reverse:
        items.reverse()
    return msgspec.json.encode(
        {"object": "list", "data": items, "model": "text-embedding-3-small", "usage": {"prompt_tokens": 2, "total_tokens": 2}}
    )


def test_request_is_the_builders_with_base64() -> None:
    request = emb.create(model="text-embedding-3-small", input=["a", "b"], dimensions=4)
    built = embeddings.create(model="text-embedding-3-small", input=["a", "b"], dimensions=4, encoding_format="base64")
    assert request.body == built.body
    assert (request.method, request.path, request.headers, request.query) == (built.method, built.path, built.headers, built.query)
    assert msgspec.json.decode(request.body.data)["encoding_format"] == "base64"  # type: ignore[union-attr]
    assert request == emb.create(model="text-embedding-3-small", input=["a", "b"], dimensions=4)


def test_decode_vector_is_a_zero_copy_float32_view() -> None:
    packed = struct.pack("<3f", 0.5, -1.25, 2.0)
    vector = emb.decode_vector(packed)
    assert list(vector) == [0.5, -1.25, 2.0]
    assert len(vector) == 3
    with pytest.raises(ValueError, match="float32"):
        emb.decode_vector(b"\x00\x01\x02")


def test_runs_end_to_end_and_keeps_floats_packed() -> None:
    vectors = [[0.25, -0.5, 1.0, 2.0], [1.5, 0.0, -3.0, 4.0]]
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, headers={"x-request-id": "req_1"}, content=_answer(vectors, reverse=True))

    client = oa.OpenAI(api_key="sk-test", transport=httpx.MockTransport(handler))
    result = client.run(emb.create(model="text-embedding-3-small", input=["a", "b"]))
    assert isinstance(result, Success)
    answer = result.unwrap()
    assert isinstance(answer, emb.Base64Embeddings)
    assert answer._request_id == "req_1"
    assert [list(v) for v in answer.vectors()] == vectors  # index order, whatever the answer's order
    first = next(item for item in answer.data if item.index == 0)
    assert isinstance(first.embedding, bytes) and len(first.embedding) == 16
    assert first.to_list() == vectors[0]
    assert answer.usage is not None and answer.usage.total_tokens == 2
    assert msgspec.json.decode(seen[0])["encoding_format"] == "base64"


def test_bad_base64_is_a_validation_failure() -> None:
    body = b'{"object":"list","data":[{"object":"embedding","index":0,"embedding":"***"}],"model":"m"}'
    client = oa.OpenAI(api_key="sk-test", transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body)))
    result = client.run(emb.create(model="m", input="a"))
    assert not isinstance(result, Success)
    assert isinstance(result.failure(), oa.APIResponseValidationError)


def test_a_server_that_ignores_base64_still_decodes() -> None:
    import msgspec as _msgspec

    from openai_fn.helpers.embeddings import Base64Embeddings

    answer = _msgspec.json.decode(
        b'{"data": [{"index": 0, "embedding": [0.5, -1.0], "object": "embedding"}], "model": "m"}',
        type=Base64Embeddings,
    )
    assert answer.vectors()[0].tolist() == [0.5, -1.0]
    assert answer.data[0].to_list() == [0.5, -1.0]
