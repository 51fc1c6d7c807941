"""Azure OpenAI executors: the same executors, with Azure's config and request rewrite."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict, Unpack

import httpx

from ..core.azure import azure_config
from ..core.config import ClientConfig, Credential
from ..core.logs import setup_logging
from ..core.policies import RetryPolicy, TimeoutLike
from ..core.request import UNSET, UnsetType
from .async_ import AsyncOpenAI
from .base import override_config
from .sync import OpenAI

__all__ = ["AsyncAzureOpenAI", "AzureOptions", "AzureOpenAI"]


class AzureOptions(TypedDict, total=False):
    """What both Azure executors take besides their httpx client or transport."""

    api_version: str | None
    """Or ``OPENAI_API_VERSION``."""
    azure_endpoint: str | None
    """``https://<resource>.openai.azure.com``, or ``AZURE_OPENAI_ENDPOINT``."""
    azure_deployment: str | None
    """Fixes the deployment in the base URL; otherwise each model endpoint goes to ``/deployments/{model}``."""
    api_key: str | None
    """Sent as ``api-key``; or ``AZURE_OPENAI_API_KEY``."""
    azure_ad_token: str | None
    azure_ad_token_provider: Credential
    """Called before every attempt (sync or async), sent as ``Authorization: Bearer``."""
    base_url: str | None
    organization: str | None
    project: str | None
    timeout: TimeoutLike | UnsetType
    max_retries: int | UnsetType
    retry: RetryPolicy | None
    default_headers: Mapping[str, str | None] | None
    default_query: Mapping[str, object] | None


def azure_executor_config(options: AzureOptions) -> ClientConfig:
    """The executor config for ``options``: Azure's rules, then the common overrides."""
    setup_logging()
    config = azure_config(
        api_version=options.get("api_version"),
        azure_endpoint=options.get("azure_endpoint"),
        azure_deployment=options.get("azure_deployment"),
        api_key=options.get("api_key"),
        azure_ad_token=options.get("azure_ad_token"),
        azure_ad_token_provider=options.get("azure_ad_token_provider"),
        base_url=options.get("base_url"),
        organization=options.get("organization"),
        project=options.get("project"),
    )
    return override_config(
        config,
        timeout=options.get("timeout", UNSET),
        max_retries=options.get("max_retries", UNSET),
        retry=options.get("retry"),
        default_headers=options.get("default_headers"),
        default_query=options.get("default_query"),
    )


class AzureOpenAI(OpenAI):
    """``OpenAI`` for Azure: ``api-key`` or AD-token auth, ``api-version`` on every call, deployment URLs."""

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        **options: Unpack[AzureOptions],
    ) -> None:
        super().__init__(config=azure_executor_config(options), http_client=http_client, transport=transport)


class AsyncAzureOpenAI(AsyncOpenAI):
    """``AsyncOpenAI`` for Azure; the token provider may be sync or async."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Unpack[AzureOptions],
    ) -> None:
        super().__init__(config=azure_executor_config(options), http_client=http_client, transport=transport)
