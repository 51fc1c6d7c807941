"""What the sync and async executors share: configuration, overrides, and the httpx seams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, TypeVar

import httpx
import msgspec

from ..core.config import ClientConfig, Credential, config_from_env
from ..core.errors import APIConnectionError, APITimeoutError
from ..core.logs import setup_logging
from ..core.policies import RetryPolicy, Timeout, TimeoutLike, to_timeout
from ..core.query import encode_query
from ..core.request import UNSET, UnsetType
from ..core.wire import WireRequest

__all__ = [
    "DEFAULT_LIMITS",
    "ShardedAsyncTransport",
    "build_config",
    "httpx_request",
    "map_exception",
    "override_config",
]

DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
"""The official SDK's pool: 1000 connections, 100 kept alive."""


def build_config(
    *,
    api_key: Credential,
    organization: str | None,
    project: str | None,
    base_url: str | None,
    timeout: TimeoutLike | UnsetType,
    max_retries: int | UnsetType,
    retry: RetryPolicy | None,
    default_headers: Mapping[str, str | None] | None,
    default_query: Mapping[str, object] | None,
    webhook_secret: str | None,
) -> ClientConfig:
    """The constructor's arguments over the environment over the SDK's defaults."""
    setup_logging()
    config = config_from_env(
        api_key=api_key,
        organization=organization,
        project=project,
        base_url=base_url,
        webhook_secret=webhook_secret,
    )
    return override_config(
        config,
        timeout=timeout,
        max_retries=max_retries,
        retry=retry,
        default_headers=default_headers,
        default_query=default_query,
    )


def override_config(
    config: ClientConfig,
    *,
    api_key: Credential | UnsetType = UNSET,
    organization: str | UnsetType | None = UNSET,
    project: str | UnsetType | None = UNSET,
    base_url: str | UnsetType = UNSET,
    timeout: TimeoutLike | UnsetType = UNSET,
    max_retries: int | UnsetType = UNSET,
    retry: RetryPolicy | None = None,
    default_headers: Mapping[str, str | None] | None = None,
    default_query: Mapping[str, object] | None = None,
    webhook_secret: str | UnsetType | None = UNSET,
) -> ClientConfig:
    """A new config; UNSET keeps a setting, ``None`` clears organization/project. Headers and query merge."""
    changes: dict[str, Any] = {}
    if api_key is not UNSET:
        changes["credential"] = api_key
    if organization is not UNSET:
        changes["organization"] = organization
    if project is not UNSET:
        changes["project"] = project
    if base_url is not UNSET:
        if not isinstance(base_url, str) or not base_url:
            raise ValueError(f"base_url: expected a URL such as 'https://api.openai.com/v1', got {base_url!r}")
        changes["base_url"] = base_url.rstrip("/")
    if webhook_secret is not UNSET:
        changes["webhook_secret"] = webhook_secret
    if timeout is not UNSET:
        changes["timeout"] = to_timeout(timeout)
    policy = retry if retry is not None else config.retry
    if max_retries is not UNSET:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool):
            raise TypeError(f"max_retries: expected an integer, got {type(max_retries).__name__}")
        policy = msgspec.structs.replace(policy, max_retries=max_retries)
    if policy is not config.retry:
        changes["retry"] = policy
    if default_headers:
        merged = dict(config.default_headers)
        merged.update({name.lower(): value for name, value in default_headers.items()})
        changes["default_headers"] = tuple(merged.items())
    if default_query:
        changes["default_query"] = config.default_query + encode_query(default_query)
    return msgspec.structs.replace(config, **changes) if changes else config


class SetCookieOnlyJar(httpx.Cookies):
    """Cookies that read an answer only when it sets one.

    httpx offers every answer to its cookie jar, which builds a urllib copy of the request with
    all its headers first: about 55 µs a call with the SDK's thirteen headers, a fifth of a small
    call's client-side cost. The API sets no cookies, so answers without ``Set-Cookie`` are
    skipped; answers with one are handled exactly as before.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


HttpClientT = TypeVar("HttpClientT", httpx.Client, httpx.AsyncClient)


def with_cheap_cookies(client: HttpClientT) -> HttpClientT:
    """Give a client this package made a :class:`SetCookieOnlyJar` (a user's own client is left alone)."""
    if isinstance(getattr(client, "_cookies", None), httpx.Cookies):
        client._cookies = SetCookieOnlyJar(client.cookies)  # pyright: ignore[reportAttributeAccessIssue]
    return client


def httpx_timeout(timeout: Timeout) -> dict[str, float | None]:
    return {"connect": timeout.connect, "read": timeout.read, "write": timeout.write, "pool": timeout.pool}


def httpx_request(
    wire: WireRequest, content: Any, content_type: str | None = None, cookies: httpx.Cookies | None = None
) -> httpx.Request:
    """The wire request as an ``httpx.Request``, built directly (no client-side merging: it is all resolved).

    The client's cookies, if it holds any, are added as ``client.build_request`` would.
    """
    headers = wire.headers
    if content_type is not None:
        headers = [*headers, ("content-type", content_type)]
    length = getattr(content, "content_length", None)
    if isinstance(length, int):  # a streamed body of known size goes without chunked encoding
        headers = [*headers, ("content-length", str(length))]
    request = httpx.Request(
        wire.method,
        parsed_url(wire.url),
        headers=headers,
        content=content,
        extensions={"timeout": httpx_timeout(wire.timeout)},
    )
    if cookies:
        cookies.set_cookie_header(request)
    return request


_URLS: dict[str, httpx.URL] = {}
_URLS_MAX = 256


def parsed_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``, remembered: parsing is a quarter of building a request, and URLs repeat.

    ``httpx.URL`` values are immutable, so one can serve every request to that URL. The memo is
    bounded (emptied when full), so varying URLs (page cursors) cost a parse, never memory.
    """
    found = _URLS.get(url)
    if found is None:
        if len(_URLS) >= _URLS_MAX:
            _URLS.clear()
        found = _URLS[url] = httpx.URL(url)
    return found


def map_exception(exc: Exception, request: httpx.Request | None) -> APIConnectionError:
    """httpx's transport failures as the SDK's two connection errors."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    return APIConnectionError(f"Connection error: {type(exc).__name__}: {exc}".rstrip(": "), request=request)


NETWORK_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, OSError)
"""What ``send``/``read`` may raise for network reasons; anything else is a bug and propagates."""


POOL_SHARDS = 8
"""How many connection pools the async executor's own transport spreads its connections over."""


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """The default async transport: ``DEFAULT_LIMITS`` spread over a few httpcore pools.

    httpcore's pool rescans every connection (and, for each idle one, every connection again)
    each time a request enters or leaves it, so one pool of 100 busy keep-alive connections
    spends most of a request's CPU time on bookkeeping (profiled: ~70 % at concurrency 100).
    Each request goes to the pool with the fewest requests in flight (ties: the first), so
    sequential use keeps one connection in the first pool, and at high concurrency every pool
    holds 1/``shards`` of the connections. Pools are made on first use, sharing one SSL context.
    """

    def __init__(self, limits: httpx.Limits = DEFAULT_LIMITS, shards: int = POOL_SHARDS) -> None:
        self._shards = max(1, shards)

        def split(value: int | None) -> int | None:
            return None if value is None else max(1, -(-value // self._shards))

        self._limits = httpx.Limits(
            max_connections=split(limits.max_connections),
            max_keepalive_connections=split(limits.max_keepalive_connections),
            keepalive_expiry=limits.keepalive_expiry,
        )
        self._pools: list[httpx.AsyncHTTPTransport | None] = [None] * self._shards
        self._in_flight = [0] * self._shards
        self._ssl: Any = None

    def _pool(self, index: int) -> httpx.AsyncHTTPTransport:
        pool = self._pools[index]
        if pool is None:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            pool = self._pools[index] = httpx.AsyncHTTPTransport(verify=self._ssl, limits=self._limits)
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        in_flight = self._in_flight
        index = in_flight.index(min(in_flight))
        in_flight[index] += 1
        try:
            response = await self._pool(index).handle_async_request(request)
        except BaseException:
            in_flight[index] -= 1
            raise
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _Release(stream, in_flight, index)
        return response

    async def aclose(self) -> None:
        for pool in self._pools:
            if pool is not None:
                await pool.aclose()


class _Release(httpx.AsyncByteStream):
    """A response body that gives its pool's in-flight slot back when closed."""

    __slots__ = ("_in_flight", "_index", "_open", "_stream")

    def __init__(self, stream: httpx.AsyncByteStream, in_flight: list[int], index: int) -> None:
        self._stream = stream
        self._in_flight = in_flight
        self._index = index
        self._open = True

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._in_flight[self._index] -= 1
        await self._stream.aclose()
