"""What an article says about where its places are, beyond the names being resolved.

The ranker's text features come from here:

* ``TextIndex``: every capitalised word n-gram of the body (accents and case folded), so the
  resolver can ask whether a candidate's admin1 area ("Tennessee") or country ("France") is
  named anywhere in the article, also where it is no toponym ("Georgia Bureau of Investigation").
* ``qualifiers``: the names written right after a mention and a comma ("Paris, Tenn.",
  "London, Ontario", "Alexandria, Egypt"): the most direct evidence of which same-name place
  is meant.
* Abbreviations of U.S. states and Canadian provinces (AP style and postal), which both the
  candidate lookup ("Calif." is California) and the qualifiers need.

No I/O, no globals beyond constant tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Abbreviations of U.S. states (AP style and postal) and Canadian provinces (Canadian Press and
#: postal) → (country, full name). The dotted forms always apply; bare postal codes ("BC") only
#: when the gazetteer knows nothing else by that name.
_STATES = {
    "Alabama": ("Ala.", "AL"), "Alaska": ("", "AK"), "Arizona": ("Ariz.", "AZ"), "Arkansas": ("Ark.", "AR"),
    "California": ("Calif.|Cal.", "CA"), "Colorado": ("Colo.", "CO"), "Connecticut": ("Conn.", "CT"),
    "Delaware": ("Del.", "DE"), "District of Columbia": ("D.C.", "DC"), "Florida": ("Fla.", "FL"),
    "Georgia": ("Ga.", "GA"), "Hawaii": ("", "HI"), "Idaho": ("", "ID"), "Illinois": ("Ill.", "IL"),
    "Indiana": ("Ind.", "IN"), "Iowa": ("", "IA"), "Kansas": ("Kan.|Kans.", "KS"), "Kentucky": ("Ky.", "KY"),
    "Louisiana": ("La.", "LA"), "Maine": ("", "ME"), "Maryland": ("Md.", "MD"), "Massachusetts": ("Mass.", "MA"),
    "Michigan": ("Mich.", "MI"), "Minnesota": ("Minn.", "MN"), "Mississippi": ("Miss.", "MS"),
    "Missouri": ("Mo.", "MO"), "Montana": ("Mont.", "MT"), "Nebraska": ("Neb.|Nebr.", "NE"), "Nevada": ("Nev.", "NV"),
    "New Hampshire": ("N.H.", "NH"), "New Jersey": ("N.J.", "NJ"), "New Mexico": ("N.M.|N.Mex.", "NM"),
    "New York": ("N.Y.", "NY"), "North Carolina": ("N.C.", "NC"), "North Dakota": ("N.D.|N.Dak.", "ND"),
    "Ohio": ("", "OH"), "Oklahoma": ("Okla.", "OK"), "Oregon": ("Ore.|Oreg.", "OR"), "Pennsylvania": ("Pa.|Penn.", "PA"),
    "Rhode Island": ("R.I.", "RI"), "South Carolina": ("S.C.", "SC"), "South Dakota": ("S.D.|S.Dak.", "SD"),
    "Tennessee": ("Tenn.", "TN"), "Texas": ("Tex.", "TX"), "Utah": ("", "UT"), "Vermont": ("Vt.", "VT"),
    "Virginia": ("Va.", "VA"), "Washington": ("Wash.", "WA"), "West Virginia": ("W.Va.|W.V.", "WV"),
    "Wisconsin": ("Wis.|Wisc.", "WI"), "Wyoming": ("Wyo.", "WY"),
}
_PROVINCES = {
    "Alberta": ("Alta.", "AB"), "British Columbia": ("B.C.", "BC"), "Manitoba": ("Man.", "MB"),
    "New Brunswick": ("N.B.", "NB"), "Newfoundland and Labrador": ("N.L.|Nfld.|Newfoundland", "NL"),
    "Nova Scotia": ("N.S.", "NS"), "Ontario": ("Ont.", "ON"), "Prince Edward Island": ("P.E.I.", "PE"),
    "Quebec": ("Que.|Qué.", "QC"), "Saskatchewan": ("Sask.", "SK"), "Northwest Territories": ("N.W.T.", "NT"),
    "Yukon": ("", "YT"), "Nunavut": ("Nvt.", "NU"),
}
ADMIN1_ABBREVIATIONS: dict[str, tuple[str, str]] = {}
ADMIN1_POSTAL: dict[str, tuple[str, str]] = {}
for _cc, _table in (("US", _STATES), ("CA", _PROVINCES)):
    for _full, (_dotted, _postal) in _table.items():
        for _a in filter(None, _dotted.split("|")):
            ADMIN1_ABBREVIATIONS[_a] = (_cc, _full)
        ADMIN1_POSTAL[_postal] = (_cc, _full)
#: Names of countries missing from the gazetteer's alternate names.
COUNTRY_ALIASES = {"America": "US", "USA": "US", "U.S.A.": "US", "Soviet Union": "RU", "USSR": "RU"}

_WORD = re.compile(r"[^\W\d_]+")
# Where a word of ``_WORD`` starts with anything but a lower-case ASCII letter: the only words that may
# start a name (``TextIndex.of`` checks ``isupper`` on what this finds), found without visiting the rest.
_NAME_START = re.compile(r"[^\W\d_a-z](?<![^\W\d_].)")
# What may stand between the words of one name: spaces, a hyphen, an apostrophe, an abbreviation dot.
_JOIN = re.compile(r"[\s\-'’.]{1,3}")
_MAX_WORDS = 4
# Lower-case words that may stand inside a name ("Isle of Man", "Trinidad and Tobago").
_INNER_WORDS = frozenset(["of", "and", "de", "du", "la", "el", "al"])
# A comma, then up to four capitalised words (dotted abbreviations included): "Paris, Tenn.".
_QUALIFIER = re.compile(r",\s*((?:[A-Z][\w’'.-]*)(?:\s+(?:of|and|[A-Z][\w’'.-]*)){0,3})")


def fold(text: str) -> str:
    """A name with accents, case and punctuation folded away: "Île-de-France" → "ile de france".

    Args:
        text (str): a name or phrase.
    RETURNS (str): its letter runs, without marks, casefolded, joined by single spaces.
    """
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain.casefold()))


@dataclass(frozen=True, slots=True)
class TextIndex:
    """Where each folded name-like n-gram of a text occurs.

    Only n-grams of 1–4 words whose first and last words are capitalised are kept (place names
    are), joined by spaces, hyphens, apostrophes or dots; "of"/"and"/"de" may stand inside.
    """

    spans: dict[str, tuple[tuple[int, int], ...]]

    @classmethod
    def of(cls, body: str) -> TextIndex:
        """Index a text.

        Args:
            body (str): the article text.
        RETURNS (TextIndex): the index.
        """
        folded: dict[str, str] = {}
        out: dict[str, list[tuple[int, int]]] = {}
        word, join = _WORD, _JOIN
        # Each capitalised word of the text (``_WORD`` runs, in order), with the words that follow it:
        # the next ``_WORD`` match after a word's end is the next word of ``_WORD.finditer``.
        for start in _NAME_START.finditer(body):
            m = word.match(body, start.start())
            s, e, w = m.start(), m.end(), m.group()
            if not w[0].isupper():
                continue
            f = folded.get(w) or folded.setdefault(w, w.lower() if w.isascii() else fold(w))
            parts = [f]
            out.setdefault(f, []).append((s, e))
            end = e
            for _ in range(_MAX_WORDS - 1):
                nxt = word.search(body, end)
                if nxt is None:
                    break
                s2, e2, w2 = nxt.start(), nxt.end(), nxt.group()
                gap = body[end:s2]
                if gap != " " and not join.fullmatch(gap):
                    break
                parts.append(folded.get(w2) or folded.setdefault(w2, w2.lower() if w2.isascii() else fold(w2)))
                end = e2
                if w2[0].isupper():
                    out.setdefault(" ".join(parts), []).append((s, e2))
                elif w2 not in _INNER_WORDS:
                    break
        return cls({k: tuple(v) for k, v in out.items()})

    def occurs(self, folded: str, *, outside: Sequence[tuple[int, int]] = ()) -> bool:
        """Whether a folded name occurs in the text other than inside the given spans.

        Args:
            folded (str): a name as ``fold`` returns it.
            outside (Sequence[tuple[int, int]]): spans whose occurrences do not count (the
                mentions being resolved).
        RETURNS (bool): True when some occurrence overlaps none of ``outside``.
        """
        hits = self.spans.get(folded)
        if not hits:
            return False
        if not outside:
            return True
        return any(all(e <= s0 or s >= e0 for s0, e0 in outside) for s, e in hits)


def qualifiers(body: str, spans: Iterable[tuple[int, int]]) -> frozenset[str]:
    """The folded names written right after the mentions and a comma ("Paris, Tenn." → "tennessee").

    State and province abbreviations are expanded to their full names; for a qualifier of several
    words, each leading part is kept too ("Paris, Texas Department of …" → "texas").

    Args:
        body (str): the article text.
        spans (Iterable[tuple[int, int]]): the mentions of one name.
    RETURNS (frozenset[str]): folded names.
    """
    out: set[str] = set()
    for _s, e in spans:
        m = _QUALIFIER.match(body, e)
        if not m:
            continue
        phrase = m.group(1).rstrip(".,")
        words = phrase.split()
        for k in range(len(words), 0, -1):
            part = " ".join(words[:k])
            compact = re.sub(r"\.\s+", ".", part)
            abbr = ADMIN1_ABBREVIATIONS.get(compact) or ADMIN1_ABBREVIATIONS.get(compact + ".")
            if abbr is None and k == 1 and part.isupper() and len(part) == 2:
                abbr = ADMIN1_POSTAL.get(part)
            out.add(fold(abbr[1]) if abbr else fold(part))
    out.discard("")
    return frozenset(out)
