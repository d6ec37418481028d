"""The DuckDB store: schema and migrations (``schema``), records to Arrow (``tables``), and the
``Store`` with its transactional writes and queries (``db``)."""

from .db import ArticleSummary, EventRow, Store, StorySummary, WriteResult
from .schema import DEFAULT_DB, EXPORT_TABLES, MIGRATIONS

__all__ = ["DEFAULT_DB", "EXPORT_TABLES", "MIGRATIONS", "ArticleSummary", "EventRow", "Store", "StorySummary", "WriteResult"]
