"""The web workbench behind ``detente serve``: edit a scenario, run it, see it.

A FastAPI application over the library (no second implementation of
anything): :mod:`.library` keeps the folder of scenarios, :mod:`.api` is the
JSON API under ``/api/``, :mod:`.pages` the server-drawn pages, :mod:`.jobs`
runs models in worker processes that can be cancelled and are stopped after
a time limit. Needs the ``web`` extra (``pip install 'detente[web]'``).

>>> from detente.web import Settings, create_app
>>> app = create_app(Settings(scenarios="examples", db="sqlite://"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.web.app import Settings, create_app

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # Worker processes import detente.web.work alone: no FastAPI there.
    if name in __all__:
        from detente.web import app

        return getattr(app, name)
    raise AttributeError(f"module 'detente.web' has no attribute {name!r}")
