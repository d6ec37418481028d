"""When an event happened: date expressions in a clause, resolved against the publication date.

``find_date_expressions`` finds explicit dates ("June 6", "September 4, 2017", via
``crosswire.dates.find_dates``) and relative ones ("Friday", "on Saturday", "last month", "earlier in
October", "in early September", "in June", "tonight", "yesterday", "this month"). ``resolve`` turns
one into an ``EventDate``:

* an explicit year is kept; a month and day without a year take the publication year (the year
  before when the month is later than the publication month), and stay without a year when the
  publication year is unknown;
* a weekday is the last such day on or before the publication day; when the publication day is
  unknown the date keeps the publication month (and year when known) and no day;
* "last month" is the month before publication; "this month", "earlier in October" the month named;
* "today", "tonight" are the day of the statement when the clause dates the statement ("told
  Reuters on Saturday that … tonight"), else the publication day.

The year is never invented: with an undated article every result has ``year=None`` and its
``resolution`` says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import MONTHS, WEEKDAYS, find_dates
from ..model import EventDate, PublishedDate, Span

__all__ = ["DateExpression", "find_date_expressions", "resolve"]

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
_RELATIVE = re.compile(
    r"\b(?:"
    rf"(?P<earlier>(?:[Ee]arlier|[Ll]ater)\s+(?:in|this)\s+{_MONTH})"
    rf"|(?P<inmonth>[Ii]n\s+(?:(?P<part>early|mid|late)[- ])?(?P<month2>January|February|March|April|May|June|July|August|September|October|November|December))(?!\s+\d)"
    r"|(?P<weekday>(?:[Oo]n\s+|[Ll]ast\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))"
    r"|(?P<lastmonth>(?:[Ll]ast|[Tt]he\s+previous|[Tt]he\s+past)\s+month)"
    r"|(?P<thismonth>(?:[Ee]arlier\s+|[Ll]ater\s+)?[Tt]his\s+month)"
    r"|(?P<today>[Tt]oday|[Tt]onight|[Tt]his\s+(?:morning|afternoon|evening))"
    r"|(?P<yesterday>[Yy]esterday|[Ll]ast\s+night)"
    r")\b"
)


@dataclass(frozen=True, slots=True)
class DateExpression:
    """A date expression found in a clause, before resolution."""

    start: int  # offsets in the body
    end: int
    text: str
    kind: str  # explicit | weekday | month | last-month | this-month | today | yesterday
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday


def find_date_expressions(body: str, start: int, end: int) -> list[DateExpression]:
    """Find date expressions in ``body[start:end]``.

    Args:
        body (str): ``Article.body``.
        start (int): clause start.
        end (int): clause end.
    RETURNS (list[DateExpression]): non-overlapping expressions in text order, offsets in ``body``.
    """
    text = body[start:end]
    out: list[DateExpression] = []
    for d in find_dates(text):
        out.append(DateExpression(start + d.start, start + d.end, d.text, "explicit", d.year, d.month, d.day))
    taken = [(x.start - start, x.end - start) for x in out]
    for m in _RELATIVE.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        s, e = start + m.start(), start + m.end()
        g = m.groupdict()
        if g["earlier"]:
            out.append(DateExpression(s, e, m.group(0), "month", month=MONTHS[g["month"].lower()]))
        elif g["inmonth"]:
            out.append(DateExpression(s, e, m.group(0), "month", month=MONTHS[g["month2"].lower()]))
        elif g["weekday"]:
            out.append(DateExpression(s, e, m.group(0), "weekday", weekday=WEEKDAYS.index(g["wd"].lower())))
        elif g["lastmonth"]:
            out.append(DateExpression(s, e, m.group(0), "last-month"))
        elif g["thismonth"]:
            out.append(DateExpression(s, e, m.group(0), "this-month"))
        elif g["today"]:
            out.append(DateExpression(s, e, m.group(0), "today"))
        elif g["yesterday"]:
            out.append(DateExpression(s, e, m.group(0), "yesterday"))
    return sorted(out, key=lambda x: x.start)


def _pub_date(pub: PublishedDate) -> date | None:
    if pub.year is None or pub.month is None or pub.day is None:
        return None
    return date(pub.year, pub.month, pub.day)


def _year_for_month(month: int, pub: PublishedDate) -> tuple[int | None, str]:
    if pub.year is None:
        return None, "the publication year is unknown"
    if pub.month is not None and month > pub.month:
        return pub.year - 1, f"the year before publication ({pub.year - 1}): the month is after the publication month"
    return pub.year, f"the publication year ({pub.year})"


def resolve(expr: DateExpression, pub: PublishedDate, *, anchor: EventDate | None = None) -> EventDate:
    """Resolve a date expression against the publication date.

    Args:
        expr (DateExpression): from ``find_date_expressions``.
        pub (PublishedDate): the article's publication date (any precision, possibly no year).
        anchor (EventDate | None): the date of the statement in the same clause ("told Reuters on
            Saturday that … tonight"): "today"/"tonight" resolve to it.
    RETURNS (EventDate): the date, with ``year``/``month``/``day`` None where the text does not say.
    """
    span = Span(expr.start, expr.end, expr.text)
    pd = _pub_date(pub)
    if expr.kind == "explicit":
        if expr.year is not None:
            return EventDate(expr.year, expr.month, expr.day, span, "explicit")
        year, why = _year_for_month(expr.month or 1, pub)
        return EventDate(year, expr.month, expr.day, span, f"month and day stated; year: {why}")
    if expr.kind == "month":
        year, why = _year_for_month(expr.month or 1, pub)
        return EventDate(year, expr.month, None, span, f"month stated; year: {why}")
    if expr.kind == "weekday":
        name = WEEKDAYS[expr.weekday or 0].capitalize()
        if pd is not None:
            back = (pd.weekday() - (expr.weekday or 0)) % 7
            d = pd - timedelta(days=back)
            return EventDate(d.year, d.month, d.day, span, f"{name} on or before the publication day ({pd.isoformat()})")
        return EventDate(
            pub.year, pub.month, None, span,
            f"{name} before publication; the publication day is unknown, so only its month"
            + (" is kept" if pub.year is not None else " is kept and the year stays open"),
        )  # fmt: skip
    if expr.kind == "last-month":
        if pub.month is None:
            return EventDate(None, None, None, span, "the month before publication; the publication month is unknown")
        month, year = (pub.month - 1, pub.year) if pub.month > 1 else (12, pub.year - 1 if pub.year else None)
        why = "" if year is not None else "; the publication year is unknown"
        return EventDate(year, month, None, span, f"the month before the publication month{why}")
    if expr.kind == "this-month":
        why = "" if pub.year is not None else "; the publication year is unknown"
        return EventDate(pub.year, pub.month, None, span, f"the publication month{why}")
    if expr.kind in ("today", "yesterday"):
        shift = 1 if expr.kind == "yesterday" else 0
        if anchor is not None:
            d = None
            if anchor.year is not None and anchor.month is not None and anchor.day is not None:
                d = date(anchor.year, anchor.month, anchor.day) - timedelta(days=shift)
            if d is not None:
                return EventDate(d.year, d.month, d.day, span, f"relative to the statement date {anchor.expression.text!r}")
            return EventDate(anchor.year, anchor.month, None, span, f"relative to the statement date {anchor.expression.text!r}, which is open: {anchor.resolution}")
        if pd is not None:
            d = pd - timedelta(days=shift)
            return EventDate(d.year, d.month, d.day, span, "relative to the publication day")
        return EventDate(pub.year, pub.month, None, span, "relative to the publication day, which is unknown")
    return EventDate(None, None, None, span, "unresolved")
