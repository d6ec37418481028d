"""The story dossier: everything the HTML dossier shows, as typed records built from a story and its analyses.

``build_dossier(story, analyses)`` is a pure function; ``load_dossier(store, story_id)`` reads the store first.
The HTML (``render_dossier``) only lays these records out, so tests can check the facts here, not in markup.

    timeline   the story's merged events, with corroboration and a link to each reporting sentence
    places     the story's resolved places with mention counts (drawn on the map), and those left off the map
    outlets    one column per outlet: its articles, the events it reports (and those only it reports), whom it cites
    claimants  who is cited, by which outlets, with each attribution linked to its sentence
    naming     how each outlet names each actor and place
    framing    labels, scare quotes, hedges and loaded language (``crosswire.framing.compare``, when installed)
    articles   each article's clean text, sentence by sentence, with anchors and highlights
"""

from __future__ import annotations

import bisect
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from ..linking.corroboration import origin_key
from ..model import Analysis, Claim, MergedEvent, Place, PlacePrecision, Span, Story
from ..places.distance import haversine_km
from .records import (
    ArticleView,
    ClaimantRow,
    ClaimUse,
    ContradictionView,
    Dossier,
    Forms,
    MapPoint,
    Mark,
    NamingRow,
    OffMap,
    OutletColumn,
    Piece,
    SentenceLink,
    SentenceView,
    TimelineEntry,
    anchor,
    outlet_name,
)  # fmt: skip

__all__ = [
    "MAP_MAX_KM", "MAP_MIN_CONFIDENCE", "Dossier", "anchor", "build_dossier", "load_dossier", "map_points", "resolve_story",
]  # fmt: skip

logger = logging.getLogger(__name__)

#: Place mentions resolved with less confidence than this are listed, not drawn.
MAP_MIN_CONFIDENCE = 0.2
#: Places farther than this from the story's central place are listed, not drawn (a stray match would
#: otherwise zoom the map out to the whole world).
MAP_MAX_KM = 2500.0
#: Precisions drawn as dots; countries are shaded instead, regions only listed.
_DOT_PRECISIONS = {PlacePrecision.CITY, PlacePrecision.SITE, PlacePrecision.ADMIN2, PlacePrecision.ADMIN1}
_PRONOUNS = frozenset(
    {"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "we", "us", "i", "you",
     "this", "that", "these", "those", "who"}
)  # fmt: skip


class _Locator:
    """Finds the sentence of a span in one article."""

    def __init__(self, analysis: Analysis) -> None:
        self.aid = analysis.article.id
        self.outlet = outlet_name(analysis.article)
        self.starts = [s.start for s in analysis.sentences]
        self.sentences = analysis.sentences

    def index(self, start: int) -> int:
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and start < self.sentences[i].end:
            return i
        return -1

    def link(self, span: Span) -> SentenceLink:
        i = self.index(span.start)
        return SentenceLink(self.aid, self.outlet, i, anchor(self.aid, i) if i >= 0 else f"a-{self.aid}", span.text)


def build_dossier(story: Story, analyses: Sequence[Analysis], *, framing: Any = None) -> Dossier:
    """Gather what the dossier shows about one story.

    Args:
        story (Story): the story (``Store.story``), with its merged events.
        analyses (Sequence[Analysis]): the story's articles (``Store.analysis`` of each of ``story.article_ids``).
        framing (StoryFraming | None): the outlets' framing comparison; computed with
            ``crosswire.framing.compare.compare_story`` when that module is installed and this is None.
    RETURNS (Dossier): the records the HTML is made from.
    """
    by_id = {a.article.id: a for a in analyses}
    in_story = set(story.article_ids)
    ordered = [by_id[i] for i in story.article_ids if i in by_id] + [a for a in analyses if a.article.id not in in_story]
    locators = {a.article.id: _Locator(a) for a in ordered}
    outlets = tuple(dict.fromkeys(outlet_name(a.article) for a in ordered))
    names = _actor_names(ordered)

    timeline = tuple(_timeline_entry(e, names, locators) for e in story.events)
    contradictions = tuple(
        ContradictionView(c, _side_link(c.side_a, locators), _side_link(c.side_b, locators)) for c in story.contradictions
    )
    claimants = _claimants(ordered, locators, outlets)
    columns = _columns(story, ordered, outlets, claimants)
    points, countries, off_map = map_points(ordered)
    note = None
    if framing is None:
        framing, note = _compare(story, ordered)
    naming = _naming(ordered, outlets, framing)
    articles = tuple(_article_view(a, locators[a.article.id]) for a in ordered)
    title = _title(story, ordered)
    return Dossier(
        story, title, outlets, timeline, contradictions, points, countries, off_map, columns, claimants, naming,
        framing, note, articles,
    )  # fmt: skip


def load_dossier(store, story_id: str) -> Dossier:
    """Read a story and its articles from the store and build its dossier.

    Args:
        store (Store): an open store.
        story_id (str): the story id.
    RETURNS (Dossier): the dossier.
    Raises:
        StoreError: when the story is unknown.
    """
    story = store.story(story_id)
    return build_dossier(story, [store.analysis(aid) for aid in story.article_ids])


def resolve_story(store, story_id: str | None = None, *, largest: bool = False) -> str:
    """Find a story id from a unique prefix, or the largest story.

    Args:
        store (Store): an open store.
        story_id (str | None): the full id, or its first characters ("story-b515", or "b515" without "story-").
        largest (bool): pick the story with the most articles (the first ``crosswire stories`` lists).
    RETURNS (str): the full story id.
    Raises:
        StoreError: when no story, or several, match; or when the store has no story.
    """
    from ..errors import StoreError

    listed = store.story_list()
    if largest:
        if not listed:
            raise StoreError(f"No story in {store.path}: ingest articles first (`crosswire ingest`).")
        return listed[0].id
    if not story_id:
        raise StoreError("Give a story id (see `crosswire stories`), or --largest.")
    ids = [s.id for s in listed]
    if story_id in ids:
        return story_id
    hits = [i for i in ids if i.startswith(story_id) or i.removeprefix("story-").startswith(story_id)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise StoreError(f"No story {story_id!r} in {store.path}. List them with `crosswire stories`.")
    raise StoreError(f"The story id prefix {story_id!r} is ambiguous ({', '.join(hits[:3])} …): give more characters.")


def _compare(story: Story, analyses: Sequence[Analysis]) -> tuple[Any, str | None]:
    try:
        from ..framing.compare import compare_story
    except ImportError as exc:
        # The framing comparison is a separate stage; the dossier is still useful without it.
        return None, f"The framing comparison is not available in this installation ({exc})."
    return compare_story(story, analyses), None


def _title(story: Story, analyses: Sequence[Analysis]) -> str:
    """A title from the story's main places (its articles' headlines differ by outlet and are shown apart)."""
    # Towns and sites only: a province usually shares its name with its capital.
    places = [p.name for p in story.places if p.feature_class in ("P", "S")][:3]
    if places:
        return " · ".join(places)
    head = next((a.article.title for a in analyses if a.article.title), None)
    return head or f"Story {story.id}"


def _actor_names(analyses: Sequence[Analysis]) -> dict[str, str]:
    names: dict[str, str] = {}
    for a in analyses:
        for m in a.actors:
            names.setdefault(m.actor.id, m.actor.name)
        for e in a.events:
            for c in (e.claim, *e.claims):
                if c is None:
                    continue
                for x in (c.speaker, c.organisation, *c.chain):
                    if x is not None:
                        names.setdefault(x.id, x.name)
    return names


def _when(e: MergedEvent) -> str:
    if e.date_from is None:
        return "undated"
    if e.date_to is None or e.date_to == e.date_from:
        return e.date_from.isoformat()
    return f"{e.date_from.isoformat()} .. {e.date_to.isoformat()}"


def _timeline_entry(e: MergedEvent, names: dict[str, str], locators: dict[str, _Locator]) -> TimelineEntry:
    what = e.acled_subtype or e.acled_type or e.plover_root or "event"
    if e.stage:
        what += f" ({e.stage})"
    evidence = []
    for m in e.mentions:
        loc = locators.get(m.article_id)
        span = m.event.evidence[0] if m.event.evidence else m.event.trigger
        if loc is not None:
            evidence.append(loc.link(span))
    return TimelineEntry(
        e, _when(e), what,
        names.get(e.actor_id, e.actor_id) if e.actor_id else None,
        names.get(e.target_id, e.target_id) if e.target_id else None,
        e.place.name if e.place else None,
        tuple(evidence),
    )  # fmt: skip


def _side_link(side, locators: dict[str, _Locator]) -> SentenceLink:
    loc = locators.get(side.article_id)
    if loc is None:
        return SentenceLink(side.article_id, side.outlet or "?", -1, f"a-{side.article_id}", side.evidence.text)
    return loc.link(side.evidence)


def _claims_of(analysis: Analysis) -> list[tuple[Claim, tuple[str, ...]]]:
    """Every distinct attribution in an article with the ids of the events it sources."""
    seen: dict[tuple[int, int], tuple[Claim, list[str]]] = {}
    for e in analysis.events:
        for c in e.claims or ((e.claim,) if e.claim is not None else ()):
            key = (c.span.start, c.span.end)
            if key not in seen:
                seen[key] = (c, [])
            if e.id not in seen[key][1]:
                seen[key][1].append(e.id)
    return [(c, tuple(ids)) for (_, _), (c, ids) in sorted(seen.items())]


def _claimants(analyses: Sequence[Analysis], locators: dict[str, _Locator], outlets: tuple[str, ...]) -> tuple[ClaimantRow, ...]:
    groups: dict[str, dict] = {}
    for a in analyses:
        loc = locators[a.article.id]
        for c, event_ids in _claims_of(a):
            ok = origin_key(c)
            if ok is None:
                continue
            key, label = ok
            use = ClaimUse(
                key, label, c.speaker_label, c.speaker.id if c.speaker else None, tuple(x.name for x in c.chain),
                c.kind, event_ids, loc.link(c.span), c.quote.text if c.quote else None,
            )  # fmt: skip
            g = groups.setdefault(key, {"label": label, "uses": [], "speakers": {}})
            g["uses"].append(use)
            if c.speaker is not None and c.speaker.id != key.removeprefix("actor:"):
                g["speakers"].setdefault(c.speaker.id, c.speaker.name)
    rows = []
    for key, g in groups.items():
        used = {u.link.outlet for u in g["uses"]}
        rows.append(
            ClaimantRow(key, g["label"], tuple(o for o in outlets if o in used), tuple(g["speakers"].values()), tuple(g["uses"]))
        )
    rows.sort(key=lambda r: (-len(r.outlets), -len(r.uses), r.claimant))
    return tuple(rows)


def _columns(
    story: Story, analyses: Sequence[Analysis], outlets: tuple[str, ...], claimants: tuple[ClaimantRow, ...]
) -> tuple[OutletColumn, ...]:
    outlet_of = {a.article.id: outlet_name(a.article) for a in analyses}
    reports: dict[str, list[str]] = defaultdict(list)
    unattributed: Counter[str] = Counter()
    for e in story.events:
        by = {outlet_of.get(m.article_id, m.outlet or "?") for m in e.mentions}
        for o in by:
            reports[o].append(e.id)
        for o in e.corroboration.unattributed_outlets:
            unattributed[o] += 1
    cols = []
    for o in outlets:
        evs = tuple(reports.get(o, ()))
        only = tuple(eid for eid in evs if all(eid not in reports[x] for x in outlets if x != o))
        cited = sorted(
            (r for r in claimants if o in r.outlets), key=lambda r: (-sum(u.link.outlet == o for u in r.uses), r.claimant)
        )
        own = tuple(a.article.id for a in analyses if outlet_of[a.article.id] == o)
        cols.append(OutletColumn(o, own, evs, only, tuple(r.key for r in cited), unattributed[o]))
    return tuple(cols)


def map_points(analyses: Sequence[Analysis]) -> tuple[tuple[MapPoint, ...], tuple[str, ...], tuple[OffMap, ...]]:
    """The places of a set of articles to draw on a map, the countries to shade, and those left off, with why.

    Towns, sites and provinces resolved with confidence >= ``MAP_MIN_CONFIDENCE`` are drawn, except those more
    than ``MAP_MAX_KM`` from the story's central place; countries are shaded; regions and unresolved names are
    listed. Draw them with ``render_map_svg([p.place for p in points], counts={p.place.id: p.count ...},
    highlight_countries=countries)``.

    Args:
        analyses (Sequence[Analysis]): the articles.
    RETURNS (tuple): (points most mentioned first, ISO alpha-2 codes of the countries named, places left off).
    """
    counts: Counter[str] = Counter()
    places: dict[str, Place] = {}
    outlets: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, dict[str, None]] = defaultdict(dict)
    countries: dict[str, None] = {}
    off: Counter[tuple[str, str | None, str]] = Counter()
    seen: dict[str, Place] = {}  # every resolved place, drawn or not
    for a in analyses:
        o = outlet_name(a.article)
        for pm in a.places:
            p = pm.place
            if p is None:
                off[(pm.text, None, (pm.reason or "not resolved to a place").split(" (")[0])] += 1
                continue
            if pm.precision is PlacePrecision.COUNTRY or p.feature_code.startswith("PCL"):
                if p.country:
                    countries[p.country] = None
                continue
            seen[p.id] = p
            if pm.precision not in _DOT_PRECISIONS:
                off[(pm.text, p.id, f"a region ({p.name}), not a point")] += 1
                continue
            if pm.confidence < MAP_MIN_CONFIDENCE:
                off[(pm.text, p.id, f"resolved to {p.name} ({p.country or '?'}) with low confidence {pm.confidence:.2f}")] += 1
                continue
            counts[p.id] += 1
            places[p.id] = p
            outlets[p.id].add(o)
            forms[p.id][pm.text] = None
            if p.country:
                countries.setdefault(p.country, None)
    # Leave out places far from the story's centre: the place with the least mention-weighted distance to the rest.
    far: set[str] = set()
    if len(counts) > 2:
        centre = min(
            places.values(),
            key=lambda c: sum(n * haversine_km(c.lat, c.lon, places[i].lat, places[i].lon) for i, n in counts.items()),
        )
        far = {i for i in counts if haversine_km(centre.lat, centre.lon, places[i].lat, places[i].lon) > MAP_MAX_KM}
    points = tuple(
        MapPoint(places[i], n, tuple(sorted(outlets[i])), tuple(forms[i]))
        for i, n in sorted(counts.items(), key=lambda kv: (-kv[1], places[kv[0]].name))
        if i not in far
    )
    off_map = [
        OffMap(f, places[i], counts[i], f"more than {MAP_MAX_KM:.0f} km from the story's other places")
        for i in sorted(far)
        for f in forms[i]
    ]
    drawn = {p.place.id for p in points}  # a place on the map is not listed again for a doubtful mention
    off_map += [
        OffMap(text, seen.get(pid) if pid else None, n, reason)
        for (text, pid, reason), n in sorted(off.items(), key=lambda kv: (-kv[1], kv[0][0]))
        if pid is None or pid not in drawn
    ]
    return points, tuple(countries), tuple(off_map)


def _naming(analyses: Sequence[Analysis], outlets: tuple[str, ...], framing: Any = None) -> tuple[NamingRow, ...]:
    # the outlets' own remarks on names they use (glosses), from the framing comparison when there is one
    notes = {
        (r.kind, r.canonical_id, o.outlet): o.notes for r in (framing.naming if framing is not None else ()) for o in r.outlets
    }
    table: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    names: dict[tuple[str, str], str] = {}
    for a in analyses:
        o = outlet_name(a.article)
        for m in a.actors:
            text = " ".join(m.text.split())
            if text.casefold() in _PRONOUNS:
                continue
            key = ("actor", m.actor.id)
            names[key] = m.actor.name
            table[key][o][text[:1].lower() + text[1:] if text.startswith("The ") else text] += 1
        for pm in a.places:
            if pm.place is None or pm.confidence < MAP_MIN_CONFIDENCE:
                continue
            key = ("place", pm.place.id)
            names[key] = pm.place.name
            table[key][o][" ".join(pm.text.split())] += 1
    rows = []
    for key, per in table.items():
        forms = tuple(
            Forms(o, tuple(sorted(per[o].items(), key=lambda kv: (-kv[1], kv[0]))), notes.get((*key, o), ()))
            for o in outlets
            if o in per
        )
        rows.append(NamingRow(key[0], key[1], names[key], forms))
    rows.sort(key=lambda r: (not r.differs, r.kind != "actor", -sum(n for f in r.outlets for _, n in f.forms), r.name))
    return tuple(rows)


def _marks(analysis: Analysis) -> list[Mark]:
    marks = []
    for c, _ in _claims_of(analysis):
        ok = origin_key(c)
        marks.append(Mark(c.span.start, c.span.end, "attribution", f"source: {ok[1] if ok else 'unnamed'}"))
    framing = getattr(analysis, "framing", None)
    for s in getattr(framing, "spans", None) or ():
        note = s.label + (f" → {s.target_name}" if getattr(s, "target_name", None) else "")
        if getattr(s, "in_quote", False):
            # A quoted speaker's word, not the outlet's own: marked apart.
            marks.append(Mark(s.start, s.end, "inq", "in a quotation"))
        marks.append(Mark(s.start, s.end, s.kind, note))
    return marks


def _article_view(analysis: Analysis, loc: _Locator) -> ArticleView:
    body = analysis.article.body
    marks = _marks(analysis)
    sentences = []
    pos = 0
    for i, s in enumerate(analysis.sentences):
        lead = body[pos : s.start] if s.start >= pos else ""
        start = max(s.start, pos)
        end = max(start, s.start + len(body[s.start : s.end].rstrip()))  # trailing breaks go to the next lead
        sentences.append(SentenceView(i, anchor(loc.aid, i), lead, _pieces(body, start, end, marks)))
        pos = max(pos, end)
    flags = tuple((f, tuple(loc.link(sp) for sp in f.evidence)) for f in analysis.flags)
    return ArticleView(analysis.article, loc.outlet, tuple(sentences), body[pos:], flags, len(analysis.events))


def _pieces(body: str, start: int, end: int, marks: Sequence[Mark]) -> tuple[Piece, ...]:
    """Split body[start:end] at every mark boundary; each piece lists the marks that cover it."""
    inside = [m for m in marks if m.start < end and m.end > start]
    cuts = sorted({start, end, *(max(start, m.start) for m in inside), *(min(end, m.end) for m in inside)})
    out = []
    for a, b in pairwise(cuts):
        if a >= b:
            continue
        cover = [m for m in inside if m.start <= a and m.end >= b]
        kinds = tuple(dict.fromkeys(m.kind for m in cover))
        note = "; ".join(dict.fromkeys(m.note for m in cover)) or None
        out.append(Piece(body[a:b], kinds, note))
    return tuple(out)
