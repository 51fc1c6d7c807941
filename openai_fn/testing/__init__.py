"""Real OpenAI-compatible servers on loopback, for the quickstart, tests and local experiments.

- :class:`~openai_fn.testing.llmock.LLMock`: llmock (Python, ``dev`` extra), a behaving mock of the
  main endpoints with scriptable failures. Starts in about a second.
- :class:`~openai_fn.testing.prism.Prism`: Stoplight Prism (node) mocking every operation of the
  OpenAPI spec, validating request bodies. Starts in 30-50 s.

Both run as child processes on a free port, are context managers, and are always stopped on exit.
Nothing here is imported by ``import openai_fn``.
"""

from __future__ import annotations

from .llmock import LLMock, LLMockUnavailable
from .prism import Prism, PrismUnavailable
from .process import ServerProcess, ServerStartError, free_port

__all__ = ["LLMock", "LLMockUnavailable", "Prism", "PrismUnavailable", "ServerProcess", "ServerStartError", "free_port"]
