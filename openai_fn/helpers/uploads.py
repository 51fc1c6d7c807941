"""Upload-and-wait helpers: files, vector store files and vector store file batches.

Each is an effects program (see :mod:`.effects`), so the sync and async versions are the same
code. Bulk uploads run at most ``max_concurrency`` at once and stop starting new uploads at
the first failure. Nothing is left half-done silently: when files were uploaded but could not
be attached (an upload, the attach or the batch failed), the ``Failure`` is an
:class:`UploadIncompleteError` that names them (``uploaded_file_ids``) and holds the original
error as ``cause``; when nothing was left behind, the ``Failure`` is the original typed error.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, Unpack, overload

from returns.result import Failure, Result, Success

from ..core.errors import OpenAIError
from ..core.request import Request
from .effects import Call, Gather, Program, drive
from .polling import (
    CallOptions,
    _endpoints,
    _ident,
    field_of,
    following,
    poll_program,
    split_options,
    status_in,
    then_poll_program,
    with_call_options,
)

if TYPE_CHECKING:
    from ..executors.async_ import AsyncOpenAI
    from ..executors.sync import OpenAI
    from ..types.files import OpenAIFile
    from ..types.vector_stores import VectorStoreFileBatchObject, VectorStoreFileObject

__all__ = [
    "FILE_PROCESSED",
    "VECTOR_STORE_FILE_TERMINAL",
    "UploadIncompleteError",
    "bulk_upload_program",
    "create_file_batch_and_poll",
    "create_vector_store_file_and_poll",
    "file_batch_done",
    "poll_file_batch",
    "poll_vector_store_file",
    "upload_and_attach_program",
    "upload_file_batch_and_poll",
    "upload_files",
    "upload_vector_store_file_and_poll",
    "wait_for_processing",
]

T = TypeVar("T")

VECTOR_STORE_FILE_TERMINAL = frozenset({"completed", "failed", "cancelled"})
FILE_PROCESSED = frozenset({"processed", "error", "deleted"})
"""``files.wait_for_processing`` stops at these (the SDK's set)."""


class UploadIncompleteError(OpenAIError):
    """Some files were uploaded, but the whole operation failed: they exist, unattached.

    ``cause`` is the first error; ``uploaded_file_ids`` the files left behind (attach them
    later with ``file_ids=...``, or delete them); ``not_started`` how many uploads were skipped.
    """

    def __init__(self, cause: OpenAIError, uploaded_file_ids: Sequence[str], not_started: int = 0) -> None:
        left = ", ".join(uploaded_file_ids)
        skipped = f"; {not_started} upload(s) not started" if not_started else ""
        super().__init__(
            f"{type(cause).__name__}: {cause.message} — uploaded but not attached: {left}{skipped}"
        )
        self.cause = cause
        self.uploaded_file_ids = tuple(uploaded_file_ids)
        self.not_started = not_started
        self.__cause__ = cause


def file_batch_done(batch: Any) -> bool:
    """A vector store file batch is done when no file is in progress any more (as the SDK checks)."""
    counts = field_of(batch, "file_counts")
    if counts is None:
        return status_in(VECTOR_STORE_FILE_TERMINAL)(batch)
    return field_of(counts, "in_progress") == 0


# --- programs (pure: they describe the work) ------------------------------------------------------


def _one_upload(request: Request[Any]) -> Program[Result[Any, OpenAIError]]:
    result: Result[Any, OpenAIError] = yield Call(request)
    return result


def bulk_upload_program(
    uploads: Sequence[Request[Any]], *, max_concurrency: int = 5
) -> Program[Result[list[Any], OpenAIError]]:
    """Run the upload requests, ``max_concurrency`` at a time; all the uploaded files, or the first failure."""
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
        raise ValueError(f"max_concurrency: expected a positive integer, got {max_concurrency!r}")
    if not uploads:
        return Success([])
    results: list[Result[Any, OpenAIError] | None] = yield Gather(
        [_one_upload(request) for request in uploads],
        max_concurrency,
        stop=lambda result: isinstance(result, Failure),
    )
    done = [result.unwrap() for result in results if isinstance(result, Success)]
    failures = [result.failure() for result in results if isinstance(result, Failure)]
    if not failures:
        return Success(done)
    not_started = sum(1 for result in results if result is None)
    if not done:
        return Failure(failures[0])
    return Failure(UploadIncompleteError(failures[0], [_ident(file) for file in done], not_started))


def upload_and_attach_program(
    uploads: Sequence[Request[Any]],
    attach: Callable[[list[str]], Request[T]],
    retrieve: Callable[[T], Request[T]],
    done: Callable[[T], bool],
    *,
    max_concurrency: int = 5,
    poll_interval: float | None = None,
    max_wait: float | None = None,
) -> Program[Result[T, OpenAIError]]:
    """Upload files, attach them all with one request, then poll what the attach made."""
    uploaded: Result[list[Any], OpenAIError] = yield from bulk_upload_program(uploads, max_concurrency=max_concurrency)
    if not isinstance(uploaded, Success):
        return Failure(uploaded.failure())
    file_ids = [_ident(file) for file in uploaded.unwrap()]
    attached: Result[T, OpenAIError] = yield Call(attach(file_ids))
    if not isinstance(attached, Success):
        error = attached.failure()
        return Failure(UploadIncompleteError(error, file_ids) if file_ids else error)
    return (yield from poll_program(retrieve(attached.unwrap()), done, poll_interval=poll_interval, max_wait=max_wait))


# --- the named helpers (wired to the generated builders) ------------------------------------------


def _file_upload(file: Any, purpose: str, options: CallOptions | None = None) -> Request[Any]:
    """One upload; ``options`` but ``extra_body`` (an upload made on the way to another request)."""
    return with_call_options(_endpoints().files.create(file=file, purpose=purpose), options or {}, body=False)



@overload
def upload_files(
    client: OpenAI, files: Iterable[Any], *, purpose: str, max_concurrency: int = 5,
    **options: Unpack[CallOptions],
) -> Result[list[OpenAIFile], OpenAIError]: ...
@overload
def upload_files(
    client: AsyncOpenAI, files: Iterable[Any], *, purpose: str, max_concurrency: int = 5,
    **options: Unpack[CallOptions],
) -> Awaitable[Result[list[OpenAIFile], OpenAIError]]: ...
def upload_files(
    client: OpenAI | AsyncOpenAI, files: Iterable[Any], *, purpose: str, max_concurrency: int = 5,
    **options: Unpack[CallOptions],
) -> Result[list[OpenAIFile], OpenAIError] | Awaitable[Result[list[OpenAIFile], OpenAIError]]:
    """Upload many files concurrently: every ``FileObject`` in order, or the first failure (see the module doc)."""
    uploads = [with_call_options(_endpoints().files.create(file=file, purpose=purpose), options) for file in files]
    return drive(client, bulk_upload_program(uploads, max_concurrency=max_concurrency))


@overload
def wait_for_processing(
    client: OpenAI, file_id: str, *, poll_interval: float = 5.0, max_wait: float = 30 * 60,
    **options: Unpack[CallOptions],
) -> Result[OpenAIFile, OpenAIError]: ...
@overload
def wait_for_processing(
    client: AsyncOpenAI, file_id: str, *, poll_interval: float = 5.0, max_wait: float = 30 * 60,
    **options: Unpack[CallOptions],
) -> Awaitable[Result[OpenAIFile, OpenAIError]]: ...
def wait_for_processing(
    client: OpenAI | AsyncOpenAI, file_id: str, *, poll_interval: float = 5.0, max_wait: float = 30 * 60,
    **options: Unpack[CallOptions],
) -> Result[OpenAIFile, OpenAIError] | Awaitable[Result[OpenAIFile, OpenAIError]]:
    """Poll a file until it is processed (or errored/deleted); the SDK's defaults: every 5 s, for 30 min."""
    request = _endpoints().files.retrieve(file_id=file_id, **options)
    program = poll_program(request, status_in(FILE_PROCESSED), poll_interval=poll_interval, max_wait=max_wait)
    return drive(client, program)


def _vector_store_file(vector_store_id: str) -> Callable[[Any], Request[Any]]:
    return lambda made: _endpoints().vector_stores.files.retrieve(vector_store_id=vector_store_id, file_id=_ident(made))


@overload
def poll_vector_store_file(
    client: OpenAI, vector_store_id: str, file_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[VectorStoreFileObject, OpenAIError]: ...
@overload
def poll_vector_store_file(
    client: AsyncOpenAI, vector_store_id: str, file_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Awaitable[Result[VectorStoreFileObject, OpenAIError]]: ...
def poll_vector_store_file(
    client: OpenAI | AsyncOpenAI, vector_store_id: str, file_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[VectorStoreFileObject, OpenAIError] | Awaitable[Result[VectorStoreFileObject, OpenAIError]]:
    """Wait until a vector store file is processed (``completed``, ``failed`` or ``cancelled``)."""
    request = _endpoints().vector_stores.files.retrieve(vector_store_id=vector_store_id, file_id=file_id, **options)
    program = poll_program(
        request, status_in(VECTOR_STORE_FILE_TERMINAL), poll_interval=poll_interval, max_wait=max_wait
    )
    return drive(client, program)


@overload
def create_vector_store_file_and_poll(
    client: OpenAI, vector_store_id: str, file_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileObject, OpenAIError]: ...
@overload
def create_vector_store_file_and_poll(
    client: AsyncOpenAI, vector_store_id: str, file_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Awaitable[Result[VectorStoreFileObject, OpenAIError]]: ...
def create_vector_store_file_and_poll(
    client: OpenAI | AsyncOpenAI, vector_store_id: str, file_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileObject, OpenAIError] | Awaitable[Result[VectorStoreFileObject, OpenAIError]]:
    """Attach an uploaded file to a vector store (``params``: ``attributes``, ``chunking_strategy``) and wait."""
    create = _endpoints().vector_stores.files.create(vector_store_id=vector_store_id, file_id=file_id, **params)
    program = then_poll_program(
        create, following(_vector_store_file(vector_store_id), split_options(params)[1]),
        status_in(VECTOR_STORE_FILE_TERMINAL), poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)


@overload
def upload_vector_store_file_and_poll(
    client: OpenAI, vector_store_id: str, file: Any, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileObject, OpenAIError]: ...
@overload
def upload_vector_store_file_and_poll(
    client: AsyncOpenAI, vector_store_id: str, file: Any, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Awaitable[Result[VectorStoreFileObject, OpenAIError]]: ...
def upload_vector_store_file_and_poll(
    client: OpenAI | AsyncOpenAI, vector_store_id: str, file: Any, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileObject, OpenAIError] | Awaitable[Result[VectorStoreFileObject, OpenAIError]]:
    """Upload ``file`` (purpose ``assistants``), attach it to the vector store, and wait until it is processed."""
    vector_stores = _endpoints().vector_stores

    def attach(file_ids: list[str]) -> Request[Any]:
        return vector_stores.files.create(vector_store_id=vector_store_id, file_id=file_ids[0], **params)

    options = split_options(params)[1]
    program = upload_and_attach_program(
        [_file_upload(file, "assistants", options)], attach, following(_vector_store_file(vector_store_id), options),
        status_in(VECTOR_STORE_FILE_TERMINAL), max_concurrency=1, poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)


def _file_batch_create(vector_store_id: str, params: Mapping[str, Any]) -> Request[Any]:
    """The builder takes the body whole (``body=``) because the spec's body is a union; plain fields otherwise."""
    create = _endpoints().vector_stores.file_batches.create
    own, options = split_options(params)
    if "body" in inspect.signature(create).parameters and "body" not in own:
        return create(vector_store_id=vector_store_id, body=own, **options)
    return create(vector_store_id=vector_store_id, **params)


def _file_batch(vector_store_id: str) -> Callable[[Any], Request[Any]]:
    return lambda made: _endpoints().vector_stores.file_batches.retrieve(
        vector_store_id=vector_store_id, batch_id=_ident(made)
    )


@overload
def poll_file_batch(
    client: OpenAI, vector_store_id: str, batch_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[VectorStoreFileBatchObject, OpenAIError]: ...
@overload
def poll_file_batch(
    client: AsyncOpenAI, vector_store_id: str, batch_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Awaitable[Result[VectorStoreFileBatchObject, OpenAIError]]: ...
def poll_file_batch(
    client: OpenAI | AsyncOpenAI, vector_store_id: str, batch_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **options: Unpack[CallOptions],
) -> Result[VectorStoreFileBatchObject, OpenAIError] | Awaitable[Result[VectorStoreFileBatchObject, OpenAIError]]:
    """Wait until no file of the batch is in progress; check ``file_counts.failed`` afterwards, as with the SDK."""
    request = _endpoints().vector_stores.file_batches.retrieve(
        vector_store_id=vector_store_id, batch_id=batch_id, **options
    )
    return drive(client, poll_program(request, file_batch_done, poll_interval=poll_interval, max_wait=max_wait))


@overload
def create_file_batch_and_poll(
    client: OpenAI, vector_store_id: str, *, poll_interval: float | None = None, max_wait: float | None = None,
    **params: Any,
) -> Result[VectorStoreFileBatchObject, OpenAIError]: ...
@overload
def create_file_batch_and_poll(
    client: AsyncOpenAI, vector_store_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Awaitable[Result[VectorStoreFileBatchObject, OpenAIError]]: ...
def create_file_batch_and_poll(
    client: OpenAI | AsyncOpenAI, vector_store_id: str, *, poll_interval: float | None = None,
    max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileBatchObject, OpenAIError] | Awaitable[Result[VectorStoreFileBatchObject, OpenAIError]]:
    """Create a file batch (``params``: ``file_ids`` or ``files``, ``attributes``, ``chunking_strategy``) and wait."""
    create = _file_batch_create(vector_store_id, params)
    program = then_poll_program(
        create, following(_file_batch(vector_store_id), split_options(params)[1]), file_batch_done,
        poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)


@overload
def upload_file_batch_and_poll(
    client: OpenAI, vector_store_id: str, files: Iterable[Any], *, file_ids: Sequence[str] = (),
    max_concurrency: int = 5, poll_interval: float | None = None, max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileBatchObject, OpenAIError]: ...
@overload
def upload_file_batch_and_poll(
    client: AsyncOpenAI, vector_store_id: str, files: Iterable[Any], *, file_ids: Sequence[str] = (),
    max_concurrency: int = 5, poll_interval: float | None = None, max_wait: float | None = None, **params: Any,
) -> Awaitable[Result[VectorStoreFileBatchObject, OpenAIError]]: ...
def upload_file_batch_and_poll(
    client: OpenAI | AsyncOpenAI, vector_store_id: str, files: Iterable[Any], *, file_ids: Sequence[str] = (),
    max_concurrency: int = 5, poll_interval: float | None = None, max_wait: float | None = None, **params: Any,
) -> Result[VectorStoreFileBatchObject, OpenAIError] | Awaitable[Result[VectorStoreFileBatchObject, OpenAIError]]:
    """Upload ``files`` concurrently, make one file batch of them (plus ``file_ids``), and wait for it."""
    def attach(uploaded: list[str]) -> Request[Any]:
        return _file_batch_create(vector_store_id, {**params, "file_ids": [*file_ids, *uploaded]})

    options = split_options(params)[1]
    program = upload_and_attach_program(
        [_file_upload(file, "assistants", options) for file in files], attach,
        following(_file_batch(vector_store_id), options),
        file_batch_done, max_concurrency=max_concurrency, poll_interval=poll_interval, max_wait=max_wait,
    )
    return drive(client, program)
