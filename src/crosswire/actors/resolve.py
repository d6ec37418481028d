"""Resolve the actors an article names to canonical actors, each with its span, method and confidence.

The cascade (``resolve_actors``), over one tokenisation of the body:

1. **alias**: every dictionary alias, through a token trie (acronym tokens match case-sensitively,
   and an acronym between two all-caps words is a headline word, not an actor).
2. **fuzzy**: capitalised multi-word aliases with one typo in one word ("Islamic Sate").
3. **pattern**: nationality (adjective, name, "Russia's") + optional modifier + force noun gives
   the country's military ("Turkish troops" → mil:TR); + government noun gives its government.
4. **metonymy**: a capital or country name that speaks or acts ("Moscow said", "provides Damascus
   with"), that backs ("US-backed") or has forces ("Damascus forces").
   Overlaps among 1-4 are settled longest first, then alias > pattern > fuzzy > metonymy.
5. **persons**: titles before a name ("Russian Defense Ministry spokesman Major General Igor
   Konashenkov") and appositions after it ("Konashenkov, the spokesman for the Russian military")
   give the role and the organisation; spaCy PERSON mentions become persons when a title, an
   apposition or a speech verb shows they are people ("Jamal Wakeem, a Lebanese professor").
   "a member of the Raqqa Civil Council" resolves to the council with the role "member".
6. **coreference**, in reading order: "the terrorists", "the Islamists", "Takfiri group" … → the
   jihadist group the article names most (then most recently); "the spokesman", "the Russian
   general" → the last person with that role or rank; "he said" → the last person or role mention
   of the same or the two previous sentences.

Confidence is a calibrated guess per rule (see the constants), lower for coreference and metonymy.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..model import Actor, ActorMention, ActorType, Mention, Sentence
from .dictionary import (
    FUZZY_MIN_WORD,
    ActorDictionary,
    AliasEntry,
    deletions,
    edit_distance,
    text_keys,
    token_spans,
    tokenize,
    trie_matches,
)

CONF_ALIAS = 0.95
CONF_FUZZY = 0.75
CONF_PATTERN = 0.85
CONF_METONYMY_FORCES = 0.8  # "Damascus forces"
CONF_METONYMY_BACKING = 0.8  # "US-backed"
CONF_METONYMY_SUBJECT = 0.75  # "Moscow said"
CONF_METONYMY_WEAK = 0.55  # "the US is using", "provides Damascus with", "by the US"
CONF_PERSON_NER = 0.7  # an unknown person, shown to be one by a title, an apposition or a speech verb
CONF_PERSON_COREF = 0.75  # "the spokesman"
CONF_PRONOUN = 0.6  # "he said"
CONF_GROUP_AMBIGUOUS = 0.8  # factor when the article names more than one jihadist group

_METHOD_RANK = {"alias": 0, "title": 0, "pattern": 1, "fuzzy": 2, "metonymy": 3}
_GROUP_TYPES = frozenset({ActorType.JIHADIST_GROUP, ActorType.ARMED_GROUP, ActorType.MILITIA})
_DETERMINERS = frozenset({"the", "a", "an", "one", "another"})
_LINKS = frozenset({"of", "for", "at", "with", "from", "in"})
_PRONOUNS = frozenset({"he", "she"})
_MEDIA_WORDS = frozenset({"news", "media", "television", "tv", "agency", "broadcaster", "channel", "outlet", "newspaper"})
_AGENT = frozenset({"by"})
_OPEN_QUOTES = frozenset({"“", '"', "‘", "'"})
#: Words between a subject and its verb that do not break the link ("Pakistan today threatened").
_SUBJECT_ADVERBS = frozenset({"today", "yesterday", "tonight", "also", "again", "now", "then", "still", "already", "once", "twice"})
_FUNCTION_WORDS = frozenset({"of", "for", "the", "and", "in", "al", "on"})
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class _Cand:
    start: int  # token indices, end exclusive
    end: int
    actor: Actor
    method: str
    confidence: float
    role: str | None = None
    tail: int = -1  # token after an apposition: where a speech verb may follow
    ranks: tuple[str, ...] = ()


@dataclass(slots=True)
class _Tokens:
    spans: list[tuple[int, int]]
    texts: list[str]
    keys: list[str]
    occupied: list[bool] = field(default_factory=list)
    quoted: list[bool] = field(default_factory=list)  # inside a quotation: not where a speaker is named

    @classmethod
    def of(cls, text: str) -> _Tokens:
        """Tokenise a text once: spans, texts and keys (``dictionary.tokenize``, ``text_keys``).

        Args:
            text (str): the article body.
        RETURNS (_Tokens): its tokens, none occupied yet.
        """
        spans = token_spans(text)
        keys = text_keys(text, spans)
        return cls(spans, [text[s:e] for s, e in spans], keys, [False] * len(spans), _quoted(keys))


def _quoted(keys: list[str]) -> list[bool]:
    out = [False] * len(keys)
    inside = False
    for i, k in enumerate(keys):
        if k == "“":
            inside = True
        elif k == "”":
            inside = False
        elif k == '"':
            inside = not inside
        out[i] = inside
    return out


def resolve_actors(
    body: str,
    mentions: tuple[Mention, ...],
    sentences: tuple[Sentence, ...],
    dictionary: ActorDictionary,
) -> tuple[ActorMention, ...]:
    """Find and resolve the actors named in an article body.

    Args:
        body (str): ``Article.body``.
        mentions (tuple[Mention, ...]): spaCy's entity mentions (PERSON mentions find unknown people).
        sentences (tuple[Sentence, ...]): sentence spans of the body.
        dictionary (ActorDictionary): the loaded actor dictionary.
    RETURNS (tuple[ActorMention, ...]): non-overlapping actor mentions in text order.
    """
    t = _Tokens.of(body)
    sent_starts = [s.start for s in sentences]
    tok_starts = [s for s, _ in t.spans]

    def sent_of_tok(i: int) -> int:
        return max(bisect.bisect_right(sent_starts, t.spans[i][0]) - 1, 0) if sent_starts else 0

    base = _alias_candidates(t, dictionary) + _fuzzy_candidates(t, dictionary) + _pattern_candidates(
        t, dictionary, sent_of_tok
    )
    chosen = _select(base, t)
    chosen = _persons(t, dictionary, chosen, mentions, tok_starts)
    chosen = _coreference(t, dictionary, chosen, sent_of_tok)
    out = []
    for c in sorted(chosen, key=lambda c: c.start):
        start, end = t.spans[c.start][0], t.spans[c.end - 1][1]
        out.append(
            ActorMention(start, end, body[start:end], c.actor, sent_of_tok(c.start), c.method, round(c.confidence, 3), c.role)
        )
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# 1-4: aliases, typos, patterns, metonymy


def _exact_ok(t: _Tokens, i: int, exact: tuple[tuple[int, str], ...]) -> bool:
    return all(t.texts[i + k] == text for k, text in exact)


def _headline_word(t: _Tokens, i: int, j: int, d: ActorDictionary) -> bool:
    # "WHAT IS NEXT": an acronym alias between all-caps words is part of a shouted headline.
    def caps(k: int) -> bool:
        x = t.texts[k] if 0 <= k < len(t.texts) else ""
        return len(x) >= 2 and x.isalpha() and x.isupper() and t.keys[k] not in d.alias_trie

    return caps(i - 1) or caps(j)


def _alias_candidates(t: _Tokens, d: ActorDictionary) -> list[_Cand]:
    out = []
    for i in range(len(t.keys)):
        if t.keys[i] not in d.alias_trie:
            continue
        for j, payloads in trie_matches(d.alias_trie, t.keys, i):
            for p in payloads:
                if not _exact_ok(t, i, p.exact):
                    continue
                if p.exact and j - i == 1 and _headline_word(t, i, j, d):
                    continue
                actor = d.actors[p.actor_id]
                if actor.type is ActorType.MEDIA and j - i > 1 and _lowered(p, t.texts[i:j]):
                    continue  # an outlet's name keeps its capitals: "visited Russia today" is not RT
                out.append(_Cand(i, j, actor, "alias", CONF_ALIAS))
    return out


def _lowered(entry: AliasEntry, texts: list[str]) -> bool:
    """Whether a word the alias capitalises ("Russia Today") is lower-case in the text ("Russia today")."""
    words = [w for _, _, w in tokenize(entry.text)]
    return len(words) == len(texts) and any(w[:1].isupper() and x[:1].islower() for w, x in zip(words[1:], texts[1:]))


def _fuzzy_candidates(t: _Tokens, d: ActorDictionary) -> list[_Cand]:
    # Only a capitalised word that no alias contains can be the typo ("Sate"); its deletion
    # variants find the alias words one edit away, and the rest of the alias must match exactly.
    out = []
    n = len(t.keys)
    hits_of: dict[str, list[tuple[AliasEntry, int]]] = {}  # a word's index hits, once per distinct word
    for i in range(n):
        k = t.keys[i]
        if len(k) < FUZZY_MIN_WORD - 1 or k in d.vocabulary or not t.texts[i][:1].isupper() or not k.isalpha():
            continue
        hits = hits_of.get(k)
        if hits is None:
            hits = hits_of[k] = _fuzzy_hits(d, k)
        seen: set[tuple[int, str]] = set()
        for entry, pos in hits:
            s = i - pos
            e = s + len(entry.keys)
            if s < 0 or e > n or (s, entry.text) in seen:
                continue
            seen.add((s, entry.text))
            if _one_typo(t, s, entry, pos):
                out.append(_Cand(s, e, d.actors[entry.actor_id], "fuzzy", CONF_FUZZY))
    return out


def _fuzzy_hits(d: ActorDictionary, key: str) -> list[tuple[AliasEntry, int]]:
    """The (alias, word position) pairs of the fuzzy index that a word's deletion variants reach."""
    return [hit for v in deletions(key) for hit in d.fuzzy_index.get(v, ())]


def _one_typo(t: _Tokens, s: int, entry: AliasEntry, pos: int) -> bool:
    for x, key in enumerate(entry.keys):
        if x != pos and t.keys[s + x] != key:
            return False
    words = [t.texts[s + x] for x in range(len(entry.keys)) if t.texts[s + x][:1].isalnum()]
    if not all(w[0].isupper() or w.lower() in _FUNCTION_WORDS for w in words):
        return False
    return edit_distance(t.keys[s + pos], entry.keys[pos], 1) <= 1


def _pattern_candidates(t: _Tokens, d: ActorDictionary, sent_of_tok) -> list[_Cand]:
    out = []
    keys = t.keys
    n = len(keys)
    p = d.patterns
    for i in range(n):
        if keys[i] not in d.nationality_trie:
            continue
        for j, payloads in trie_matches(d.nationality_trie, keys, i):
            for iso, kind, exact in payloads:
                if not _exact_ok(t, i, exact):
                    continue
                country = d.countries[iso]
                method = "metonymy" if kind == "capital" else "pattern"
                found = False
                # nationality (+ modifier) + force noun / government noun
                for k in (j, j + 1) if j < n and keys[j] in p.modifiers else (j,):
                    for trie, target in (
                        (d.force_trie, country.military), (d.police_trie, country.police), (d.government_trie, country.government)
                    ):
                        if k >= n:
                            continue
                        for m, _nouns in trie_matches(trie, keys, k):
                            if target == country.government and keys[m - 1] == "state" and m < n and keys[m] in _MEDIA_WORDS:
                                continue
                            conf = CONF_METONYMY_FORCES if method == "metonymy" else CONF_PATTERN
                            out.append(_Cand(i, m, d.actors[target], method, conf))
                            found = True
                # "Russian air support", "Israeli shelling": the adjective names the country's military
                if not found and kind in ("adjective", "possessive") and j < n and any(trie_matches(d.fire_trie, keys, j)):
                    out.append(_Cand(i, j, d.actors[country.military], "pattern", CONF_PATTERN))
                    continue
                if found or kind == "adjective" and not (j + 1 < n and keys[j] == "-"):
                    continue
                # "US-backed", "Russia-backed"
                if j + 1 < n and keys[j] == "-" and keys[j + 1] in p.backing_words:
                    out.append(_Cand(i, j, d.actors[country.government], "metonymy", CONF_METONYMY_BACKING))
                    continue
                if kind == "people" and (i == 0 or keys[i - 1] != "the"):
                    continue  # "two Americans were killed": people; "the Americans bombed": the state
                if kind in ("name", "capital", "people"):
                    conf = _metonymy_context(t, d, i, j, sent_of_tok, country_name=kind == "name")
                    if conf:
                        out.append(_Cand(i, j, d.actors[country.government], "metonymy", conf))
    return out


def _metonymy_context(t: _Tokens, d: ActorDictionary, i: int, j: int, sent_of_tok, *, country_name: bool = False) -> float:
    """How surely a bare capital or country name at tokens [i, j) stands for its government.

    ``country_name``: the words are the country's own name (not a capital or a people noun), which
    stands for the state before any past-tense verb, not only before the listed verbs.
    """
    keys, p, n = t.keys, d.patterns, len(t.keys)
    b = i - 1
    if b >= 0 and keys[b] == "the":
        b -= 1
    prev = keys[b] if b >= 0 else ""
    if prev in p.locative_words:
        # "Jordan and Britain have agreed": the second of two subjects; "between Syria and Iraq": a place
        if prev == "and" and _metonymy_context(t, d, b, j, sent_of_tok) == CONF_METONYMY_SUBJECT:
            return CONF_METONYMY_SUBJECT
        return 0.0
    if j < n and (keys[j] in p.place_nouns or (keys[j] == "'" and j + 2 < n and keys[j + 2] in p.place_nouns)):
        return 0.0
    if j < n and keys[j] == "," and (b < 0 or sent_of_tok(b) != sent_of_tok(i)) and t.texts[i].isupper():
        return 0.0  # a dateline: "DAMASCUS, Oct 19 (Reuters) -"
    seen_aux = False
    k, stop = j, min(j + 4, n)
    while k < stop:
        key = keys[k]
        if key in _OPEN_QUOTES or key in _SUBJECT_ADVERBS or (key.endswith("ly") and len(key) > 4 and key not in p.speech_verbs):
            k, stop = k + 1, min(stop + 1, n)  # the Americans “bombed …”; Greece bluntly demanded; Pakistan today threatened
            continue
        if key == "and" and k + 1 < n and keys[k + 1] in d.nationality_trie:
            # "Jordan and Britain have agreed": the verb after the second name is the first one's too
            ends = [m for m, _payloads in trie_matches(d.nationality_trie, keys, k + 1)]
            if ends:
                k, stop = max(ends), min(max(ends) + 4, n)
                continue
        if key in p.speech_verbs or key in p.action_verbs:
            return CONF_METONYMY_SUBJECT
        if key in p.auxiliaries or key in ("been", "being"):
            seen_aux = True
            k += 1
            continue
        if seen_aux and (key.endswith("ed") or key.endswith("ing")):
            return CONF_METONYMY_WEAK
        if country_name and k == j and key.endswith("ed") and len(key) > 4 and t.texts[k].islower():
            return CONF_METONYMY_WEAK  # a country as the subject of a verb: "Serbia lifted a curfew"
        break
    if prev in p.speech_verbs or prev in p.action_verbs or prev in _AGENT:
        return CONF_METONYMY_WEAK
    return 0.0


def _select(cands: list[_Cand], t: _Tokens) -> list[_Cand]:
    chosen = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), _METHOD_RANK.get(c.method, 9), c.start)):
        if any(t.occupied[c.start : c.end]):
            continue
        for k in range(c.start, c.end):
            t.occupied[k] = True
        chosen.append(c)
    return chosen


# ---------------------------------------------------------------------------------------------
# 5: persons, titles, appositions, role mentions


def _occupy(t: _Tokens, c: _Cand, value: bool = True) -> None:
    for k in range(c.start, c.end):
        t.occupied[k] = value


def _titles_before(t: _Tokens, d: ActorDictionary, i: int) -> tuple[int, int, str | None, tuple[str, ...]]:
    """Titles right before token i: (start of the span to show, start of all titles, role, ranks)."""
    pos, span_start = i, i
    role: str | None = None
    ranks: list[str] = []
    while pos > 0:
        node, k, best = d.title_trie_reversed, pos - 1, None
        while k >= 0 and t.keys[k] in node:
            node = node[t.keys[k]]
            if "" in node:
                best = (k, node[""][0])
            k -= 1
        if best is None or t.occupied[best[0]]:
            break
        k, (title, is_function) = best
        if is_function:
            role = role or title.lower()
        else:
            ranks.append(title.lower().rstrip("."))
        if t.texts[k][:1].isupper():
            span_start = k
        pos = k
    return span_start, pos, role, tuple(ranks)


def _apposition(t: _Tokens, d: ActorDictionary, j: int, by_start: dict[int, _Cand]) -> tuple[str | None, _Cand | None, str | None, int]:
    """", the spokesman for the Russian military," after token j: (role, organisation, country, end)."""
    keys, n = t.keys, len(t.keys)
    if j >= n or keys[j] != ",":
        return None, None, None, j
    k = j + 1
    if k < n and keys[k] in _DETERMINERS:
        k += 1
    role = None
    country = None
    limit = min(k + 8, n)
    while k < limit and keys[k] not in (",", ".", ";", '"', "“", "”"):
        hit = None
        for m, roles in trie_matches(d.role_trie, keys, k):
            hit = (m, roles[0])
        if hit and role is None:
            role = hit[1]
            k = hit[0]
            continue
        if keys[k] in d.nationality_trie:
            for _m, payloads in trie_matches(d.nationality_trie, keys, k):
                country = country or payloads[0][0]
        if role is not None and keys[k] in _LINKS:
            x = k + 1
            if x < n and keys[x] == "the":
                x += 1
            org = by_start.get(x)
            if org is not None and org.actor.type is not ActorType.PERSON:
                end = org.end
                return role, org, country, _apposition_end(t, end)
        k += 1
    if role is None:
        return None, None, None, j
    return role, None, country, _apposition_end(t, k)


def _apposition_end(t: _Tokens, k: int) -> int:
    n = len(t.keys)
    for x in range(k, min(k + 12, n)):
        if t.keys[x] == ",":
            return x + 1
        if t.keys[x] in (".", ";"):
            return x
    return k


def _persons(
    t: _Tokens, d: ActorDictionary, chosen: list[_Cand], mentions: tuple[Mention, ...], tok_starts: list[int]
) -> list[_Cand]:
    keys, n = t.keys, len(t.keys)
    by_start = {c.start: c for c in chosen}
    by_end = {c.end: c for c in chosen}
    # Unknown people: spaCy PERSON mentions with a title, an apposition or a speech verb.
    known_surnames: dict[str, Actor] = {}
    for m in mentions:
        if m.label != "PERSON":
            continue
        i = bisect.bisect_left(tok_starts, m.start)
        j = bisect.bisect_left(tok_starts, m.end)
        if i >= j or any(t.occupied[i:j]):
            continue
        words = [x for x in t.texts[i:j] if x[:1].isalpha()]
        if not words or not all(w[0].isupper() or w in ("al", "bin", "ibn", "de", "van", "von") for w in words):
            continue
        if i > 0 and keys[i - 1] in d.patterns.locative_words:
            continue  # "away from al-Mayadin": spaCy's PERSON label on a place
        surname = keys[j - 1]
        actor = known_surnames.get(surname) if j - i == 1 else None
        _s, _p, title_role, ranks = _titles_before(t, d, i)
        role, org, country, _end = _apposition(t, d, j, by_start)
        speaks = j < n and (keys[j] in d.patterns.speech_verbs or (keys[j] == "," and j + 1 < n and keys[j + 1] in d.patterns.speech_verbs))
        if actor is None:
            if sum(w[0].isupper() for w in words) < 2 or not (title_role or ranks or role or speaks):
                continue
            name = " ".join(t.texts[i:j])
            actor = Actor(
                id="person:" + _SLUG.sub("-", name.lower()).strip("-"),
                name=name,
                type=ActorType.PERSON,
                country=country,
                parent=org.actor.id if org else None,
            )
            known_surnames[surname] = actor
        c = _Cand(i, j, actor, "title" if (title_role or ranks or role) else "ner", CONF_PERSON_NER)
        chosen.append(c)
        by_start[i] = c
        by_end[j] = c
        _occupy(t, c)

    out = []
    in_apposition: set[int] = set()
    for c in sorted(chosen, key=lambda c: c.start):
        if c.actor.type is ActorType.PERSON:
            span_start, title_start, title_role, ranks = _titles_before(t, d, c.start)
            role, org, _country, tail = _apposition(t, d, c.end, by_start)
            # "Russian Defense Ministry spokesman Major General Igor Konashenkov"
            before = by_end.get(title_start)
            if before is not None and before.actor.type is not ActorType.PERSON and title_role:
                org = org or before
            if org is not None:
                in_apposition.add(org.start)
            for k in range(c.end, tail):  # the apposition's words refer to this person: no coreference there
                t.occupied[k] = True
            role = title_role or role
            if span_start < c.start and not any(t.occupied[span_start : c.start]):
                for k in range(span_start, c.start):
                    t.occupied[k] = True
                c.start = span_start
            c.role = role
            c.ranks = ranks
            c.tail = max(c.end, tail)
            if role or ranks or org:
                c.method = "title" if c.method in ("alias", "fuzzy", "title") else c.method
            if org is not None and c.actor.parent != org.actor.id and c.actor.id.startswith("person:") and c.actor.parent is None:
                c.actor = replace(c.actor, parent=org.actor.id)
            out.append(c)
            continue
        # "a member of the Raqqa Civil Council", "a Pentagon spokesman"
        ext = None if c.start in in_apposition else _role_phrase(t, d, c)
        out.append(ext if ext is not None else c)
    return out


def _role_phrase(t: _Tokens, d: ActorDictionary, c: _Cand) -> _Cand | None:
    keys, n = t.keys, len(t.keys)
    b = c.start - 1
    if b >= 0 and keys[b] == "the":
        b -= 1
    if b >= 1 and keys[b] in _LINKS:
        # walk back over the role noun to a determiner: "a member of", "a senior official of"
        for k in range(b - 1, max(b - 4, -1), -1):
            if t.occupied[k]:
                break
            if keys[k] in _DETERMINERS:
                role = _role_between(t, d, k + 1, b)
                if role:
                    _occupy(t, _Cand(k, c.start, c.actor, "", 0))
                    return _Cand(k, c.end, c.actor, "title", c.confidence, role=role, tail=c.end)
                break
    if c.end < n and not t.occupied[c.end]:
        for m, roles in trie_matches(d.role_trie, keys, c.end):
            nxt = t.texts[m] if m < n else ""
            if roles[0] in ("spokesman", "spokeswoman", "spokesperson", "official", "source", "commander") and not nxt[:1].isupper():
                _occupy(t, _Cand(c.end, m, c.actor, "", 0))
                return _Cand(c.start, m, c.actor, "title", c.confidence, role=roles[0], tail=m)
    return None


def _role_between(t: _Tokens, d: ActorDictionary, a: int, b: int) -> str | None:
    for k in range(a, b):
        for m, roles in trie_matches(d.role_trie, t.keys, k):
            if m == b:
                return roles[0]
    return None


# ---------------------------------------------------------------------------------------------
# 6: coreference


def _coreference(t: _Tokens, d: ActorDictionary, chosen: list[_Cand], sent_of_tok) -> list[_Cand]:
    keys, n = t.keys, len(t.keys)
    by_start = {c.start: c for c in chosen}
    jihadist_total = {c.actor.id for c in chosen if c.actor.type is ActorType.JIHADIST_GROUP}
    # every state military the article names (not by metonymy): mentions and the actor, by id
    named = Counter(c.actor.id for c in chosen if c.actor.type is ActorType.STATE_MILITARY and c.method != "metonymy")
    militaries = {c.actor.id: (named[c.actor.id], c.actor) for c in chosen if c.actor.id in named}
    counts: dict[str, int] = {}
    last_pos: dict[str, int] = {}
    actors: dict[str, Actor] = {}
    referents: list[tuple[int, _Cand]] = []  # (token, mention) of people and role mentions, in order
    out: list[_Cand] = []

    def note(c: _Cand) -> None:
        counts[c.actor.id] = counts.get(c.actor.id, 0) + 1
        last_pos[c.actor.id] = c.start
        actors[c.actor.id] = c.actor
        if c.actor.type is ActorType.PERSON or c.role:
            referents.append((c.start, c))

    i = 0
    while i < n:
        c = by_start.get(i)
        if c is not None:
            note(c)
            out.append(c)
            i = c.end
            continue
        if t.occupied[i] or not (keys[i] in d.group_trie or keys[i] in d.force_coref_trie or keys[i] == "the" or keys[i] in _PRONOUNS):
            i += 1
            continue
        found = _group_coref(t, d, i, jihadist_total, counts, last_pos, actors)
        if found is None:
            found = _force_coref(t, d, i, militaries, counts, last_pos, actors)
        if found is None:
            found = _person_coref(t, d, i, referents, sent_of_tok)
        if found is not None:
            _occupy(t, found)
            note(found)
            out.append(found)
            i = found.end
            continue
        i += 1
    return out


def _longest_free(t: _Tokens, trie, i: int) -> tuple[int, tuple[str, float]] | None:
    """The longest phrase of ``trie`` starting at token i over tokens no mention holds: (end, payload)."""
    if t.keys[i] not in trie:
        return None
    best = None
    for m, payloads in trie_matches(trie, t.keys, i):
        if not any(t.occupied[i:m]):
            best = (m, payloads[0])
    return best


def _group_coref(t, d, i, jihadist_total, counts, last_pos, actors) -> _Cand | None:
    keys, n = t.keys, len(t.keys)
    best = _longest_free(t, d.group_trie, i)
    if best is None:
        return None
    m, (phrase, conf) = best
    prev = keys[i - 1] if i > 0 else ""
    if i > 0 and (t.occupied[i - 1] or prev in d.patterns.backing_words or prev in ("pro", "rebel", "opposition", "kurdish", "-")):
        return None  # "Daesh terrorists" (the alias names it), "US-backed militants" (another group)
    if m < n and t.keys[m] == "-":
        return None  # "militants-held"
    if prev in d.nationality_trie:
        return None  # "Kurdish militants", "Syrian jihadists": a different group
    if phrase.lower() == "the group":
        pool = [a for a in last_pos if actors[a].type in _GROUP_TYPES]
        if not pool:
            return None
        aid = max(pool, key=lambda a: last_pos[a])
        return _Cand(i, m, actors[aid], "coreference", conf)
    pool = [a for a in last_pos if actors[a].type is ActorType.JIHADIST_GROUP] or sorted(jihadist_total)
    if not pool:
        return None
    aid = max(pool, key=lambda a: (counts.get(a, 0), last_pos.get(a, -1)))
    if aid not in actors:
        actors[aid] = d.actors[aid]
    factor = 1.0 if len(jihadist_total) <= 1 else CONF_GROUP_AMBIGUOUS
    return _Cand(i, m, actors[aid], "coreference", conf * factor)


def _force_coref(t, d, i, militaries, counts, last_pos, actors) -> _Cand | None:
    """ "the army", "government forces" with no nationality: the state military the article names most
    (among those named before it; else in the whole article). None when it names none: not guessed."""
    keys, n = t.keys, len(t.keys)
    best = _longest_free(t, d.force_coref_trie, i)
    if best is None:
        return None
    m, (_phrase, conf) = best
    prev = keys[i - 1] if i > 0 else ""
    if i > 0 and (t.occupied[i - 1] or prev in d.nationality_trie or prev in d.patterns.modifiers or prev == "-"):
        return None  # "the Syrian army" (named), "the national army", "Kurdish-led forces"
    if m < n and (keys[m] == "-" or keys[m] in ("of", "'s", "’s")):
        return None  # "the army of Iraq", "the army's": the name follows
    pool = [a for a in last_pos if actors[a].type is ActorType.STATE_MILITARY]
    if pool:
        actor = actors[max(pool, key=lambda a: (counts.get(a, 0), last_pos[a]))]
    elif militaries:
        actor = max(militaries.values(), key=lambda x: (x[0], x[1].id))[1]
    else:
        return None
    return _Cand(i, m, actor, "coreference", conf)


def _person_coref(t, d, i, referents, sent_of_tok) -> _Cand | None:
    keys, n = t.keys, len(t.keys)
    p = d.patterns
    if keys[i] in _PRONOUNS:
        speaks = (i + 1 < n and keys[i + 1] in p.speech_verbs) or (i > 0 and keys[i - 1] in p.speech_verbs)
        if not speaks:
            return None
        # The speaker of "…," he added is named outside quotations: skip people quoted about.
        s = sent_of_tok(i)
        for pos, c in reversed(referents):
            if pos >= i or t.quoted[pos]:
                continue
            if sent_of_tok(pos) >= s - 2:
                role = c.role or d.roles.get(c.actor.id)
                return _Cand(i, i + 1, c.actor, "coreference", CONF_PRONOUN, role=role)
            break
        return None
    if keys[i] != "the":
        return None
    k = i + 1
    country = None
    if k < n and keys[k] in d.nationality_trie:
        for m, payloads in trie_matches(d.nationality_trie, keys, k):
            if payloads[0][1] == "adjective":
                country, k = payloads[0][0], m
    for m in range(min(n, k + 2), k, -1):
        noun = " ".join(keys[k:m])
        if noun not in p.person_coreference:
            continue
        if m < n and t.texts[m][:1].isupper():
            return None  # "the spokesman Igor Konashenkov": a title, not a reference
        for pos, c in reversed(referents):
            if pos >= i or c.actor.type is not ActorType.PERSON:
                continue
            role = (c.role or d.roles.get(c.actor.id) or "").lower()
            ranks = {r.split()[-1] for r in c.ranks if r.strip()}
            ranks |= {x.lower().split()[-1] for x in d.titles.get(c.actor.id, ()) if x.strip()}
            role_head = role.split()[-1] if role.strip() else None
            if noun != role and noun.split()[-1] not in ranks and noun != role_head:
                continue
            if country is not None and _country_of(d, c.actor) != country:
                continue
            return _Cand(i, m, c.actor, "coreference", CONF_PERSON_COREF, role=c.role or d.roles.get(c.actor.id) or noun)
        return None
    return None


def _country_of(d: ActorDictionary, actor: Actor) -> str | None:
    if actor.country:
        return actor.country
    for aid in d.ancestors(actor.id):
        a = d.actors.get(aid)
        if a is not None and a.country:
            return a.country
    return None


# ---------------------------------------------------------------------------------------------
# Inconsistent attribution


@dataclass(frozen=True, slots=True)
class AttributionConflict:
    """Two organisations named as the source of one statement (same or next sentence)."""

    first: ActorMention  # the earlier attribution ("Russia's Foreign Ministry has confirmed")
    second: ActorMention  # the later one ("Defense Ministry spokesman … Konashenkov said")
    first_org: Actor
    second_org: Actor
    message: str


_WORD = re.compile(r"[A-Z][\w-]{3,}")


def inconsistencies(
    actor_mentions: tuple[ActorMention, ...],
    body: str,
    sentences: tuple[Sentence, ...],
    dictionary: ActorDictionary,
) -> tuple[AttributionConflict, ...]:
    """Find statements credited to two different organisations of one government.

    A statement is attributed when an actor mention is followed by a speech verb ("has confirmed",
    "said") or follows "according to"; a person speaks for their organisation (their parent).
    Two attributions in the same or the next sentence conflict when their organisations are
    government or military bodies of the same country, neither is part of the other, and the two
    sentences share a capitalised word outside the actor mentions (the same place or subject), as
    when RT's lead credits "Russia's Foreign Ministry" with a capture its quote gives to the
    Defence Ministry's spokesman.

    Args:
        actor_mentions (tuple[ActorMention, ...]): from ``resolve_actors``.
        body (str): the article body.
        sentences (tuple[Sentence, ...]): its sentence spans.
        dictionary (ActorDictionary): the actor dictionary (for parents).
    RETURNS (tuple[AttributionConflict, ...]): the conflicts, in text order.
    """
    speech = dictionary.patterns.speech_verbs | dictionary.patterns.auxiliaries
    verbs = dictionary.patterns.speech_verbs
    attributions: list[tuple[ActorMention, Actor]] = []
    for am in actor_mentions:
        after = [w.lower() for w in re.findall(r"\w+", body[am.end : am.end + 40])[:3]]
        before = [w.lower() for w in re.findall(r"\w+", body[max(0, am.start - 20) : am.start])[-2:]]
        spoke = False
        for w in after:
            if w in verbs:
                spoke = True
                break
            if w not in speech:
                break
        if before[-2:] == ["according", "to"]:
            spoke = True
        if not spoke:
            continue
        org = am.actor
        if org.type is ActorType.PERSON and org.parent:
            org = dictionary.actors.get(org.parent, org)
        if org.type in (ActorType.GOVERNMENT, ActorType.STATE_MILITARY) and org.country:
            attributions.append((am, org))
    out = []
    for x, (a1, o1) in enumerate(attributions):
        for a2, o2 in attributions[x + 1 :]:
            if a2.sentence > a1.sentence + 1:
                break
            if o1.id == o2.id or o1.country != o2.country:
                continue
            if o1.id in dictionary.ancestors(o2.id) or o2.id in dictionary.ancestors(o1.id):
                continue
            if o1.id.startswith("gov:") or o2.id.startswith("gov:"):
                continue  # "Russia said" is the government as a whole: not a different body
            if not _shared_subject(body, sentences, a1, a2, actor_mentions):
                continue
            out.append(
                AttributionConflict(
                    a1,
                    a2,
                    o1,
                    o2,
                    f"sentence {a1.sentence + 1} credits {a1.text!r} ({o1.name}) and sentence {a2.sentence + 1} "
                    f"credits {a2.text!r} ({o2.name}) with the same statement",
                )
            )
    return tuple(out)


def _shared_subject(body, sentences, a1, a2, actor_mentions) -> bool:
    def words(i: int) -> set[str]:
        if not sentences or i >= len(sentences):
            return set()
        s = sentences[i]
        text = list(body[s.start : s.end])
        for am in actor_mentions:
            if am.sentence == i:
                for k in range(max(am.start, s.start) - s.start, min(am.end, s.end) - s.start):
                    text[k] = " "
        return {w.lower() for w in _WORD.findall("".join(text))}

    return bool(words(a1.sentence) & words(a2.sentence))
