"""The shared literal prefilter: the anchor scan and the literals read from a pattern."""

from __future__ import annotations

import re

import pytest

from crosswire.events.prefilter import AnchorScan, literal_trie, required_literals


def test_prefilter_trie_finds_the_longest_anchor_at_each_position():
    pat = re.compile(f"(?=({literal_trie(['air', 'airstrike', 'strike', 'raid'])}))")
    assert pat.findall("airstrikes and a raid") == ["airstrike", "strike", "raid"]


def test_prefilter_scan_implies_shorter_anchors_and_needs_every_group():
    scan = AnchorScan.of({"air_support": (("air",), ("support", "cover")), "air": (("airstrike", "raid"),), "none": ()})
    assert scan.admitted("airstrikes") == {"air", "none"}  # "airstrike" holds "air", but no support/cover
    assert scan.admitted("air cover") == {"air_support", "none"}
    assert scan.admitted("") == {"none"}  # a pattern without anchors always runs
    assert AnchorScan.of({}).admitted("anything") == set()
    with pytest.raises(ValueError):
        AnchorScan.of({"x": (("",),)})


@pytest.mark.parametrize(
    "pattern,groups",
    [
        (r"\bclash|\bfight(?:ing|s)?\b", (("clash", "fight"),)),
        (r"\b(?:re-?captur|regain)", (("captur", "gain"), ("re",))),  # the parser takes out the common "re"
        (r"\b(?:army|troops)\W+(?:\w+\W+){0,5}?(?:took|seized)", (("army", "troops"), ("seized", "took"))),
        (r"\boverr[au]n\b", (("overr",),)),
        (r"\b(?:no|n't|without)\b", (("n't", "no", "without"),)),
        (r"\b(?:no|n't)\b", ()),  # the parser takes out the common "n": "o" and "'t" are too short
        (r"(?:ab)+c", (("ab",),)),
        (r"\bx\b", ()),  # one-letter literals are left out: they occur everywhere
        (r"\b(?:war|\w+)", ()),  # an alternative that requires nothing
        (r"(?i)army", ()),  # case-insensitive: its literals are not what it matches
        (r"a(?i:rmy)", ()),
        (re.compile("army", re.IGNORECASE), ()),
    ],
)
def test_prefilter_required_literals(pattern, groups):
    assert required_literals(pattern) == groups


def test_prefilter_required_literals_hold_in_every_match():
    pat = r"\b(?:rebels?|militants?)\W+(?:[\w-]+\W+){0,5}?(?:captur|seiz|took)"
    scan = AnchorScan.of({"p": required_literals(pat)})
    for text in ["rebels captured", "militant forces took", "the rebel, they said, seized it"]:
        assert re.search(pat, text) and scan.admitted(text) == {"p"}
    assert scan.admitted("rebels were seen") == set()
