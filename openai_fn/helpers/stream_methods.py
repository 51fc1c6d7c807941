"""The SDK's ``.stream(...)`` convenience methods: run with ``stream=True``, wrap the events in a helper.

Each returns ``Result[helper, OpenAIError]`` (awaitable for an async executor): a failure before
the first event is a value like any other; failures mid-stream surface where they happen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from returns.result import Result

from ..core.errors import OpenAIError
from ..core.request import Request
from .assistant_stream import AssistantEventHandler, AsyncAssistantEventHandler
from .chat_stream import AsyncChatCompletionStream, ChatCompletionStream
from .effects import is_async_client
from .responses_stream import AsyncResponseStream, ResponseStream

if TYPE_CHECKING:
    from ..executors.async_ import AsyncOpenAI
    from ..executors.sync import OpenAI

__all__ = ["chat_completions_stream", "responses_stream", "runs_stream"]

H = TypeVar("H", bound=AssistantEventHandler)
AH = TypeVar("AH", bound=AsyncAssistantEventHandler)


def _run_wrapped(
    client: Any, request: Request[Any], wrap: Callable[[Any], Any]
) -> Result[Any, OpenAIError] | Awaitable[Result[Any, OpenAIError]]:
    if is_async_client(client):

        async def run_async() -> Result[Any, OpenAIError]:
            result: Result[Any, OpenAIError] = await client.run(request)
            return result.map(wrap)

        return run_async()
    sync_result: Result[Any, OpenAIError] = client.run(request)
    return sync_result.map(wrap)


@overload
def chat_completions_stream(
    client: OpenAI, *, response_format: Any = None, **params: Any
) -> Result[ChatCompletionStream, OpenAIError]: ...
@overload
def chat_completions_stream(
    client: AsyncOpenAI, *, response_format: Any = None, **params: Any
) -> Awaitable[Result[AsyncChatCompletionStream, OpenAIError]]: ...
def chat_completions_stream(
    client: Any, *, response_format: Any = None, **params: Any
) -> Result[Any, OpenAIError] | Awaitable[Result[Any, OpenAIError]]:
    """``client.chat.completions.stream(...)``: a ``ChatCompletionStream`` with the SDK's event vocabulary."""
    from ..endpoints.chat import completions

    request = completions.create(**params, stream=True)
    if is_async_client(client):
        return _run_wrapped(client, request, lambda chunks: AsyncChatCompletionStream(chunks, response_format=response_format))
    return _run_wrapped(client, request, lambda chunks: ChatCompletionStream(chunks, response_format=response_format))


@overload
def responses_stream(client: OpenAI, **params: Any) -> Result[ResponseStream, OpenAIError]: ...
@overload
def responses_stream(client: AsyncOpenAI, **params: Any) -> Awaitable[Result[AsyncResponseStream, OpenAIError]]: ...
def responses_stream(client: Any, **params: Any) -> Result[Any, OpenAIError] | Awaitable[Result[Any, OpenAIError]]:
    """``client.responses.stream(...)``: a ``ResponseStream`` with ``get_final_response()``."""
    from ..endpoints import responses

    request = responses.create(**params, stream=True)
    wrap = AsyncResponseStream if is_async_client(client) else ResponseStream
    return _run_wrapped(client, request, wrap)


@overload
def runs_stream(client: OpenAI, *, event_handler: H, **params: Any) -> Result[H, OpenAIError]: ...
@overload
def runs_stream(client: OpenAI, *, event_handler: None = None, **params: Any) -> Result[AssistantEventHandler, OpenAIError]: ...
@overload
def runs_stream(client: AsyncOpenAI, *, event_handler: AH, **params: Any) -> Awaitable[Result[AH, OpenAIError]]: ...
@overload
def runs_stream(
    client: AsyncOpenAI, *, event_handler: None = None, **params: Any
) -> Awaitable[Result[AsyncAssistantEventHandler, OpenAIError]]: ...
def runs_stream(
    client: Any, *, event_handler: Any = None, **params: Any
) -> Result[Any, OpenAIError] | Awaitable[Result[Any, OpenAIError]]:
    """``client.beta.threads.runs.stream(..., event_handler=h)``: the handler, attached to the run's events."""
    from ..endpoints.beta.threads import runs

    request = runs.create(**params, stream=True)
    if is_async_client(client):
        handler = event_handler or AsyncAssistantEventHandler()
    else:
        handler = event_handler or AssistantEventHandler()
    return _run_wrapped(client, request, handler.attach)
