"""Stream helpers: pure folds of event streams into final values, and wrappers that apply them.

- :mod:`openai_fn.helpers.chat_stream` — chat completion chunks → ``ChatCompletion``, with the
  official SDK's event vocabulary (``content.delta``, ``tool_calls.function.arguments.done``, …);
- :mod:`openai_fn.helpers.responses_stream` — Responses events → the final ``Response``;
- :mod:`openai_fn.helpers.assistant_stream` — an ``AssistantEventHandler`` equivalent.

Submodules load on first use, so importing this package costs nothing.
"""
