"""Azure OpenAI executors: the same executors, with Azure's config and request rewrite."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from ..core.azure import azure_config
from ..core.config import ClientConfig, Credential
from ..core.logs import setup_logging
from ..core.policies import RetryPolicy, TimeoutLike
from ..core.request import UNSET, UnsetType
from .async_ import AsyncOpenAI
from .base import override_config
from .sync import OpenAI

__all__ = ["AsyncAzureOpenAI", "AzureOpenAI"]


def _config(
    *,
    api_version: str | None,
    azure_endpoint: str | None,
    azure_deployment: str | None,
    api_key: str | None,
    azure_ad_token: str | None,
    azure_ad_token_provider: Credential,
    base_url: str | None,
    organization: str | None,
    project: str | None,
    timeout: TimeoutLike | UnsetType,
    max_retries: int | UnsetType,
    retry: RetryPolicy | None,
    default_headers: Mapping[str, str | None] | None,
    default_query: Mapping[str, object] | None,
) -> ClientConfig:
    setup_logging()
    config = azure_config(
        api_version=api_version,
        azure_endpoint=azure_endpoint,
        azure_deployment=azure_deployment,
        api_key=api_key,
        azure_ad_token=azure_ad_token,
        azure_ad_token_provider=azure_ad_token_provider,
        base_url=base_url,
        organization=organization,
        project=project,
    )
    return override_config(
        config,
        timeout=timeout,
        max_retries=max_retries,
        retry=retry,
        default_headers=default_headers,
        default_query=default_query,
    )


class AzureOpenAI(OpenAI):
    """``OpenAI`` for Azure: ``api-key`` or AD-token auth, ``api-version`` on every call, deployment URLs.

    ``azure_ad_token_provider`` is called before every attempt, so expiring tokens refresh themselves.
    """

    def __init__(
        self,
        *,
        api_version: str | None = None,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: Credential = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutLike | UnsetType = UNSET,
        max_retries: int | UnsetType = UNSET,
        retry: RetryPolicy | None = None,
        default_headers: Mapping[str, str | None] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            config=_config(
                api_version=api_version,
                azure_endpoint=azure_endpoint,
                azure_deployment=azure_deployment,
                api_key=api_key,
                azure_ad_token=azure_ad_token,
                azure_ad_token_provider=azure_ad_token_provider,
                base_url=base_url,
                organization=organization,
                project=project,
                timeout=timeout,
                max_retries=max_retries,
                retry=retry,
                default_headers=default_headers,
                default_query=default_query,
            ),
            http_client=http_client,
            transport=transport,
        )


class AsyncAzureOpenAI(AsyncOpenAI):
    """``AsyncOpenAI`` for Azure; the token provider may be sync or async."""

    def __init__(
        self,
        *,
        api_version: str | None = None,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: Credential = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: TimeoutLike | UnsetType = UNSET,
        max_retries: int | UnsetType = UNSET,
        retry: RetryPolicy | None = None,
        default_headers: Mapping[str, str | None] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            config=_config(
                api_version=api_version,
                azure_endpoint=azure_endpoint,
                azure_deployment=azure_deployment,
                api_key=api_key,
                azure_ad_token=azure_ad_token,
                azure_ad_token_provider=azure_ad_token_provider,
                base_url=base_url,
                organization=organization,
                project=project,
                timeout=timeout,
                max_retries=max_retries,
                retry=retry,
                default_headers=default_headers,
                default_query=default_query,
            ),
            http_client=http_client,
            transport=transport,
        )
