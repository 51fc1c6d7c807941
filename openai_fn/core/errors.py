"""The error hierarchy of the official SDK, as values.

Every outcome the network or the server produces comes back from an executor as
``Failure(error)`` with one of these; they are exceptions too, so that
``result.unwrap()``-style code and ``raise`` work unchanged. Nothing here holds an
API key: the request kept on an error is the wire request with its secret headers
redacted by the executor's logging, and ``repr`` never shows headers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # pragma: no cover - typing only; importing httpx is the executors' job
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "MissingCredentialsError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "status_error_class",
]


class OpenAIError(Exception):
    """Root of every error this package returns or raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self), self.message))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class MissingCredentialsError(OpenAIError):
    """No API key (or Azure token) could be had when a request was about to be sent."""


class APIError(OpenAIError):
    """An error tied to an HTTP exchange with the API.

    ``body`` is the inner ``error`` object of the answer when it has one (else the
    whole decoded body, or ``None``); ``code``, ``param`` and ``type`` are read from it.
    """

    request: httpx.Request | None
    body: object | None
    code: str | None
    param: str | None
    type: str | None

    def __init__(self, message: str, request: httpx.Request | None = None, *, body: object | None = None) -> None:
        super().__init__(message)
        self.request = request
        self.body = body
        inner: dict[str, Any] = body if isinstance(body, dict) else {}  # type: ignore[assignment]
        self.code = _str_or_none(inner.get("code"))
        self.param = _str_or_none(inner.get("param"))
        self.type = _str_or_none(inner.get("type"))


class APIResponseValidationError(APIError):
    """The server answered 2xx, but the body does not decode into the declared type."""

    def __init__(self, message: str, response: httpx.Response, *, body: object | None = None) -> None:
        super().__init__(message, response.request if _has_request(response) else None, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id: str | None = response.headers.get("x-request-id")


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    status_code: int
    response: httpx.Response
    request_id: str | None
    expected_status: ClassVar[int | None] = None

    def __init__(self, message: str, *, response: httpx.Response, body: object | None) -> None:
        super().__init__(message, response.request if _has_request(response) else None, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, APIStatusError)
            and (other.message, other.status_code, other.body, other.request_id)
            == (self.message, self.status_code, self.body, self.request_id)
        )

    def __hash__(self) -> int:
        return hash((type(self), self.message, self.status_code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r}, request_id={self.request_id!r})"


class BadRequestError(APIStatusError):
    expected_status = 400


class AuthenticationError(APIStatusError):
    expected_status = 401


class PermissionDeniedError(APIStatusError):
    expected_status = 403


class NotFoundError(APIStatusError):
    expected_status = 404


class ConflictError(APIStatusError):
    expected_status = 409


class UnprocessableEntityError(APIStatusError):
    expected_status = 422


class RateLimitError(APIStatusError):
    expected_status = 429


class InternalServerError(APIStatusError):
    """Any status of 500 or more."""


class APIConnectionError(APIError):
    """The request never got an answer: DNS, refused, reset, dropped mid-body, TLS…"""

    def __init__(self, message: str = "Connection error.", request: httpx.Request | None = None) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout fired."""

    def __init__(self, message: str = "Request timed out.", request: httpx.Request | None = None) -> None:
        super().__init__(message, request)


class LengthFinishReasonError(OpenAIError):
    """A parsed completion stopped at the token limit, so its content cannot be parsed."""

    def __init__(self, completion: object | None = None) -> None:
        super().__init__("Could not parse response content as the length limit was reached")
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    """A parsed completion was stopped by the content filter."""

    def __init__(self) -> None:
        super().__init__("Could not parse response content as the request was rejected by the content filter")


class InvalidWebhookSignatureError(OpenAIError):
    """A webhook payload's signature, timestamp or secret did not check out."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The error class the official SDK uses for ``status_code``."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _has_request(response: httpx.Response) -> bool:
    try:
        response.request  # noqa: B018 - raises RuntimeError when the response was built by hand
    except (RuntimeError, AttributeError):
        return False
    return True
