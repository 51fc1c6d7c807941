"""openai_fn in five minutes: build a request (pure), run it (I/O), match on the Result (a value).

    make demo                 # or: .venv/bin/python examples/quickstart.py

With no ``OPENAI_API_KEY`` and no ``OPENAI_BASE_URL`` in the environment, this starts llmock (a
local OpenAI-compatible mock server) on a free loopback port, runs everything against it and
stops it: nothing leaves the machine. With a key set it talks to the real API (a few cents of
gpt-4o-mini and text-embedding-3-small; the file it uploads is deleted at the end); with only
``OPENAI_BASE_URL`` set it talks to that server.

It runs a chat completion, a streamed one (deltas printed as they arrive), an embedding, a file
upload, a paginated list, and two errors, one retried and one final. The exit status is 0 only
if every step did what it should.
"""

# returns' Result has exactly two cases, Success and Failure, but a type checker cannot see that the
# union is closed, so `match` on a Result would need a third, dead `case _` arm everywhere.
# pyright: reportMatchNotExhaustive=false

from __future__ import annotations

import itertools
import os
import sys
import time

from returns.result import Failure, Result, Success

import openai_fn as oa
from openai_fn import batches, chat, embeddings, files
from openai_fn.testing.llmock import LLMock, fail

CHAT_MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
BATCH_INPUT = (
    b'{"custom_id": "q1", "method": "POST", "url": "/v1/chat/completions", '
    b'"body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say this is a test"}]}}\n'
)


def say(text: str = "") -> None:
    print(text, flush=True)


def step(number: int, title: str) -> None:
    say()
    say(f"{number}. {title}")


def describe(error: oa.OpenAIError) -> str:
    status = getattr(error, "status_code", None)
    return f"{type(error).__name__}" + (f" ({status})" if status else "") + f": {error.message}"


def run_quickstart(client: oa.OpenAI, server: LLMock | None) -> bool:
    """Every step of the tour; True when all of them did what they should."""
    ok = True
    prompt = "Say this is a test"

    step(1, "Chat completion: build the request, run it, match on the Result")
    request = chat.completions.create(  # pure: no client, no I/O, just a value
        model=CHAT_MODEL, messages=[{"role": "user", "content": prompt}]
    )
    say(f"   request (nothing sent yet): {request!r}")
    assert request == chat.completions.create(model=CHAT_MODEL, messages=[{"role": "user", "content": prompt}])
    match client.run(request):
        case Success(completion):
            usage = completion.usage
            say(f"   answer: {completion.choices[0].message.content}")
            say(f"   ({completion.model}, finish_reason={completion.choices[0].finish_reason}, "
                f"{usage.total_tokens if usage else '?'} tokens, id {completion.id})")
        case Failure(error):
            say(f"   failed: {describe(error)}")
            ok = False

    step(2, "Streamed chat completion: deltas printed as they arrive")
    match client.run(chat.completions.create(
        model=CHAT_MODEL, messages=[{"role": "user", "content": prompt}], stream=True
    )):
        case Success(stream):
            print("   ", end="", flush=True)
            chunks = 0
            try:
                for chunk in stream:  # lazy: each chunk is read off the socket as the loop asks for it
                    chunks += 1
                    for choice in chunk.choices:
                        print(choice.delta.content or "", end="", flush=True)
            except oa.OpenAIError as error:  # a stream cut short raises its typed error here
                say(f"\n   stream broke: {describe(error)}")
                ok = False
            say(f"\n   ({chunks} chunks)")
        case Failure(error):
            say(f"   failed: {describe(error)}")
            ok = False

    step(3, "Embeddings")
    embedded: Result[list[float], oa.OpenAIError] = client.run(
        embeddings.create(model=EMBEDDING_MODEL, input="The food was delicious")
    ).map(
        lambda answer: answer.data[0].embedding  # Result.map: work on the value, leave a Failure as it is
    )
    match embedded:
        case Success(vector):
            head = ", ".join(f"{x:+.4f}" for x in vector[:4])
            say(f"   {len(vector)} dimensions: [{head}, ...]")
        case Failure(error):
            say(f"   failed: {describe(error)}")
            ok = False

    step(4, "File upload (multipart)")
    uploaded_id: str | None = None
    match client.run(files.create(file=("quickstart-batch.jsonl", BATCH_INPUT), purpose="batch")):
        case Success(file):
            uploaded_id = file.id
            say(f"   uploaded {file.filename}: {file.id}, {file.bytes} bytes, purpose={file.purpose}")
        case Failure(error):
            say(f"   failed: {describe(error)}")
            ok = False

    step(5, "Paginated list: client.paginate fetches the next page only when the loop needs it")
    if server is not None and uploaded_id is not None:  # a mock: make something to list (never on the real API)
        create = batches.create(input_file_id=uploaded_id, endpoint="/v1/chat/completions", completion_window="24h")
        created = [client.run(create) for _ in range(3)]
        say(f"   created {sum(isinstance(r, Success) for r in created)} batches from {uploaded_id} to list")
    listed = 0
    try:
        for page_number, page in enumerate(itertools.islice(client.paginate(batches.list(limit=2), pages=True), 4), 1):
            ids = ", ".join(f"{b.id} ({b.status})" for b in page)
            say(f"   page {page_number}: {ids or '(empty)'}")
            listed += len(page)
    except oa.OpenAIError as error:  # a failed page raises where the loop is; .results() gives Results instead
        say(f"   failed: {describe(error)}")
        ok = False
    say(f"   {listed} batches listed")

    step(6, "Errors are values: a rate limit retried, a missing file final")
    if server is not None:
        server.script(fail(429, retry_after=0.2))  # the mock's next answer is a 429 asking for a 0.2 s wait
        started = time.monotonic()
        match client.run_raw(chat.completions.create(model=CHAT_MODEL, messages=[{"role": "user", "content": "Again"}])):
            case Success(raw):
                say(f"   429 then {raw.status_code} after {raw.retries_taken} retry "
                    f"({time.monotonic() - started:.2f} s, the server's retry-after honoured)")
            case Failure(error):
                say(f"   failed: {describe(error)}")
                ok = False
    match client.run(files.retrieve(file_id="file-does-not-exist")):
        case Failure(oa.NotFoundError() as error):
            say(f"   {describe(error)}  (not retried: a 404 is final)")
        case other:
            say(f"   expected a NotFoundError, got {other!r}")
            ok = False

    if uploaded_id is not None:
        client.run(files.delete(file_id=uploaded_id))
    return ok


def main() -> int:
    say(f"openai_fn {oa.__version__} quickstart")
    if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"):
        with oa.OpenAI() as client:  # key, base URL, organization... from the environment, like the official SDK
            say(f"talking to {client.config.base_url}")
            ok = run_quickstart(client, None)
    else:
        say("no OPENAI_API_KEY or OPENAI_BASE_URL set: starting llmock, a local mock of the API")
        with LLMock() as server:
            say(f"llmock listening on {server.base_url} (started in {server.startup_seconds or 0:.1f} s)")
            with oa.OpenAI(base_url=server.base_url, api_key="sk-llmock") as client:
                ok = run_quickstart(client, server)
        say()
        say("llmock stopped.")
    say("all steps succeeded" if ok else "some steps FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
