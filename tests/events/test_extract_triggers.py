"""Trigger finding: the literal prefilter (``_ANCHORS``) never hides a match of a class's pattern, and
``_find_trigger`` gives what scanning every class's pattern over the clause gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.events import extract as ex
from crosswire.events.extract import TRIGGERS, Clause
from crosswire.model import Span


def _admitted(text: str) -> set[str]:
    present = ex._present(text)
    return {cls for cls in TRIGGERS if ex._NEEDS[cls] <= present}


def _every_class(body: str, c: Clause, region: tuple[int, int] | None) -> tuple[str, Span] | None:
    """``_find_trigger`` as it was before the prefilter: every class's pattern over the whole clause."""
    best = None
    governing = None
    hi = min(c.end, c.start + ex._TRIGGER_LIMIT)
    words = ex._WORD.findall(body, c.start, min(hi, c.start + 400))
    headline = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    for cls, (prio, pat) in TRIGGERS.items():
        for m in pat.finditer(body, c.start, hi):
            s, e = m.start(), m.end()
            if region is not None and region[0] <= s < region[1]:
                continue
            if body[s - 1 : s] in ("‘", "“", "'", '"') and body[e : e + 1] in ("’", "”", "'", '"'):
                continue
            if body[s].isupper() and not headline and ex._in_name(body, s, e, c.start):
                continue
            if best is None or (prio, -s) > (best[0], best[1]):
                best = (prio, -s, cls, s, e)
            if cls in ex._GOVERNING and (governing is None or s < governing[1]):
                governing = (cls, s, e)
            break
    if best is None:
        return None
    _p, _n, cls, s, e = best
    if governing is not None and governing[1] < s and cls not in ex._GOVERNING and cls != "accuse":
        cls, s, e = governing
    return cls, Span(s, e, body[s:e])


def test_extract_anchors_name_every_trigger_class():
    assert list(ex._ANCHORS) == list(TRIGGERS)
    literals = [a for groups in ex._ANCHORS.values() for group in groups for a in group]
    assert [a for a in literals if not (a.isascii() and a == a.lower())] == []


@pytest.mark.parametrize("cls", list(TRIGGERS))
def test_extract_prefilter_admits_every_match(cls):
    pattern = TRIGGERS[cls][1]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.from_regex(pattern))
    def check(text):
        assert pattern.search(text) is not None
        assert cls in _admitted(text), text

    check()


@pytest.mark.parametrize(
    "text,cls",
    [
        ("troops ſeized the town", "capture"),  # long s: matches "s" under re.IGNORECASE
        ("THE ARMY LİBERATED THE CITY", "capture"),  # "İ".lower() is "i" + a combining dot
        ("gunmen kılled two", "kill"),  # dotless i
        ("\u212aILLED IN A RAID", "kill"),  # Kelvin sign
        ("Forces RE-CAPTURED the town", "capture"),
        ("a cease-fire held", "agreement"),
        ("Russian air  support", "air_support"),
        ("they handed out humanitarian aid", "aid"),
    ],
)
def test_extract_prefilter_folds_case_variants(text, cls):
    assert TRIGGERS[cls][1].search(text) is not None
    assert cls in _admitted(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The weather was mild on Tuesday.", set()),
        ("Government forces recaptured the town after heavy shelling.", {"capture", "missile"}),
        ("The airstrikes hit a convoy.", {"air"}),  # air support needs "air" and "support"/"cover"
        ("They advanced under Russian air cover.", {"advance", "air_support"}),
        ("They gave food to the villagers.", {"aid"}),
        ("They gave a speech.", set()),
    ],
)
def test_extract_prefilter_picks_classes(text, expected):
    assert _admitted(text) == expected


@pytest.mark.parametrize(
    "text,region",
    [
        ("Syrian troops recaptured the town after heavy shelling.", None),
        ("The UN urged an end to the shelling of Deir Ezzor.", None),
        ("Turkey rejected claims that its jets bombed the village.", None),
        ("Police banned the rally and arrested 20 protesters.", None),
        ("The Palestine Liberation Organization met in Cairo.", None),
        ("ARMY LIBERATES DEIR EZZOR FROM ISIS", None),
        ("The ‘liberated’ population fled the shelling.", None),
        ("The ministry accused Washington of carpet bombings of residential areas.", None),
        ("Officials said the army shelled the town, the ministry said.", (0, 30)),
        ("It denied that it had captured the airport.", None),
        ("The Islamic State Campaign Against Crusaders killed two.", None),
        ("Russian warplanes struck with air support, and the army advanced.", None),
    ],
)
def test_extract_find_trigger_equals_every_class_scan(text, region):
    c = Clause(0, len(text), 0)
    assert ex._find_trigger(text, c, region) == _every_class(text, c, region)


_WORDS = [
    "captured", "Liberation", "urged", "shelling", "accused", "denied", "met", "airstrikes", "air", "support",
    "human", "shields", "Palestine", "Front", "the", "army", "‘liberated’", "ſeized", "town", "LİBERATED", "operation",
    "Campaign", "rejected", "banned", "rally", "killed", "Killed", "ARMY", "said", ",", "\n", "gave", "food", "vowed",
    "to", "Threatened", "Deir", "Ezzor", "withdrew", "advance", "reached", "outskirts", "talks", "sanctions",
]  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25),
    lo=st.integers(0, 200),
    width=st.one_of(st.none(), st.integers(0, 120)),
    start=st.integers(0, 10),
)
def test_extract_find_trigger_equals_every_class_scan_generated(words, lo, width, start):
    text = "Reports: " + " ".join(words) + "."
    c = Clause(min(start, len(text) - 1), len(text), 0)
    region = None if width is None else (lo, lo + width)
    assert ex._find_trigger(text, c, region) == _every_class(text, c, region)
