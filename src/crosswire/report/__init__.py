"""HTML reports of what crosswire found: the article report and the story dossier (with its map)."""

from .dossier import Dossier, build_dossier, load_dossier
from .html import render_dossier, render_report
from .map import render_map_svg

__all__ = ["Dossier", "build_dossier", "load_dossier", "render_dossier", "render_map_svg", "render_report"]
