"""Which SDK-style helpers hang where on ``client.<namespace>``: dotted path → ``module:function``.

Each helper takes the executor as its first argument; the namespace binds it.
"""

from __future__ import annotations

from .namespaces import HELPERS

__all__ = ["TABLE", "register"]

TABLE: dict[str, str] = {
    "beta.threads.runs.stream": "openai_fn.helpers.stream_methods:runs_stream",
    "chat.completions.stream": "openai_fn.helpers.stream_methods:chat_completions_stream",
    "responses.stream": "openai_fn.helpers.stream_methods:responses_stream",
    "batches.create_and_poll": "openai_fn.helpers.polling:create_batch_and_poll",
    "batches.poll": "openai_fn.helpers.polling:poll_batch",
    "beta.threads.create_and_run_poll": "openai_fn.helpers.polling:create_thread_and_run_poll",
    "beta.threads.runs.create_and_poll": "openai_fn.helpers.polling:create_run_and_poll",
    "beta.threads.runs.poll": "openai_fn.helpers.polling:poll_run",
    "beta.threads.runs.submit_tool_outputs_and_poll": "openai_fn.helpers.polling:submit_tool_outputs_and_poll",
    "chat.completions.parse": "openai_fn.helpers.structured:parse_chat",
    "files.wait_for_processing": "openai_fn.helpers.uploads:wait_for_processing",
    "responses.parse": "openai_fn.helpers.structured:parse_responses",
    "vector_stores.file_batches.create_and_poll": "openai_fn.helpers.uploads:create_file_batch_and_poll",
    "vector_stores.file_batches.poll": "openai_fn.helpers.uploads:poll_file_batch",
    "vector_stores.file_batches.upload_and_poll": "openai_fn.helpers.uploads:upload_file_batch_and_poll",
    "vector_stores.files.create_and_poll": "openai_fn.helpers.uploads:create_vector_store_file_and_poll",
    "vector_stores.files.poll": "openai_fn.helpers.uploads:poll_vector_store_file",
    "vector_stores.files.upload_and_poll": "openai_fn.helpers.uploads:upload_vector_store_file_and_poll",
}


def register() -> None:
    """Fill :data:`~openai_fn.facade.namespaces.HELPERS` once."""
    if not HELPERS:
        HELPERS.update(TABLE)
