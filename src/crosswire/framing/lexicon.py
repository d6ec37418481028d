"""The framing lexicons: labels, hedges and loaded language, compiled from data files.

The word lists live in ``framing/data/*.json`` (one file per kind, each entry list with the source
it comes from), so analysts can read and extend them without touching code:

* ``labels.json``: labels applied to actors ("terrorists", "rebels", "resistance fighters", "regime",
  "so-called", "US-backed" …) with a category (delegitimising, legitimising, neutral-descriptive,
  affiliation, distancing) and the position of the labelled actor (``noun``: "Daesh terrorists",
  ``pre``: "so-called Syrian Observatory");
* ``hedges.json``: words by which the outlet keeps a statement at a distance ("reportedly", "alleged");
* ``loaded.json``: loaded language (SemEval-2020 task 11 ``Loaded_Language``: "carpet bombings",
  "stupor", "liberate").

``Lexicon.load()`` indexes each kind's phrases by their first word (case-insensitive, whole words;
"so-called" is one word), so matching an article is one pass over its words with a dictionary
lookup per word; the few ``regex`` entries run as regular expressions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

__all__ = ["DATA_DIR", "KINDS", "Lexicon", "LexiconEntry", "LexiconMatch", "Words"]

#: Where the packaged lexicons live.
DATA_DIR = Path(__file__).parent / "data"
#: The lexicon kinds and their files.
KINDS: dict[str, str] = {"label": "labels.json", "hedge": "hedges.json", "loaded": "loaded.json"}
_POSITIONS = frozenset({"noun", "pre", "none"})
_ENTRY_KEYS = frozenset(
    {"label", "category", "position", "patterns", "suffixes", "lowercase_prefixes", "after", "regex", "source", "comment"}
)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One canonical lexicon entry: a label ("terrorist") and where its word list comes from."""

    kind: str  # label | hedge | loaded
    label: str
    category: str | None
    position: str  # noun | pre | none: where the actor it applies to stands
    source: str


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    """One match of a lexicon phrase in a text."""

    start: int
    end: int
    text: str
    entry: LexiconEntry


@dataclass(frozen=True, slots=True)
class _Compiled:
    # first word -> (phrase words, entry, the words one of which must come right before), longest first
    by_first: dict[str, tuple[tuple[tuple[str, ...], LexiconEntry, frozenset[str] | None], ...]]
    # word endings ("-backed"), the lower-case words they may follow ("foreign-backed"), the entry
    suffixes: tuple[tuple[tuple[str, ...], frozenset[str], LexiconEntry], ...]
    regexes: tuple[tuple[re.Pattern, LexiconEntry], ...]


#: Words as the lexicon sees them: hyphens and apostrophes inside a word keep it one word
#: ("so-called", "aren't", "carpet-bombing").
_TOKEN = re.compile(r"\w+(?:[-'’\u2011]\w+)*")


def _token_key(token: str) -> str:
    return token.replace("’", "'").replace("\u2011", "-").lower()


@dataclass(frozen=True, slots=True)
class Words:
    """A text's words: spans, lexicon keys (lower-cased, ’ as ') and where each key occurs."""

    spans: tuple[tuple[int, int], ...]
    keys: tuple[str, ...]
    positions: dict[str, list[int]]
    hyphenated: tuple[int, ...]  # the words with a hyphen inside ("us-backed"), for suffix entries

    @classmethod
    def of(cls, text: str) -> Words:
        """Split a text into words once, for every lexicon kind.

        Args:
            text (str): any text.
        RETURNS (Words): its words.
        """
        low = _token_key(text)
        if len(low) == len(text):
            # one pass of the pattern: the keys are slices of the keyed text at the word spans
            spans = [m.span() for m in _TOKEN.finditer(low)]
            keys = [low[s:e] for s, e in spans]
        else:  # a few characters lower-case to two: key each word on its own
            found = list(_TOKEN.finditer(text))
            keys = [_token_key(m.group(0)) for m in found]
            spans = [m.span() for m in found]
        positions: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            if k in positions:
                positions[k].append(i)
            else:
                positions[k] = [i]
        hyphenated = tuple(i for i, k in enumerate(keys) if "-" in k) if "-" in low else ()
        return cls(tuple(spans), tuple(keys), positions, hyphenated)


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(_token_key(t) for t in _TOKEN.findall(phrase))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The compiled framing lexicons. Build with ``Lexicon.load()`` (once, in ``Resources.load``)."""

    entries: tuple[LexiconEntry, ...]
    sources: tuple[str, ...] = ()
    _compiled: dict[str, _Compiled] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, paths: dict[str, str | Path] | None = None, *, extra: Iterable[str | Path] = ()) -> Lexicon:
        """Load and compile the packaged lexicons (and the user's extra files).

        Args:
            paths (dict[str, str | Path] | None): kind -> file, to replace a packaged file.
            extra (Iterable[str | Path]): user files of the same shape with a top-level ``"kind"``
                ("label", "hedge" or "loaded"); their entries are added to that kind.
        RETURNS (Lexicon): the compiled lexicon.
        Raises:
            ConfigError: when a file is missing, is not JSON, or has an entry of the wrong shape,
                naming the file and the entry.
        """
        docs: list[tuple[str, Path]] = [(k, Path((paths or {}).get(k, DATA_DIR / f))) for k, f in KINDS.items()]
        for p in extra:
            doc = _read(Path(p))
            kind = doc.get("kind")
            if kind not in KINDS:
                raise ConfigError(f"{p}: a user lexicon needs a top-level \"kind\": one of {sorted(KINDS)}, got {kind!r}.")
            docs.append((kind, Path(p)))
        entries: list[LexiconEntry] = []
        phrases: dict[str, list[tuple[str, LexiconEntry, frozenset[str] | None]]] = {k: [] for k in KINDS}
        suffixes: dict[str, list[tuple[tuple[str, ...], frozenset[str], LexiconEntry]]] = {k: [] for k in KINDS}
        regexes: dict[str, list[tuple[re.Pattern, LexiconEntry]]] = {k: [] for k in KINDS}
        for kind, path in docs:
            doc = _read(path)
            items = doc.get("entries")
            if not isinstance(items, list):
                raise ConfigError(f"{path}: expected a top-level \"entries\" list of lexicon entries.")
            for i, e in enumerate(items):
                where = f"{path}: entries[{i}]"
                if not isinstance(e, dict) or not isinstance(e.get("label"), str):
                    raise ConfigError(f"{where}: each entry is an object with a \"label\" string.")
                unknown = set(e) - _ENTRY_KEYS
                if unknown:
                    raise ConfigError(f"{where} ({e['label']!r}): unknown keys {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}.")
                if not e.get("source"):
                    raise ConfigError(f"{where} ({e['label']!r}): say where the word list comes from in \"source\".")
                position = e.get("position", "noun" if kind == "label" else "none")
                if position not in _POSITIONS:
                    raise ConfigError(f"{where} ({e['label']!r}): position must be one of {sorted(_POSITIONS)}, got {position!r}.")
                entry = LexiconEntry(kind, e["label"], e.get("category"), position, e["source"])
                entries.append(entry)
                pats = e.get("patterns", [])
                rxs = e.get("regex", [])
                sufs = e.get("suffixes", [])
                after = e.get("after")
                if not all(isinstance(x, list) for x in (pats, rxs, sufs)) or not (pats or rxs or sufs):
                    raise ConfigError(
                        f"{where} ({e['label']!r}): give a non-empty \"patterns\" (or \"suffixes\", \"regex\") list of strings."
                    )
                if after is not None and (not isinstance(after, list) or not all(isinstance(a, str) and a.strip() for a in after)):
                    raise ConfigError(f"{where} ({e['label']!r}): \"after\" is a list of words that must come right before.")
                after_keys = frozenset(_token_key(a.strip()) for a in after) if after else None
                for p in pats + sufs:
                    if not isinstance(p, str) or not p.strip():
                        raise ConfigError(f"{where} ({e['label']!r}): pattern {p!r} is not a non-empty string.")
                for p in pats:
                    phrases[kind].append((p, entry, after_keys))
                lower = e.get("lowercase_prefixes", [])
                if not isinstance(lower, list) or not all(isinstance(x, str) for x in lower):
                    raise ConfigError(f"{where} ({e['label']!r}): \"lowercase_prefixes\" is a list of words.")
                if sufs:
                    endings = tuple(_token_key(x.strip()) for x in sufs)
                    suffixes[kind].append((endings, frozenset(_token_key(x) for x in lower), entry))
                for r in rxs:
                    try:
                        rx = re.compile(rf"(?<![\w-])(?:{r})(?![\w-])", re.IGNORECASE)
                    except (re.error, TypeError) as exc:
                        raise ConfigError(f"{where} ({e['label']!r}): regex {r!r} does not compile: {exc}") from exc
                    regexes[kind].append((rx, entry))
        compiled: dict[str, _Compiled] = {}
        for kind in KINDS:
            by_phrase: dict[tuple[str, ...], tuple[LexiconEntry, frozenset[str] | None]] = {}
            for p, entry, after_keys in phrases[kind]:
                key = _phrase_key(p)
                if key:
                    by_phrase.setdefault(key, (entry, after_keys))  # the first file wins: user files only add
            first: dict[str, list] = {}
            for key, (entry, after_keys) in by_phrase.items():
                first.setdefault(key[0], []).append((key, entry, after_keys))
            by_first = {k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in first.items()}
            compiled[kind] = _Compiled(by_first, tuple(suffixes[kind]), tuple(regexes[kind]))
        return cls(tuple(entries), tuple(str(p) for _, p in docs), compiled)

    def find(self, text: str, kind: str, *, words: Words | None = None) -> list[LexiconMatch]:
        """Every non-overlapping match of one kind's phrases, the longest at each position.

        Args:
            text (str): the text (``Article.body``).
            kind (str): label, hedge or loaded.
            words (Words | None): ``Words.of(text)``, to split the text once for every kind.
        RETURNS (list[LexiconMatch]): matches in text order.
        Raises:
            KeyError: for an unknown kind.
        """
        c = self._compiled.get(kind)
        if c is None:
            raise KeyError(f"unknown lexicon kind {kind!r}; choose one of {sorted(KINDS)}")
        w = Words.of(text) if words is None else words
        keys, spans, n = w.keys, w.spans, len(w.keys)
        found: list[LexiconMatch] = []
        # only the words that start some phrase are looked at (a set intersection, not a loop over words)
        for first in c.by_first.keys() & w.positions.keys():
            for i in w.positions[first]:
                for phrase, entry, after in c.by_first[first]:
                    k = len(phrase)
                    if i + k <= n and keys[i : i + k] == phrase and (after is None or (i > 0 and keys[i - 1] in after)):
                        start, end = spans[i][0], spans[i + k - 1][1]
                        found.append(LexiconMatch(start, end, text[start:end], entry))
                        break
        for endings, lower, entry in c.suffixes:
            for i in w.hyphenated:
                key = keys[i]
                if not key.endswith(endings) or key.startswith("-") or key in endings:
                    continue
                start, end = spans[i]
                # the backer is a name ("US-backed", "Kremlin-backed") or a listed word ("foreign-backed");
                # not "co-sponsored", "embassy-sponsored"
                if text[start].isupper() or key[: key.rindex("-")] in lower:
                    found.append(LexiconMatch(start, end, text[start:end], entry))
        for rx, entry in c.regexes:
            for m in rx.finditer(text):
                g = "span" if "span" in rx.groupindex else 0  # a regex may mark the matched part
                found.append(LexiconMatch(m.start(g), m.end(g), m.group(g), entry))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[LexiconMatch] = []
        for m in found:
            if out and m.start < out[-1].end:
                continue
            out.append(m)
        return out


def _read(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"The framing lexicon {path} is missing. Reinstall crosswire (`pip install -e .`).") from exc
    except (OSError, ValueError) as exc:
        raise ConfigError(f"The framing lexicon {path} cannot be read as JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a JSON object with \"entries\".")
    return doc
