"""The asynchronous executor: runs Request values over an ``httpx.AsyncClient``, on asyncio or trio (anyio)."""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, overload

import anyio
import httpx
from returns.result import Result, Success

from ..core.config import ClientConfig, Credential
from ..core.decoders import StreamDecoder
from ..core.decoding import decode_success
from ..core.engine import Finished, NeedCredential, Raised, Received, Send, attempts
from ..core.errors import OpenAIError
from ..core.policies import RetryPolicy, TimeoutLike
from ..core.request import UNSET, MultipartBody, Request, UnsetType
from ..core.stream_types import AsyncStream, Stream
from .base import (
    DEFAULT_LIMITS,
    NETWORK_ERRORS,
    ShardedAsyncTransport,
    build_config,
    httpx_request,
    map_exception,
    with_cheap_cookies,
)
from .response import APIResponse, AsyncStreamedResponse
from .shared import ExecutorSettings

if TYPE_CHECKING:
    from ..core.pages import Page
    from ..facade import _typed
    from ..facade.webhooks import Webhooks
    from .pagination import AsyncPager

__all__ = ["AsyncOpenAI"]

T = TypeVar("T")
E = TypeVar("E")


class AsyncOpenAI(ExecutorSettings[httpx.AsyncClient]):
    """Runs requests asynchronously (asyncio or trio); every network or server outcome comes back as a ``Result``.

    Configuration comes from the arguments, then the environment (``OPENAI_API_KEY``,
    ``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``, ``OPENAI_BASE_URL``), then the official SDK's
    defaults. ``with_options`` makes a new executor on the same connection pool.
    """

    is_async = True

    if TYPE_CHECKING:
        # The namespaces ``__getattr__`` makes (``client.chat.completions.create``), for type checkers:
        # the classes are generated into ``openai_fn/facade/_typed.py`` (``python -m codegen``).
        admin: _typed.AsyncAdmin
        audio: _typed.AsyncAudio
        batches: _typed.AsyncBatches
        beta: _typed.AsyncBeta
        chat: _typed.AsyncChat
        completions: _typed.AsyncCompletions
        containers: _typed.AsyncContainers
        content_provenance_checks: _typed.AsyncContentProvenanceChecks
        conversations: _typed.AsyncConversations
        embeddings: _typed.AsyncEmbeddings
        evals: _typed.AsyncEvals
        files: _typed.AsyncFiles
        fine_tuning: _typed.AsyncFineTuning
        images: _typed.AsyncImages
        models: _typed.AsyncModels
        moderations: _typed.AsyncModerations
        realtime: _typed.AsyncRealtime
        responses: _typed.AsyncResponses
        skills: _typed.AsyncSkills
        uploads: _typed.AsyncUploads
        vector_stores: _typed.AsyncVectorStores
        videos: _typed.AsyncVideos
        webhooks: Webhooks
        with_raw_response: _typed.AsyncWithRawResponse
        with_streaming_response: _typed.AsyncWithStreamingResponse

    def __init__(
        self,
        *,
        api_key: Credential = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutLike | UnsetType = UNSET,
        max_retries: int | UnsetType = UNSET,
        retry: RetryPolicy | None = None,
        default_headers: Mapping[str, str | None] | None = None,
        default_query: Mapping[str, object] | None = None,
        webhook_secret: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        self.config = config or build_config(
            api_key=api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            default_headers=default_headers,
            default_query=default_query,
            webhook_secret=webhook_secret,
        )
        if http_client is not None and transport is not None:
            raise ValueError("http_client and transport: pass one or the other, not both")
        self._owns_client = http_client is None
        self._http = http_client or with_cheap_cookies(
            httpx.AsyncClient(
                transport=transport or ShardedAsyncTransport(DEFAULT_LIMITS),
                limits=DEFAULT_LIMITS,
                follow_redirects=True,
                timeout=None,
            )
        )

    # -- running --------------------------------------------------------------------------------

    @overload
    async def run(self, request: Request[Stream[E]]) -> Result[AsyncStream[E], OpenAIError]: ...
    @overload
    async def run(self, request: Request[T]) -> Result[T, OpenAIError]: ...
    async def run(self, request: Request[Any]) -> Result[Any, OpenAIError]:
        """Send ``request`` (retrying as the policy says) and decode the answer into its declared type."""
        finished = await self._drive(request, stream=None)
        if not isinstance(finished.result, Success):
            return finished.result
        response: httpx.Response = finished.result.unwrap()
        if request.streams:
            return Success(self._stream(response, request))
        return decode_success(request, response)

    async def run_raw(self, request: Request[T]) -> Result[APIResponse[T], OpenAIError]:
        """Like ``run``, with the HTTP metadata: headers, status, request id, retries taken; ``.parse()`` decodes."""
        finished = await self._drive(request, stream=None)
        if not isinstance(finished.result, Success):
            return finished.result
        response: httpx.Response = finished.result.unwrap()
        parse_stream = (lambda: self._stream(response, request)) if request.streams else None
        return Success(APIResponse(response, request, finished.retries_taken, parse_stream))

    @asynccontextmanager
    async def open(self, request: Request[T]) -> AsyncGenerator[Result[AsyncStreamedResponse[T], OpenAIError]]:
        """Send ``request`` and yield the answer with its body unread; the connection is released on exit."""
        finished = await self._drive(request, stream=True)
        if not isinstance(finished.result, Success):
            yield finished.result
            return
        response: httpx.Response = finished.result.unwrap()
        try:
            yield Success(AsyncStreamedResponse(response, request, finished.retries_taken))
        finally:
            await response.aclose()

    @overload
    def paginate(self, request: Request[Page[T]], *, pages: Literal[False] = False) -> AsyncPager[T]: ...
    @overload
    def paginate(self, request: Request[Page[T]], *, pages: Literal[True]) -> AsyncPager[Page[T]]: ...
    def paginate(self, request: Request[Page[Any]], *, pages: bool = False) -> AsyncPager[Any]:
        """Iterate over every item (or page, with ``pages=True``) lazily, fetching pages on demand."""
        from .pagination import AsyncPager

        return AsyncPager(self.run, request, pages=pages)

    async def close(self) -> None:
        """Close the connection pool (if this executor made it; executors from ``with_options`` share it)."""
        if self._owns_client:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- the I/O edge -----------------------------------------------------------------------------

    def _stream(self, response: httpx.Response, request: Request[Any]) -> Any:
        from .streams import AsyncStream as StreamIterator

        decoder = request.decoder
        assert isinstance(decoder, StreamDecoder)
        return StreamIterator[Any](response=response, decoder=decoder)

    async def _drive(self, request: Request[Any], *, stream: bool | None) -> Finished:
        plan = attempts(request, self.config, is_async=True, stream=stream)
        step = next(plan)
        try:
            while True:
                if isinstance(step, NeedCredential):
                    step = plan.send(await _credential(self.config.credential))
                elif isinstance(step, Send):
                    step = plan.send(await self._send(step))
                else:
                    await anyio.sleep(step.seconds)
                    step = next(plan)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    async def _send(self, step: Send) -> Received | Raised:
        wire = step.wire
        body = wire.body
        content: Any = wire.content
        content_type: str | None = None
        if isinstance(body, MultipartBody):
            from .bodies import async_multipart

            content, content_type = await async_multipart(body)
        elif content is None and body is not None:
            content = getattr(body, "content", None)
        http_request = httpx_request(wire, content, content_type, self._http.cookies)
        try:
            response = await self._http.send(http_request, stream=True)
        except NETWORK_ERRORS as exc:
            return Raised(map_exception(exc, http_request))
        if not (step.stream and response.is_success):
            try:
                await response.aread()
            except NETWORK_ERRORS as exc:
                await response.aclose()
                return Raised(map_exception(exc, http_request))
            except BaseException:  # cancelled: give the connection back before going
                with anyio.CancelScope(shield=True):
                    await response.aclose()
                raise
        return Received(response)


async def _credential(credential: Credential) -> str | BaseException | None:
    """The credential for this attempt: called again each time when it is a function."""
    if credential is None or isinstance(credential, str):
        return credential
    try:
        value: object = credential()
        if inspect.isawaitable(value):
            value = await value
    except Exception as exc:
        return exc
    if not isinstance(value, str):
        return TypeError(f"api_key: the provider returned {type(value).__name__}, expected str")
    return value


