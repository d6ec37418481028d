"""The side-by-side comparison of how the outlets of one story tell it.

``compare_story(story, analyses)`` is a pure function (no I/O): the story's merged events and the
articles' analyses (with their ``Framing``) in, a ``StoryFraming`` out:

* per outlet: its articles, the events it reports (merged event id + one line) and those no other
  outlet reports, the claims it carries grouped by claimant (with the claimant's side and the
  sentences), its attribution profile, and its labels, hedges and scare quotes with their targets;
* a naming table (each canonical actor and place, the forms each outlet uses, and whether they
  differ), a labels table (each label and whom each outlet applies it to);
* every framing span in its sentence (text + offsets within it), for highlighting; spans of an
  article's title come first, with ``sentence`` -1 and the title as the sentence text.

An article stored before the framing stage existed has no ``Framing``: its naming comes from its
actor and place mentions and its claims from its events' claims; its labels and loaded language are
missing, and ``notes`` says so.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence

from ..linking.corroboration import origin_key
from ..model import (
    Analysis,
    AttributionShare,
    ClaimGroup,
    EventReport,
    Highlight,
    LabelRow,
    LabelUse,
    MergedEvent,
    NamingChoice,
    NamingRow,
    OutletForms,
    OutletFraming,
    SentenceEvidence,
    Story,
    StoryFraming,
    SurfaceCount,
)
from .analyze import naming_choices

__all__ = ["compare_story", "describe_event", "outlet_of"]

#: At most this many evidence sentences per claim group (the counts stay exact).
MAX_EVIDENCE = 12
NO_TARGET = "(no target found)"


def outlet_of(article_id: str, outlet: str | None) -> str:
    """The outlet name used to group an article (the same fallback as ``linking.corroborate``).

    Args:
        article_id (str): the article id.
        outlet (str | None): its outlet, None when unknown.
    RETURNS (str): the outlet, or "(unknown outlet of <id>)".
    """
    return outlet or f"(unknown outlet of {article_id})"


class _Sentences:
    """Sentence lookup for one article: the sentence of a span, and the span within it."""

    def __init__(self, analysis: Analysis) -> None:
        body = analysis.article.body
        self.id = analysis.article.id
        self.body = body
        self.title = analysis.article.title
        self.sents = list(analysis.sentences) or []
        self.starts = [s.start for s in self.sents]

    def title_evidence(self, start: int, end: int) -> SentenceEvidence:
        title = self.title or ""
        return SentenceEvidence(self.id, -1, title, min(start, len(title)), min(end, len(title)))

    def evidence(self, start: int, end: int) -> SentenceEvidence:
        if not self.sents:
            return SentenceEvidence(self.id, 0, self.body, start, end)
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        s = self.sents[i]
        text = self.body[s.start : s.end].rstrip()
        lo = min(max(start, s.start) - s.start, len(text))
        hi = min(end - s.start, len(text))
        return SentenceEvidence(self.id, i, text, lo, max(hi, lo))


def describe_event(event: MergedEvent) -> str:
    """One line for a merged event: who did what to whom, where, and its type.

    Args:
        event (MergedEvent): the merged event.
    RETURNS (str): e.g. "Syrian Arab Army — captured — Islamic State, in Al Mayādīn (Battles / Government regains territory)".
    """
    first = event.mentions[0].event if event.mentions else None
    actor = first.actor.actor.name if first is not None and first.actor is not None else None
    target = first.target.actor.name if first is not None and first.target is not None else None
    trigger = first.trigger.text if first is not None else None
    parts = [p for p in (actor, trigger, target) if p]
    line = " — ".join(parts) if parts else "(event)"
    if event.place is not None:
        line += f", in {event.place.name}"
    kind = " / ".join(x for x in (event.acled_type, event.acled_subtype) if x) or event.plover_root
    if kind:
        line += f" ({kind})"
    return line


def compare_story(story: Story, analyses: Sequence[Analysis]) -> StoryFraming:
    """Compare how the outlets of a story tell it.

    Args:
        story (Story): the story (its merged events and their mentions).
        analyses (Sequence[Analysis]): the story's articles (others are ignored), with their framing.
    RETURNS (StoryFraming): per outlet framing, naming and label tables, highlighted spans.
    """
    wanted = set(story.article_ids)
    arts = [a for a in analyses if not wanted or a.article.id in wanted]
    seen: set[str] = set()
    arts = [a for a in arts if not (a.article.id in seen or seen.add(a.article.id))]
    by_outlet: dict[str, list[Analysis]] = defaultdict(list)
    for a in arts:
        by_outlet[outlet_of(a.article.id, a.article.outlet)].append(a)
    order = [o for o in story.outlets if o in by_outlet] + sorted(o for o in by_outlet if o not in story.outlets)
    lookup = {a.article.id: _Sentences(a) for a in arts}
    notes = tuple(
        f"article {a.article.id} ({outlet_of(a.article.id, a.article.outlet)}) has no framing record: it was stored "
        "before the framing stage existed, so its labels, loaded language and hedges are missing; re-ingest it "
        "into a new store to compute them"
        for a in arts
        if a.framing is None
    )

    # events: which outlets report each merged event
    event_outlets: dict[str, list[str]] = {}
    for e in story.events:
        outs: list[str] = []
        for m in e.mentions:
            o = outlet_of(m.article_id, m.outlet)
            if o not in outs:
                outs.append(o)
        event_outlets[e.id] = [o for o in order if o in outs] + [o for o in outs if o not in order]
    shared_events = tuple(e.id for e in story.events if len(event_outlets[e.id]) > 1)

    # each outlet's mentions of each merged event, in one pass over the story's mentions
    mentions_of: dict[str, dict[str, list]] = defaultdict(dict)
    for e in story.events:
        for m in e.mentions:
            if m.article_id in lookup:
                mentions_of[outlet_of(m.article_id, m.outlet)].setdefault(e.id, []).append(m)
    descriptions = {e.id: describe_event(e) for e in story.events}

    per_outlet: list[OutletFraming] = []
    claim_keys: dict[str, set[str]] = defaultdict(set)
    highlights: list[Highlight] = []
    for outlet in order:
        group = by_outlet[outlet]
        ids = tuple(a.article.id for a in group)
        reports: list[EventReport] = []
        mine_by_event = mentions_of.get(outlet, {})
        for e in story.events:
            mine = mine_by_event.get(e.id)
            if not mine:
                continue
            evidence = tuple(lookup[m.article_id].evidence(m.event.trigger.start, m.event.trigger.end) for m in mine)
            reports.append(
                EventReport(e.id, descriptions[e.id], e.acled_type, e.acled_subtype, e.plover_root, e.stage,
                            tuple(event_outlets[e.id]), evidence)
            )  # fmt: skip
        only_here = tuple(r.event_id for r in reports if r.outlets == (outlet,))
        claims = _claims(group, lookup)
        for c in claims:
            claim_keys[c.key].add(outlet)
        shares, unattributed, n_sents = _profile(group)
        labels, hedges, scares, glosses = [], [], [], []
        for a in group:
            if a.framing is None:
                continue
            sl = lookup[a.article.id]
            spans = [(s, sl.title_evidence(s.start, s.end)) for s in a.framing.title_spans]
            spans += [(s, sl.evidence(s.start, s.end)) for s in a.framing.spans]
            for s, ev in spans:
                if s.kind in ("label", "hedge", "scare_quote", "gloss"):
                    use = LabelUse(s.label, s.kind, s.category, s.target_id, s.target_name, s.in_quote, ev)
                    {"label": labels, "hedge": hedges, "scare_quote": scares, "gloss": glosses}[s.kind].append(use)
                highlights.append(
                    Highlight(a.article.id, outlet, s.kind, s.label, s.text, s.source, s.score, s.target_id, s.in_quote, ev)
                )
        per_outlet.append(
            OutletFraming(outlet, ids, tuple(reports), only_here, claims, shares, unattributed, tuple(labels),
                          tuple(hedges), tuple(scares), n_sents, tuple(glosses))
        )  # fmt: skip

    # "unresolved" groups different unnamed-to-us speakers: it is never one shared claimant
    shared_claimants = tuple(sorted(k for k, outs in claim_keys.items() if len(outs) > 1 and k != "unresolved"))
    return StoryFraming(
        story_id=story.id,
        outlets=tuple(order),
        per_outlet=tuple(per_outlet),
        shared_events=shared_events,
        shared_claimants=shared_claimants,
        naming=_naming_table(order, by_outlet),
        labels=_label_table(order, by_outlet),
        highlights=tuple(highlights),
        notes=notes,
    )


def _claims(group: list[Analysis], lookup: dict[str, _Sentences]) -> tuple[ClaimGroup, ...]:
    """Claims an outlet carries, grouped by claimant, from the framing's attribution profile (or,
    without one, from the events' claims)."""
    acc: dict[str, dict] = {}

    def add(key: str, label: str, side: str, count: int, speakers, ids, evidence) -> None:
        g = acc.setdefault(key, {"label": label, "side": side, "count": 0, "speakers": [], "ids": [], "evidence": []})
        g["count"] += count
        for s in speakers:
            if s not in g["speakers"]:
                g["speakers"].append(s)
        for i in ids:
            if i not in g["ids"]:
                g["ids"].append(i)
        g["evidence"].extend(evidence)

    for a in group:
        sl = lookup[a.article.id]
        if a.framing is not None:
            for share in a.framing.attribution:
                if not share.attributed:
                    continue
                ev = [sl.evidence(sp.start, sp.end) for sp in share.evidence]
                add(share.key, share.label, share.side, len(share.sentences), share.speakers, share.speaker_ids, ev)
            continue
        done: set[tuple[int, int]] = set()
        for e in a.events:
            for c in e.claims or ((e.claim,) if e.claim is not None else ()):
                k = origin_key(c)
                if k is None or (c.span.start, c.span.end) in done:
                    continue
                done.add((c.span.start, c.span.end))
                who = c.organisation or c.speaker or (c.chain[0] if c.chain else None)
                side = f"{who.type.value}: {who.name}" if who is not None else "unnamed source"
                add(k[0], k[1], side, 1, [c.speaker_label] if c.speaker_label else [],
                    [c.speaker.id] if c.speaker else [], [sl.evidence(c.span.start, c.span.end)])  # fmt: skip
    out = [
        ClaimGroup(k, g["label"], g["side"], g["count"], tuple(g["speakers"]), tuple(g["ids"]), tuple(g["evidence"][:MAX_EVIDENCE]))
        for k, g in acc.items()
    ]
    out.sort(key=lambda c: (-c.count, c.key))
    return tuple(out)


def _profile(group: list[Analysis]) -> tuple[tuple[AttributionShare, ...], float, int]:
    """An outlet's attribution profile over all its articles."""
    n = sum(len(a.sentences) for a in group)
    acc: dict[str, dict] = {}
    for a in group:
        if a.framing is None:
            continue
        for s in a.framing.attribution:
            g = acc.setdefault(s.key, {"share": s, "count": 0, "speakers": [], "ids": []})
            g["count"] += len(s.sentences)
            g["speakers"] += [x for x in s.speakers if x not in g["speakers"]]
            g["ids"] += [x for x in s.speaker_ids if x not in g["ids"]]
    shares = []
    for key, g in acc.items():
        s: AttributionShare = g["share"]
        shares.append(
            AttributionShare(key, s.label, s.side, s.country, s.actor_type, s.attributed, (),
                             round(g["count"] / n, 4) if n else 0.0, tuple(g["speakers"]), tuple(g["ids"]), ())
        )  # fmt: skip
    shares.sort(key=lambda s: (-s.share, s.key))
    unattributed = round(sum(s.share for s in shares if not s.attributed), 4)
    return tuple(shares), unattributed, n


def _naming_table(order: list[str], by_outlet: dict[str, list[Analysis]]) -> tuple[NamingRow, ...]:
    forms: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    names: dict[tuple[str, str], str] = {}
    for outlet in order:
        for a in by_outlet[outlet]:
            choices: Sequence[NamingChoice] = (
                a.framing.naming if a.framing is not None else naming_choices(a.article.body, a.actors, a.places)
            )
            for c in choices:
                key = (c.kind, c.canonical_id)
                names[key] = c.canonical_name
                forms[key][outlet][c.surface] += c.count
    rows = []
    notes = _gloss_notes(order, by_outlet)
    for key, per in forms.items():
        outs = tuple(
            OutletForms(o, tuple(SurfaceCount(s, n) for s, n in sorted(per[o].items(), key=lambda kv: (-kv[1], kv[0]))),
                        tuple(notes.get((key, o), ())))
            for o in order
            if o in per
        )  # fmt: skip
        tops = {_fold(o.forms[0].surface) for o in outs if o.forms}
        differs = len(outs) > 1 and len(tops) > 1
        total = sum(sum(c.values()) for c in per.values())
        rows.append((key[0] != "actor", -len(outs), -total, key[1], NamingRow(key[0], key[1], names[key], outs, differs)))
    rows.sort(key=lambda r: r[:4])
    return tuple(r[4] for r in rows)


def gloss_note(span_text: str, label: str) -> str:
    """RETURNS (str): how a naming table says an outlet glossed a name: 'explains "Daesh" as a pejorative'."""
    name = span_text.split("[")[0].split("(")[0].strip()
    return f'explains "{name}" as a pejorative' if label == "pejorative" else f'explains "{name}"'


def _gloss_notes(order: list[str], by_outlet: dict[str, list[Analysis]]) -> dict[tuple[tuple[str, str], str], list[str]]:
    """(("actor", id), outlet) -> the outlet's glosses of names of that actor, each once."""
    notes: dict[tuple[tuple[str, str], str], list[str]] = defaultdict(list)
    for outlet in order:
        for a in by_outlet[outlet]:
            for s in a.framing.spans if a.framing is not None else ():
                if s.kind == "gloss" and s.target_id:
                    note = gloss_note(s.text, s.label)
                    if note not in notes[(("actor", s.target_id), outlet)]:
                        notes[(("actor", s.target_id), outlet)].append(note)
    return notes


def _fold(surface: str) -> str:
    return surface.casefold().removeprefix("the ")


def _label_table(order: list[str], by_outlet: dict[str, list[Analysis]]) -> tuple[LabelRow, ...]:
    per: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    category: dict[str, str | None] = {}
    for outlet in order:
        for a in by_outlet[outlet]:
            if a.framing is None:
                continue
            for s in (*a.framing.title_spans, *a.framing.spans):
                if s.kind != "label":
                    continue
                category.setdefault(s.label, s.category)
                per[s.label][outlet][s.target_name or NO_TARGET] += 1
    rows = []
    for label, outs in per.items():
        row = LabelRow(
            label,
            category.get(label),
            tuple(
                OutletForms(o, tuple(SurfaceCount(t, n) for t, n in sorted(outs[o].items(), key=lambda kv: (-kv[1], kv[0]))))
                for o in order
                if o in outs
            ),
        )
        rows.append((-len(row.outlets), -sum(sum(c.values()) for c in outs.values()), label, row))
    rows.sort(key=lambda r: r[:3])
    return tuple(r[3] for r in rows)
