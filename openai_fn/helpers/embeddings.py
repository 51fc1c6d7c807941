"""Embeddings the compact way: ask for base64 (as the official SDK does) and keep the floats packed.

The API sends each vector as the base64 of little-endian float32s. :func:`create` builds the
embeddings request with ``encoding_format="base64"`` and a decoder whose ``embedding`` field is
``bytes``: msgspec undoes the base64 while it parses the JSON, in C, and each vector stays the
packed 4-bytes-per-float buffer (6 KiB for 1536 dimensions, against about 50 KiB as a Python list
of floats). :attr:`Base64Embedding.vector` views it as floats without copying::

    from openai_fn.helpers import embeddings as emb

    answer = client.run(emb.create(model="text-embedding-3-small", input=["a", "b"])).unwrap()
    first = answer.data[0].vector          # memoryview of float32: len(), [i], iteration, buffer protocol
    numpy.frombuffer(first, numpy.float32) # zero-copy, if you use numpy
    answer.vectors()                       # one per input, in ``index`` order

Everything here is pure (no I/O); run the request with any executor.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import msgspec

from ..core.decoders import JsonDecoder
from ..core.model import BaseModel
from ..core.request import Request

__all__ = [
    "Base64Embedding",
    "Base64EmbeddingUsage",
    "Base64Embeddings",
    "FloatVector",
    "create",
    "decode_vector",
]

if TYPE_CHECKING:
    FloatVector: TypeAlias = "memoryview[float] | array[float]"
else:
    FloatVector = memoryview | array
"""A packed float32 vector: a zero-copy ``memoryview`` (format ``"f"``) on little-endian hosts,
an ``array('f')`` (byte-swapped copy) on big-endian ones. Both index, iterate and export a buffer."""

_LITTLE = sys.byteorder == "little"


def decode_vector(packed: bytes) -> FloatVector:
    """The float32 vector in ``packed`` (the bytes behind one base64 embedding), without a copy where possible."""
    if len(packed) % 4:
        raise ValueError(f"an embedding must be a whole number of float32s, got {len(packed)} bytes")
    if _LITTLE:
        return memoryview(packed).cast("f")
    floats = array("f", packed)  # pragma: no cover - big-endian hosts only
    floats.byteswap()  # pragma: no cover
    return floats  # pragma: no cover


def _as_vector(embedding: bytes | list[float]) -> FloatVector:
    return decode_vector(embedding) if isinstance(embedding, bytes) else array("f", embedding)


class Base64Embedding(BaseModel, frozen=True, kw_only=True):
    """One embedding as sent with ``encoding_format="base64"``: ``embedding`` holds the packed float32 bytes."""

    index: int = 0
    embedding: bytes | list[float] = b""
    """The little-endian float32s of the vector (msgspec decoded the base64 while parsing), or the
    floats themselves from a server that ignores ``encoding_format`` (the official SDK accepts both too)."""
    object: str = "embedding"

    @property
    def vector(self) -> FloatVector:
        """The vector as floats, viewing ``embedding`` (no copy on little-endian hosts)."""
        return _as_vector(self.embedding)

    def to_list(self) -> list[float]:
        """The vector as a Python list of floats (what ``encoding_format="float"`` would give)."""
        return cast("list[float]", self.vector.tolist())


class Base64EmbeddingUsage(BaseModel, frozen=True, kw_only=True):
    prompt_tokens: int = 0
    total_tokens: int = 0


class Base64Embeddings(BaseModel, frozen=True, kw_only=True):
    """The embeddings answer with packed vectors; ``data`` is in the order the API sent it."""

    data: list[Base64Embedding] = msgspec.field(default_factory=list[Base64Embedding])
    model: str = ""
    object: str = "list"
    usage: Base64EmbeddingUsage | None = None

    def vectors(self) -> list[FloatVector]:
        """One float vector per input, in input (``index``) order."""
        items = self.data
        if any(item.index != position for position, item in enumerate(items)):
            items = sorted(items, key=lambda item: item.index)
        return [_as_vector(item.embedding) for item in items]


_DECODER = JsonDecoder(Base64Embeddings)


def create(
    *,
    input: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
    model: str,
    dimensions: int | msgspec.UnsetType = msgspec.UNSET,
    user: str | msgspec.UnsetType = msgspec.UNSET,
) -> Request[Base64Embeddings]:
    """``embeddings.create(..., encoding_format="base64")``, decoded into :class:`Base64Embeddings`.

    The request is the generated builder's (same validation, same wire bytes); only its decoder differs.
    """
    from ..endpoints import embeddings

    request: Request[Any] = embeddings.create(
        input=input, model=model, encoding_format="base64", dimensions=dimensions, user=user
    )
    return cast("Request[Base64Embeddings]", msgspec.structs.replace(request, decoder=_DECODER))
