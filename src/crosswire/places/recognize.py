"""Toponym recognition on a clean body: which character spans name places.

The cascade, in order of trust (a later source never overrides an earlier overlapping span):

1. **Roads.** "the al-Mayadin–Dayr al-Zawr road" names two places; the compound before
   road/highway is split at the dash (or the hyphen) where both halves are gazetteer names.
2. **Cue words.** "X province/governorate/countryside/district", "the town/city/village of X",
   "X camp": the cue fixes both the span (the name without the lowercase cue word, as the benchmark
   gold annotates it) and the kind of place the resolver should prefer.
3. **spaCy** GPE/LOC/FAC entities, trimmed to the name (no leading "the", no possessive "'s").
4. **Gazetteer matching** of capitalised n-grams spaCy missed, gated against common words: a
   stoplist, the word must not occur in lowercase elsewhere in the text, a sentence-initial single
   word must be a well-known place, and words inside PERSON/ORG/… mentions are left alone.
5. **Metonymy.** A capital used for its government ("Damascus said", "Damascus forces",
   "Moscow-backed", "Tehran's government") keeps its span but is flagged ``metonymy`` with a reason,
   so the resolver leaves it unresolved and the actor stage can read it as an actor.

No I/O and no globals: the gazetteer is passed in (None skips the gazetteer steps).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import Mention, Sentence

#: spaCy labels that name places.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: spaCy labels whose words are not place names when the gazetteer happens to match them.
BLOCKING_LABELS = frozenset({"PERSON", "ORG", "NORP", "EVENT", "DATE", "TIME", "WORK_OF_ART", "LAW", "PRODUCT"})

# A name: capitalised words, with Arabic-style articles (al-, ez-, …) and short particles inside.
_PARTICLE = r"(?:al|el|ad|ar|as|at|az|ez|an|ash|ul|ud|de|du|da|del|la|le|bin|ibn|abu|bani|beni)"
_WORD = r"[A-Z\u00C0-\u024F][\w\u00C0-\u024F’'.]*(?:-[\w\u00C0-\u024F’']+)*"
_NAME = rf"(?:{_PARTICLE}[- ])?{_WORD}(?: +(?:{_PARTICLE}[- ])?{_WORD}){{0,4}}"
_NAME_RE = re.compile(rf"(?<![\w-]){_NAME}")

_ADMIN_CUES = {"province": "admin1", "governorate": "admin1", "countryside": "admin1", "district": "admin2",
               "region": "region", "state": "admin1", "county": "admin2", "prefecture": "admin1"}
_SITE_CUES = {"camp": "camp", "refugee camp": "camp", "desert camp": "camp", "base": "site", "air base": "site",
              "airbase": "site", "crossing": "site", "border crossing": "site", "oil field": "site",
              "oilfield": "site"}
_AFTER_CUE_RE = re.compile(
    rf"({_NAME})(?:['’]s)?\s+(province|governorate|countryside|district|region|prefecture|"
    r"refugee camp|desert camp|camp|air base|airbase|border crossing|crossing|oil field|oilfield)\b"
)
_OF_CUE_RE = re.compile(
    rf"\b(?:the\s+)?(?:(?:northern|southern|eastern|western|central|strategic|border|besieged|key|small|"
    r"nearby|coastal|ancient|rebel-held|Daesh-held|IS-held)\s+)*"
    rf"(town|city|village|province|governorate|district|region|capital|suburb|camp)\s+of\s+({_NAME})"
)
_ROAD_RE = re.compile(r"\b(road|highway|motorway|route|road link|supply line)\b", re.IGNORECASE)
#: Necessary conditions of ``_AFTER_CUE_RE`` / ``_OF_CUE_RE`` (each of their matches holds one): most
#: bodies have none, and these literal scans cost a fraction of the full patterns' scans.
_AFTER_CUE_WORD = re.compile(
    r"\s(?:province|governorate|countryside|district|region|prefecture|refugee camp|desert camp|camp|air base|airbase|"
    r"border crossing|crossing|oil field|oilfield)\b"
)
_OF_CUE_WORD = re.compile(r"(?:town|city|village|province|governorate|district|region|capital|suburb|camp)\s+of\s")
_LEADING_THE = re.compile(r"(?:the|The)\s+")
_POSSESSIVE_END = re.compile(r"(?:['’]s|['’])$")
_ABBREVIATION_END = re.compile(r"(?:^|[^A-Za-z])[A-Za-z]\.$")
_SPACES = re.compile(r"\s+")
_ROAD_BOUND = re.compile(r"\b(?:the|on|along|of|to|from|via)\b|[,.;:()\n]")
_DASH = re.compile(r"[-–—]")
_ROAD_SPLIT = re.compile(r"\s*[–—]\s*|(?<=\w)-(?=\w)")
_PARTICLE_HYPHEN = re.compile(rf"{_PARTICLE}-")
_NER_CUE_TAIL = re.compile(r"\s+(Province|Governorate|Countryside|District|Region|Camp)$")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]+\b")
_NON_SPACE = re.compile(r"\S+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"“”]\s*|\n\s*)$")
_ARABIC_START = re.compile(rf"(?:{_PARTICLE}|Al|El)[- ]\w")
_ARABIC_INSIDE = re.compile(r" (?:al|el|ad|ar|as|az|ez)-")
_LOCATIVE_END = re.compile(r"\b(?:in|to|from|near|outside|around|into)\s+$")
_OF_CUE_KIND = {"town": "city", "city": "city", "village": "city", "capital": "city", "suburb": "city",
                "province": "admin1", "governorate": "admin1", "district": "admin2", "region": "region",
                "camp": "camp"}

#: Names of groups, agencies and outlets that gazetteers match to some village ("Daesh", "SANA").
NOT_PLACES = frozenset(
    """Daesh ISIS ISIL IS SANA RT AFP AP Reuters Hezbollah Hamas Taliban NATO SDF YPG PKK Kremlin Pentagon
    Sputnik TASS IRNA Xinhua""".split()
)

#: Capitalised words that are never place names on their own, whatever the gazetteer says.
STOPLIST = frozenset(
    """
    a an the this that these those he she it we they i you his her its our their my your
    in on at of for to from by with after before during since until as and or but if when while
    mr mrs ms dr sir president minister prime general gen col colonel major captain sgt officer police
    king queen prince princess sheikh sheik emir pope saint st mount lake river
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    january february march april may june july august september october november december
    army navy air force forces government ministry state states department office council court
    god allah islam islamic christian muslim church mosque university school college hospital
    north south east west northern southern eastern western central middle upper lower new old
    according however meanwhile earlier later also but so then there here why what who how
    said says told reported news press media agency times post daily
    mayor governor senator rep representative sen chief director spokesman spokeswoman commander
    democrat democrats republican republicans party union league club team
    """.split()
)

#: Common English words that a gazetteer also lists as places ("One", "Day", "Will").
_COMMON = frozenset(
    """one two three some any all no not yes ok day will can may might must shall should would could
    hope grace faith joy love unity liberty victory independence paradise eden home welcome
    tv suv cnn bbc fox nbc abc cbs""".split()
)

#: Words after a name that make it a government or its forces, not a place.
_GOV_NOUNS = r"(?:government|regime|authorities|administration|forces|troops|army|leadership|officials)"
_SPEECH = (
    r"(?:has\s+|had\s+|have\s+|also\s+|repeatedly\s+|again\s+|later\s+|quickly\s+|strongly\s+|officially\s+)*"
    r"(?:say|says|said|accuse[sd]?|announce[sd]?|den(?:y|ies|ied)|claim(?:s|ed)?|warn(?:s|ed)?|urge[sd]?|"
    r"insist(?:s|ed)?|reject(?:s|ed)?|condemn(?:s|ed)?|demand(?:s|ed)?|vow(?:s|ed)?|threaten(?:s|ed)?|"
    r"blame[sd]?|want(?:s|ed)?|refuse[sd]?|agree[sd]?|respond(?:s|ed)?|insisted|sa(?:ys|id)|hope[sd]?|"
    r"support(?:s|ed)?|back(?:s|ed)?|recogni[sz]e[sd]?|expel(?:s|led)?|sanction(?:s|ed)?|retaliat(?:es|ed))\b"
)
_METONYMY_AFTER = re.compile(rf"^(?:['’]s\s+{_GOV_NOUNS}\b|\s+{_GOV_NOUNS}\b|-backed\b|-led\b|-allied\b|\s+{_SPEECH})")
_METONYMY_BEFORE = re.compile(
    r"\b(?:provides?|provided|gives?|gave|urged?|accused|warned|told|pressed|pressured|backed\s+by|support\s+for|"
    r"ties\s+(?:with|between)|talks\s+with|relations\s+with|allies\s+of|ally\s+of|by)\s+$"
)
#: Capitals (and seats of government) commonly used for their governments in news reporting.
METONYMIC_CAPITALS = frozenset(
    """Damascus Moscow Washington Tehran Ankara Beijing Kremlin Riyadh Baghdad Kabul Kyiv Kiev Jerusalem Cairo
    Amman Beirut Doha Pyongyang Seoul Tokyo London Paris Berlin Brussels Ottawa Islamabad Delhi Havana Caracas
    Tripoli Sanaa Abu\u00a0Dhabi Minsk Tbilisi Baku Yerevan""".split()
)

#: Demonyms and adjectives of countries ("Syrian" → SY); names that denote a country themselves
#: are the gazetteer's business.
DEMONYMS: dict[str, str] = {
    "American": "US", "Americans": "US", "British": "GB", "Briton": "GB", "English": "GB", "Scottish": "GB",
    "Welsh": "GB", "Irish": "IE", "French": "FR", "German": "DE", "Germans": "DE", "Italian": "IT", "Spanish": "ES",
    "Portuguese": "PT", "Dutch": "NL", "Belgian": "BE", "Swiss": "CH", "Austrian": "AT", "Swedish": "SE",
    "Norwegian": "NO", "Danish": "DK", "Finnish": "FI", "Polish": "PL", "Czech": "CZ", "Hungarian": "HU",
    "Romanian": "RO", "Bulgarian": "BG", "Greek": "GR", "Turkish": "TR", "Turk": "TR", "Turks": "TR",
    "Russian": "RU", "Russians": "RU", "Ukrainian": "UA", "Belarusian": "BY", "Georgian": "GE", "Armenian": "AM",
    "Azerbaijani": "AZ", "Kazakh": "KZ", "Syrian": "SY", "Syrians": "SY", "Iraqi": "IQ", "Iraqis": "IQ",
    "Iranian": "IR", "Iranians": "IR", "Persian": "IR", "Israeli": "IL", "Israelis": "IL", "Palestinian": "PS",
    "Palestinians": "PS", "Lebanese": "LB", "Jordanian": "JO", "Egyptian": "EG", "Egyptians": "EG", "Saudi": "SA",
    "Saudis": "SA", "Emirati": "AE", "Qatari": "QA", "Kuwaiti": "KW", "Yemeni": "YE", "Omani": "OM",
    "Bahraini": "BH", "Libyan": "LY", "Tunisian": "TN", "Algerian": "DZ", "Moroccan": "MA", "Sudanese": "SD",
    "Ethiopian": "ET", "Somali": "SO", "Kenyan": "KE", "Nigerian": "NG", "Ghanaian": "GH", "Ugandan": "UG",
    "Rwandan": "RW", "Congolese": "CD", "Zimbabwean": "ZW", "Malian": "ML", "Afghan": "AF", "Afghans": "AF",
    "Pakistani": "PK", "Pakistanis": "PK", "Indian": "IN", "Indians": "IN", "Bangladeshi": "BD",
    "Sri Lankan": "LK", "Nepalese": "NP", "Chinese": "CN", "Japanese": "JP", "Korean": "KR",
    "South Korean": "KR", "North Korean": "KP", "Vietnamese": "VN", "Thai": "TH", "Filipino": "PH",
    "Indonesian": "ID", "Malaysian": "MY", "Burmese": "MM", "Australian": "AU", "Australians": "AU",
    "New Zealander": "NZ", "Canadian": "CA", "Canadians": "CA", "Mexican": "MX", "Mexicans": "MX",
    "Cuban": "CU", "Cubans": "CU", "Brazilian": "BR", "Argentine": "AR", "Argentinian": "AR", "Chilean": "CL",
    "Colombian": "CO", "Venezuelan": "VE", "Peruvian": "PE", "Haitian": "HT", "Salvadoran": "SV",
    "Guatemalan": "GT", "Honduran": "HN", "Nicaraguan": "NI", "Jamaican": "JM", "Serbian": "RS", "Croatian": "HR",
    "Bosnian": "BA", "Albanian": "AL", "Latvian": "LV", "Lithuanian": "LT", "Estonian": "EE", "Slovak": "SK",
    "Icelandic": "IS", "Cypriot": "CY", "Maltese": "MT", "Uzbek": "UZ", "Tajik": "TJ", "Kyrgyz": "KG",
    "Turkmen": "TM", "Mongolian": "MN", "Taiwanese": "TW", "Singaporean": "SG",
}


@dataclass(frozen=True, slots=True)
class Toponym:
    """A recognised place name: an exact span of the body and what the recogniser knows about it.

    ``cue`` is the kind of place a cue word asks for: "admin1", "admin2", "city", "camp", "site",
    "region" or None. ``metonymy`` marks a capital used for its government (``reason`` says why).
    """

    start: int
    end: int
    text: str
    sentence: int
    source: str  # road | cue | ner | gazetteer
    cue: str | None = None
    metonymy: bool = False
    reason: str | None = None


def _sentence_of(sentences: Sequence[Sentence], pos: int) -> int:
    starts = [s.start for s in sentences]
    return max(0, bisect.bisect_right(starts, pos) - 1) if starts else 0


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    """Trim a span to the name: no leading article, no possessive, no trailing punctuation."""
    text = body[start:end]
    m = _LEADING_THE.match(text)
    if m and end - start > m.end():
        start += m.end()
    text = body[start:end]
    m = _POSSESSIVE_END.search(text)
    if m and m.start() > 0:
        end = start + m.start()
    while end > start and body[end - 1] in " .,;:!?)]»”\"":
        if body[end - 1] == "." and _ABBREVIATION_END.search(body[start:end]):
            break  # an abbreviation: "U.S.", "D.C."
        end -= 1
    while start < end and body[start] in " ([«“\"":
        start += 1
    return start, end


class _Lookup:
    """Cached gazetteer lookups for one text (exact or key matches only, no fuzzy)."""

    def __init__(self, gazetteer) -> None:
        self.gazetteer = gazetteer
        self.cache: dict[str, tuple[int, str | None]] = {}

    def best(self, name: str, *, fuzzy: bool = False) -> tuple[int, str | None]:
        """RETURNS (tuple[int, str | None]): (largest population, best feature class) of candidates; (-1, None) if none."""
        key = f"{int(fuzzy)}\x1f{name}"
        if key not in self.cache:
            if self.gazetteer is None:
                self.cache[key] = (-1, None)
            else:
                cands = self.gazetteer.candidates(name, limit=10, fuzzy=fuzzy)
                if not fuzzy:
                    cands = [c for c in cands if c.match in ("exact", "key")]
                if not cands:
                    self.cache[key] = (-1, None)
                else:
                    top = max(cands, key=lambda c: c.place.population)
                    admin = any(c.place.feature_class == "A" or c.place.source == "supplement" for c in cands)
                    self.cache[key] = (top.place.population, "A" if admin else top.place.feature_class)
        return self.cache[key]

    def known(self, name: str, *, fuzzy: bool = False) -> bool:
        return self.best(name, fuzzy=fuzzy)[0] >= 0


def _longest_known_suffix(lookup: _Lookup, body: str, start: int, end: int) -> tuple[int, int] | None:
    """The longest word-suffix of body[start:end] that is a gazetteer name (fuzzy last)."""
    text = body[start:end]
    cuts = [0] + [m.end() for m in _SPACES.finditer(text)]
    for fuzzy in (False, True):
        for c in cuts:
            name = text[c:]
            first = name.split()[0].lower() if name.split() else ""
            if first in STOPLIST:
                continue
            if lookup.known(name, fuzzy=fuzzy):
                return start + c, end
    return None


def _road_toponyms(body: str, lookup: _Lookup, sentences: Sequence[Sentence]) -> list[Toponym]:
    out: list[Toponym] = []
    for m in _ROAD_RE.finditer(body):
        window_start = max(0, m.start() - 80)
        before = body[window_start : m.start()]
        # The compound runs back to "the" or a break.
        bounds = list(_ROAD_BOUND.finditer(before))
        b_end = bounds[-1].end() if bounds else 0
        compound = before[b_end:].strip()
        c0 = window_start + b_end + (len(before[b_end:]) - len(before[b_end:].lstrip()))
        if not compound or not _DASH.search(compound):
            continue
        splits: list[tuple[int, int, int, int, int]] = []  # (score, a_start, a_end, b_start, b_end)
        for dm in _ROAD_SPLIT.finditer(compound):
            a, b = compound[: dm.start()].strip(), compound[dm.end() :].strip()
            if not a or not b or not (a[0].isupper() or _PARTICLE_HYPHEN.match(a)):
                continue
            score = 0
            for part, fuzzy_cost in ((a, 0), (b, 0)):
                if lookup.known(part):
                    score += 2
                elif lookup.known(part, fuzzy=True):
                    score += 1
                else:
                    score = -99
            if score > 0:
                dash_bonus = 1 if dm.group(0).strip() in "–—" and dm.group(0).strip() else 0
                a0 = c0 + compound.index(a)
                b0 = c0 + dm.end() + (len(compound[dm.end() :]) - len(compound[dm.end() :].lstrip()))
                splits.append((score + dash_bonus, a0, a0 + len(a), b0, b0 + len(b)))
        if splits:
            _, a0, a1, b0, b1 = max(splits, key=lambda s: s[0])
            for s, e in ((a0, a1), (b0, b1)):
                out.append(Toponym(s, e, body[s:e], _sentence_of(sentences, s), "road",
                                   reason=f"a place in the road name {body[c0:m.end()]!r}"))
    return out


def _cue_toponyms(body: str, lookup: _Lookup, sentences: Sequence[Sentence]) -> list[Toponym]:
    out: list[Toponym] = []
    for m in _AFTER_CUE_RE.finditer(body) if _AFTER_CUE_WORD.search(body) else ():
        cue_word = m.group(2).lower()
        kind = _ADMIN_CUES.get(cue_word) or _SITE_CUES.get(cue_word) or "site"
        span = _longest_known_suffix(lookup, body, m.start(1), m.end(1))
        if span is None:
            # An unknown name with an explicit cue is still a place name (reported unresolved later).
            words = body[m.start(1) : m.end(1)].split(" ")
            while words and words[0].lower() in STOPLIST:
                words.pop(0)
            if not words:
                continue
            span = (m.end(1) - len(" ".join(words)), m.end(1))
        s, e = span
        out.append(Toponym(s, e, body[s:e], _sentence_of(sentences, s), "cue", cue=kind,
                           reason=f"cue word {cue_word!r}"))
    for m in _OF_CUE_RE.finditer(body) if _OF_CUE_WORD.search(body) else ():
        cue_word = m.group(1).lower()
        s, e = m.start(2), m.end(2)
        # "the city of Al-Mayadeen" names the whole capitalised run after "of".
        s, e = _trim(body, s, e)
        if body[s:e].split()[0].lower() in STOPLIST:
            continue
        out.append(Toponym(s, e, body[s:e], _sentence_of(sentences, s), "cue", cue=_OF_CUE_KIND[cue_word],
                           reason=f"cue 'the {cue_word} of'"))
    return out


def _ner_toponyms(body: str, mentions: Sequence[Mention]) -> list[Toponym]:
    out = []
    for m in mentions:
        if m.label not in PLACE_LABELS:
            continue
        s, e = _trim(body, m.start, m.end)
        if e <= s or body[s:e] in NOT_PLACES:
            continue
        cue = None
        tail = _NER_CUE_TAIL.search(body[s:e])
        if tail:
            cue = _ADMIN_CUES.get(tail.group(1).lower()) or _SITE_CUES.get(tail.group(1).lower())
        out.append(Toponym(s, e, body[s:e], m.sentence, "ner", cue=cue, reason=f"spaCy {m.label}"))
    return out


class _Spans:
    """A fixed set of [start, end) spans that answers "does any of them overlap [s, e)?" with a
    binary search: the spans that start before e, sorted by start, with the running maximum of
    their ends."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.max_end: list[int] = []
        top = None
        for _, b in ordered:
            top = b if top is None or b > top else top
            self.max_end.append(top)

    def overlaps(self, s: int, e: int) -> bool:
        """RETURNS (bool): whether some span (a, b) has ``not (e <= a or s >= b)``."""
        k = bisect.bisect_left(self.starts, e)  # the spans with a < e
        return k > 0 and self.max_end[k - 1] > s


def _gazetteer_toponyms(
    body: str, lookup: _Lookup, mentions: Sequence[Mention], sentences: Sequence[Sentence], taken: list[tuple[int, int]],
    *, min_population: int,
) -> list[Toponym]:
    blocked = _Spans([(m.start, m.end) for m in mentions if m.label in BLOCKING_LABELS] + list(taken))
    # Words that name people elsewhere in the text ("Logan said") are not places here either.
    person_words = {w for m in mentions if m.label == "PERSON" for w in m.text.split()}
    lower_words = set(_LOWER_WORD.findall(body))
    out: list[Toponym] = []
    for m in _NAME_RE.finditer(body):
        words = list(_NON_SPACE.finditer(m.group(0)))
        n = len(words)
        i = 0
        while i < n:
            found = None
            for j in range(n, i, -1):  # longest known n-gram first, left to right
                s, e = _trim(body, m.start() + words[i].start(), m.start() + words[j - 1].end())
                if e <= s:
                    continue
                name = body[s:e]
                toks = name.split()
                if name in NOT_PLACES or toks[0].lower() in STOPLIST or toks[0].lower() in _COMMON or toks[-1].lower() in _COMMON:
                    continue
                if len(toks) == 1 and (name.lower() in lower_words or name in person_words or len(name) <= 3):
                    continue
                if blocked.overlaps(s, e):
                    continue
                # A capital at the start of a sentence says nothing: only longer names pass there.
                if len(toks) == 1 and _SENTENCE_START.search(body[max(0, s - 3) : s]):
                    continue
                pop, fclass = lookup.best(name)
                if pop < 0 or (pop < min_population and fclass != "A"):
                    continue
                found = (s, e, j)
                break
            if found:
                s, e, j = found
                out.append(Toponym(s, e, body[s:e], _sentence_of(sentences, s), "gazetteer", reason="gazetteer name"))
                i = j
            else:
                i += 1
    return out


def _relabelled_toponyms(body: str, lookup: _Lookup, mentions: Sequence[Mention], chosen: Sequence[Toponym],
                         *, min_population: int) -> list[Toponym]:
    """PERSON/ORG mentions that are place names: the small spaCy model tags many Arabic
    place names as people ("Dayr al-Zawr", "Raqqah")."""
    from .keys import name_key

    key_of: dict[str, str] = {}  # a name's key, computed once per distinct name

    def key(name: str) -> str:
        k = key_of.get(name)
        if k is None:
            k = key_of[name] = name_key(name)
        return k

    keys = {key(t.text) for t in chosen}
    multi_person_words = {w for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1 for w in m.text.split()}
    out = []
    for m, s, e in _mention_parts(body, mentions):
        name = body[s:e]
        if not name or name in NOT_PLACES:
            continue
        why = None
        if key(name) in keys:
            why = "the same name is a place elsewhere in the text"
        elif _ARABIC_START.match(name) or _ARABIC_INSIDE.search(name):
            if lookup.known(name):
                why = "an Arabic place name the gazetteer knows"
        elif len(name.split()) == 1 and name not in multi_person_words and lookup.best(name)[0] >= min_population:
            why = "a gazetteer place, never part of a person's full name here"
        if why:
            out.append(Toponym(s, e, name, m.sentence, "relabel", reason=f"spaCy {m.label}, but {why}"))
    return out


def _mention_parts(body: str, mentions: Sequence[Mention]):
    """PERSON/ORG mentions, and the comma-separated parts of those that hold a comma: the small spaCy
    model joins an apposition to a place ("Raqqa, Islamic State's" tagged as one ORG)."""
    for m in mentions:
        if m.label not in ("PERSON", "ORG"):
            continue
        s, e = _trim(body, m.start, m.end)
        if "," not in body[s:e]:
            yield m, s, e
            continue
        pos = s
        for part in body[s:e].split(","):
            ps, pe = _trim(body, pos, pos + len(part))
            if pe > ps:
                yield m, ps, pe
            pos += len(part) + 1


def _demonym_toponyms(body: str, mentions: Sequence[Mention]) -> list[Toponym]:
    return [
        Toponym(m.start, m.end, m.text, m.sentence, "demonym", reason=f"demonym of {DEMONYMS[m.text]}")
        for m in mentions
        if m.label == "NORP" and m.text in DEMONYMS
    ]


def _metonymy(body: str, t: Toponym) -> Toponym:
    if t.text not in METONYMIC_CAPITALS:
        return t
    after = body[t.end : t.end + 60]
    before = body[max(0, t.start - 40) : t.start]
    m = _METONYMY_AFTER.match(after)
    if m:
        return replace(t, metonymy=True, reason=f"metonymy: {t.text!r} stands for a government ({t.text}{m.group(0)!s}…)")
    if _METONYMY_BEFORE.search(before) and not _LOCATIVE_END.search(before):
        return replace(t, metonymy=True, reason=f"metonymy: {t.text!r} stands for a government (…{before.strip()[-25:]} {t.text})")
    return t


def recognize(
    body: str,
    mentions: Sequence[Mention],
    sentences: Sequence[Sentence],
    gazetteer=None,
    *,
    use_gazetteer_ngrams: bool = True,
    min_population: int = 50000,
    demonyms: bool = True,
) -> list[Toponym]:
    """Find the place names in a clean body.

    Args:
        body (str): the article's clean text.
        mentions (Sequence[Mention]): spaCy entity mentions of the body (``nlp.doc_records``).
        sentences (Sequence[Sentence]): sentence spans of the body.
        gazetteer (Gazetteer | None): the gazetteer; None uses spaCy and the cue patterns only.
        use_gazetteer_ngrams (bool): also match capitalised n-grams spaCy missed.
        min_population (int): smallest population for a gazetteer-only match (admin areas pass
            regardless; sentence-initial single words never pass).
        demonyms (bool): also return country adjectives spaCy tags NORP ("Syrian", "Turkish"),
            which the benchmarks annotate as toponyms.
    RETURNS (list[Toponym]): non-overlapping toponyms in text order; spans index ``body`` exactly.
    """
    lookup = _Lookup(gazetteer)
    chosen: list[Toponym] = []

    def free(t: Toponym) -> bool:
        return all(t.end <= c.start or t.start >= c.end for c in chosen)

    for t in _road_toponyms(body, lookup, sentences):
        if free(t):
            chosen.append(t)
    road_spans = {(t.start, t.end) for t in chosen}
    for t in _cue_toponyms(body, lookup, sentences):
        if free(t):
            chosen.append(t)
    for t in _ner_toponyms(body, mentions):
        clash = [c for c in chosen if not (t.end <= c.start or t.start >= c.end)]
        if not clash:
            chosen.append(t)
        elif all((c.start, c.end) not in road_spans and c.start >= t.start and c.end <= t.end for c in clash) and (
            t.cue is not None
        ):
            # spaCy's "Dayr al-Zawr Province" covers the cue span: keep spaCy's, carry the cue.
            for c in clash:
                chosen.remove(c)
            chosen.append(t)
    if gazetteer is not None:
        for t in _relabelled_toponyms(body, lookup, mentions, chosen, min_population=min_population):
            if free(t):
                chosen.append(t)
    if demonyms:
        chosen.extend(t for t in _demonym_toponyms(body, mentions) if free(t))
    if gazetteer is not None and use_gazetteer_ngrams:
        taken = [(c.start, c.end) for c in chosen]
        chosen.extend(_gazetteer_toponyms(body, lookup, mentions, sentences, taken, min_population=min_population))
    chosen = [_metonymy(body, replace(t, cue=t.cue or cue_at(body, t.start, t.end))) for t in chosen]
    return sorted(chosen, key=lambda t: (t.start, t.end))


def spacy_spans(body: str, mentions: Sequence[Mention]) -> list[Toponym]:
    """spaCy GPE/LOC/FAC entities as toponyms, untrimmed: the recognition baseline.

    Args:
        body (str): the clean text.
        mentions (Sequence[Mention]): spaCy entity mentions.
    RETURNS (list[Toponym]): one toponym per place entity.
    """
    return [
        Toponym(m.start, m.end, body[m.start : m.end], m.sentence, "ner", reason=f"spaCy {m.label}")
        for m in mentions
        if m.label in PLACE_LABELS
    ]


_CUE_AFTER_SPAN = re.compile(
    r"^(?:['’]s)?\s+(province|governorate|countryside|district|region|prefecture|county|"
    r"refugee camp|desert camp|camp|air base|airbase|border crossing|crossing|oil field|oilfield)\b"
)
_CUE_BEFORE_SPAN = re.compile(
    r"\b(town|city|village|capital|suburb|province|governorate|district|region|camp)\s+(?:of\s+)?$"
)

_CUE_TAIL = re.compile(r"\s(Province|Governorate|Countryside|District|Region|Camp|County|Parish)$")
_PROVINCIAL_CAPITAL_AFTER = re.compile(r"^['’]s\s+provincial\s+capital")


def cue_at(body: str, start: int, end: int) -> str | None:
    """The kind of place the words around a span ask for ("X province", "the town of X", …).

    Args:
        body (str): the text.
        start (int): span start.
        end (int): span end.
    RETURNS (str | None): "admin1", "admin2", "city", "camp", "site", "region" or None.
    """
    text = body[start:end]
    tail = _CUE_TAIL.search(text)
    if tail:
        w = tail.group(1).lower()
        return {"county": "admin2", "parish": "admin2"}.get(w) or _ADMIN_CUES.get(w) or _SITE_CUES.get(w)
    after = body[end : end + 40]
    if _PROVINCIAL_CAPITAL_AFTER.match(after):
        return "admin1"
    m = _CUE_AFTER_SPAN.match(after)
    if m:
        w = m.group(1).lower()
        return _ADMIN_CUES.get(w) or _SITE_CUES.get(w) or "site"
    m = _CUE_BEFORE_SPAN.search(body[max(0, start - 30) : start])
    if m:
        return _OF_CUE_KIND.get(m.group(1).lower())
    return None
