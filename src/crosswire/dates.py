"""Date expressions in text, and publication dates from metadata or inferred from the text.

Only what the text supports is returned: "on June 6" has no year and stays without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .model import Provenance, PublishedDate

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS = (
    # Monday, September 4, 2017 / March 08, 2019 / Oct. 14 2017 / June 6
    re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b"),
    # 4 September 2017 / Monday 4 September / 14th of October, 2017
    re.compile(rf"\b{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH},?(?:\s+{_YEAR})?\b"),
    # 2017-09-04 (ISO)
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"),
    # September 2017 / Sept. 2017
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b"),
)
# "earlier in October", "earlier this October", "later in October": the writer is in that month.
_SAME_MONTH = re.compile(rf"\b(?:[Ee]arlier|[Ll]ater)\s+(?:in|this)\s+{_MONTH}\b")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a text, with the parts it states."""

    start: int
    end: int
    text: str
    year: int | None
    month: int
    day: int | None

    @property
    def as_date(self) -> date | None:
        """RETURNS (date | None): the date when it has a year, else None."""
        if self.year is None:
            return None
        return date(self.year, self.month, self.day or 1)


def find_dates(text: str) -> list[DateMention]:
    """Find date expressions (with or without a year) in a text.

    Args:
        text (str): any text.
    RETURNS (list[DateMention]): non-overlapping mentions in text order; impossible dates are skipped.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            groups = m.groupdict()
            month_s = groups["month"]
            month = int(month_s) if month_s.isdigit() else MONTHS[month_s.lower().rstrip(".")]
            day = int(groups["day"]) if groups.get("day") else None
            year = int(groups["year"]) if groups.get("year") else None
            if day is not None and not _valid(year or 2000, month, day):
                continue
            # "May 5" is a date, "may" as a verb is not: a bare month name needs its capital.
            if month_s[0].islower():
                continue
            found.append(DateMention(m.start(), m.end(), m.group(0), year, month, day))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_metadata_date(value: str | None) -> PublishedDate | None:
    """Parse a publication date given as metadata (ISO 8601, or a written date).

    Args:
        value (str | None): "2017-10-19", "2017-10-19T08:00:00Z", "2017-10", "19 October 2017" …
    RETURNS (PublishedDate | None): the date with provenance ``metadata``, or None when it does not parse.
    """
    if not value or not value.strip():
        return None
    s = value.strip()
    iso = re.fullmatch(r"((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?(?:[T ].*)?", s)
    if iso:
        year, month, day = (int(g) if g else None for g in iso.groups())
        if month is not None and not 1 <= month <= 12:
            return None
        if day is not None and not _valid(year, month or 1, day):
            return None
        return PublishedDate(year, month, day, Provenance.METADATA, 1.0, f"given: {s}")
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return PublishedDate(dt.year, dt.month, dt.day, Provenance.METADATA, 1.0, f"given: {s}")
    except ValueError:
        pass
    mentions = [d for d in find_dates(s) if d.year is not None]
    if mentions:
        d = mentions[0]
        return PublishedDate(d.year, d.month, d.day, Provenance.METADATA, 1.0, f"given: {s}")
    return None


def infer_published(body_paragraphs: list[str], caption_texts: list[str]) -> PublishedDate:
    """Infer a publication date from an article's own text.

    Steps, strongest first:
    1. a dateline: a full date that opens the body (after a place name at most) → that day (text, 0.9);
    2. the latest full date mentioned in the body or in the story's own captions gives a lower
       bound, and its year and month an estimate (inferred, 0.4) — news is written soon after
       what it reports, but photos and background can be older;
    3. "earlier in October" says the writer is in October: the month, with the year from (2)
       only when it is consistent, else no year at all.

    Removed segments (unrelated captions, promos) must not be passed in.

    Args:
        body_paragraphs (list[str]): the body paragraphs in order.
        caption_texts (list[str]): captions that belong to the story.
    RETURNS (PublishedDate): the estimate; precision ``unknown`` when the text supports no year.
    """
    body = "\n".join(body_paragraphs)
    for d in find_dates(body[:80]):
        # A dateline opens the text: "BEIRUT, Oct 17, 2017 (Reuters) -" or "October 17, 2017 -".
        if d.year is not None and d.day is not None and not re.search(r"[a-z]{3,}", body[: d.start]):
            return PublishedDate(d.year, d.month, d.day, Provenance.TEXT, 0.9, f"dateline {d.text!r}", d.as_date)
    dated = [(d, "body") for d in find_dates(body) if d.year is not None]
    dated += [(d, "caption") for c in caption_texts for d in find_dates(c) if d.year is not None]
    latest = max(dated, key=lambda x: x[0].as_date) if dated else None
    same_month = _SAME_MONTH.search(body)
    month_cue = MONTHS[same_month.group("month").lower().rstrip(".")] if same_month else None
    if latest is not None:
        d, where = latest
        bound = d.as_date
        if month_cue is not None and month_cue >= d.month:
            return PublishedDate(
                d.year, month_cue, None, Provenance.INFERRED, 0.5,
                f"{same_month.group(0)!r} with the latest date in the {where}, {d.text!r}", bound,
            )  # fmt: skip
        return PublishedDate(
            d.year, d.month, None, Provenance.INFERRED, 0.4,
            f"latest date mentioned in the {where}: {d.text!r} (a lower bound)", bound,
        )  # fmt: skip
    if month_cue is not None:
        return PublishedDate(
            None, month_cue, None, Provenance.INFERRED, 0.5,
            f"{same_month.group(0)!r}; the text states no year",
        )  # fmt: skip
    return PublishedDate(None, None, None, Provenance.NONE, 0.0, "the text states no date with a year")
