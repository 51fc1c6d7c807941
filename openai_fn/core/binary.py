"""Binary answers (file contents, speech audio, video, zips) as bytes that know how to save themselves."""

from __future__ import annotations

import os

__all__ = ["BinaryContent"]


class BinaryContent(bytes):
    """The whole body of a binary answer; ``content_type`` is the server's, when it said one."""

    content_type: str | None
    _request_id: str | None

    def __new__(cls, content: bytes, content_type: str | None = None, request_id: str | None = None) -> BinaryContent:
        value = super().__new__(cls, content)
        value.content_type = content_type
        value._request_id = request_id
        return value

    def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Save to ``path`` (for answers too big to hold, use ``executor.open(request)`` and stream instead)."""
        with open(path, "wb") as file:
            file.write(self)

    def __repr__(self) -> str:
        return f"BinaryContent({len(self)} bytes, content_type={self.content_type!r})"
