"""What the sync and async executors have in common besides the engine: settings, overrides, namespaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, Self, TypedDict, TypeVar, Unpack

from ..core.config import ClientConfig, Credential
from ..core.policies import RetryPolicy, TimeoutLike
from ..core.request import UNSET
from .base import override_config

__all__ = ["ExecutorSettings", "OverrideOptions"]

HttpT = TypeVar("HttpT")


class OverrideOptions(TypedDict, total=False):
    """What ``with_options`` may change; anything left out is kept."""

    api_key: Credential
    organization: str | None
    """``None`` clears the ``OpenAI-Organization`` header."""
    project: str | None
    """``None`` clears the ``OpenAI-Project`` header."""
    base_url: str
    timeout: TimeoutLike
    max_retries: int
    retry: RetryPolicy
    default_headers: Mapping[str, str | None]
    """Merged over the current ones; a ``None`` value removes a header."""
    default_query: Mapping[str, object]


class ExecutorSettings(Generic[HttpT]):
    """Configuration and the connection pool of an executor, and the familiar namespaces on it."""

    is_async: ClassVar[bool]
    config: ClientConfig
    _http: HttpT
    _owns_client: bool

    @property
    def http_client(self) -> HttpT:
        """The httpx client this executor sends with (its own, or the one you passed)."""
        return self._http

    def with_options(self, *, http_client: HttpT | None = None, **options: Unpack[OverrideOptions]) -> Self:
        """A new executor with these settings, on the same connection pool (or ``http_client``); this one is unchanged.

        ``organization=None`` / ``project=None`` clear those headers.
        """
        get: Any = options.get
        config = override_config(
            self.config,
            api_key=get("api_key", UNSET),
            organization=get("organization", UNSET),
            project=get("project", UNSET),
            base_url=get("base_url", UNSET),
            timeout=get("timeout", UNSET),
            max_retries=get("max_retries", UNSET),
            retry=get("retry"),
            default_headers=get("default_headers"),
            default_query=get("default_query"),
        )
        clone = type(self).__new__(type(self))
        clone.config = config
        clone._http = http_client if http_client is not None else self._http
        clone._owns_client = False
        return clone

    copy = with_options

    def __getattr__(self, name: str) -> Any:
        """``client.chat``, ``client.files``, …: the builders of that namespace, bound to this executor.

        ``client.with_raw_response`` / ``client.with_streaming_response`` give every namespace in that mode.
        """
        if name.startswith("_"):
            raise AttributeError(name)
        from ..facade.namespaces import ModeRoot, namespace_for

        if name in ("with_raw_response", "with_streaming_response"):
            root = ModeRoot(self, "raw" if name == "with_raw_response" else "open", is_async=self.is_async)
            self.__dict__[name] = root
            return root
        namespace = namespace_for(self, name, is_async=self.is_async)
        self.__dict__[name] = namespace
        return namespace

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.config.base_url!r}>"


