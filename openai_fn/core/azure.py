"""Azure OpenAI as pure transformations: a config, and the ``/deployments/{model}`` rewrite of requests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import msgspec

from .config import ClientConfig, Credential
from .query import encode_query
from .request import JsonBody, MultipartBody, Request, format_path

__all__ = ["DEPLOYMENT_ENDPOINTS", "azure_config", "deployment_rewrite"]

DEPLOYMENT_ENDPOINTS = frozenset(
    {
        "/completions",
        "/chat/completions",
        "/embeddings",
        "/audio/transcriptions",
        "/audio/translations",
        "/audio/speech",
        "/images/generations",
        "/images/edits",
    }
)
"""The model endpoints Azure serves under ``/deployments/{model}``, as in the official SDK."""


def request_model(request: Request[Any]) -> str | None:
    """The ``model`` a request names in its JSON or multipart body, if any."""
    body = request.body
    if isinstance(body, JsonBody):
        data: object = body.decoded()
        model = data.get("model") if isinstance(data, dict) else None  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        return model if isinstance(model, str) else None
    if isinstance(body, MultipartBody):
        return next((value for name, value in body.fields if name == "model"), None)
    return None


def deployment_rewrite(request: Request[Any]) -> Request[Any]:
    """``/chat/completions`` with ``model="gpt-4o"`` → ``/deployments/gpt-4o/chat/completions`` (pure)."""
    if request.path not in DEPLOYMENT_ENDPOINTS:
        return request
    model = request_model(request)
    if not model:
        return request
    return msgspec.structs.replace(request, path=format_path("/deployments/{model}", model=model) + request.path)


def azure_config(
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
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """The official SDK's rules: ``OPENAI_API_VERSION``, ``AZURE_OPENAI_ENDPOINT``, ``AZURE_OPENAI_API_KEY``,
    ``AZURE_OPENAI_AD_TOKEN``; an AD token (or provider, called per attempt) wins over a key and goes as
    ``Authorization: Bearer``, a key goes as ``api-key``."""
    env = os.environ if environ is None else environ
    api_version = api_version or env.get("OPENAI_API_VERSION")
    if not api_version:
        raise ValueError("api_version: pass api_version or set OPENAI_API_VERSION (e.g. '2024-10-21')")
    if base_url is None:
        azure_endpoint = azure_endpoint or env.get("AZURE_OPENAI_ENDPOINT")
        if not azure_endpoint:
            raise ValueError("azure_endpoint: pass azure_endpoint or base_url, or set AZURE_OPENAI_ENDPOINT")
        base_url = azure_endpoint.rstrip("/") + "/openai"
        if azure_deployment:
            base_url += format_path("/deployments/{deployment}", deployment=azure_deployment)
    elif azure_endpoint:
        raise ValueError("base_url and azure_endpoint: pass one or the other, not both")
    token: Credential = azure_ad_token_provider or azure_ad_token or env.get("AZURE_OPENAI_AD_TOKEN") or None
    key = api_key or env.get("AZURE_OPENAI_API_KEY") or None
    rewrite = azure_deployment is None and "/deployments/" not in base_url
    return ClientConfig(
        credential=token if token is not None else key,
        credential_header="authorization" if token is not None else "api-key",
        credential_prefix="Bearer " if token is not None else "",
        organization=organization or env.get("OPENAI_ORG_ID") or None,
        project=project or env.get("OPENAI_PROJECT_ID") or None,
        base_url=base_url.rstrip("/"),
        default_query=encode_query({"api-version": api_version}),
        prepare=deployment_rewrite if rewrite else None,
    )
