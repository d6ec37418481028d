"""Toponym resolution: each recognised name to a gazetteer entry, with a confidence and a reason.

``geoparse`` is the stage's entry point: recognition (``recognize.py``), then resolution of every
name in the article at once, because the article is the evidence:

1. **Candidates.** Names are grouped by (text, cue), so a name gets one sense per article
   ("Deir ez-Zor province" and "Deir ez-Zor" stay separate: the cue asks for different places).
   Each group gets the gazetteer's candidates (exact, transliteration key, skeleton, bounded fuzzy),
   plus the country for a demonym ("Syrian" → Syria); a longer name with no exact or key match
   gets those of its longest known part ("Bank of Japan" → Japan, marked ``partial``).
2. **Context.** The countries and admin1 areas that the article's *other* names can denote, the
   countries and admin1 areas it names outright, and the text evidence of ``evidence.py``: a
   candidate's admin1 area or country named anywhere in the text ("Georgia Bureau of
   Investigation" for Albany, GA), or right after the name ("Paris, Tenn.").
3. **Pass 1** of the ranker scores the candidates; its softmax per group is the first reading.
4. **Pass 2** adds the distance of each candidate to the other groups' best first readings and the
   coherence features (the article's home country and admin1, weighted by the first readings;
   how many other names have a reading nearby); **pass 3** recomputes them from the pass-2
   readings and scores again. The confidence model's probability of the chosen candidate, with
   "none of these" as an option, is the confidence.
5. **Coreference.** "the provincial capital of the same name" and "X's provincial capital" become
   the capital of the admin1 area named just before (``Gazetteer.capital_of_admin1``).
6. **Metonymy.** A capital flagged by the recogniser as standing for its government is left
   unresolved with the recogniser's reason, for the actor stage.

A name with no candidate stays unresolved with a reason; when spans are given (``resolve_spans``,
the benchmark's resolution task, where every span is a place) it is placed at the centre of the
article's other places instead, with precision "region" and confidence 0.05.

Without a ranker (``ranker=None``) the most populous candidate wins: the population baseline.
No I/O, no globals.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import Mention, Place, PlaceMention, PlacePrecision, Sentence
from .distance import haversine
from .evidence import (
    ADMIN1_ABBREVIATIONS,
    ADMIN1_POSTAL,
    COUNTRY_ALIASES,
    TextIndex,
    fold,
    qualifiers,
)
from .ranker import (
    ALL_FEATURES,
    BIG_AREAS,
    COHERENCE_FEATURES,
    LinearModel,
    MentionContext,
    Ranker,
    add_article_distance_features,
    base_features,
    coherence_features,
    fcode_group,
    softmax,
)
from .recognize import DEMONYMS, Toponym, _sentence_of, cue_at, recognize

#: Confidence under which the reason says the answer is uncertain.
LOW_CONFIDENCE = 0.5
#: Candidates asked of the gazetteer per name.
CANDIDATE_LIMIT = 30


_PRECISION_BY_GROUP = {
    "PCL": PlacePrecision.COUNTRY, "ADM1": PlacePrecision.ADMIN1, "ADM2": PlacePrecision.ADMIN2,
    "ADM3": PlacePrecision.ADMIN2, "CONT": PlacePrecision.REGION, "L": PlacePrecision.REGION,
    "H": PlacePrecision.REGION, "T": PlacePrecision.REGION, "S": PlacePrecision.SITE, "SUP": PlacePrecision.SITE,
}
_COREF = re.compile(
    r"(?:(?P<poss>['’]s\s+)(?P<a>provincial\s+capital)|(?P<b>(?:the\s+)?provincial\s+capital\s+of\s+the\s+same\s+name))"
)
_DESIGNATOR = re.compile(
    r"\s+(?:Province|province|Governorate|governorate|District|district|Countryside|countryside|Region|region|"
    r"Camp|camp|City|city)$"
)


def precision_of(place: Place) -> PlacePrecision:
    """How precise a place is, from its feature code.

    Args:
        place (Place): a gazetteer entry.
    RETURNS (PlacePrecision): country, admin1, admin2, city, site or region.
    """
    if place.feature_class == "S" and place.feature_code == "CMP":
        return PlacePrecision.SITE
    return _PRECISION_BY_GROUP.get(fcode_group(place), PlacePrecision.CITY)


@dataclass(frozen=True, slots=True)
class _Cand:
    """A candidate the resolver made itself (a demonym's country); same attributes as ``Candidate``."""

    place: Place
    matched_name: str
    match: str
    edits: int = 0


@dataclass(slots=True)
class NameGroup:
    """All mentions of one (text, cue) in an article, with their candidates and feature rows."""

    text: str
    cue: str | None
    members: list[int]
    cands: list
    X: np.ndarray = field(default_factory=lambda: np.zeros((0, len(ALL_FEATURES))))
    demonym: str | None = None


def _group_key(t: Toponym) -> tuple[str, str | None]:
    return (t.text.casefold().strip(), t.cue)




def _admin1_named(gazetteer, cc: str, full: str, limit: int) -> list:
    return [c for c in gazetteer.candidates(full, limit=limit, fuzzy=False)
            if c.place.feature_code == "ADM1" and c.place.country == cc]


def candidates_for(gazetteer, text: str, *, limit: int = CANDIDATE_LIMIT) -> tuple[list, str | None]:
    """Gazetteer candidates for a name, with fallbacks for designators and demonyms.

    Args:
        gazetteer (Gazetteer): the gazetteer.
        text (str): the name as written.
        limit (int): candidates to ask for.
    RETURNS (tuple[list, str | None]): the candidates, and the country code when the name is a demonym.
    """
    name = re.sub(r"^(?:the|The)\s+", "", text.strip())
    demonym = DEMONYMS.get(name)
    if demonym is None and name.endswith("s") and name[:-1] in DEMONYMS:  # "Latvians"
        demonym = DEMONYMS[name[:-1]]
    if demonym is None and name in COUNTRY_ALIASES:
        demonym = COUNTRY_ALIASES[name]
    cands = list(gazetteer.candidates(name, limit=limit, fuzzy=True)) if name else []
    if not cands:
        stripped = _DESIGNATOR.sub("", name)
        if stripped != name and stripped:
            cands = list(gazetteer.candidates(stripped, limit=limit, fuzzy=True))
    compact = re.sub(r"\.\s+", ".", name)
    abbr = ADMIN1_ABBREVIATIONS.get(compact) or ADMIN1_ABBREVIATIONS.get(compact + ".")  # "N.Y", "Ky"
    if abbr is None and not any(c.match == "exact" for c in cands):
        abbr = ADMIN1_POSTAL.get(name)
    if abbr is not None:
        states = [_Cand(c.place, c.matched_name, "key") for c in _admin1_named(gazetteer, *abbr, limit)]
        ids = {c.place.id for c in states}
        cands = states + [c for c in cands if c.place.id not in ids]
    if demonym is not None:
        country = gazetteer.country(demonym)
        if country is not None:
            cands = [c for c in cands if c.place.id != country.id]
            cands.insert(0, _Cand(country, name, "demonym"))
    if not any(c.match in ("exact", "key", "demonym") for c in cands):
        cands = cands + _stem_candidates(gazetteer, name, limit) + _partial_candidates(gazetteer, name, limit)
    return cands, demonym


#: Demonym and adjective endings → what the place name may end with instead ("Ohioans" → Ohio,
#: "Minnesotans" → Minnesota, "Ontarians" → Ontario, "Londoner" → London, "Philippine" → Philippines).
_STEM_RULES = (("ans", ""), ("ns", ""), ("ians", "io"), ("ians", "ia"), ("ians", "a"), ("ians", ""), ("an", ""),
               ("n", ""), ("ian", "io"), ("ian", "ia"), ("ian", "a"), ("ian", ""), ("ers", ""), ("er", ""),
               ("ese", ""), ("i", ""), ("e", "es"))


def _stem_candidates(gazetteer, name: str, limit: int) -> list:
    """Countries, admin areas and large towns named by a demonym the tables lack ("Ohioans" → Ohio).

    Only exact and key matches of the stem count, of admin areas or towns of 100,000+ people;
    they are marked ``partial``.
    """
    if not name[:1].isupper() or len(name) < 5:
        return []
    found, seen = [], set()
    for suffix, repl in _STEM_RULES:
        if not name.endswith(suffix) or len(name) - len(suffix) < 3:
            continue
        stem = name[: len(name) - len(suffix)] + repl
        for c in gazetteer.candidates(stem, limit=limit, fuzzy=False):
            p = c.place
            if c.match in ("exact", "key") and p.id not in seen and (
                p.feature_class == "A" or (p.feature_class == "P" and p.population >= 100_000)
            ):
                seen.add(p.id)
                found.append(_Cand(p, c.matched_name, "partial"))
    return found[:limit]


#: Words that do not make a place name on their own: directions, institutions, generic features.
_GENERIC_WORDS = frozenset([
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "upper", "lower",
    "greater", "new", "old", "the", "of", "and", "university", "college", "school", "academy", "institute", "bank",
    "council", "county", "city", "state", "district", "municipal", "national", "international", "federal",
    "reserve", "embassy", "hospital", "airport", "station", "street", "road", "avenue", "square", "park", "river",
    "lake", "mount", "port", "cathedral", "church", "estate", "world", "cup", "fc", "club", "commission",
    "department", "office", "sheriff", "police", "court", "house", "hall", "center", "centre", "township",
    "village", "colony", "valley", "bay", "island", "islands", "peninsula", "ocean", "sea", "gulf", "coast",
])


def _partial_candidates(gazetteer, name: str, limit: int) -> list:
    """Candidates for the longest part of a longer name that is a known place ("Bank of Japan" → Japan).

    Only exact and key matches of parts that are not generic words count; they are marked
    ``partial`` so the ranker weighs them as weaker evidence.
    """
    words = name.split()
    for n in range(len(words) - 1, 0, -1):
        found = []
        for i in range(len(words) - n + 1):
            part = words[i : i + n]
            if not part[0][:1].isupper() or all(w.casefold().strip(".,'’") in _GENERIC_WORDS for w in part):
                continue
            text = " ".join(part).strip(".,")
            if len(text) < 2:
                continue
            found += [
                _Cand(c.place, c.matched_name, "partial")
                for c in gazetteer.candidates(text, limit=limit, fuzzy=False)
                if c.match in ("exact", "key")
            ]
        if found:
            seen: set[str] = set()
            return [c for c in found if not (c.place.id in seen or seen.add(c.place.id))][:limit]
    return []


def _admin1_key(place: Place) -> tuple[str, str]:
    return (place.country or "", place.admin1 or place.name)


def _country_names(gazetteer, cc: str, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Folded names of a country: its gazetteer name, its demonyms and aliases."""
    names = cache.get(cc)
    if names is None:
        country = gazetteer.country(cc) if cc else None
        raw = [country.name] if country is not None else []
        raw += _DEMONYMS_OF.get(cc, []) + _COUNTRY_SHORT.get(cc, [])
        names = cache[cc] = tuple({fold(n) for n in raw} - {""})
    return names


#: Short forms of country names that news text uses and the gazetteer's first name is not.
_COUNTRY_SHORT = {"US": ["U.S.", "USA", "U.S.A.", "United States"], "GB": ["U.K.", "UK", "Britain", "Great Britain"],
                  "AE": ["UAE", "U.A.E."]}
#: Country code → its demonyms and aliases ("SY" → ["Syrian", "Syrians"]).
_DEMONYMS_OF: dict[str, list[str]] = {}
for _name, _cc in [*DEMONYMS.items(), *COUNTRY_ALIASES.items()]:
    _DEMONYMS_OF.setdefault(_cc, []).append(_name)


def _text_evidence(
    body: str, index: TextIndex, spans: Sequence[tuple[int, int]], cands: Sequence, gazetteer,
    country_cache: dict[str, tuple[str, ...]], folded: dict[str, str],
) -> dict[str, frozenset]:
    """Which of the candidates' admin1 areas and countries the text names outside these mentions.

    ``country_cache`` and ``folded`` (name -> ``fold(name)``) hold what the article's other groups
    computed already."""
    quals = qualifiers(body, spans)
    admin1_in: set[tuple[str, str]] = set()
    countries_in: set[str] = set()
    qual_admin1: set[tuple[str, str]] = set()
    qual_countries: set[str] = set()
    seen_a1: set[tuple[str, str]] = set()
    seen_cc: set[str] = set()
    for c in cands:
        p = c.place
        cc = p.country or ""
        for key in ((cc, p.admin1 or ""), (cc, p.name if p.feature_code == "ADM1" else "")):
            if key[1] and key not in seen_a1:
                seen_a1.add(key)
                f = folded.get(key[1])
                if f is None:
                    f = folded[key[1]] = fold(key[1])
                if index.occurs(f, outside=spans):
                    admin1_in.add(key)
                if f in quals:
                    qual_admin1.add(key)
        if cc and cc not in seen_cc:
            seen_cc.add(cc)
            names = _country_names(gazetteer, cc, country_cache)
            if any(index.occurs(n, outside=spans) for n in names):
                countries_in.add(cc)
            if quals and any(n in quals for n in names):
                qual_countries.add(cc)
    return {
        "admin1_in_text": frozenset(admin1_in), "countries_in_text": frozenset(countries_in),
        "qualifier_admin1": frozenset(qual_admin1), "qualifier_countries": frozenset(qual_countries),
    }


def build_groups(toponyms: Sequence[Toponym], gazetteer, *, body: str | None = None) -> list[NameGroup]:
    """Group an article's toponyms by (text, cue), fetch candidates and compute pass-1 features.

    Args:
        toponyms (Sequence[Toponym]): the article's names (metonymic ones are skipped by callers).
        gazetteer (Gazetteer): the gazetteer.
        body (str | None): the article text, for the text evidence (admin1 areas and countries
            named in it, "Paris, Tenn."); None leaves those features at 0.
    RETURNS (list[NameGroup]): one group per distinct (text, cue), in first-mention order.
    """
    groups: dict[tuple[str, str | None], NameGroup] = {}
    for i, t in enumerate(toponyms):
        key = _group_key(t)
        if key not in groups:
            cands, demonym = candidates_for(gazetteer, t.text)
            # Admin nesting as a constraint: "X province" is an admin area, "the town of X" a town,
            # whenever the gazetteer has one of that kind.
            wanted = {"admin1": "A", "admin2": "A", "city": "P"}.get(t.cue or "")
            if wanted and any(c.place.feature_class == wanted for c in cands):
                cands = [c for c in cands if c.place.feature_class == wanted]
            groups[key] = NameGroup(t.text, t.cue, [], cands, demonym=demonym)
        groups[key].members.append(i)
    glist = list(groups.values())
    # Article context: what each distinct *text* can denote (cue variants of a name count once).
    by_text: dict[str, list] = {}
    for g in glist:
        by_text.setdefault(g.text.casefold(), []).extend(g.cands)
    countries_any: dict[str, Counter] = {}
    countries_top: dict[str, str] = {}
    admin1_any: dict[str, set] = {}
    named_countries: set[str] = set()
    named_admin1: set[tuple[str, str]] = set()
    for text, cands in by_text.items():
        countries_any[text] = Counter({c.place.country or "" for c in cands})
        admin1_any[text] = {_admin1_key(c.place) for c in cands if c.place.feature_class != "A"} | {
            _admin1_key(c.place) for c in cands if c.place.feature_code == "ADM1"
        }
        if cands:
            countries_top[text] = max(cands, key=lambda c: c.place.population).place.country or ""
        strong = [c for c in cands if c.match in ("exact", "key", "demonym")]
        if strong:
            top = max(strong, key=lambda c: (c.match == "demonym", c.place.population))
            if fcode_group(top.place) == "PCL" and top.place.country:
                named_countries.add(top.place.country)
            for c in strong:
                if c.place.feature_code == "ADM1":
                    named_admin1.add(_admin1_key(c.place))
    all_any: Counter = Counter()
    for cnt in countries_any.values():
        all_any.update(cnt)
    all_top = Counter(countries_top.values())
    all_admin1: Counter = Counter()
    for s in admin1_any.values():
        all_admin1.update(s)
    n_texts = len(by_text)
    index = TextIndex.of(body) if body else None
    country_cache: dict[str, tuple[str, ...]] = {}
    folded: dict[str, str] = {}
    for g in glist:
        text = g.text.casefold()
        evidence = {}
        if index is not None and g.cands:
            spans = [(toponyms[m].start, toponyms[m].end) for m in g.members]
            evidence = _text_evidence(body, index, spans, g.cands, gazetteer, country_cache, folded)
        own_any = countries_any.get(text, Counter())
        own_top = countries_top.get(text)
        ctx = MentionContext(
            text=g.text,
            cue=g.cue,
            countries_any={k: v - own_any.get(k, 0) for k, v in all_any.items()},
            countries_top={k: v - (1 if k == own_top else 0) for k, v in all_top.items()},
            n_other=n_texts - 1,
            named_countries=frozenset(named_countries),
            named_admin1=frozenset(named_admin1),
            admin1_any={k: v - (1 if k in admin1_any.get(text, set()) else 0) for k, v in all_admin1.items()},
            demonym_country=g.demonym,
            **evidence,
        )
        g.X = base_features(g.cands, ctx)
    return glist


_COHERENCE_COLS = [ALL_FEATURES.index(f) for f in COHERENCE_FEATURES]


def add_pass2(groups: Sequence[NameGroup], probs: Sequence[np.ndarray | None]) -> None:
    """Fill the pass-2 features of every group from the other groups' pass-1 probabilities.

    The distance features use each other group's best candidate, the coherence features
    (``ranker.coherence_features``) its whole distribution. Groups of the same text (cue variants
    of a name) are not evidence for each other.

    Args:
        groups (Sequence[NameGroup]): the article's groups (X modified in place).
        probs (Sequence[ndarray | None]): the pass-1 candidate probabilities per group (None for
            none: the pass-2 features stay 0, as pass 1 sees them).
    """
    points = []
    for g, p in zip(groups, probs):
        if p is not None and len(g.cands):
            best = g.cands[int(np.argmax(p))].place
            points.append((g.text.casefold(), best.lat, best.lon))
    texts = [g.text.casefold() for g in groups]
    cands = [g.cands for g in groups]
    coherence = coherence_features(cands, texts, probs)
    add_article_distance_features([g.X for g in groups], cands, texts, points)
    cols = _COHERENCE_COLS
    for g, C in zip(groups, coherence):
        if len(g.cands):
            g.X[:, cols] = C


def pass1_probs(groups: Sequence[NameGroup], model: LinearModel) -> list[np.ndarray | None]:
    """A pass's candidate probabilities per group (softmax of its scores): the next pass's evidence.

    Args:
        groups (Sequence[NameGroup]): the article's groups.
        model (LinearModel): the pass-1 model (``Ranker.pass1``), or pass 2 before pass 3.
    RETURNS (list[ndarray | None]): per group, one probability per candidate (None without candidates).
    """
    return [softmax(model.logits(g.X)) if g.cands else None for g in groups]


def rank_groups(groups: Sequence[NameGroup], ranker: Ranker | None) -> list[tuple[int | None, np.ndarray]]:
    """Choose a candidate per group: the ranker (two or three passes), or the most populous one without a ranker.

    Args:
        groups (Sequence[NameGroup]): the article's groups.
        ranker (Ranker | None): the ranker; None for the population baseline.
    RETURNS (list[tuple[int | None, ndarray]]): per group, the chosen index and the candidate probabilities.
    """
    if ranker is None:
        out = []
        for g in groups:
            if not g.cands:
                out.append((None, np.zeros(0)))
                continue
            pops = np.array([c.place.population for c in g.cands], dtype=float)
            i = int(np.argmax(pops))
            p = np.zeros(len(g.cands))
            p[i] = 1.0
            out.append((i, p))
        return out
    add_pass2(groups, pass1_probs(groups, ranker.pass1))
    if ranker.pass3 is not None:
        add_pass2(groups, pass1_probs(groups, ranker.pass2))
    out = []
    for g in groups:
        if not g.cands:
            out.append((None, np.zeros(0)))
            continue
        i = int(np.argmax(ranker.final.logits(g.X)))
        # The ranking only compares candidates; the confidence also says how likely the best one
        # is right at all (a lone fuzzy match of "Daesh" must not be certain).
        out.append((i, ranker.confidences(g.X)))
    return out


def _reason(g: NameGroup, i: int, probs: np.ndarray, ranker: Ranker | None) -> str:
    c = g.cands[i]
    p = c.place
    how = "most populous candidate" if ranker is None else f"ranked first of {len(g.cands)} candidates"
    why = f"{how}: {p.name} ({p.feature_code}, {p.country or '?'}, pop {p.population}), {c.match} match"
    if g.cue:
        why += f", cue {g.cue}"
    if ranker is not None and float(probs[i]) < LOW_CONFIDENCE and len(g.cands) > 1:
        alts = np.argsort(-probs)[1:3]
        alt = "; ".join(f"{g.cands[j].place.name} ({g.cands[j].place.country}, p={probs[j]:.2f})" for j in alts)
        why = f"low confidence (p={probs[i]:.2f}); alternatives: {alt}; " + why
    return why


@dataclass(frozen=True, slots=True)
class Choice:
    """What one name group resolves to: a place (or None), its precision, confidence and reason."""

    place: Place | None
    precision: PlacePrecision | None
    confidence: float
    reason: str


#: Confidence given to a name placed at the centre of its article's other places.
AREA_FALLBACK_CONFIDENCE = 0.05
#: With the area fallback, a best candidate less likely than this gives way to the article's centre.
AREA_BELOW = 0.1


def _area_of_article(groups: Sequence[NameGroup], ranked: Sequence[tuple[int | None, np.ndarray]], own: str) -> Place | None:
    """The article's centre: the resolved place nearest (in log km, confidence-weighted) to the others.

    Countries, continents and admin1 areas only count when the article names nothing smaller,
    because their single point says little about where a name inside them lies.
    """
    chosen = [
        (g.cands[i].place, float(p[i]) * len(g.members))
        for g, (i, p) in zip(groups, ranked)
        if i is not None and g.text.casefold() != own
    ]
    if not chosen:
        return None
    small = [(pl, w) for pl, w in chosen if fcode_group(pl) not in BIG_AREAS]
    pool = small or chosen
    if len(pool) == 1:
        return pool[0][0]
    lat = np.array([pl.lat for pl, _ in pool])
    lon = np.array([pl.lon for pl, _ in pool])
    w = np.array([w for _, w in pool])
    d = haversine(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    return pool[int(np.argmin(np.log1p(d) @ w))][0]


def choose(
    groups: Sequence[NameGroup], ranked: Sequence[tuple[int | None, np.ndarray]], ranker: Ranker | None, *,
    area_fallback: bool = False, area_below: float = AREA_BELOW,
) -> list[Choice]:
    """Turn the ranking into one answer per group.

    Args:
        groups (Sequence[NameGroup]): the article's groups.
        ranked (Sequence[tuple[int | None, ndarray]]): ``rank_groups`` output.
        ranker (Ranker | None): the ranker (None: the population baseline, confidence 0.5).
        area_fallback (bool): a name with no candidate at all is placed at the article's centre
            (``_area_of_article``) with precision "region" and confidence 0.05, instead of being
            left unresolved. For resolution of given spans, where every span is known to be a
            place and an approximate point beats none.
    RETURNS (list[Choice]): one per group.
    """
    out = []
    for g, (i, probs) in zip(groups, ranked):
        if i is not None:
            place = g.cands[i].place
            conf = float(probs[i]) if ranker is not None else 0.5
            centre = None
            if area_fallback and ranker is not None and conf < area_below:
                centre = _area_of_article(groups, ranked, g.text.casefold())
            if centre is None:
                out.append(Choice(place, precision_of(place), round(conf, 4), _reason(g, i, probs, ranker)))
            else:
                out.append(Choice(
                    centre, PlacePrecision.REGION, AREA_FALLBACK_CONFIDENCE,
                    f"best candidate unlikely ({_reason(g, i, probs, ranker)}); placed at the centre of the "
                    f"article's other places, {centre.name} ({centre.country or '?'})",
                ))
            continue
        why = f"no gazetteer entry for {g.text!r} (exact, transliteration key, skeleton and fuzzy match all failed)"
        centre = _area_of_article(groups, ranked, g.text.casefold()) if area_fallback else None
        if centre is None:
            out.append(Choice(None, None, 0.0, why))
        else:
            out.append(Choice(
                centre, PlacePrecision.REGION, AREA_FALLBACK_CONFIDENCE,
                f"{why}; placed at the centre of the article's other places, {centre.name} ({centre.country or '?'})",
            ))
    return out


def resolve_toponyms(
    body: str, toponyms: Sequence[Toponym], gazetteer, ranker: Ranker | None, *, area_fallback: bool = False
) -> list[PlaceMention]:
    """Resolve an article's toponyms together (one sense per (text, cue) per article).

    Args:
        body (str): the clean text (for context only; spans are taken as given).
        toponyms (Sequence[Toponym]): the names to resolve, metonymic ones included.
        gazetteer (Gazetteer): the gazetteer.
        ranker (Ranker | None): the ranker; None for the population baseline.
        area_fallback (bool): place names with no candidate at the article's centre (see ``choose``).
    RETURNS (list[PlaceMention]): one per toponym, in the same order.
    """
    literal = [i for i, t in enumerate(toponyms) if not t.metonymy]
    groups = build_groups([toponyms[i] for i in literal], gazetteer, body=body)
    ranked = rank_groups(groups, ranker)
    out: list[PlaceMention | None] = [None] * len(toponyms)
    for g, ch in zip(groups, choose(groups, ranked, ranker, area_fallback=area_fallback)):
        for m in g.members:
            t = toponyms[literal[m]]
            out[literal[m]] = PlaceMention(
                t.start, t.end, t.text, ch.place, ch.precision, ch.confidence, t.sentence, reason=ch.reason
            )
    for k, t in enumerate(toponyms):
        if t.metonymy:
            out[k] = PlaceMention(t.start, t.end, t.text, None, None, 0.0, t.sentence, reason=t.reason)
    return [pm for pm in out if pm is not None]


def _coreferences(
    body: str, resolved: Sequence[PlaceMention], sentences: Sequence[Sentence], gazetteer
) -> list[PlaceMention]:
    """"the provincial capital of the same name", "X's provincial capital": the admin1's capital."""
    out = []
    for m in _COREF.finditer(body):
        if m.group("a"):
            s, e = m.start("a"), m.end("a")
            before = [pm for pm in resolved if pm.end == m.start() and pm.place is not None]
        else:
            s, e = m.start("b"), m.end("b")
            before = [pm for pm in resolved if pm.end <= s and pm.place is not None and s - pm.start < 400]
        admin1 = None
        for pm in sorted(before, key=lambda pm: -pm.end):
            place = pm.place
            if place.feature_code == "ADM1":
                admin1 = place
            elif place.feature_class == "P" and hasattr(gazetteer, "admin1_of"):
                admin1 = gazetteer.admin1_of(place)
            if admin1 is not None:
                break
        if admin1 is None:
            continue
        capital = gazetteer.capital_of_admin1(admin1)
        if capital is None:
            out.append(PlaceMention(s, e, body[s:e], None, None, 0.0, _sentence_of(sentences, s),
                                    reason=f"the capital of {admin1.name} is not in the gazetteer"))
            continue
        out.append(PlaceMention(
            s, e, body[s:e], capital, precision_of(capital), 0.9, _sentence_of(sentences, s),
            reason=f"coreference: the provincial capital of {admin1.name} ({admin1.id})",
        ))
    return out


def geoparse(
    body: str,
    mentions: tuple[Mention, ...],
    sentences: tuple[Sentence, ...],
    gazetteer,
    ranker: Ranker | None,
) -> tuple[PlaceMention, ...]:
    """Recognise and resolve every place named in a clean body.

    Args:
        body (str): the article's clean text.
        mentions (tuple[Mention, ...]): spaCy entity mentions of the body.
        sentences (tuple[Sentence, ...]): sentence spans of the body.
        gazetteer (Gazetteer): the loaded gazetteer.
        ranker (Ranker | None): the loaded ranker (``Ranker.load()``); None for the population baseline.
    RETURNS (tuple[PlaceMention, ...]): place mentions in text order. Unresolved names have
        ``place=None``, confidence 0 and a reason; metonymic capitals are unresolved with a reason
        starting "metonymy:".
    """
    toponyms = recognize(body, mentions, sentences, gazetteer)
    resolved = resolve_toponyms(body, toponyms, gazetteer, ranker)
    resolved.extend(_coreferences(body, resolved, sentences, gazetteer))
    return tuple(sorted(resolved, key=lambda pm: (pm.start, pm.end)))


def resolve_spans(
    body: str,
    spans: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    sentences: Sequence[Sentence],
    gazetteer,
    ranker: Ranker | None,
    *,
    area_fallback: bool = True,
) -> tuple[PlaceMention, ...]:
    """Resolve given spans (gold toponyms): every span is read as a place, metonymy or not.

    Because every given span is a place, a name the gazetteer does not know is placed at the
    centre of the article's other places (precision "region", confidence 0.05; ``choose``) unless
    ``area_fallback`` is False.

    Args:
        body (str): the text.
        spans (Sequence[tuple[int, int]]): the spans to resolve.
        mentions (Sequence[Mention]): spaCy mentions (unused today; kept for the stage signature).
        sentences (Sequence[Sentence]): sentence spans.
        gazetteer (Gazetteer): the gazetteer.
        ranker (Ranker | None): the ranker; None for the population baseline.
        area_fallback (bool): place unknown names at the article's centre.
    RETURNS (tuple[PlaceMention, ...]): one per span, in the given order.
    """
    toponyms = toponyms_for_spans(body, spans, sentences)
    return tuple(resolve_toponyms(body, toponyms, gazetteer, ranker, area_fallback=area_fallback))


def toponyms_for_spans(body: str, spans: Sequence[tuple[int, int]], sentences: Sequence[Sentence]) -> list[Toponym]:
    """Given spans as toponyms, with the cue words around them.

    Args:
        body (str): the text.
        spans (Sequence[tuple[int, int]]): (start, end) pairs.
        sentences (Sequence[Sentence]): sentence spans.
    RETURNS (list[Toponym]): one per span.
    """
    return [
        Toponym(s, e, body[s:e], _sentence_of(sentences, s), "gold", cue=cue_at(body, s, e)) for s, e in spans
    ]
