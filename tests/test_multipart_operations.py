"""Every multipart operation of the API takes every file form and puts it on the wire as a file part."""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_fn.core.request import MultipartBody
from openai_fn.executors.bodies import sync_multipart
from openai_fn.registry import Operation, operations
from tests.multipart_parse import parse_multipart

MULTIPART = [op for op in operations() if "multipart_body(" in inspect.getsource(op.builder)]

# Values for the required non-file arguments, by name (the spec's own examples where it has them).
PLAIN = {
    "model": "whisper-1", "name": "voice", "language": "en-US", "consent": "cons_123", "container_id": "cntr_1",
    "purpose": "batch", "prompt": "a cat", "upload_id": "upload_1", "skill_id": "skill_1", "seconds": "8",
    "sdp": "v=0",
}


def file_params(op: Operation) -> list[str]:
    return [name for name, p in inspect.signature(op.builder).parameters.items() if "FileInput" in str(p.annotation)]


def test_all_multipart_operations_are_covered() -> None:
    # 18 in the spec; CreateVideoRemix is generated as JSON (its multipart form has no file field).
    assert len(MULTIPART) == 17, sorted(op.operation_id for op in MULTIPART)
    assert sum(1 for op in MULTIPART if file_params(op)) == 16  # create-realtime-call sends the SDP as a field


def forms(tmp_path: Path) -> Iterator[tuple[str, Callable[[], Any], str]]:
    path = tmp_path / "input.wav"
    path.write_bytes(b"RIFF file contents")
    yield "bytes", lambda: b"RIFF file contents", "upload"
    yield "path", lambda: path, "input.wav"
    yield "open file", lambda: open(path, "rb"), "input.wav"  # noqa: SIM115 - closed by the test
    yield "tuple", lambda: ("clip.wav", io.BytesIO(b"RIFF file contents"), "audio/wav"), "clip.wav"


@pytest.mark.parametrize("op", [op for op in MULTIPART if file_params(op)], ids=lambda op: op.operation_id)
def test_every_file_form_reaches_the_wire(op: Operation, tmp_path: Path) -> None:
    signature = inspect.signature(op.builder)
    required = {name: PLAIN[name] for name, p in signature.parameters.items()
                if p.default is inspect.Parameter.empty and "FileInput" not in str(p.annotation)}
    file_name = file_params(op)[0]
    for form, make, filename in forms(tmp_path):
        value = make()
        try:  # the builder only describes the file; it is read when the body is encoded for sending
            body = op.builder(**required, **{file_name: value}).body
            assert isinstance(body, MultipartBody)
            content, header = sync_multipart(body)
        finally:
            close = getattr(value, "close", None)
            if callable(close):
                close()
        assert isinstance(content, bytes)
        parts = {part.name: part for part in parse_multipart(header, content)}
        file_part = parts.get(file_name) or parts[f"{file_name}[]"]
        assert (file_part.filename, file_part.content) == (filename, b"RIFF file contents"), form
        for name, text in required.items():
            if "{" + name + "}" not in op.path:
                assert parts[name].content == text.encode(), name
