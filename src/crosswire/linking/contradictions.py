"""Contradictions across a story's articles, each naming both sides with their evidence.

* **numbers**: one merged event, different values of the same quantity kind (fatalities, injured,
  people, distance, count) from different articles; values within 10 % of each other, or an
  approximate value ("more than 200") at or below an exact one, do not count.
* **perpetrator**: one merged attack whose mentions name different actors.
* **status**: a "capture" event, and another article's fighting/approach at the same place dated
  entirely after it ("captured" vs "still fighting for" later).
* **quote-speaker**: the same quoted words (normalised, 20+ characters) given to different speaker
  actors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import combinations

from ..model import Analysis, Contradiction, ContradictionSide, EventMention, MergedEvent, Span
from .merge import ATTACK_TYPES, place_distance_km

__all__ = ["find_contradictions"]

NUMBER_KINDS = ("fatalities", "injured", "people", "distance_km", "count")
_NORM = re.compile(r"[^\w]+")


def _side(m: EventMention, evidence: Span, value: str) -> ContradictionSide:
    return ContradictionSide(m.article_id, m.outlet, evidence, value)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _numbers(ev: MergedEvent) -> list[Contradiction]:
    out = []
    for kind in NUMBER_KINDS:
        seen: list[tuple[EventMention, object]] = []
        for m in ev.mentions:
            for q in m.event.quantities:
                if q.kind == kind:
                    seen.append((m, q))
        # Compare distinct values only (a story of 10,000 articles repeating "12" is one value).
        by_value: dict[float, list] = {}
        for m, q in seen:
            reps = by_value.setdefault(q.value, [])
            if len(reps) < 2 and all(r[0].article_id != m.article_id for r in reps):
                reps.append((m, q))
        reported: set[tuple[float, float]] = set()
        for va, vb in combinations(sorted(by_value), 2):
            pair = next(
                ((x, y) for x in by_value[va] for y in by_value[vb] if x[0].article_id != y[0].article_id), None
            )
            if pair is None:
                continue
            (ma, qa), (mb, qb) = pair
            lo, hi = sorted((qa.value, qb.value))
            if hi == 0 or (hi - lo) / hi <= 0.10 or (lo, hi) in reported:
                continue
            low_q = qa if qa.value == lo else qb
            if low_q.approximate:  # "more than 10" does not contradict "12"
                continue
            reported.add((lo, hi))
            out.append(
                Contradiction(
                    "numbers",
                    f"{kind}: {ma.outlet or ma.article_id} reports {_fmt(qa.value)}, "
                    f"{mb.outlet or mb.article_id} reports {_fmt(qb.value)}",
                    _side(ma, qa.span, _fmt(qa.value)),
                    _side(mb, qb.span, _fmt(qb.value)),
                    ev.id,
                )
            )
    return out


def _perpetrators(ev: MergedEvent) -> list[Contradiction]:
    if ev.acled_type not in ATTACK_TYPES and ev.plover_root != "ASSAULT":
        return []
    out, done = [], set()
    # One or two mentions per actor (from different articles): the pairs stay few in a large story.
    per_actor: dict[str, list[EventMention]] = {}
    for m in ev.mentions:
        if m.event.actor is not None:
            reps = per_actor.setdefault(m.event.actor.actor.id, [])
            if len(reps) < 2 and all(r.article_id != m.article_id for r in reps):
                reps.append(m)
    with_actor = [m for reps in per_actor.values() for m in reps]
    for ma, mb in combinations(with_actor, 2):
        a, b = ma.event.actor, mb.event.actor
        pair = tuple(sorted((a.actor.id, b.actor.id)))
        if ma.article_id == mb.article_id or a.actor.id == b.actor.id or pair in done:
            continue
        done.add(pair)
        out.append(
            Contradiction(
                "perpetrator",
                f"{ma.outlet or ma.article_id} names {a.actor.name} as the perpetrator, "
                f"{mb.outlet or mb.article_id} names {b.actor.name}",
                _side(ma, ma.event.evidence[0] if ma.event.evidence else ma.event.trigger, a.actor.id),
                _side(mb, mb.event.evidence[0] if mb.event.evidence else mb.event.trigger, b.actor.id),
                ev.id,
            )
        )
    return out


def _status(events: Sequence[MergedEvent]) -> list[Contradiction]:
    out = []
    # Only towns and sites: "captured ... in Syria" says nothing about a front line.
    captures = [
        e for e in events
        if e.stage == "capture" and e.place is not None and e.place.feature_class in ("P", "S") and e.date_to is not None
    ]  # fmt: skip
    for cap in captures:
        for other in events:
            if other is cap or other.stage == "capture" or other.place is None or other.date_from is None:
                continue
            if other.acled_type != "Battles" and other.plover_root != "ASSAULT":
                continue
            if other.date_from <= cap.date_to:
                continue
            if other.place.id != cap.place.id and place_distance_km(other.place, cap.place) > 5:
                continue
            parties = {cap.actor_id, cap.target_id} - {None}
            if not parties & ({other.actor_id, other.target_id} - {None}):
                continue
            mc = cap.mentions[0]
            for mo in other.mentions:
                if mo.article_id in {m.article_id for m in cap.mentions}:
                    continue
                out.append(
                    Contradiction(
                        "status",
                        f"{mc.outlet or mc.article_id} reports {cap.place.name} captured by {cap.date_to}, "
                        f"{mo.outlet or mo.article_id} reports fighting there from {other.date_from}",
                        _side(mc, mc.event.evidence[0] if mc.event.evidence else mc.event.trigger, "captured"),
                        _side(mo, mo.event.evidence[0] if mo.event.evidence else mo.event.trigger, "still fighting"),
                        cap.id,
                    )
                )
                break
    return out


def _quotes(analyses: Sequence[Analysis]) -> list[Contradiction]:
    by_quote: dict[str, list] = {}
    for a in analyses:
        for ev in a.events:
            for c in ev.claims or ((ev.claim,) if ev.claim else ()):
                if c.quote is None or c.speaker is None:
                    continue
                key = _NORM.sub(" ", c.quote.text.casefold()).strip()
                if len(key) < 20:
                    continue
                m = EventMention(a.article.id, a.article.outlet, ev, a.article.published.as_date)
                by_quote.setdefault(key, []).append((m, c))
    out = []
    for items in by_quote.values():
        done = set()
        for (ma, ca), (mb, cb) in combinations(items, 2):
            pair = tuple(sorted((ca.speaker.id, cb.speaker.id)))
            if ma.article_id == mb.article_id or ca.speaker.id == cb.speaker.id or pair in done:
                continue
            done.add(pair)
            out.append(
                Contradiction(
                    "quote-speaker",
                    f"the same words are given to {ca.speaker.name} by {ma.outlet or ma.article_id} "
                    f"and to {cb.speaker.name} by {mb.outlet or mb.article_id}",
                    _side(ma, ca.quote, ca.speaker.id),
                    _side(mb, cb.quote, cb.speaker.id),
                )
            )
    return out


def find_contradictions(events: Sequence[MergedEvent], analyses: Sequence[Analysis]) -> list[Contradiction]:
    """Every contradiction in a story.

    Args:
        events (Sequence[MergedEvent]): the story's merged events (``merge_events``).
        analyses (Sequence[Analysis]): the story's articles (for quotes).
    RETURNS (list[Contradiction]): numbers and perpetrators per event, then status, then quotes.
    """
    out: list[Contradiction] = []
    for ev in events:
        if len({m.article_id for m in ev.mentions}) > 1:
            out.extend(_numbers(ev))
            out.extend(_perpetrators(ev))
    out.extend(_status(events))
    out.extend(_quotes(analyses))
    return out
