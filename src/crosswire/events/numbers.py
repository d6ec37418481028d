"""Numbers an event reports: fatalities, injured, people, distances, shares and counts.

``find_quantities`` reads one clause of ``Article.body`` with bounded regular expressions (linear in
the clause's length) and returns ``Quantity`` records whose spans index the body:

* distance: "10 kilometers away", "5 km from", "3 miles" (converted to km) → ``distance_km``;
* share: "less than eight percent", "40%" → ``percent``;
* people: "400 civilians", "some 60,000 people" → ``people``; "12 people were killed",
  "killed 12 soldiers", "12 dead" → ``fatalities``; "30 wounded" → ``injured``;
* repetitions: "twice", "three times" → ``count``.

A qualifier ("some", "about", "more than", "less than", "at least", "nearly", "up to", "dozens")
makes the quantity ``approximate``. Numbers in words go up to twenty, then tens and "hundred",
"thousand" multipliers ("two hundred"). A bare number with no unit is never a quantity: "one of the
last strongholds" says nothing about how many.
"""

from __future__ import annotations

import re

from ..model import Quantity, Span

__all__ = ["find_quantities", "parse_number"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}

_WORDNUM = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_WORDNUM}(?:[- ]{_WORDNUM})?(?:\s+(?:hundred|thousand|million))?)"
_QUAL = r"(?:some|about|around|approximately|roughly|nearly|almost|over|under|more than|less than|fewer than|at least|at most|up to|as many as|an estimated|estimated|close to)"
_PEOPLE = (
    r"(?:people|persons|civilians|residents|refugees|fighters|militants|terrorists|soldiers|troops|"
    r"children|women|men|families|protesters|demonstrators|members|hostages|prisoners|detainees|"
    r"policemen|officers|insurgents|rebels|jihadists|displaced|villagers|migrants|students|workers)"
)
_FLAGS = re.IGNORECASE

_DISTANCE = re.compile(rf"\b(?:(?P<q>{_QUAL})\s+)?(?P<n>{_NUM})\s*(?:-\s*)?(?P<u>kilometers|kilometres|kilometer|kilometre|km|miles|mile)\b", _FLAGS)
_PERCENT = re.compile(rf"\b(?:(?P<q>{_QUAL})\s+)?(?P<n>{_NUM})\s*(?:percent|per cent|%)", _FLAGS)
_PEOPLE_RE = re.compile(
    rf"\b(?:(?P<q>{_QUAL})\s+)?(?P<n>{_NUM})(?:\s+(?:more|other|\w+ian|\w+ese|\w+i))?\s+(?P<w>{_PEOPLE})\b"
    rf"(?P<after>(?:\s+(?:were|was|have been|had been|are|have))?\s+(?:killed|dead|died|wounded|injured|hurt))?",
    _FLAGS,
)
_KILLED_N = re.compile(rf"\b(?P<v>killing|killed|kills|wounding|wounded|injuring|injured)\s+(?:(?P<q>{_QUAL})\s+)?(?P<n>{_NUM})\b", _FLAGS)
_DEAD = re.compile(rf"\b(?:(?P<q>{_QUAL})\s+)?(?P<n>{_NUM})\s+(?P<v>dead|killed|wounded|injured|casualties|deaths)\b", _FLAGS)
_ANY_NUMBER = re.compile(rf"\d|\b(?:{_WORDNUM}|twice|thrice)\b", _FLAGS)
_TIMES = re.compile(rf"\b(?:(?P<twice>twice|thrice)|(?P<n>{_NUM})\s+times)\b", _FLAGS)


def parse_number(text: str) -> float | None:
    """Read a number written in digits or words.

    Args:
        text (str): "60,000", "10", "2.5", "eight", "twenty-five", "two hundred".
    RETURNS (float | None): its value, or None when it is not a number.
    """
    t = text.strip().lower().replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    total, current = 0, 0
    seen = False
    for w in re.split(r"[\s-]+", t):
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w in _SCALES and seen:
            current = max(current, 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total += current
                current = 0
        elif w == "and":
            continue
        else:
            return None
    return float(total + current) if seen else None


def _quantity(body: str, offset: int, m: re.Match, kind: str, value: float, approx: bool) -> Quantity:
    s, e = offset + m.start(), offset + m.end()
    return Quantity(kind, value, Span(s, e, body[s:e]), approximate=approx)


def find_quantities(body: str, start: int, end: int) -> tuple[Quantity, ...]:
    """Find the quantities stated in ``body[start:end]``.

    Args:
        body (str): ``Article.body``.
        start (int): where the clause starts.
        end (int): where it ends.
    RETURNS (tuple[Quantity, ...]): non-overlapping quantities in text order, spans indexing ``body``.
    """
    text = body[start:end]
    if not _ANY_NUMBER.search(text):
        return ()  # most clauses state no number: one cheap scan instead of six
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in taken)

    def add(m: re.Match, kind: str, value: float | None, approx: bool) -> None:
        if value is None or not free(m):
            return
        out.append(_quantity(body, start, m, kind, value, approx))
        taken.append((m.start(), m.end()))

    for m in _DISTANCE.finditer(text):
        n = parse_number(m.group("n"))
        if n is not None and m.group("u").lower().startswith("mile"):
            n = round(n * 1.609344, 1)
        add(m, "distance_km", n, bool(m.group("q")))
    for m in _PERCENT.finditer(text):
        add(m, "percent", parse_number(m.group("n")), bool(m.group("q")))
    for m in _KILLED_N.finditer(text):
        kind = "fatalities" if m.group("v").lower().startswith("kill") else "injured"
        add(m, kind, parse_number(m.group("n")), bool(m.group("q")))
    for m in _DEAD.finditer(text):
        v = m.group("v").lower()
        kind = "injured" if v in ("wounded", "injured") else "fatalities"
        add(m, kind, parse_number(m.group("n")), bool(m.group("q")))
    for m in _PEOPLE_RE.finditer(text):
        after = (m.group("after") or "").lower()
        kind = "people"
        if after:
            kind = "injured" if ("wounded" in after or "injured" in after or "hurt" in after) else "fatalities"
        n = parse_number(m.group("n"))
        if m.group("n").lower() == "a":
            continue
        add(m, kind, n, bool(m.group("q")))
    for m in _TIMES.finditer(text):
        tw = (m.group("twice") or "").lower()
        n = 2.0 if tw == "twice" else 3.0 if tw == "thrice" else parse_number(m.group("n") or "")
        add(m, "count", n, False)
    return tuple(sorted(out, key=lambda q: q.span.start))
