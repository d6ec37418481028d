"""Cue features: the literal prefilter (``classify._CUE_SCAN``) never hides a match of a cue, and
``Featurizer.raw`` gives what counting every cue's matches over the text gives, in the same order."""

from __future__ import annotations

import math
import re
import zlib
from re import _constants as sre
from re import _parser as sre_parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.events import classify as cl
from crosswire.events.classify import CUES, EventInput, Featurizer

_COMPILED = {name: re.compile(pat) for name, pat in CUES.items()}


# --- one example string per alternative of a pattern --------------------------------------------------

_CATEGORY_CHAR = {
    sre.CATEGORY_WORD: "a", sre.CATEGORY_NOT_WORD: " ", sre.CATEGORY_SPACE: " ", sre.CATEGORY_NOT_SPACE: "a",
    sre.CATEGORY_DIGIT: "0", sre.CATEGORY_NOT_DIGIT: "a",
}
_CATEGORY_RE = {
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
}


def _in_set(ch: str, members) -> bool:
    for op, av in members:
        if op is sre.LITERAL and ch == chr(av):
            return True
        if op is sre.RANGE and av[0] <= ord(ch) <= av[1]:
            return True
        if op is sre.CATEGORY and re.fullmatch(_CATEGORY_RE[av], ch):
            return True
    return False


def _class_chars(members) -> list[str]:
    """A character of a class; for a set of literals ("[au]", or "(?:d|s)" as the parser reads it), each."""
    if members and members[0][0] is sre.NEGATE:
        return [next(ch for ch in " a-0.x" if not _in_set(ch, members[1:]))]
    out = []
    for op, av in members:
        if op is sre.LITERAL:
            out.append(chr(av))
        elif op is sre.RANGE:
            out.append(chr(av[0]))
        else:
            out.append(_CATEGORY_CHAR[av])
    return out


def _examples(items) -> list[str]:
    """Strings matching a parsed sequence, together using every alternative of every alternation."""
    options: list[list[str]] = []
    for op, av in items:
        if op is sre.LITERAL:
            options.append([chr(av)])
        elif op is sre.NOT_LITERAL:
            options.append(["a" if chr(av) != "a" else "b"])
        elif op is sre.ANY:
            options.append(["a"])
        elif op is sre.IN:
            options.append(_class_chars(av))
        elif op is sre.AT:
            continue
        elif op is sre.SUBPATTERN:
            options.append(_examples(av[-1]))
        elif op is sre.BRANCH:
            options.append([ex for branch in av[1] for ex in _examples(branch)])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _high, sub = av
            options.append([ex * max(low, 1) for ex in _examples(sub)])  # once at least: inner alternatives too
        else:
            raise NotImplementedError(op)
    width = max((len(o) for o in options), default=1)
    return ["".join(o[min(k, len(o) - 1)] for o in options) for k in range(width)]


def _alternative_examples(pattern: str) -> list[str]:
    return _examples(sre_parse.parse(pattern))


# --- the prefilter ------------------------------------------------------------------------------------


def test_cues_every_cue_has_anchors():
    # a cue without anchors would still be counted right, but it would run over every text
    assert [name for name in CUES if not cl._CUE_SCAN.needs[name]] == []


def test_cues_anchors_are_lowercase_literals():
    # CUES run over lower-cased text without IGNORECASE: an anchor with a capital would never be found
    literals = {a for a in cl._CUE_SCAN.satisfies}
    assert literals and all(a == a.lower() for a in literals)


@pytest.mark.parametrize("name", list(CUES))
def test_cues_prefilter_admits_every_alternative(name):
    pattern = _COMPILED[name]
    examples = _alternative_examples(CUES[name])
    assert examples
    for text in examples:
        assert pattern.search(text) is not None, (name, text)  # the generator is right
        assert name in cl._CUE_SCAN.admitted(text), (name, text)
        assert name in cl._CUE_SCAN.admitted(f"and so {text}, he said"), (name, text)


@pytest.mark.parametrize("name", list(CUES))
def test_cues_prefilter_admits_generated_matches(name):
    pattern = _COMPILED[name]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.from_regex(pattern))
    def check(text):
        assert pattern.search(text) is not None
        assert name in cl._CUE_SCAN.admitted(text), text

    check()


def test_cues_a_missing_anchor_is_caught():
    # the check above fails for a prefilter that lacks one alternative's literal
    from crosswire.events.prefilter import AnchorScan

    groups = cl._CUE_SCAN.needs["capture"]
    assert len(groups) == 1
    literals = [a for a in cl._CUE_SCAN.satisfies if ("capture", 0) in cl._CUE_SCAN.satisfies[a]]
    crippled = AnchorScan.of({"capture": (tuple(a for a in literals if a != "stormed"),)})
    missed = [t for t in _alternative_examples(CUES["capture"]) if "capture" not in crippled.admitted(t)]
    assert missed and all(_COMPILED["capture"].search(t) for t in missed)


# --- counts and features ------------------------------------------------------------------------------

_TEXTS = [
    "",
    "the weather was mild on tuesday.",
    "government forces recaptured the town after heavy shelling and air strikes; rebels withdrew.",
    "protesters were killed when police opened fire on protesters; police fired tear gas and rubber bullets.",
    "he won't accept the deal, he said, and called on the un security council to impose sanctions.",
    "militants stormed the village, kidnapped 20 civilians and torched houses, residents said.",
    "an earthquake of magnitude 6 and floods; a bridge collapse; covid cases rose.",
    "i̇stanbul: clashes clashes clashes and more clashes",  # "İ".lower() is "i" + a combining dot
    "haaa fbwl",  # two words in one hash bucket (their counts add up)
    "x" * 5000,
]


def _every_cue(text: str) -> dict[str, int]:
    return {name: n for name, pat in _COMPILED.items() if (n := len(pat.findall(text)))}


@pytest.mark.parametrize("text", _TEXTS)
def test_cues_counts_equal_every_cue_scan(text):
    got = cl._cue_counts(text)
    assert got == _every_cue(text)
    assert list(got) == list(_every_cue(text))  # CUES order


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(st.sampled_from(sorted({w for t in _TEXTS[:8] for w in t.split()} | {"not", "no", "took", "over", "without"})), max_size=30))
def test_cues_counts_equal_every_cue_scan_generated(words):
    text = " ".join(words)
    assert cl._cue_counts(text) == _every_cue(text)


def _raw_every_cue(f: Featurizer, item: EventInput) -> dict[int, float]:
    """``Featurizer.raw`` as it was before the prefilter: one bucket per n-gram as met, every cue run."""
    text = (item.text or "")[: cl.MAX_CHARS].lower()
    words = cl._WORD.findall(text)
    feats: dict[int, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        b = zlib.crc32(name.encode("utf-8")) & ((1 << cl.HASH_BITS) - 1)
        feats[b] = feats.get(b, 0.0) + value

    for w in words:
        add("w:" + w)
    for a, b in zip(words, words[1:]):
        add(f"b:{a} {b}")
    if f.char:
        for w in dict.fromkeys(words):  # distinct words, first-seen order
            padded = f" {w} "
            for n in range(f.char_min, f.char_max + 1):
                for i in range(max(1, len(padded) - n + 1)):
                    add("c:" + padded[i : i + n])
    out = {b: 1.0 + math.log(v) for b, v in feats.items()}
    if f.roles:
        for name, ws in cl._role_words(item).items():
            for w in ws:
                out[cl._bucket(f"{name}:{w}")] = f.role_weight
    cues: dict[str, float] = {}
    for name, pat in _COMPILED.items():
        hits = len(pat.findall(text))
        if hits:
            cues["k:" + name] = 1.0 + math.log(hits)
    if f.cue_pairs:
        hit = sorted(cues)
        for i, a in enumerate(hit):
            for b in hit[i + 1 :]:
                cues[f"{a}&{b}"] = 1.0
    if f.roles:
        for name, ws in cl._role_words(item).items():
            joined = " ".join(ws)
            for name2, pat in _COMPILED.items():
                if pat.search(joined):
                    cues[f"{name}k:{name2}"] = 1.0
    for name, v in cues.items():
        out[cl._bucket(name)] = f.cue_weight * v
    return out


_FEATURIZERS = [
    Featurizer(char=True, roles=False, cue_weight=3.0, cue_pairs=True),  # as the case2021 head
    Featurizer(char=False, roles=True, cue_weight=2.0, role_weight=2.0),  # as the plover head
    Featurizer(char=True, roles=True, char_min=2, char_max=4),
]
_ITEMS = [EventInput(t) for t in _TEXTS] + [
    EventInput("Syrian troops recaptured and shelled the town after clashes", marked="<s>Syrian troops</s> recaptured and shelled <t>the town</t> after clashes"),
    EventInput("Rebels stormed the base and killed soldiers", source="Rebels", target="soldiers"),
]


@pytest.mark.parametrize("f", _FEATURIZERS)
def test_cues_raw_equals_every_cue_featurizer(f):
    for item in _ITEMS:
        got, want = f.raw(item), _raw_every_cue(f, item)
        assert list(got.items()) == list(want.items()), item.text[:40]  # same buckets, values and order


def test_cues_raw_adds_up_a_bucket_collision():
    bucket = zlib.crc32(b"w:haaa") & ((1 << cl.HASH_BITS) - 1)
    assert bucket == zlib.crc32(b"w:fbwl") & ((1 << cl.HASH_BITS) - 1)
    raw = Featurizer(char=False).raw(EventInput("haaa fbwl"))
    assert raw[bucket] == 1.0 + math.log(2)


def test_cues_raw_is_the_same_under_any_hash_seed():
    # The char n-grams of each distinct word are met in first-seen order, not in set order, which
    # depends on PYTHONHASHSEED: the float sums downstream (vectorize) then repeat exactly.
    import os
    import subprocess
    import sys

    code = (
        "from crosswire.events.classify import EventInput, Featurizer; "
        "print(list(Featurizer(char=True).raw(EventInput('Troops shelled the town and the army shelled villages near the town')).items()))"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True).stdout
        for seed in ("0", "1", "2")
    }
    assert len(outs) == 1
