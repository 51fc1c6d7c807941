"""The synchronous executor: runs Request values over an ``httpx.Client``."""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, overload

import httpx
from returns.result import Result, Success

from ..core.config import ClientConfig, Credential
from ..core.decoders import StreamDecoder
from ..core.decoding import decode_success
from ..core.engine import Finished, NeedCredential, Raised, Received, Send, attempts
from ..core.errors import OpenAIError
from ..core.policies import RetryPolicy, TimeoutLike
from ..core.request import UNSET, MultipartBody, Request, UnsetType
from ..core.stream_types import Stream
from .base import (
    DEFAULT_LIMITS,
    NETWORK_ERRORS,
    build_config,
    httpx_request,
    map_exception,
    with_cheap_cookies,
)
from .response import APIResponse, StreamedResponse
from .shared import ExecutorSettings

if TYPE_CHECKING:
    from ..core.pages import Page
    from ..facade import _typed
    from ..facade.webhooks import Webhooks
    from .pagination import SyncPager

__all__ = ["OpenAI"]

T = TypeVar("T")
E = TypeVar("E")


class OpenAI(ExecutorSettings[httpx.Client]):
    """Runs requests synchronously; every network or server outcome comes back as a ``Result``.

    Configuration comes from the arguments, then the environment (``OPENAI_API_KEY``,
    ``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``, ``OPENAI_BASE_URL``), then the official SDK's
    defaults. ``with_options`` makes a new executor on the same connection pool.
    """

    is_async = False

    if TYPE_CHECKING:
        # The namespaces ``__getattr__`` makes (``client.chat.completions.create``), for type checkers:
        # the classes are generated into ``openai_fn/facade/_typed.py`` (``python -m codegen``).
        admin: _typed.Admin
        audio: _typed.Audio
        batches: _typed.Batches
        beta: _typed.Beta
        chat: _typed.Chat
        completions: _typed.Completions
        containers: _typed.Containers
        content_provenance_checks: _typed.ContentProvenanceChecks
        conversations: _typed.Conversations
        embeddings: _typed.Embeddings
        evals: _typed.Evals
        files: _typed.Files
        fine_tuning: _typed.FineTuning
        images: _typed.Images
        models: _typed.Models
        moderations: _typed.Moderations
        realtime: _typed.Realtime
        responses: _typed.Responses
        skills: _typed.Skills
        uploads: _typed.Uploads
        vector_stores: _typed.VectorStores
        videos: _typed.Videos
        webhooks: Webhooks
        with_raw_response: _typed.WithRawResponse
        with_streaming_response: _typed.WithStreamingResponse

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
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
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
            httpx.Client(transport=transport, limits=DEFAULT_LIMITS, follow_redirects=True, timeout=None)
        )

    # -- running --------------------------------------------------------------------------------

    @overload
    def run(self, request: Request[Stream[E]]) -> Result[Stream[E], OpenAIError]: ...
    @overload
    def run(self, request: Request[T]) -> Result[T, OpenAIError]: ...
    def run(self, request: Request[Any]) -> Result[Any, OpenAIError]:
        """Send ``request`` (retrying as the policy says) and decode the answer into its declared type."""
        finished = self._drive(request, stream=None)
        if not isinstance(finished.result, Success):
            return finished.result
        response: httpx.Response = finished.result.unwrap()
        if request.streams:
            return Success(self._stream(response, request))
        return decode_success(request, response)

    def run_raw(self, request: Request[T]) -> Result[APIResponse[T], OpenAIError]:
        """Like ``run``, with the HTTP metadata: headers, status, request id, retries taken; ``.parse()`` decodes."""
        finished = self._drive(request, stream=None)
        if not isinstance(finished.result, Success):
            return finished.result
        response: httpx.Response = finished.result.unwrap()
        parse_stream = (lambda: self._stream(response, request)) if request.streams else None
        return Success(APIResponse(response, request, finished.retries_taken, parse_stream))

    @contextmanager
    def open(self, request: Request[T]) -> Generator[Result[StreamedResponse[T], OpenAIError]]:
        """Send ``request`` and yield the answer with its body unread; the connection is released on exit."""
        finished = self._drive(request, stream=True)
        if not isinstance(finished.result, Success):
            yield finished.result
            return
        response: httpx.Response = finished.result.unwrap()
        try:
            yield Success(StreamedResponse(response, request, finished.retries_taken))
        finally:
            response.close()

    @overload
    def paginate(self, request: Request[Page[T]], *, pages: Literal[False] = False) -> SyncPager[T]: ...
    @overload
    def paginate(self, request: Request[Page[T]], *, pages: Literal[True]) -> SyncPager[Page[T]]: ...
    def paginate(self, request: Request[Page[Any]], *, pages: bool = False) -> SyncPager[Any]:
        """Iterate over every item (or page, with ``pages=True``) lazily, fetching pages on demand."""
        from .pagination import SyncPager

        return SyncPager(self.run, request, pages=pages)

    def close(self) -> None:
        """Close the connection pool (if this executor made it; executors from ``with_options`` share it)."""
        if self._owns_client:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the I/O edge -----------------------------------------------------------------------------

    def _stream(self, response: httpx.Response, request: Request[Any]) -> Any:
        from .streams import Stream as StreamIterator

        decoder = request.decoder
        assert isinstance(decoder, StreamDecoder)
        return StreamIterator[Any](response=response, decoder=decoder)

    def _drive(self, request: Request[Any], *, stream: bool | None) -> Finished:
        plan = attempts(request, self.config, is_async=False, stream=stream)
        step = next(plan)
        try:
            while True:
                if isinstance(step, NeedCredential):
                    step = plan.send(_credential(self.config.credential))
                elif isinstance(step, Send):
                    step = plan.send(self._send(step))
                else:
                    time.sleep(step.seconds)
                    step = next(plan)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]

    def _send(self, step: Send) -> Received | Raised:
        wire = step.wire
        body = wire.body
        content: Any = wire.content
        content_type: str | None = None
        if isinstance(body, MultipartBody):
            from .bodies import sync_multipart

            content, content_type = sync_multipart(body)
        elif content is None and body is not None:
            content = getattr(body, "content", None)
        http_request = httpx_request(wire, content, content_type, self._http.cookies)
        try:
            response = self._http.send(http_request, stream=True)
        except NETWORK_ERRORS as exc:
            return Raised(map_exception(exc, http_request))
        if not (step.stream and response.is_success):
            try:
                response.read()
            except NETWORK_ERRORS as exc:
                response.close()
                return Raised(map_exception(exc, http_request))
            except BaseException:  # interrupted: give the connection back before going
                response.close()
                raise
        return Received(response)


def _credential(credential: Credential) -> str | BaseException | None:
    """The credential for this attempt: called again each time when it is a function."""
    if credential is None or isinstance(credential, str):
        return credential
    try:
        value: object = credential()
    except Exception as exc:
        return exc
    if not isinstance(value, str):
        close = getattr(value, "close", None)
        if callable(close):
            close()  # an un-awaited coroutine: an async provider given to the sync executor
        return TypeError(f"api_key: the provider returned {type(value).__name__}, expected str")
    return value


