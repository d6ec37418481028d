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

``Lexicon.load()`` compiles each kind into one regular expression (phrases longest first, word
boundaries, case-insensitive), so matching an article is one ``finditer`` per kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

__all__ = ["DATA_DIR", "KINDS", "Lexicon", "LexiconEntry", "LexiconMatch"]

#: Where the packaged lexicons live.
DATA_DIR = Path(__file__).parent / "data"
#: The lexicon kinds and their files.
KINDS: dict[str, str] = {"label": "labels.json", "hedge": "hedges.json", "loaded": "loaded.json"}
_POSITIONS = frozenset({"noun", "pre", "none"})
_ENTRY_KEYS = frozenset({"label", "category", "position", "patterns", "regex", "source", "comment"})


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
    pattern: re.Pattern | None
    by_phrase: dict[str, LexiconEntry]  # normalised phrase -> entry
    regexes: tuple[tuple[re.Pattern, LexiconEntry], ...]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2011", "-")).strip().casefold()


def _phrase_regex(phrase: str) -> str:
    parts = [re.escape(p) for p in phrase.split()]
    body = r"\s+".join(parts)
    # word boundaries that also work next to a hyphen ("so-called", "US-backed")
    return rf"(?<![\w-]){body}(?![\w-])"


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
        phrases: dict[str, list[tuple[str, LexiconEntry]]] = {k: [] for k in KINDS}
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
                if not isinstance(pats, list) or not isinstance(rxs, list) or not (pats or rxs):
                    raise ConfigError(f"{where} ({e['label']!r}): give a non-empty \"patterns\" (or \"regex\") list of strings.")
                for p in pats:
                    if not isinstance(p, str) or not p.strip():
                        raise ConfigError(f"{where} ({e['label']!r}): pattern {p!r} is not a non-empty string.")
                    phrases[kind].append((p, entry))
                for r in rxs:
                    try:
                        rx = re.compile(rf"(?<![\w-])(?:{r})(?![\w-])", re.IGNORECASE)
                    except (re.error, TypeError) as exc:
                        raise ConfigError(f"{where} ({e['label']!r}): regex {r!r} does not compile: {exc}") from exc
                    regexes[kind].append((rx, entry))
        compiled: dict[str, _Compiled] = {}
        for kind in KINDS:
            by_phrase: dict[str, LexiconEntry] = {}
            for p, entry in phrases[kind]:
                by_phrase.setdefault(_norm(p), entry)  # the first file wins: user files only add
            ordered = sorted(by_phrase, key=len, reverse=True)
            pattern = re.compile("|".join(_phrase_regex(p) for p in ordered), re.IGNORECASE) if ordered else None
            compiled[kind] = _Compiled(pattern, by_phrase, tuple(regexes[kind]))
        return cls(tuple(entries), tuple(str(p) for _, p in docs), compiled)

    def find(self, text: str, kind: str) -> list[LexiconMatch]:
        """Every non-overlapping match of one kind's phrases, longest first at each position.

        Args:
            text (str): the text (``Article.body``).
            kind (str): label, hedge or loaded.
        RETURNS (list[LexiconMatch]): matches in text order.
        """
        c = self._compiled.get(kind)
        if c is None:
            raise KeyError(f"unknown lexicon kind {kind!r}; choose one of {sorted(KINDS)}")
        found: list[LexiconMatch] = list(self._phrase_matches(text, c))
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

    @staticmethod
    def _phrase_matches(text: str, c: _Compiled) -> Iterator[LexiconMatch]:
        if c.pattern is None:
            return
        for m in c.pattern.finditer(text):
            entry = c.by_phrase.get(_norm(m.group(0)))
            if entry is not None:
                yield LexiconMatch(m.start(), m.end(), m.group(0), entry)


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
