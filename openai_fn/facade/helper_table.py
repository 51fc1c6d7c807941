"""Which SDK-style helpers hang where on ``client.<namespace>``: dotted path → ``module:function``.

Each helper takes the executor as its first argument; the namespace binds it.
"""

from __future__ import annotations

from .namespaces import HELPERS

__all__ = ["TABLE", "register"]

TABLE: dict[str, str] = {}


def register() -> None:
    """Fill :data:`~openai_fn.facade.namespaces.HELPERS` once."""
    if not HELPERS:
        HELPERS.update(TABLE)
