"""openai_fn: the whole OpenAI API as pure request builders, run by sync or async executors.

Everything here loads on first use (PEP 562), so ``import openai_fn`` and building
requests never import httpx; only creating an executor does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

# Module-level client settings (see docs/quickstart.md): read on every ``openai_fn.run(...)``;
# ``None`` means from the environment, or the official SDK's default.
api_key: Any = None
organization: str | None = None
project: str | None = None
base_url: str | None = None
timeout: Any = None
max_retries: int | None = None
default_headers: dict[str, str | None] | None = None
default_query: dict[str, object] | None = None
http_client: Any = None

if TYPE_CHECKING:  # pragma: no cover - what the lazy table below provides, for type checkers and editors
    from . import types as types
    from .core.binary import BinaryContent as BinaryContent
    from .core.config import ClientConfig as ClientConfig
    from .core.decoders import BinaryDecoder as BinaryDecoder
    from .core.decoders import JsonDecoder as JsonDecoder
    from .core.decoders import PageDecoder as PageDecoder
    from .core.decoders import RawDecoder as RawDecoder
    from .core.decoders import StreamDecoder as StreamDecoder
    from .core.errors import APIConnectionError as APIConnectionError
    from .core.errors import APIError as APIError
    from .core.errors import APIResponseValidationError as APIResponseValidationError
    from .core.errors import APIStatusError as APIStatusError
    from .core.errors import APITimeoutError as APITimeoutError
    from .core.errors import AuthenticationError as AuthenticationError
    from .core.errors import BadRequestError as BadRequestError
    from .core.errors import ConflictError as ConflictError
    from .core.errors import ContentFilterFinishReasonError as ContentFilterFinishReasonError
    from .core.errors import InternalServerError as InternalServerError
    from .core.errors import InvalidWebhookSignatureError as InvalidWebhookSignatureError
    from .core.errors import LengthFinishReasonError as LengthFinishReasonError
    from .core.errors import MissingCredentialsError as MissingCredentialsError
    from .core.errors import NotFoundError as NotFoundError
    from .core.errors import OpenAIError as OpenAIError
    from .core.errors import PermissionDeniedError as PermissionDeniedError
    from .core.errors import RateLimitError as RateLimitError
    from .core.errors import UnprocessableEntityError as UnprocessableEntityError
    from .core.pages import Page as Page
    from .core.pages import PageInfo as PageInfo
    from .core.policies import DEFAULT_RETRY_POLICY as DEFAULT_RETRY_POLICY
    from .core.policies import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from .core.policies import RetryPolicy as RetryPolicy
    from .core.policies import Timeout as Timeout
    from .core.request import UNSET as UNSET
    from .core.request import RawResponseMarker as RawResponseMarker
    from .core.request import Request as Request
    from .core.request import make_request as make_request
    from .core.results import unwrap_or_raise as unwrap_or_raise
    from .core.validation import InvalidArgumentError as InvalidArgumentError
    from .endpoints import admin as admin
    from .endpoints import audio as audio
    from .endpoints import batches as batches
    from .endpoints import beta as beta
    from .endpoints import chat as chat
    from .endpoints import completions as completions
    from .endpoints import containers as containers
    from .endpoints import content_provenance_checks as content_provenance_checks
    from .endpoints import conversations as conversations
    from .endpoints import embeddings as embeddings
    from .endpoints import evals as evals
    from .endpoints import files as files
    from .endpoints import fine_tuning as fine_tuning
    from .endpoints import images as images
    from .endpoints import models as models
    from .endpoints import moderations as moderations
    from .endpoints import realtime as realtime
    from .endpoints import responses as responses
    from .endpoints import skills as skills
    from .endpoints import uploads as uploads
    from .endpoints import vector_stores as vector_stores
    from .endpoints import videos as videos
    from .executors.async_ import AsyncOpenAI as AsyncOpenAI
    from .executors.azure import AsyncAzureOpenAI as AsyncAzureOpenAI
    from .executors.azure import AzureOpenAI as AzureOpenAI
    from .executors.downloads import async_download as async_download
    from .executors.downloads import download as download
    from .executors.pagination import AsyncPager as AsyncPager
    from .executors.pagination import SyncPager as SyncPager
    from .executors.response import APIResponse as APIResponse
    from .executors.response import AsyncStreamedResponse as AsyncStreamedResponse
    from .executors.response import StreamedResponse as StreamedResponse
    from .executors.sync import OpenAI as OpenAI
    from .facade.module_client import apaginate as apaginate
    from .facade.module_client import arun as arun
    from .facade.module_client import arun_raw as arun_raw
    from .facade.module_client import default_async_client as default_async_client
    from .facade.module_client import default_client as default_client
    from .facade.module_client import paginate as paginate
    from .facade.module_client import run as run
    from .facade.module_client import run_raw as run_raw
    from .helpers.assistant_stream import AssistantEventHandler as AssistantEventHandler
    from .helpers.assistant_stream import AsyncAssistantEventHandler as AsyncAssistantEventHandler
    from .helpers.chat_stream import AsyncChatCompletionStream as AsyncChatCompletionStream
    from .helpers.chat_stream import ChatCompletionStream as ChatCompletionStream
    from .helpers.chat_stream import ChatCompletionStreamState as ChatCompletionStreamState
    from .helpers.polling import PollTimeoutError as PollTimeoutError
    from .helpers.responses_stream import AsyncResponseStream as AsyncResponseStream
    from .helpers.responses_stream import ResponseStream as ResponseStream
    from .helpers.structured import OutputParseError as OutputParseError
    from .helpers.uploads import UploadIncompleteError as UploadIncompleteError
    from .helpers.webhooks import WebhookPayloadError as WebhookPayloadError
    from .registry import Operation as Operation
    from .registry import operation as operation
    from .registry import operations as operations

_LAZY: dict[str, str] = {
    "BinaryContent": "core.binary",
    "ClientConfig": "core.config",
    "BinaryDecoder": "core.decoders",
    "JsonDecoder": "core.decoders",
    "PageDecoder": "core.decoders",
    "RawDecoder": "core.decoders",
    "StreamDecoder": "core.decoders",
    "APIConnectionError": "core.errors",
    "APIError": "core.errors",
    "APIResponseValidationError": "core.errors",
    "APIStatusError": "core.errors",
    "APITimeoutError": "core.errors",
    "AuthenticationError": "core.errors",
    "BadRequestError": "core.errors",
    "ConflictError": "core.errors",
    "ContentFilterFinishReasonError": "core.errors",
    "InternalServerError": "core.errors",
    "InvalidWebhookSignatureError": "core.errors",
    "LengthFinishReasonError": "core.errors",
    "MissingCredentialsError": "core.errors",
    "NotFoundError": "core.errors",
    "OpenAIError": "core.errors",
    "PermissionDeniedError": "core.errors",
    "RateLimitError": "core.errors",
    "UnprocessableEntityError": "core.errors",
    "DEFAULT_RETRY_POLICY": "core.policies",
    "DEFAULT_TIMEOUT": "core.policies",
    "RetryPolicy": "core.policies",
    "Timeout": "core.policies",
    "UNSET": "core.request",
    "RawResponseMarker": "core.request",
    "Request": "core.request",
    "make_request": "core.request",
    "AsyncOpenAI": "executors.async_",
    "APIResponse": "executors.response",
    "AsyncStreamedResponse": "executors.response",
    "StreamedResponse": "executors.response",
    "OpenAI": "executors.sync",
    "AsyncAzureOpenAI": "executors.azure",
    "AzureOpenAI": "executors.azure",
    "unwrap_or_raise": "core.results",
    "apaginate": "facade.module_client",
    "arun": "facade.module_client",
    "arun_raw": "facade.module_client",
    "default_async_client": "facade.module_client",
    "default_client": "facade.module_client",
    "paginate": "facade.module_client",
    "run": "facade.module_client",
    "run_raw": "facade.module_client",
    "Operation": "registry",
    "operation": "registry",
    "operations": "registry",
    "InvalidArgumentError": "core.validation",
    "ChatCompletionStream": "helpers.chat_stream",
    "AsyncChatCompletionStream": "helpers.chat_stream",
    "ChatCompletionStreamState": "helpers.chat_stream",
    "ResponseStream": "helpers.responses_stream",
    "AsyncResponseStream": "helpers.responses_stream",
    "AssistantEventHandler": "helpers.assistant_stream",
    "AsyncAssistantEventHandler": "helpers.assistant_stream",
    "Page": "core.pages",
    "PageInfo": "core.pages",
    "SyncPager": "executors.pagination",
    "AsyncPager": "executors.pagination",
    "PollTimeoutError": "helpers.polling",
    "UploadIncompleteError": "helpers.uploads",
    "OutputParseError": "helpers.structured",
    "WebhookPayloadError": "helpers.webhooks",
    "download": "executors.downloads",
    "async_download": "executors.downloads",
}

NAMESPACES = frozenset(
    {
        "admin",
        "audio",
        "batches",
        "beta",
        "chat",
        "completions",
        "containers",
        "content_provenance_checks",
        "conversations",
        "embeddings",
        "evals",
        "files",
        "fine_tuning",
        "images",
        "models",
        "moderations",
        "realtime",
        "responses",
        "skills",
        "uploads",
        "vector_stores",
        "videos",
    }
)
"""The API's top-level namespaces: pure builder modules (``openai_fn.chat.completions.create``)."""

_SETTINGS = ["api_key", "base_url", "default_headers", "default_query", "http_client", "max_retries", "organization",
             "project", "timeout"]

__all__ = ["__version__", *_SETTINGS, *sorted(_LAZY), *sorted(NAMESPACES), "types"]  # pyright: ignore[reportUnsupportedDunderAll]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if name in NAMESPACES or name == "types":
        value: Any = importlib.import_module(f".{'endpoints.' if name != 'types' else ''}{name}", __name__)
    elif module is None:
        raise AttributeError(f"module 'openai_fn' has no attribute {name!r}")
    else:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
