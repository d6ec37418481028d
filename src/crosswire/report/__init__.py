"""HTML reports of what crosswire found."""

from .html import render_report

__all__ = ["render_report"]
