"""Cross-article event merging within a story, and the story's timeline.

Two mentions from different articles become one merged event when they are compatible:

* the same type family (ACLED event type, else PLOVER root), the same ACLED sub-event type when both
  have one, and the same modality class (happened: asserted/claimed; or not: planned/negated/denied);
* the same stage of a process, when both have one: "approach" (closed in, reached the outskirts,
  N km from) and "capture" (captured, liberated, took control) stay separate events, ordered in
  the timeline, so "10 km from al-Mayadin" (September) comes before "captured al-Mayadin" (October);
* actor and target each the same canonical id, or missing on one side;
* place: the same id, within ``NEAR_KM``, or the same admin1 when one side names only the admin area
  and both are dated by their own text; with no place on one side, both actor
  and target must be known and equal, and both mentions dated by their own text;
* date ranges overlapping (with ``DATE_SLACK_DAYS`` when both are within a week).

One exception keeps disputes visible: an attack at the same place (same id or within ``NEAR_KM``) and
the same day range, whose perpetrators differ, is merged, so ``contradictions`` can name both sides.

Mentions from the same article never merge (the extractor already merged those it could).

Dates: the event's own date; else the article's publication date (the event happened at most
``REPORT_LAG_DAYS`` before). A month with no year takes the year the story's other articles share,
and says so; with no date at all, the event stays outside the timeline with a reason.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..places.distance import haversine_km
from ..model import Analysis, Event, EventMention, MergedEvent, Modality, Place, PlaceMention
from .corroboration import corroborate

__all__ = ["NEAR_KM", "MentionInfo", "event_family", "event_stage", "merge_events", "place_distance_km", "story_year"]

NEAR_KM = 25.0
DATE_SLACK_DAYS = 3
REPORT_LAG_DAYS = 7
ATTACK_TYPES = frozenset({"Explosions/Remote violence", "Violence against civilians", "Battles"})
STAGE_ORDER = {"approach": 0, None: 1, "capture": 2}

_APPROACH = re.compile(
    r"\b(clos(?:e|ed|ing) in|draw(?:s|ing|n)? close|closer|approach\w*|outskirts|advanc\w*|edg\w+ closer|"
    r"\d+\s*(?:km|kilomet\w+|miles?) (?:from|of|away))\b",
    re.I,
)
_CAPTURE = re.compile(
    r"\b(captur\w*|liberat\w*|seiz\w*|took control|taken control|take control|recaptur\w*|"
    r"completed the operation|fell to|full control|regain\w*|overr[au]n)\b",
    re.I,
)


def event_family(event: Event) -> str | None:
    """RETURNS (str | None): the event's type family: ACLED type, else PLOVER root."""
    return event.acled_type or event.plover_root


def event_stage(event: Event) -> str | None:
    """The stage of a territorial process an event reports, from its trigger and numbers.

    Args:
        event (Event): the event.
    RETURNS (str | None): "approach" (a distance, "closed in", "outskirts"), "capture", or None.
    """
    if event_family(event) not in ("Battles", "ASSAULT"):
        return None
    if any(q.kind == "distance_km" for q in event.quantities):
        return "approach"
    trig = event.trigger.text
    if _APPROACH.search(trig):
        return "approach"
    if _CAPTURE.search(trig):
        return "capture"
    return None


def place_distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places.

    RETURNS (float): kilometres.
    """
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def _range(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    d = date(year, month, day)
    return d, d


@dataclass(slots=True)
class MentionInfo:
    """A mention with the fields merging compares."""

    mention: EventMention
    family: str | None
    stage: str | None
    happened: bool
    actor: str | None
    target: str | None
    place: Place | None
    place_precision: str | None
    start: date | None
    end: date | None
    date_reason: str
    text_dated: bool = False  # the date comes from the event's own words, not the publication date


def _mention_info(analysis: Analysis, event: Event, year_hint: int | None) -> MentionInfo:
    art = analysis.article
    pub = art.published
    m = EventMention(art.id, art.outlet, event, pub.as_date)
    start = end = None
    reason = "no date in the text or the article's metadata: kept outside the timeline"
    ed = event.date
    if ed is not None and ed.year is not None:
        start, end = _range(ed.year, ed.month, ed.day)
        reason = f"the text: {ed.expression.text!r} ({ed.resolution})"
    elif ed is not None and ed.month is not None and year_hint is not None:
        start, end = _range(year_hint, ed.month, ed.day)
        reason = f"the text: {ed.expression.text!r}, year {year_hint} from the story's other articles"
    elif pub.year is not None:
        s, end = _range(pub.year, pub.month, pub.day)
        start = s - timedelta(days=REPORT_LAG_DAYS)
        reason = f"reported in an article of {pub.iso} ({pub.provenance.value})"
    elif pub.month is not None and year_hint is not None:
        s, end = _range(year_hint, pub.month, pub.day)
        start = s - timedelta(days=REPORT_LAG_DAYS)
        reason = f"reported in an article of month {pub.month}, year {year_hint} from the story's other articles"
    pm: PlaceMention | None = event.place
    place = pm.place if pm is not None else None
    return MentionInfo(
        m,
        event_family(event),
        event_stage(event),
        event.modality in (Modality.ASSERTED, Modality.CLAIMED),
        event.actor.actor.id if event.actor else None,
        event.target.actor.id if event.target else None,
        place,
        pm.precision.value if pm is not None and pm.precision is not None else None,
        start,
        end,
        reason,
        ed is not None and ed.month is not None and (ed.year is not None or year_hint is not None),
    )


@dataclass(slots=True)
class _Group:
    first: MentionInfo
    members: list[MentionInfo] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    actor: str | None = None
    target: str | None = None
    place: Place | None = None
    start: date | None = None
    end: date | None = None

    def add(self, x: MentionInfo) -> None:
        self.members.append(x)
        self.articles.add(x.mention.article_id)
        self.actor = self.actor or x.actor
        self.target = self.target or x.target
        self.place = self.place or x.place
        if x.start is not None and x.end is not None:
            # The merged range is where the reports agree: the intersection (or the first range).
            if self.start is None or self.end is None:
                self.start, self.end = x.start, x.end
            else:
                s, e = max(self.start, x.start), min(self.end, x.end)
                if s <= e:
                    self.start, self.end = s, e


def _near(a: Place | None, b: Place | None) -> bool:
    if a is None or b is None:
        return False
    if a.id == b.id:
        return True
    # Distance only between points (towns, sites): a province's centroid says nothing about a town.
    return a.feature_class in ("P", "S") and b.feature_class in ("P", "S") and place_distance_km(a, b) <= NEAR_KM


_COARSE = frozenset({"ADM1", "ADM1H", "ADM2", "ADMD"})


def _same_area(a: Place, b: Place, *, dated: bool) -> bool:
    if _near(a, b):
        return True
    if not dated:  # a province-level mention joins a town's event only when both are dated in the text
        return False
    # "The province" and a town in it: the same admin1 when one side names only the province.
    # Two towns of one province are different places (al-Mayadin is ~45 km from Deir ez-Zor).
    if a.admin1 is None or a.admin1 != b.admin1:
        return False
    return a.feature_code in _COARSE or b.feature_code in _COARSE


def _compatible(g: _Group, x: MentionInfo) -> bool:
    f = g.first
    if x.mention.article_id in g.articles or x.family is None or x.family != f.family or x.happened != f.happened:
        return False
    sa, sb = f.mention.event.acled_subtype, x.mention.event.acled_subtype
    if sa is not None and sb is not None and sa != sb:
        return False
    if f.stage is not None and x.stage is not None and f.stage != x.stage:
        return False
    if g.start is not None and x.start is not None and g.end is not None and x.end is not None:
        # Slack only for day-level ranges: "September" and "earlier in October" do not overlap.
        short = (g.end - g.start).days <= 7 and (x.end - x.start).days <= 7
        slack = timedelta(days=DATE_SLACK_DAYS if short else 0)
        if x.start > g.end + slack or g.start > x.end + slack:
            return False
    target_ok = g.target is None or x.target is None or g.target == x.target
    if not target_ok:
        return False
    actor_ok = g.actor is None or x.actor is None or g.actor == x.actor
    if g.place is not None and x.place is not None:
        if actor_ok:
            return _same_area(g.place, x.place, dated=f.text_dated and x.text_dated)
        # A disputed perpetrator: the same attack (same spot, dated, same days) by different actors.
        return (
            x.family in ATTACK_TYPES
            and _near(g.place, x.place)
            and g.start is not None
            and x.start is not None
            and (g.end - g.start).days <= 7
            and (x.end - x.start).days <= 7
        )
    # No place on one side: only the same dated, fully specified event (actor and target) merges.
    return (
        actor_ok
        and g.actor is not None
        and x.actor is not None
        and g.target is not None
        and g.target == x.target
        and f.text_dated
        and x.text_dated
    )


def story_year(analyses: Sequence[Analysis]) -> int | None:
    """The year most of a story's dated articles share (for months given without a year).

    RETURNS (int | None): the year, or None when no article has one.
    """
    years = [a.article.published.year for a in analyses if a.article.published.year is not None]
    years += [e.date.year for a in analyses for e in a.events if e.date is not None and e.date.year is not None]
    return max(set(years), key=lambda y: (years.count(y), y)) if years else None


def merge_events(story_id: str, analyses: Sequence[Analysis]) -> list[MergedEvent]:
    """Merge the events of a story's articles into timeline-ordered merged events.

    Args:
        story_id (str): the story's id (merged event ids are ``<story_id>:m<n>`` in timeline order).
        analyses (Sequence[Analysis]): the story's articles.
    RETURNS (list[MergedEvent]): dated events by date (then stage), then undated ones.
    """
    hint = story_year(analyses)
    # Block by (family, modality class) so each mention is compared with few groups.
    blocks: dict[tuple, list[_Group]] = {}
    groups: list[_Group] = []
    for a in analyses:
        for ev in a.events:
            x = _mention_info(a, ev, hint)
            block = blocks.setdefault((x.family, x.happened), [])
            target = None
            if x.family is not None:
                for g in reversed(block):
                    if _compatible(g, x):
                        target = g
                        break
            if target is None:
                target = _Group(x)
                block.append(target)
                groups.append(target)
            target.add(x)

    def key(g: _Group):
        return (g.start is None, g.start or date.min, STAGE_ORDER.get(g.first.stage, 1), g.end or date.min)

    out = []
    for n, g in enumerate(sorted(groups, key=key), start=1):
        f = g.first
        stage = next((m.stage for m in g.members if m.stage), None)
        reason = f.date_reason if g.start is not None else "no member has a date: kept outside the timeline"
        if g.start is None:
            reason = next((m.date_reason for m in g.members if m.start is not None), reason)
        ev = f.mention.event
        out.append(
            MergedEvent(
                id=f"{story_id}:m{n}",
                story_id=story_id,
                acled_type=ev.acled_type,
                acled_subtype=ev.acled_subtype,
                plover_root=ev.plover_root,
                stage=stage,
                actor_id=g.actor,
                target_id=g.target,
                place=g.place,
                date_from=g.start,
                date_to=g.end,
                date_reason=reason,
                mentions=tuple(m.mention for m in g.members),
                corroboration=corroborate(m.mention for m in g.members),
            )
        )
    return out

