"""The REST API and the web page: ``create_app(settings)`` and ``crosswire serve``.

``create_app`` is imported on first use, so the command line (which registers ``serve``) does not
pay for importing FastAPI on every command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .settings import ServerSettings

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
