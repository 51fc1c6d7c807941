"""From a ``Request`` and a config to exactly what goes on the wire for one attempt (pure)."""

from __future__ import annotations

import functools
import platform
import sys
from typing import Any
from urllib.parse import urlencode

import msgspec

from .._version import __version__
from .config import ClientConfig
from .policies import Timeout
from .request import JsonBody, MultipartBody, RawBody, Request, RequestBody, merge_query, redact_header

__all__ = ["RETRY_COUNT_HEADER", "WireRequest", "build_wire", "platform_headers"]

RETRY_COUNT_HEADER = "x-stainless-retry-count"
IDEMPOTENCY_HEADER = "idempotency-key"


class WireRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One attempt, fully resolved: the executor turns it into an ``httpx.Request`` and sends it."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: RequestBody | None
    timeout: Timeout

    @property
    def content(self) -> bytes | None:
        """The bytes of a JSON or raw-bytes body; multipart and streamed bodies are encoded by the executor."""
        body = self.body
        if isinstance(body, JsonBody):
            return body.data
        if isinstance(body, RawBody) and isinstance(body.content, bytes):
            return body.content
        return None

    def loggable_headers(self) -> dict[str, str | None]:
        return {name: redact_header(name, value) for name, value in self.headers}


@functools.cache
def platform_headers() -> tuple[tuple[str, str], ...]:
    """What the official SDK says about itself, computed once per process."""
    return (
        ("user-agent", f"openai-fn/python {__version__}"),
        ("x-stainless-lang", "python"),
        ("x-stainless-package-version", __version__),
        ("x-stainless-os", _os_name()),
        ("x-stainless-arch", _arch()),
        ("x-stainless-runtime", platform.python_implementation()),
        ("x-stainless-runtime-version", platform.python_version()),
    )


def _os_name() -> str:
    names = {"darwin": "MacOS", "linux": "Linux", "win32": "Windows", "freebsd": "FreeBSD", "openbsd": "OpenBSD"}
    for prefix, name in names.items():
        if sys.platform.startswith(prefix):
            return name
    return f"Other:{sys.platform}"


def _arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64", "i386": "x32"}.get(machine, machine)


def build_wire(
    request: Request[Any],
    config: ClientConfig,
    *,
    retries_taken: int,
    idempotency_key: str | None,
    credential: str | None,
    is_async: bool = False,
) -> WireRequest:
    """Headers in precedence order (later wins): protocol and platform, auth, config defaults, the request's own.

    A header set to ``None`` by the config or the request is removed.
    """
    headers: dict[str, str | None] = {"accept": "application/json"}
    body = request.body
    if isinstance(body, JsonBody):
        headers["content-type"] = "application/json"
    elif isinstance(body, RawBody):
        headers["content-type"] = body.content_type
    elif isinstance(body, MultipartBody):
        headers["content-type"] = None  # set with its boundary when the body is encoded
    headers.update(platform_headers())
    headers["x-stainless-async"] = f"async:{_async_lib()}" if is_async else "false"
    if credential:
        headers[config.credential_header] = config.credential_prefix + credential
    if config.organization:
        headers["openai-organization"] = config.organization
    if config.project:
        headers["openai-project"] = config.project
    if idempotency_key:
        headers[IDEMPOTENCY_HEADER] = idempotency_key
    headers[RETRY_COUNT_HEADER] = str(retries_taken)
    for name, value in config.default_headers:
        headers[name] = value
    for name, value in request.headers:
        headers[name] = value
    url = config.base_url + request.path
    query = merge_query(config.default_query, request.query) if config.default_query else request.query
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    return WireRequest(
        method=request.method,
        url=url,
        headers=[(name, value) for name, value in headers.items() if value is not None],
        body=body,
        timeout=request.options.timeout or config.timeout,
    )


def _async_lib() -> str:
    try:
        import sniffio

        return sniffio.current_async_library()
    except Exception:
        return "unknown"
