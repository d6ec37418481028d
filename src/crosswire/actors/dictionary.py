"""The actor dictionary: data files of canonical actors, validated at load and compiled for matching.

Three JSON files ship in ``crosswire/actors/data/`` and users extend them with files of the same
shape (``ActorDictionary.load(extra=[...])``):

==================  ===============================================================================
file                what it holds
==================  ===============================================================================
actors.json         canonical actors: id, name, type (an ``ActorType`` value), country, aliases,
                    affiliation, parent; persons also a default role and their titles
nationalities.json  countries: ISO2, names, nationality adjectives, capitals and seats of
                    government; optional ids of the dictionary actors that are its military and
                    its government
patterns.json       word lists: force nouns, fire nouns ("Russian air support" names Russia's
                    military), government nouns, titles, role nouns, coreference nouns, speech
                    and action verbs, locative words
==================  ===============================================================================

Generated actors: "Military forces of <country>" (id ``mil:<ISO2>``), "Police forces of <country>"
(id ``pol:<ISO2>``) and "Government of <country>" (id ``gov:<ISO2>``). A dictionary entry with such an id refines the generated actor (``mil:TR`` is
the Turkish Armed Forces, with their own aliases).

Case rules: a token of an alias that is an acronym (no spaces, at most 8 characters, two or more
capitals: IS, SDF, MoD, U.N.) must match with its exact case, so "IS" never matches the verb "is";
the other tokens match case-insensitively. A multi-word alias of 10+ characters whose words are all
capitalised also matches with one typo in one word of 4+ letters ("Islamic Sate"), unless two
different actors have aliases close enough to be confused (then neither is matched fuzzily).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import ActorDictionaryError
from ..model import Actor, ActorType

#: The data files every dictionary starts from (package ``crosswire.actors.data``).
PACKAGED_FILES = ("actors.json", "nationalities.json", "patterns.json")

_TOKEN = re.compile(r"\w+|[^\w\s]")
_GENERATED_ID = re.compile(r"^(mil|gov|pol):([A-Z]{2})$")
_TRANSLATE = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "—": "-", "‐": "-", "‑": "-"})
#: The key under which a trie node keeps what ends there (never a token: tokens are non-empty).
END = ""

FUZZY_MIN_CHARS = 10
FUZZY_MIN_WORD = 4


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Split text into word and punctuation tokens with their spans.

    Args:
        text (str): any text.
    RETURNS (list[tuple[int, int, str]]): (start, end, token) for each token.
    """
    return [(*m.span(), m.group()) for m in _TOKEN.finditer(text)]


def token_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``tokenize``'s tokens alone: one pass of the pattern, no (start, end, token)
    triples to build and take apart again.

    Args:
        text (str): any text.
    RETURNS (list[tuple[int, int]]): (start, end) of each token.
    """
    return [m.span() for m in _TOKEN.finditer(text)]


def text_keys(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The keys of all tokens of a text at once (``token_key`` of each span, faster).

    Args:
        text (str): the text.
        spans (list[tuple[int, int]]): token spans from ``tokenize``.
    RETURNS (list[str]): one key per span.
    """
    low = text.translate(_TRANSLATE).lower()
    if len(low) != len(text):  # a character whose lower case is longer ("İ"): go token by token
        return [token_key(text[s:e]) for s, e in spans]
    return [low[s:e] for s, e in spans]


def token_key(token: str) -> str:
    """The matching key of a token: casefolded, with typographic apostrophes and dashes unified.

    Args:
        token (str): one token.
    RETURNS (str): its key.
    """
    return token.translate(_TRANSLATE).lower()


def is_acronym(token: str) -> bool:
    """Whether a token must match with its exact case (IS, SDF, MoD, U.N.).

    Args:
        token (str): one token of an alias.
    RETURNS (bool): True for a short token with two or more capitals.
    """
    return len(token) <= 8 and sum(c.isupper() for c in token) >= 2


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One alias of one actor, as the matcher sees it."""

    actor_id: str
    text: str
    keys: tuple[str, ...]
    exact: tuple[tuple[int, str], ...]  # (token index, exact text) for acronym tokens


@dataclass(frozen=True, slots=True)
class Country:
    """A country for the generated actors and for metonymy."""

    iso2: str
    name: str
    names: tuple[str, ...]
    adjectives: tuple[str, ...]
    capitals: tuple[str, ...]
    military: str  # actor id of its military (mil:<ISO2> unless the data names a dictionary actor)
    government: str  # actor id of its government
    #: Nouns for its people that are not the adjective + "s" ("Turks", "Britons"); "the Turks said"
    #: stands for the state as a capital would. "Americans", "Iraqis" are derived from the adjectives.
    people: tuple[str, ...] = ()
    police: str = ""  # actor id of its police (pol:<ISO2> unless the data names a dictionary actor)


@dataclass(frozen=True, slots=True)
class Patterns:
    """The word lists of ``patterns.json`` (keys as from ``token_key``)."""

    force_nouns: tuple[str, ...]
    government_nouns: tuple[str, ...]
    modifiers: frozenset[str]
    backing_words: frozenset[str]
    rank_titles: tuple[str, ...]
    function_titles: tuple[str, ...]
    role_nouns: tuple[str, ...]
    person_coreference: frozenset[str]
    group_coreference: Mapping[str, float]
    speech_verbs: frozenset[str]
    action_verbs: frozenset[str]
    auxiliaries: frozenset[str]
    locative_words: frozenset[str]
    place_nouns: frozenset[str]
    #: Nouns of armed force in action ("air support", "shelling"): "Russian air support" names
    #: Russia's military by its adjective alone. Optional in user files (default: none).
    fire_nouns: tuple[str, ...] = ()
    #: "Kenyan police", "Turkish riot police" → "Police forces of <country>". Optional (default: none).
    police_nouns: tuple[str, ...] = ()
    #: Bare force nouns ("the army", "government forces") → the article's state military, with a
    #: confidence each. Optional in user files (default: none).
    force_coreference: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


Trie = dict  # nested {token key: Trie}; END maps to a list of payloads


def trie_add(trie: Trie, keys: Iterable[str], payload: Any) -> None:
    """Add a token-key sequence with its payload to a trie.

    Args:
        trie (Trie): the trie (changed in place).
        keys (Iterable[str]): the token keys.
        payload (Any): what the sequence stands for.
    """
    node = trie
    for k in keys:
        node = node.setdefault(k, {})
    node.setdefault(END, []).append(payload)


def trie_matches(trie: Trie, keys: list[str], i: int) -> Iterator[tuple[int, list]]:
    """The sequences of a trie that start at token ``i``.

    Args:
        trie (Trie): the trie.
        keys (list[str]): token keys of the text.
        i (int): the start token.
    YIELDS (tuple[int, list]): (end token, exclusive; payloads), shortest first.
    """
    node = trie.get(keys[i]) if i < len(keys) else None
    j = i + 1
    while node is not None:
        if END in node:
            yield j, node[END]
        if j >= len(keys):
            return
        node = node.get(keys[j])
        j += 1


def _keys(text: str) -> tuple[str, ...]:
    return tuple(token_key(t) for _, _, t in tokenize(text))


def deletions(word: str) -> set[str]:
    """A word and every string one deleted letter away from it.

    Args:
        word (str): a token key.
    RETURNS (set[str]): the variants.
    """
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether two strings differ by at most one insertion, deletion or substitution.

    Args:
        a (str): one string.
        b (str): another.
    RETURNS (bool): True when the edit distance is 0 or 1.
    """
    return edit_distance(a, b, 1) <= 1


def edit_distance(a: str, b: str, bound: int) -> int:
    """Levenshtein distance, cut off above ``bound``.

    Args:
        a (str): one string.
        b (str): another.
        bound (int): the largest distance of interest.
    RETURNS (int): the distance, or ``bound + 1`` when it is larger than ``bound``.
    """
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > bound:
            return bound + 1
        prev = cur
    return min(prev[-1], bound + 1)


@dataclass(frozen=True, slots=True)
class ActorDictionary:
    """Canonical actors, countries and pattern words, compiled into token tries.

    Build it with ``ActorDictionary.load()`` (once per process, in ``Resources.load``).
    """

    actors: Mapping[str, Actor]
    roles: Mapping[str, str]  # person id -> default role ("spokesman")
    titles: Mapping[str, tuple[str, ...]]  # person id -> the titles the data gives them
    countries: Mapping[str, Country]
    patterns: Patterns
    alias_trie: Trie = field(repr=False)
    fuzzy_index: Mapping[str, tuple[tuple[AliasEntry, int], ...]] = field(repr=False)  # deletion variant -> (alias, word position)
    vocabulary: frozenset[str] = field(repr=False)  # every token key of every alias
    nationality_trie: Trie = field(repr=False)  # payload (iso2, kind): adjective | people | name | possessive | capital
    force_trie: Trie = field(repr=False)
    fire_trie: Trie = field(repr=False)
    police_trie: Trie = field(repr=False)
    government_trie: Trie = field(repr=False)
    title_trie_reversed: Trie = field(repr=False)  # payload (title, is_function)
    role_trie: Trie = field(repr=False)  # payload role noun
    group_trie: Trie = field(repr=False)  # payload (phrase, confidence)
    force_coref_trie: Trie = field(repr=False)  # payload (phrase, confidence)
    sources: tuple[str, ...] = ()

    @classmethod
    def load(cls, *, extra: Iterable[str | Path] = ()) -> ActorDictionary:
        """Load the packaged data files, then the user's files, and compile the matcher.

        A user file may hold any of the three top-level keys (``actors``, ``countries`` and the
        pattern lists). An actor or country whose id exists already overrides only the keys it sets;
        a pattern list given by the user is appended to the packaged one.

        Args:
            extra (Iterable[str | Path]): user JSON files, applied in order.
        RETURNS (ActorDictionary): the compiled dictionary.
        Raises:
            ActorDictionaryError: naming the file and the entry, when a file is missing, is not
                JSON, or has an entry of the wrong shape.
        """
        docs: list[tuple[str, dict]] = []
        data_dir = importlib_resources.files("crosswire.actors.data")
        for name in PACKAGED_FILES:
            label = f"crosswire/actors/data/{name}"
            docs.append((label, _parse(data_dir.joinpath(name).read_text("utf-8"), label)))
        for path in extra:
            p = Path(path)
            try:
                text = p.read_text("utf-8")
            except OSError as exc:
                raise ActorDictionaryError(f"cannot read the file ({exc.strerror or exc})", path=str(p)) from exc
            docs.append((str(p), _parse(text, str(p))))
        return cls.from_documents(docs)

    @classmethod
    def from_documents(cls, docs: Iterable[tuple[str, dict]]) -> ActorDictionary:
        """Validate parsed data files and compile the dictionary (``load`` without file reading).

        Args:
            docs (Iterable[tuple[str, dict]]): (file label, parsed JSON) in the order they apply.
        RETURNS (ActorDictionary): the compiled dictionary.
        Raises:
            ActorDictionaryError: naming the file and the entry.
        """
        raw_actors: dict[str, dict] = {}
        actor_src: dict[str, str] = {}
        raw_countries: dict[str, dict] = {}
        country_src: dict[str, str] = {}
        lists: dict[str, list] = {}
        group: dict[str, float] = {}
        force: dict[str, float] = {}
        labels = []
        for label, doc in docs:
            labels.append(label)
            if not isinstance(doc, dict):
                raise ActorDictionaryError("the top level must be a JSON object", path=label)
            unknown = set(doc) - {"version", "about", "actors", "countries", *_COREF_KEYS, *_LIST_KEYS, *_OPTIONAL_LIST_KEYS}
            if unknown:
                raise ActorDictionaryError(
                    f"unknown top-level keys {sorted(unknown)}; expected actors, countries or pattern lists "
                    f"{sorted(_LIST_KEYS)}",
                    path=label,
                )
            for i, a in enumerate(_list(doc, "actors", label)):
                entry = f"actors[{i}]"
                if not isinstance(a, dict) or not isinstance(a.get("id"), str) or not a["id"].strip():
                    raise ActorDictionaryError("each actor must be an object with a non-empty string 'id'", path=label, entry=entry)
                raw_actors[a["id"]] = {**raw_actors.get(a["id"], {}), **a}
                actor_src[a["id"]] = f"{label}: {entry} (id {a['id']!r})"
            for i, c in enumerate(_list(doc, "countries", label)):
                entry = f"countries[{i}]"
                if not isinstance(c, dict) or not (isinstance(c.get("iso2"), str) and re.fullmatch(r"[A-Z]{2}", c["iso2"])):
                    raise ActorDictionaryError("each country must be an object with 'iso2', two capital letters", path=label, entry=entry)
                raw_countries[c["iso2"]] = {**raw_countries.get(c["iso2"], {}), **c}
                country_src[c["iso2"]] = f"{label}: {entry} (iso2 {c['iso2']!r})"
            for key in sorted(_LIST_KEYS | _OPTIONAL_LIST_KEYS):
                if key in doc:
                    values = doc[key]
                    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                        raise ActorDictionaryError(f"'{key}' must be a list of non-empty strings", path=label, entry=key)
                    lists.setdefault(key, []).extend(values)
            for key, into in (("group_coreference", group), ("force_coreference", force)):
                if key in doc:
                    g = doc[key]
                    if not isinstance(g, dict) or not all(
                        isinstance(k, str) and isinstance(v, (int, float)) and 0 < v <= 1 for k, v in g.items()
                    ):
                        raise ActorDictionaryError(f"'{key}' must map phrases to confidences in (0, 1]", path=label, entry=key)
                    into.update(g)

        countries = {iso: _country(c, country_src[iso]) for iso, c in raw_countries.items()}
        actors: dict[str, Actor] = {}
        roles: dict[str, str] = {}
        titles: dict[str, tuple[str, ...]] = {}
        fuzzy_ok: dict[str, bool] = {}
        for aid, a in raw_actors.items():
            actor, role, ts, fuzzy = _actor(a, actor_src[aid], countries)
            actors[aid] = actor
            fuzzy_ok[aid] = fuzzy
            if role:
                roles[aid] = role
            if ts:
                titles[aid] = ts
        # Generated actors for every country, unless the dictionary refines them.
        for iso, c in countries.items():
            for gid, name, typ in (
                (f"mil:{iso}", f"Military forces of {c.name}", ActorType.STATE_MILITARY),
                (f"pol:{iso}", f"Police forces of {c.name}", ActorType.POLICE),
                (f"gov:{iso}", f"Government of {_strip_the(c.name)}", ActorType.GOVERNMENT),
            ):
                actors.setdefault(gid, Actor(id=gid, name=name, type=typ, country=iso))
        for aid, actor in actors.items():
            if actor.parent is not None and actor.parent not in actors:
                path, entry = _split(actor_src[aid])
                raise ActorDictionaryError(
                    f"parent {actor.parent!r} is not an actor id (add it, or use mil:XX / gov:XX of a known country)",
                    path=path,
                    entry=entry,
                )
        for iso, c in countries.items():
            for ref in (c.military, c.government):
                if ref not in actors:
                    path, entry = _split(country_src[iso])
                    raise ActorDictionaryError(f"refers to actor {ref!r}, which no actors file defines", path=path, entry=entry)
        _check_cycles(actors, actor_src)

        missing = [k for k in _LIST_KEYS if k not in lists]
        if missing or not group:
            raise ActorDictionaryError(
                f"the pattern lists {missing + ([] if group else ['group_coreference'])} are missing",
                path=" + ".join(labels),
            )
        patterns = Patterns(
            force_nouns=tuple(lists["force_nouns"]),
            government_nouns=tuple(lists["government_nouns"]),
            modifiers=frozenset(token_key(w) for w in lists["modifiers"]),
            backing_words=frozenset(token_key(w) for w in lists["backing_words"]),
            rank_titles=tuple(lists["rank_titles"]),
            function_titles=tuple(lists["function_titles"]),
            role_nouns=tuple(lists["role_nouns"]),
            person_coreference=frozenset(" ".join(_keys(w)) for w in lists["person_coreference"]),
            group_coreference=MappingProxyType(dict(group)),
            force_coreference=MappingProxyType(dict(force)),
            speech_verbs=frozenset(token_key(w) for w in lists["speech_verbs"]),
            action_verbs=frozenset(token_key(w) for w in lists["action_verbs"]),
            auxiliaries=frozenset(token_key(w) for w in lists["auxiliaries"]),
            locative_words=frozenset(token_key(w) for w in lists["locative_words"]),
            place_nouns=frozenset(token_key(w) for w in lists["place_nouns"]),
            fire_nouns=tuple(lists.get("fire_nouns", ())),
            police_nouns=tuple(lists.get("police_nouns", ())),
        )

        alias_trie: Trie = {}
        fuzzy_aliases: list[AliasEntry] = []
        for aid, actor in actors.items():
            for alias in dict.fromkeys((actor.name, *actor.aliases)):
                toks = [t for _, _, t in tokenize(alias)]
                if not toks:
                    continue
                entry = AliasEntry(
                    aid, alias, tuple(token_key(t) for t in toks), tuple((i, t) for i, t in enumerate(toks) if is_acronym(t))
                )
                trie_add(alias_trie, entry.keys, entry)
                words = [t for t in toks if t[0].isalnum()]
                if (
                    fuzzy_ok.get(aid, False)
                    and len(words) >= 2
                    and len(alias) >= FUZZY_MIN_CHARS
                    and all(w[0].isupper() or w in _FUNCTION_WORDS for w in words)
                    and not entry.exact
                ):
                    fuzzy_aliases.append(entry)
        fuzzy_index = _fuzzy_index(fuzzy_aliases)

        nationality_trie: Trie = {}
        for iso, c in countries.items():
            for adj in c.adjectives:
                trie_add(nationality_trie, _keys(adj), (iso, "adjective", _exact(adj)))
                if adj[-2:] == "an" or adj[-1:] == "i":  # "the Americans", "the Iraqis": the people, or the state
                    trie_add(nationality_trie, _keys(adj + "s"), (iso, "people", _exact(adj)))
            for noun in c.people:
                trie_add(nationality_trie, _keys(noun), (iso, "people", _exact(noun)))
            for name in c.names:
                trie_add(nationality_trie, _keys(name), (iso, "name", _exact(name)))
                for apos in ("'s", "'"):
                    trie_add(nationality_trie, _keys(name + apos), (iso, "possessive", _exact(name)))
            for cap in c.capitals:
                trie_add(nationality_trie, _keys(cap), (iso, "capital", _exact(cap)))
        force_trie: Trie = {}
        for w in patterns.force_nouns:
            trie_add(force_trie, _keys(w), w)
        fire_trie: Trie = {}
        for w in patterns.fire_nouns:
            trie_add(fire_trie, _keys(w), w)
        police_trie: Trie = {}
        for w in patterns.police_nouns:
            trie_add(police_trie, _keys(w), w)
        government_trie: Trie = {}
        for w in patterns.government_nouns:
            trie_add(government_trie, _keys(w), w)
        title_trie: Trie = {}
        for w in patterns.rank_titles:
            trie_add(title_trie, tuple(reversed(_keys(w))), (w, False))
        for w in patterns.function_titles:
            trie_add(title_trie, tuple(reversed(_keys(w))), (w, True))
        role_trie: Trie = {}
        for w in patterns.role_nouns:
            trie_add(role_trie, _keys(w), w.lower())
        group_trie: Trie = {}
        for phrase, conf in group.items():
            trie_add(group_trie, _keys(phrase), (phrase, float(conf)))
        force_coref_trie: Trie = {}
        for phrase, conf in force.items():
            trie_add(force_coref_trie, _keys(phrase), (phrase, float(conf)))

        return cls(
            actors=MappingProxyType(actors),
            roles=MappingProxyType(roles),
            titles=MappingProxyType(titles),
            countries=MappingProxyType(countries),
            patterns=patterns,
            alias_trie=alias_trie,
            fuzzy_index=MappingProxyType(fuzzy_index),
            vocabulary=frozenset(k for node_keys in _all_keys(alias_trie) for k in node_keys),
            nationality_trie=nationality_trie,
            force_trie=force_trie,
            fire_trie=fire_trie,
            police_trie=police_trie,
            government_trie=government_trie,
            title_trie_reversed=title_trie,
            role_trie=role_trie,
            group_trie=group_trie,
            force_coref_trie=force_coref_trie,
            sources=tuple(labels),
        )

    def get(self, actor_id: str) -> Actor:
        """The actor with an id (dictionary or generated).

        Args:
            actor_id (str): e.g. "IS", "mil:TR".
        RETURNS (Actor): the actor.
        Raises:
            KeyError: when no such actor exists.
        """
        return self.actors[actor_id]

    def ancestors(self, actor_id: str) -> tuple[str, ...]:
        """The chain of parents of an actor, nearest first (the government of its country last).

        Args:
            actor_id (str): an actor id.
        RETURNS (tuple[str, ...]): parent ids.
        """
        out: list[str] = []
        actor = self.actors.get(actor_id)
        while actor is not None and actor.parent is not None and actor.parent not in out:
            out.append(actor.parent)
            actor = self.actors.get(actor.parent)
        return tuple(out)


_LIST_KEYS = frozenset(
    {
        "force_nouns",
        "government_nouns",
        "modifiers",
        "backing_words",
        "rank_titles",
        "function_titles",
        "role_nouns",
        "person_coreference",
        "speech_verbs",
        "action_verbs",
        "auxiliaries",
        "locative_words",
        "place_nouns",
    }
)
#: Phrase → confidence maps of coreference (group_coreference is required, force_coreference optional).
_COREF_KEYS = ("group_coreference", "force_coreference")
#: Pattern lists a file may leave out.
_OPTIONAL_LIST_KEYS = frozenset({"fire_nouns", "police_nouns"})
_FUNCTION_WORDS = frozenset({"of", "for", "the", "and", "in", "al", "on"})
_ACTOR_KEYS = frozenset({"id", "name", "type", "country", "aliases", "affiliation", "parent", "role", "titles", "fuzzy"})
_COUNTRY_KEYS = frozenset({"iso2", "name", "names", "adjectives", "capitals", "military", "government", "people", "police"})
_TYPES = {t.value: t for t in ActorType}


def _parse(text: str, label: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ActorDictionaryError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", path=label
        ) from exc


def _list(doc: dict, key: str, label: str) -> list:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise ActorDictionaryError(f"'{key}' must be a list", path=label, entry=key)
    return value


def _split(src: str) -> tuple[str, str]:
    path, entry = src.split(": ", 1)
    return path, entry


def _strings(value: Any, key: str, src: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        path, entry = _split(src)
        raise ActorDictionaryError(f"'{key}' must be a list of non-empty strings", path=path, entry=entry)
    return tuple(v.strip() for v in value)


def _actor(a: dict, src: str, countries: Mapping[str, Country]) -> tuple[Actor, str | None, tuple[str, ...], bool]:
    path, entry = _split(src)

    def fail(msg: str) -> ActorDictionaryError:
        return ActorDictionaryError(msg, path=path, entry=entry)

    unknown = set(a) - _ACTOR_KEYS
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}; allowed: {sorted(_ACTOR_KEYS)}")
    aid = a["id"]
    m = _GENERATED_ID.match(aid)
    if (aid.startswith(("mil:", "gov:", "pol:")) and not m) or (m and m.group(2) not in countries):
        raise fail("ids of the form mil:XX / pol:XX / gov:XX must name a country of nationalities.json")
    name = a.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("'name' must be a non-empty string")
    typ = a.get("type")
    if typ not in _TYPES:
        raise fail(f"'type' must be one of {sorted(_TYPES)}, got {typ!r}")
    country = a.get("country")
    if country is not None and not (isinstance(country, str) and country in countries):
        raise fail(f"'country' must be the ISO2 code of a country in nationalities.json, got {country!r}")
    aliases = _strings(a.get("aliases"), "aliases", src)
    if not aliases:
        raise fail("'aliases' must list at least one name to match")
    for key in ("affiliation", "parent", "role"):
        if a.get(key) is not None and not (isinstance(a[key], str) and a[key].strip()):
            raise fail(f"'{key}' must be a non-empty string or null")
    fuzzy = a.get("fuzzy", True)
    if not isinstance(fuzzy, bool):
        raise fail("'fuzzy' must be true or false")
    actor = Actor(
        id=aid,
        name=name.strip(),
        type=_TYPES[typ],
        country=country,
        aliases=aliases,
        affiliation=a.get("affiliation"),
        parent=a.get("parent"),
    )
    return actor, a.get("role"), _strings(a.get("titles"), "titles", src), fuzzy


def _country(c: dict, src: str) -> Country:
    path, entry = _split(src)
    unknown = set(c) - _COUNTRY_KEYS
    if unknown:
        raise ActorDictionaryError(f"unknown keys {sorted(unknown)}; allowed: {sorted(_COUNTRY_KEYS)}", path=path, entry=entry)
    name = c.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ActorDictionaryError("'name' must be a non-empty string", path=path, entry=entry)
    iso = c["iso2"]
    for key in ("military", "government", "police"):
        if c.get(key) is not None and not isinstance(c[key], str):
            raise ActorDictionaryError(f"'{key}' must be an actor id or null", path=path, entry=entry)
    return Country(
        iso2=iso,
        name=name.strip(),
        names=_strings(c.get("names"), "names", src),
        adjectives=_strings(c.get("adjectives"), "adjectives", src),
        capitals=_strings(c.get("capitals"), "capitals", src),
        military=c.get("military") or f"mil:{iso}",
        government=c.get("government") or f"gov:{iso}",
        people=_strings(c.get("people"), "people", src),
        police=c.get("police") or f"pol:{iso}",
    )


def _check_cycles(actors: Mapping[str, Actor], actor_src: Mapping[str, str]) -> None:
    for aid in actors:
        seen = {aid}
        cur = actors[aid].parent
        while cur is not None:
            if cur in seen:
                path, entry = _split(actor_src.get(aid, "generated: " + aid))
                raise ActorDictionaryError(f"its parent chain loops back to {cur!r}", path=path, entry=entry)
            seen.add(cur)
            cur = actors[cur].parent


def _strip_the(name: str) -> str:
    return name.removeprefix("the ")


def _exact(text: str) -> tuple[tuple[int, str], ...]:
    return tuple((i, t) for i, (_, _, t) in enumerate(tokenize(text)) if is_acronym(t))


def _all_keys(trie: Trie) -> Iterator[Iterable[str]]:
    stack = [trie]
    while stack:
        node = stack.pop()
        yield (k for k in node if k != END)
        stack.extend(v for k, v in node.items() if k != END)


def _fuzzy_index(aliases: list[AliasEntry]) -> dict[str, tuple[tuple[AliasEntry, int], ...]]:
    # A fuzzy match changes one token. Two aliases of different actors that differ only in one
    # token, by two edits or fewer, could both match the same typo: match those exactly only.
    masked: dict[tuple, list[tuple[AliasEntry, int]]] = {}
    for e in aliases:
        for pos in range(len(e.keys)):
            masked.setdefault((pos, e.keys[:pos], e.keys[pos + 1 :]), []).append((e, pos))
    ambiguous: set[str] = set()
    for group in masked.values():
        for x, (e1, pos) in enumerate(group):
            for e2, _ in group[x + 1 :]:
                if e1.actor_id != e2.actor_id and edit_distance(e1.keys[pos], e2.keys[pos], 2) <= 2:
                    ambiguous.update((e1.text, e2.text))
    # Indexed by each content word of 4+ letters and its one-letter deletions: a typo'd word and
    # the alias word it stands for share one of these keys (symmetric deletion), so the matcher
    # looks up only the few words of a text that no alias contains.
    index: dict[str, list[tuple[AliasEntry, int]]] = {}
    for e in aliases:
        if e.text in ambiguous:
            continue
        for pos, k in enumerate(e.keys):
            if len(k) >= FUZZY_MIN_WORD and k.isalpha():
                for v in deletions(k):
                    index.setdefault(v, []).append((e, pos))
    return {k: tuple(v) for k, v in index.items()}
