"""``OPENAI_LOG`` turns on the ``openai_fn`` logger, like the official SDK's ``OPENAI_LOG``.

Only metadata is logged (method, URL, status, retries); secret headers are redacted before
they reach a log call.
"""

from __future__ import annotations

import logging
import os

__all__ = ["setup_logging"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
_done = False


def setup_logging(value: str | None = None) -> None:
    """Once per process: attach a stderr handler at the level ``OPENAI_LOG`` names (if any)."""
    global _done
    if _done:
        return
    _done = True
    level = _LEVELS.get((value if value is not None else os.environ.get("OPENAI_LOG", "")).lower())
    if level is None:
        return
    logger = logging.getLogger("openai_fn")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
