"""Uses the typed facade the way a user would; ``tests/test_typing_facade.py`` runs pyright on it (0 errors).

Never executed: the functions only exist to be type-checked. ``assert_type`` pins what the type checker
infers, so a regression of the generated ``openai_fn/facade/_typed.py`` (or of the executors' declarations)
fails the test.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, assert_type

from returns.result import Result

from openai_fn import AsyncOpenAI, OpenAI
from openai_fn.core.binary import BinaryContent
from openai_fn.core.errors import OpenAIError
from openai_fn.core.pages import Page
from openai_fn.core.request import Request
from openai_fn.core.stream_types import AsyncStream, Stream
from openai_fn.endpoints import audio, chat
from openai_fn.executors.response import APIResponse, AsyncStreamedResponse, StreamedResponse
from openai_fn.facade.webhooks import Webhooks
from openai_fn.helpers.structured import ParsedChatCompletion
from openai_fn.types import (
    Batch,
    ChatCompletion,
    ChatCompletionChunk,
    CreateChatCompletionResponse,
    CreateEmbeddingResponse,
    CreateSpeechResponseStreamEvent,
    FileObject,
    FineTuningJob,
    ImagesResponse,
    Model,
    Response,
    ResponseStreamEvent,
    Run,
    Thread,
    VectorStore,
    VectorStoreFile,
)

MESSAGES: list[Any] = [{"role": "user", "content": "Say this is a test"}]


def sync_usage(client: OpenAI, flag: bool) -> None:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert_type(completion, Result[ChatCompletion, OpenAIError])
    assert_type(completion, Result[CreateChatCompletionResponse, OpenAIError])  # the spec's name: same class

    chunks = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    assert_type(chunks, Result[Stream[ChatCompletionChunk], OpenAIError])

    either = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=flag)
    assert_type(either, Result[ChatCompletion | Stream[ChatCompletionChunk], OpenAIError])

    events = client.responses.create(model="gpt-4o-mini", input="hi", stream=True)
    assert_type(events, Result[Stream[ResponseStreamEvent], OpenAIError])
    assert_type(client.responses.retrieve(response_id="resp_1"), Result[Response, OpenAIError])

    # speech: ``stream_format="sse"`` streams typed events; any other value (or none) answers the audio
    speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="hi", stream_format="sse")
    assert_type(speech, Result[Stream[CreateSpeechResponseStreamEvent], OpenAIError])
    assert_type(client.audio.speech.create(model="m", voice="alloy", input="hi"), Result[BinaryContent, OpenAIError])
    mp3 = client.audio.speech.create(model="m", voice="alloy", input="hi", stream_format="audio")
    assert_type(mp3, Result[BinaryContent, OpenAIError])
    assert_type(
        audio.speech.create(model="m", voice="alloy", input="hi", stream_format="sse"),
        Request[Stream[CreateSpeechResponseStreamEvent]],
    )
    assert_type(audio.speech.create(model="m", voice="alloy", input="hi"), Request[BinaryContent])

    assert_type(client.embeddings.create(model="m", input="x"), Result[CreateEmbeddingResponse, OpenAIError])
    assert_type(client.files.list(limit=20), Result[Page[FileObject], OpenAIError])
    assert_type(client.files.content(file_id="file_1"), Result[BinaryContent, OpenAIError])
    assert_type(client.models.retrieve(model="gpt-4o"), Result[Model, OpenAIError])
    assert_type(client.batches.retrieve(batch_id="b"), Result[Batch, OpenAIError])
    assert_type(client.fine_tuning.jobs.retrieve(fine_tuning_job_id="j"), Result[FineTuningJob, OpenAIError])
    assert_type(client.images.generate(prompt="a cat"), Result[ImagesResponse, OpenAIError])
    assert_type(client.beta.threads.create(), Result[Thread, OpenAIError])
    assert_type(client.beta.threads.runs.retrieve(thread_id="t", run_id="r"), Result[Run, OpenAIError])
    assert_type(client.vector_stores.retrieve(vector_store_id="vs"), Result[VectorStore, OpenAIError])

    # the SDK's per-call options: on the written-out overloads (streaming operations) and through the ParamSpec
    optioned = client.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, extra_headers={"x-trace": "1"}, timeout=5.0
    )
    assert_type(optioned, Result[Stream[ChatCompletionChunk], OpenAIError])
    listed = client.files.list(
        limit=20, extra_query={"purpose": "batch"}, extra_headers={"x-a": None}, timeout=None
    )
    assert_type(listed, Result[Page[FileObject], OpenAIError])
    assert_type(
        chat.completions.create(model="m", messages=MESSAGES, extra_body={"x": 1}), Request[ChatCompletion]
    )

    raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MESSAGES)
    assert_type(raw, Result[APIResponse[ChatCompletion], OpenAIError])
    assert_type(client.files.with_raw_response.list(), Result[APIResponse[Page[FileObject]], OpenAIError])
    assert_type(client.with_raw_response.files.list(), Result[APIResponse[Page[FileObject]], OpenAIError])

    opened = client.chat.completions.with_streaming_response.create(model="gpt-4o-mini", messages=MESSAGES)
    assert_type(opened, AbstractContextManager[Result[StreamedResponse[ChatCompletion], OpenAIError]])
    with client.models.with_streaming_response.list() as answer:
        assert_type(answer, Result[StreamedResponse[Page[Model]], OpenAIError])

    # helpers: the executor is bound
    run = client.beta.threads.runs.create_and_poll(thread_id="t", assistant_id="a")
    assert_type(run, Result[Run, OpenAIError])
    assert_type(client.batches.poll("batch_1"), Result[Batch, OpenAIError])
    stored = client.vector_stores.files.create_and_poll(vector_store_id="vs", file_id="f")
    assert_type(stored, Result[VectorStoreFile, OpenAIError])
    assert_type(client.files.wait_for_processing("file_1"), Result[FileObject, OpenAIError])
    parsed = client.chat.completions.parse(model="gpt-4o-mini", messages=MESSAGES, response_format=int)
    assert_type(parsed, Result[ParsedChatCompletion[int], OpenAIError])

    assert_type(client.webhooks, Webhooks)


async def async_usage(client: AsyncOpenAI, flag: bool) -> None:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    assert_type(completion, Result[ChatCompletion, OpenAIError])

    chunks = await client.chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, timeout=20.0
    )
    assert_type(chunks, Result[AsyncStream[ChatCompletionChunk], OpenAIError])

    either = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=flag)
    assert_type(either, Result[ChatCompletion | AsyncStream[ChatCompletionChunk], OpenAIError])

    speech = await client.audio.speech.create(model="m", voice="alloy", input="hi", stream_format="sse")
    assert_type(speech, Result[AsyncStream[CreateSpeechResponseStreamEvent], OpenAIError])
    assert_type(await client.audio.speech.create(model="m", voice="alloy", input="hi"), Result[BinaryContent, OpenAIError])

    assert_type(await client.files.list(), Result[Page[FileObject], OpenAIError])
    raw = await client.models.with_raw_response.retrieve(model="gpt-4o")
    assert_type(raw, Result[APIResponse[Model], OpenAIError])
    assert_type(await client.with_raw_response.models.retrieve(model="gpt-4o"), Result[APIResponse[Model], OpenAIError])

    opened = client.files.with_streaming_response.retrieve(file_id="file_1")
    assert_type(opened, AbstractAsyncContextManager[Result[AsyncStreamedResponse[FileObject], OpenAIError]])
    async with opened as answer:
        assert_type(answer, Result[AsyncStreamedResponse[FileObject], OpenAIError])

    run = await client.beta.threads.runs.create_and_poll(thread_id="t", assistant_id="a")
    assert_type(run, Result[Run, OpenAIError])


def computed_properties(response: Response) -> None:
    assert_type(response.output_text, str)  # the SDK's computed property, not a spec field
