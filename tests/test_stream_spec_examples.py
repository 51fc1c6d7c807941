"""The SSE transcripts in the spec's examples, decoded into the generated event types.

Every streaming operation's example stream (``x-oaiMeta.examples[].response``) goes through
the SSE decoder and the event reader with the decoder the generated endpoint uses; every event
must come out as a known, typed event — no errors, no generic fallbacks.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, cast

import pytest

from openai_fn.core.decoders import StreamDecoder, StreamFormat
from openai_fn.core.model import UnknownEventVariant, UnknownVariant
from openai_fn.core.sse import decode_sse
from openai_fn.core.stream_events import Control, Done, EventReader

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "openai-openapi.yaml"

STREAMS: dict[str, tuple[str, StreamFormat]] = {
    "createChatCompletion": ("CreateChatCompletionStreamResponse", "chunks"),
    "createResponse": ("ResponseStreamEvent", "typed"),
    "beta_createResponse": ("BetaResponseStreamEvent", "typed"),
    "createImage": ("ImageGenStreamEvent", "typed"),
    "createImageEdit": ("ImageEditStreamEvent", "typed"),
    "createTranscription": ("CreateTranscriptionResponseStreamEvent", "typed"),
    "createSpeech": ("CreateSpeechResponseStreamEvent", "typed"),  # with ``stream_format="sse"``
    "createRun": ("AssistantStreamEvent", "assistant"),
    "createThreadAndRun": ("AssistantStreamEvent", "assistant"),
    "submitToolOuputsToRun": ("AssistantStreamEvent", "assistant"),
}
"""Streaming operations of the spec → the generated event type and the stream format."""


@functools.cache
def transcripts() -> list[tuple[str, str, str]]:
    """(operation id, example title, SSE text) for every example stream in the spec."""
    import yaml

    with SPEC.open() as f:
        spec: dict[str, Any] = yaml.load(f, Loader=yaml.CSafeLoader)
    found: list[tuple[str, str, str]] = []
    for item in spec["paths"].values():
        for op in cast("dict[str, Any]", item).values():
            if not isinstance(op, dict) or cast("dict[str, Any]", op).get("operationId") not in STREAMS:
                continue
            operation = cast("dict[str, Any]", op)
            examples: Any = operation.get("x-oaiMeta", {}).get("examples", [])
            for example in cast("list[Any]", examples if isinstance(examples, list) else [examples]):
                info = cast("dict[str, Any]", example) if isinstance(example, dict) else {}
                text = info.get("response")
                if isinstance(text, str) and ("data:" in text or "chat.completion.chunk" in text):
                    found.append((operation["operationId"], str(info.get("title", "")), text))
    return found


def as_sse(operation: str, text: str) -> bytes:
    """The example as wire bytes. The chat example lists bare JSON chunks with a ``....`` elision;
    the wire form is ``data:`` lines ending with ``[DONE]``. The others are SSE already, up to
    the typos :func:`repair` mends."""
    if operation == "createChatCompletion":
        chunks = [line for line in text.splitlines() if line.startswith("{")]
        return "".join(f"data: {chunk}\n\n" for chunk in [*chunks, "[DONE]"]).encode()
    return ("\n".join(repair(line) for line in text.rstrip("\n").splitlines()) + "\n\n").encode()


def repair(line: str) -> str:
    """Two typos of the spec's assistants transcripts (the text is documentation, not API output):
    a ``data:`` line whose ``data: `` prefix is missing, and run objects with one ``}`` too many."""
    if line.startswith("{"):
        line = "data: " + line
    if line.startswith("data: {") and line.endswith("}}"):
        try:
            json.loads(line[6:])
        except ValueError:
            json.loads(line[6:-1])  # only this exact typo is mended; anything else still fails
            return line[:-1]
    return line


def decoder_for(operation: str) -> StreamDecoder:
    import openai_fn.types as types

    name, format = STREAMS[operation]
    return StreamDecoder(getattr(types, name), format)


def test_every_streaming_operation_has_an_example_transcript() -> None:
    if not SPEC.exists():
        pytest.skip(f"the spec is not at {SPEC}")
    assert {operation for operation, _, _ in transcripts()} >= {
        "createChatCompletion",
        "createResponse",
        "createImage",
        "createImageEdit",
        "createTranscription",
        "createRun",
    }


@pytest.mark.parametrize("index", range(12))
def test_spec_example_stream_decodes_to_typed_events(index: int) -> None:
    if not SPEC.exists():
        pytest.skip(f"the spec is not at {SPEC}")
    if index >= len(transcripts()):
        pytest.skip("fewer example streams in this spec")
    operation, title, text = transcripts()[index]
    reader: EventReader[Any] = EventReader(decoder_for(operation))
    outcomes = [reader(event) for event in decode_sse(as_sse(operation, text))]
    events = [o for o in outcomes if not isinstance(o, Control)]
    problems = [o for o in outcomes if isinstance(o, Control) and not isinstance(o, Done)]
    assert not problems, (operation, title, problems[:1])
    generic = [o for o in events if isinstance(o, UnknownVariant | UnknownEventVariant)]
    assert not generic, (operation, title, [g.original_type for g in generic])
    assert len(events) >= 2, (operation, title)
    if reader.format == "typed":  # each typed event is the member its ``type`` names
        types = re.findall(rb'^data: \{"type":\s*"([^"]+)"', as_sse(operation, text), re.M)
        assert [getattr(e, "type", None) for e in events] == [t.decode() for t in types]
    if reader.format == "assistant":
        names = re.findall(rb"^event: (\S+)", as_sse(operation, text), re.M)
        assert [e.event for e in events] == [n.decode() for n in names if n != b"done"]


def test_streams_table_matches_the_generated_endpoints() -> None:
    from openai_fn.registry import operation

    for operation_id in STREAMS:
        entry = operation(operation_id)
        assert decoder_for(operation_id) == StreamDecoder(entry.stream_event_type, cast("Any", entry.stream_format))


def test_speech_event_examples_decode_to_typed_events() -> None:
    """The speech example of the spec (``stream_format: "sse"``) shows the request only; the events' own schema
    examples (``SpeechAudioDeltaEvent``, ``SpeechAudioDoneEvent``), sent as a stream, decode to those types."""
    if not SPEC.exists():
        pytest.skip(f"the spec is not at {SPEC}")
    import yaml

    import openai_fn.types as types

    with SPEC.open() as f:
        schemas: dict[str, Any] = yaml.load(f, Loader=yaml.CSafeLoader)["components"]["schemas"]
    members = [ref["$ref"].rsplit("/", 1)[1] for ref in schemas["CreateSpeechResponseStreamEvent"]["anyOf"]]
    assert members == ["SpeechAudioDeltaEvent", "SpeechAudioDoneEvent"]
    examples = [json.loads(schemas[name]["x-oaiMeta"]["example"]) for name in members]
    wire = "".join(f"data: {json.dumps(example)}\n\n" for example in examples).encode()
    reader: EventReader[Any] = EventReader(decoder_for("createSpeech"))
    events: list[Any] = [reader(event) for event in decode_sse(wire)]
    assert [type(event) for event in events] == [getattr(types, name) for name in members]
    assert [event.to_dict() for event in events] == examples
