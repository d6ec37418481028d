"""A cheap necessary condition for a family of regexes: one scan of a text for literal anchors tells
which of the patterns can match there, so that only those run.

Each pattern has *anchors*: groups of literals such that every match of the pattern contains, for each
group, at least one of its literals. ``AnchorScan`` finds every anchor occurring in a text with one
regex scan (a trie of all the anchors, tried at each position) and gives the (name, group) pairs the
text satisfies; a pattern whose every group is among them may match, any other cannot.

The anchors are written by hand (``extract._ANCHORS``, whose trigger patterns are case-insensitive) or
derived from a pattern by ``required_literals`` (``classify.CUES``, case-sensitive patterns over
lower-cased text). The scan is a superset test only: callers still run the admitted patterns, so what
they find is what running every pattern finds.

No I/O, no mutable state: an ``AnchorScan`` is built once, at import, and only read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from re import _constants as _sre
from re import _parser as _sre_parse

__all__ = ["AnchorScan", "literal_trie", "required_literals"]


def literal_trie(words: Sequence[str]) -> str:
    """A regex that matches, at a position, the longest of ``words`` starting there (a trie, so the
    regex engine tries one branch per character instead of every word)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        parts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not parts:
            return ""
        alt = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{alt})?" if "" in node else alt

    return emit(trie)


@dataclass(frozen=True, slots=True)
class AnchorScan:
    """The anchors of a family of patterns, compiled for one scan per text.

    Args:
        needs (Mapping[str, frozenset[tuple[str, int]]]): name -> the (name, group) pairs a text must
            satisfy for the pattern to match (empty: the pattern has no anchors and always runs).
        pattern (re.Pattern | None): finds, at each position, the longest anchor that starts there (a
            lookahead, so overlapping anchors are all seen: "airstrikes" holds "air" and "strike");
            None when there are no anchors.
        satisfies (Mapping[str, frozenset[tuple[str, int]]]): anchor -> the (name, group) pairs it
            satisfies, with those of the shorter anchors it starts with (the scan reports only the
            longest anchor at a position).
    """

    needs: Mapping[str, frozenset[tuple[str, int]]]
    pattern: re.Pattern | None
    satisfies: Mapping[str, frozenset[tuple[str, int]]]

    @classmethod
    def of(cls, anchors: Mapping[str, Sequence[Sequence[str]]]) -> AnchorScan:
        """Compile the anchors of a family of patterns.

        Args:
            anchors (Mapping[str, Sequence[Sequence[str]]]): name -> groups of literals (see the
                module docstring); the literals are compared with the text as they are.
        RETURNS (AnchorScan): the scan.
        """
        every = sorted({a for groups in anchors.values() for group in groups for a in group})
        if "" in every:
            raise ValueError("an empty anchor is satisfied everywhere: leave the group out instead")
        satisfies = {
            a: frozenset(
                (name, i) for name, groups in anchors.items() for i, group in enumerate(groups) for b in group if a.startswith(b)
            )
            for a in every
        }
        needs = {name: frozenset((name, i) for i in range(len(groups))) for name, groups in anchors.items()}
        pattern = re.compile(f"(?=({literal_trie(every)}))") if every else None
        return cls(needs, pattern, satisfies)

    def present(self, text: str) -> set[tuple[str, int]]:
        """The (name, group) pairs that ``text`` satisfies: a pattern whose every group is among them
        may match, any other cannot."""
        present: set[tuple[str, int]] = set()
        if self.pattern is not None:
            for a in set(self.pattern.findall(text)):
                present |= self.satisfies[a]
        return present

    def admitted(self, text: str) -> set[str]:
        """The names of the patterns that may match in ``text`` (those without anchors included)."""
        present = self.present(text)
        return {name for name, need in self.needs.items() if need <= present}


#: Anchors shorter than this are left out of ``required_literals``: a one-letter literal occurs almost
#: everywhere and would only slow the scan down.
MIN_ANCHOR = 2


def required_literals(pattern: str | re.Pattern) -> tuple[tuple[str, ...], ...]:
    """Groups of literals such that every match of a pattern contains at least one literal of each.

    Read from the pattern's parse: a run of literal characters in sequence is a literal; an
    alternation gives the union of one group of each alternative (when every alternative has one); a
    repeat at least once gives what its body gives; anything else (classes, ``\\b``, optional parts,
    lookarounds) gives nothing. A pattern with case-insensitive parts, or whose groups would need a
    literal shorter than ``MIN_ANCHOR``, has no group left for them: it then always runs, which is
    slower, never wrong.

    Args:
        pattern (str | re.Pattern): the pattern (its letters compared with the text as they are).
    RETURNS (tuple[tuple[str, ...], ...]): the groups (each sorted); () when nothing is required.
    """
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if isinstance(source, bytes) or flags & re.IGNORECASE:
        return ()
    try:
        parsed = _sre_parse.parse(source, flags)
    except (re.error, AttributeError, TypeError, ValueError):  # a parser of another Python: no prefilter
        return ()
    if parsed.state.flags & re.IGNORECASE:
        return ()
    try:
        groups = _sequence(parsed)
    except _CaseFolded:
        return ()
    kept = {g for g in groups if min(map(len, g)) >= MIN_ANCHOR}
    return tuple(tuple(sorted(g)) for g in sorted(kept, key=lambda g: sorted(g)))


class _CaseFolded(Exception):
    """A part of the pattern matches case-insensitively: its literals are not what it matches."""


def _sequence(items) -> list[frozenset[str]]:
    """The groups that every match of a sequence of parse items holds."""
    groups: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            groups.append(frozenset({"".join(run)}))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE:
                raise _CaseFolded
            groups += _sequence(sub)
        elif op is _sre.ATOMIC_GROUP:
            groups += _sequence(av)
        elif op is _sre.BRANCH:
            alternatives = _alternatives(av[1])
            if alternatives is not None:
                groups.append(alternatives)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                groups += _sequence(sub)
        # AT, IN, ANY, CATEGORY, NOT_LITERAL, lookarounds, group references: nothing required
    if run:
        groups.append(frozenset({"".join(run)}))
    return groups


def _alternatives(branches) -> frozenset[str] | None:
    """One group for an alternation: the union of each alternative's most selective group, or None
    when some alternative requires nothing."""
    out: set[str] = set()
    for branch in branches:
        groups = [g for g in _sequence(branch) if min(map(len, g)) >= MIN_ANCHOR]
        if not groups:
            return None
        out |= max(groups, key=lambda g: (min(map(len, g)), -len(g)))
    return frozenset(out)
