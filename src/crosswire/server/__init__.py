"""The REST API and the web page: ``create_app(settings)`` and ``crosswire serve``."""

from .app import create_app
from .settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
