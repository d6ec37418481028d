"""Toponym resolution: each recognised name to a gazetteer entry, with a confidence and a reason.

``geoparse`` is the stage's entry point: recognition (``recognize.py``), then resolution of every
name in the article at once, because the article is the evidence:

1. **Candidates.** Names are grouped by (text, cue), so a name gets one sense per article
   ("Deir ez-Zor province" and "Deir ez-Zor" stay separate: the cue asks for different places).
   Each group gets the gazetteer's candidates (exact, transliteration key, skeleton, bounded fuzzy),
   plus the country for a demonym ("Syrian" → Syria).
2. **Context.** The countries and admin1 areas that the article's *other* names can denote, and the
   countries and admin1 areas it names outright.
3. **Pass 1** of the ranker scores the candidates; the best of each group is its anchor.
4. **Pass 2** adds the distance of each candidate to the other groups' anchors; the softmax of
   the scores is the confidence.
5. **Coreference.** "the provincial capital of the same name" and "X's provincial capital" become
   the capital of the admin1 area named just before (``Gazetteer.capital_of_admin1``).
6. **Metonymy.** A capital flagged by the recogniser as standing for its government is left
   unresolved with the recogniser's reason, for the actor stage.

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
from .ranker import (
    ALL_FEATURES,
    MentionContext,
    Ranker,
    add_distance_features,
    base_features,
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
COUNTRY_ALIASES = {"America": "US", "Soviet Union": "RU", "USSR": "RU"}


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
    abbr = ADMIN1_ABBREVIATIONS.get(compact) or (ADMIN1_POSTAL.get(name) if not cands else None)
    if abbr is not None:
        states = [_Cand(c.place, c.matched_name, "key") for c in _admin1_named(gazetteer, *abbr, limit)]
        ids = {c.place.id for c in states}
        cands = states + [c for c in cands if c.place.id not in ids]
    if demonym is not None:
        country = gazetteer.country(demonym)
        if country is not None:
            cands = [c for c in cands if c.place.id != country.id]
            cands.insert(0, _Cand(country, name, "demonym"))
    return cands, demonym


def _admin1_key(place: Place) -> tuple[str, str]:
    return (place.country or "", place.admin1 or place.name)


def build_groups(toponyms: Sequence[Toponym], gazetteer) -> list[NameGroup]:
    """Group an article's toponyms by (text, cue), fetch candidates and compute pass-1 features.

    Args:
        toponyms (Sequence[Toponym]): the article's names (metonymic ones are skipped by callers).
        gazetteer (Gazetteer): the gazetteer.
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
    for g in glist:
        text = g.text.casefold()
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
        )
        g.X = base_features(g.cands, ctx)
    return glist


def add_pass2(groups: Sequence[NameGroup], picks: Sequence[int | None]) -> None:
    """Fill the distance features of every group from the other groups' pass-1 picks.

    Args:
        groups (Sequence[NameGroup]): the article's groups (X modified in place).
        picks (Sequence[int | None]): the pass-1 choice per group (None when it has no candidates).
    """
    points = [
        (g.text.casefold(), g.cands[p].place.lat, g.cands[p].place.lon)
        for g, p in zip(groups, picks)
        if p is not None
    ]
    for g in groups:
        own = g.text.casefold()
        anchors = [(lat, lon) for text, lat, lon in points if text != own]
        add_distance_features(g.X, g.cands, anchors)


def rank_groups(groups: Sequence[NameGroup], ranker: Ranker | None) -> list[tuple[int | None, np.ndarray]]:
    """Choose a candidate per group: two-pass ranker, or the most populous one without a ranker.

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
    picks1 = [int(np.argmax(ranker.pass1.logits(g.X))) if g.cands else None for g in groups]
    add_pass2(groups, picks1)
    out = []
    for g in groups:
        if not g.cands:
            out.append((None, np.zeros(0)))
            continue
        z = ranker.pass2.logits(g.X)
        probs = softmax(z)
        i = int(np.argmax(probs))
        # The softmax only compares candidates; the pointwise probability also says how likely the
        # best one is right at all (a lone fuzzy match of "Daesh" must not be certain).
        pointwise = 1.0 / (1.0 + np.exp(-z[i]))
        probs = probs * min(1.0, pointwise / max(probs[i], 1e-9))
        out.append((i, probs))
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


def resolve_toponyms(
    body: str, toponyms: Sequence[Toponym], gazetteer, ranker: Ranker | None
) -> list[PlaceMention]:
    """Resolve an article's toponyms together (one sense per (text, cue) per article).

    Args:
        body (str): the clean text (for context only; spans are taken as given).
        toponyms (Sequence[Toponym]): the names to resolve, metonymic ones included.
        gazetteer (Gazetteer): the gazetteer.
        ranker (Ranker | None): the ranker; None for the population baseline.
    RETURNS (list[PlaceMention]): one per toponym, in the same order.
    """
    literal = [i for i, t in enumerate(toponyms) if not t.metonymy]
    groups = build_groups([toponyms[i] for i in literal], gazetteer)
    ranked = rank_groups(groups, ranker)
    out: list[PlaceMention | None] = [None] * len(toponyms)
    for g, (i, probs) in zip(groups, ranked):
        for m in g.members:
            t = toponyms[literal[m]]
            if i is None:
                out[literal[m]] = PlaceMention(
                    t.start, t.end, t.text, None, None, 0.0, t.sentence,
                    reason=f"no gazetteer entry for {t.text!r} (exact, transliteration key, skeleton and fuzzy "
                    "match all failed)",
                )
                continue
            place = g.cands[i].place
            conf = float(probs[i]) if ranker is not None else 0.5
            out[literal[m]] = PlaceMention(
                t.start, t.end, t.text, place, precision_of(place), round(conf, 4), t.sentence,
                reason=_reason(g, i, probs, ranker),
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
) -> tuple[PlaceMention, ...]:
    """Resolve given spans (gold toponyms): every span is read as a place, metonymy or not.

    Args:
        body (str): the text.
        spans (Sequence[tuple[int, int]]): the spans to resolve.
        mentions (Sequence[Mention]): spaCy mentions (unused today; kept for the stage signature).
        sentences (Sequence[Sentence]): sentence spans.
        gazetteer (Gazetteer): the gazetteer.
        ranker (Ranker | None): the ranker; None for the population baseline.
    RETURNS (tuple[PlaceMention, ...]): one per span, in the given order.
    """
    toponyms = toponyms_for_spans(body, spans, sentences)
    return tuple(resolve_toponyms(body, toponyms, gazetteer, ranker))


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
