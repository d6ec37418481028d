"""Render an HTML report of stored articles: clean text with entity mentions, removed pieces and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..model import Analysis, SegmentKind


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    label: str | None


def _highlight(analysis: Analysis) -> Markup:
    """The body as HTML paragraphs with mentions wrapped in labelled <mark> elements (all text escaped)."""
    body = analysis.article.body
    out: list[str] = []
    pos = 0
    for m in sorted(analysis.mentions, key=lambda m: m.start):
        if m.start < pos:
            continue
        out.append(str(escape(body[pos : m.start])))
        out.append(f'<mark class="ent ent-{escape(m.label)}" title="{escape(m.label)}">{escape(body[m.start:m.end])}</mark>')
        pos = m.end
    out.append(str(escape(body[pos:])))
    html = "".join(out)
    return Markup("".join(f"<p>{p}</p>" for p in html.split("\n\n")))


def render_report(
    analyses: list[Analysis], *, title: str = "crosswire report", db: str | None = None, story=None
) -> str:
    """Render a self-contained HTML report (no external assets; works offline).

    Args:
        analyses (list[Analysis]): the stored analyses to show.
        title (str): the page title.
        db (str | None): the store the report was made from.
        story (Story | None): the story the articles belong to (its timeline is shown first).
    RETURNS (str): the HTML page.
    """
    env = Environment(loader=PackageLoader("crosswire.report", "templates"), autoescape=select_autoescape(["html"]))
    template = env.get_template("report.html")
    items = []
    for a in analyses:
        art = a.article
        labels: dict[str, dict[str, int]] = {}
        for m in a.mentions:
            labels.setdefault(m.label, {})
            labels[m.label][m.text] = labels[m.label].get(m.text, 0) + 1
        items.append(
            {
                "a": art,
                "body_html": _highlight(a),
                "removed": art.removed,
                "captions": [s for s in art.segments if s.kind is SegmentKind.CAPTION],
                "n_sentences": len(a.sentences),
                "places": a.places,
                "events": a.events,
                "flags": a.flags,
                "labels": {k: sorted(v.items(), key=lambda kv: (-kv[1], kv[0])) for k, v in sorted(labels.items())},
            }
        )
    return template.render(
        title=title if story is None else f"crosswire story {story.id}",
        story=story,
        items=items,
        db=db,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
