"""Render an HTML report of stored articles: clean text with entity mentions, removed pieces and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
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
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def render_dossier(
    dossier, *, db: str | None = None, generated: str | None = None, map_width: int = 720, map_height: int = 440
) -> str:
    """Render a story dossier as one self-contained HTML page (inline CSS and SVG, no scripts, no external assets).

    Every piece of article text goes through Jinja's autoescaping: an article containing ``<script>`` shows it as text.

    Args:
        dossier (Dossier): from ``build_dossier`` or ``load_dossier``.
        db (str | None): the store it was made from (shown in the header).
        generated (str | None): the generation time to show (default: now, UTC).
        map_width (int): the map's width in pixels.
        map_height (int): the map's height in pixels.
    RETURNS (str): the HTML page.
    """
    from .dossier import anchor
    from .map import render_map_svg

    env = Environment(
        loader=PackageLoader("crosswire.report", "templates"), autoescape=True, undefined=StrictUndefined,
        trim_blocks=False, lstrip_blocks=False,
    )  # fmt: skip
    env.globals["anchor"] = anchor
    svg = render_map_svg(
        [p.place for p in dossier.places],
        counts={p.place.id: p.count for p in dossier.places},
        highlight_countries=dossier.countries,
        width=map_width,
        height=map_height,
        title=f"Places named in the story ({len(dossier.places)})",
    )
    framing = dossier.framing
    framing_by_outlet = {f.outlet: f for f in framing.per_outlet} if framing is not None else {}
    label_groups = {f.outlet: _label_groups(f.labels) for f in framing.per_outlet} if framing is not None else {}
    contexts = _context_lines(framing.highlights) if framing is not None else {}
    return env.get_template("dossier.html").render(
        d=dossier,
        db=db,
        generated=generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        # The SVG is built by render_map_svg, which escapes every text it draws: markup, not data.
        map_svg=Markup(svg),
        articles_by_id={a.article.id: a for a in dossier.articles},
        events_by_id={t.event.id: t for t in dossier.timeline},
        claimants_by_key={r.key: r for r in dossier.claimants},
        framing_by_outlet=framing_by_outlet,
        label_groups=label_groups,
        contexts=contexts,
    )


@dataclass(frozen=True, slots=True)
class _LabelGroup:
    """One label applied by one outlet to one target, with the sentences (anchors) where it is."""

    label: str
    target: str | None
    anchors: tuple[str, ...]
    in_quote: int  # how many of the uses are inside quotations


@dataclass(frozen=True, slots=True)
class _ContextLine:
    """A sentence with its framing spans marked: pieces of (text, kind or None, note)."""

    anchor: str
    pieces: tuple[tuple[str, str | None, str | None], ...]


def _label_groups(uses) -> list[_LabelGroup]:
    """Group an outlet's label uses by (label, target), most used first."""
    from .dossier import anchor

    groups: dict[tuple[str, str | None], list] = {}
    for u in uses:
        groups.setdefault((u.label, u.target_name), []).append(u)
    out = [
        _LabelGroup(label, target, tuple(dict.fromkeys(anchor(u.evidence.article_id, u.evidence.sentence) for u in us)),
                    sum(1 for u in us if u.in_quote))
        for (label, target), us in groups.items()
    ]  # fmt: skip
    return sorted(out, key=lambda g: (-len(g.anchors), g.label, g.target or ""))


def _context_lines(highlights) -> dict[str, list[_ContextLine]]:
    """Loaded language, name calling and labels shown once per sentence, every span of the sentence marked."""
    from .dossier import anchor

    by_sentence: dict[tuple[str, str, int], list] = {}
    for h in highlights:
        if h.kind in ("loaded", "name_calling", "label", "scare_quote"):
            by_sentence.setdefault((h.outlet, h.evidence.article_id, h.evidence.sentence), []).append(h)
    out: dict[str, list[_ContextLine]] = {}
    for (outlet, aid, idx), hs in by_sentence.items():
        text = hs[0].evidence.text
        pieces: list[tuple[str, str | None, str | None]] = []
        pos = 0
        for h in sorted(hs, key=lambda h: (h.evidence.start, -h.evidence.end)):
            a, b = h.evidence.start, h.evidence.end
            if a < pos:  # overlaps the previous span: already marked
                continue
            pieces.append((text[pos:a], None, None))
            note = f"{h.label} ({h.source})" + (" in a quotation" if h.in_quote else "")
            pieces.append((text[a:b], h.kind + (" inq" if h.in_quote else ""), note))
            pos = b
        pieces.append((text[pos:], None, None))
        out.setdefault(outlet, []).append(_ContextLine(anchor(aid, idx), tuple(p for p in pieces if p[0])))
    return out
