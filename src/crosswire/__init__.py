"""crosswire: a cross-checked record of what happened, where, when and who says so, from news articles.

Example:

    import crosswire
    res = crosswire.Resources.load()
    analysis = crosswire.analyze(text, url="https://www.presstv.ir/...", resources=res)
    with crosswire.open_store("crosswire.duckdb") as store:
        print(store.articles())
"""

from __future__ import annotations

import logging

from .api import analyze, open_store
from .config import Config
from .errors import CrosswireError
from .model import Analysis, Article
from .resources import Resources

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Article",
    "Config",
    "CrosswireError",
    "Resources",
    "__version__",
    "analyze",
    "open_store",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
