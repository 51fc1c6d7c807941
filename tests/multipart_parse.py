"""Reading a multipart/form-data body back into its parts, with the stdlib ``email`` parser (test helper)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    content: bytes


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    """The parts of ``body`` in order; fails loudly on anything that is not well-formed multipart."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    assert message.is_multipart(), "not a multipart body"
    assert not message.defects, message.defects
    parts: list[Part] = []
    for part in message.iter_parts():
        assert isinstance(part, Message)
        assert part.get_content_disposition() == "form-data"
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        parts.append(
            Part(
                name=name,
                filename=filename if isinstance(filename, str) else None,
                content_type=part.get("content-type"),
                content=payload,
            )
        )
    return parts
