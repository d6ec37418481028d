"""The cheaper paths of recognition and resolution give what the plain ones give: the cue-word
prefilters never hide a cue match, the span-overlap index answers as a scan of the spans does, and
``TextIndex.of`` indexes what walking every word indexes; the article's distance features computed
from one distance matrix are those computed one name at a time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.places import evidence as ev
from crosswire.places import recognize as rc


@pytest.mark.parametrize(
    "pattern,prefilter", [(rc._AFTER_CUE_RE, rc._AFTER_CUE_WORD), (rc._OF_CUE_RE, rc._OF_CUE_WORD)], ids=["after", "of"]
)
def test_fast_cue_prefilter_admits_every_match(pattern, prefilter):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.from_regex(pattern))
    def check(text):
        assert pattern.search(text) is not None
        assert prefilter.search(text) is not None, text

    check()


@pytest.mark.parametrize(
    "text",
    [
        "Government forces entered Deir ez-Zor province and the town of Al-Mayadeen, near Zaatari refugee camp.",
        "They reached the Omar oil field and the Bab al-Hawa border crossing.",
        "The capital of France.  Raqqa’s countryside.  Aleppo\tdistrict",
        "No cue here: the region was calm, and the city said so.",
    ],
)
def test_fast_cue_toponyms_equal_full_scans(text):
    lookup = rc._Lookup(None)
    got = rc._cue_toponyms(text, lookup, [])
    full = [m.span() for m in rc._AFTER_CUE_RE.finditer(text)] + [m.span() for m in rc._OF_CUE_RE.finditer(text)]
    assert bool(got) == bool(full)
    assert (rc._AFTER_CUE_WORD.search(text) is None) <= (not list(rc._AFTER_CUE_RE.finditer(text)))
    assert (rc._OF_CUE_WORD.search(text) is None) <= (not list(rc._OF_CUE_RE.finditer(text)))


@settings(max_examples=300, deadline=None, database=None)
@given(
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)).map(lambda t: (t[0], t[0] + t[1])), max_size=12),
    s=st.integers(0, 80),
    width=st.integers(0, 15),
)
def test_fast_spans_overlap_equals_a_scan(spans, s, width):
    e = s + width
    want = any(not (e <= a or s >= b) for a, b in spans)
    assert rc._Spans(spans).overlaps(s, e) == want


def _index_every_word(body: str) -> dict[str, tuple[tuple[int, int], ...]]:
    """``TextIndex.of`` as it was: every word of the text visited."""
    words = [(m.start(), m.end(), m.group()) for m in ev._WORD.finditer(body)]
    out: dict[str, list[tuple[int, int]]] = {}
    n = len(words)
    for i, (s, e, w) in enumerate(words):
        if not w[0].isupper():
            continue
        parts = [ev.fold(w)]
        out.setdefault(parts[0], []).append((s, e))
        end = e
        for j in range(i + 1, min(n, i + ev._MAX_WORDS)):
            s2, e2, w2 = words[j]
            gap = body[end:s2]
            if gap != " " and not ev._JOIN.fullmatch(gap):
                break
            parts.append(ev.fold(w2))
            end = e2
            if w2[0].isupper():
                out.setdefault(" ".join(parts), []).append((s, e2))
            elif w2 not in ev._INNER_WORDS:
                break
    return {k: tuple(v) for k, v in out.items()}


_PIECES = [
    "Paris", "Texas", "of", "the", "and", "Isle", "Man", "New", "York", "Times", "Île-de-France", "São", "Paulo",
    "Ǆemal", "ǅemal", "éclair", "Émile", "3Paris", "x2Berlin", "U.S.", "D.C.", "O’Neil", "d'Arc", "_Rome", "Δελφοί",
    "Москва", "дом", "ΑΘΗΝΑ", ",", ".", " ", "  ", "-", "\n", "’", "'", "...", "Ⅻ", "ß", "İstanbul", "ſt",
]  # fmt: skip


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.lists(st.sampled_from(["", " ", "-", ".", "'", "  "]), max_size=30))
def test_fast_text_index_equals_every_word_walk(pieces, seps):
    body = "".join(p + (seps[k] if k < len(seps) else " ") for k, p in enumerate(pieces))
    got = ev.TextIndex.of(body).spans
    want = _index_every_word(body)
    assert got == want
    assert list(got) == list(want)


def test_fast_text_index_sample():
    body = "Paris, Tenn. and the Isle of Man; São Paulo’s mayor met 3Paris and x2Berlin in Île-de-France."
    assert ev.TextIndex.of(body).spans == _index_every_word(body)
    assert "isle of man" in ev.TextIndex.of(body).spans


def _candidate(lat: float, lon: float):
    from crosswire.model import Place
    from crosswire.places.gazetteer import Candidate

    return Candidate(Place(f"{lat},{lon}", "X", "P", "PPL", "US", None, lat, lon, 1000), "X", "exact")


_POINT = st.tuples(st.floats(-89.0, 89.0), st.floats(-179.0, 179.0))


@settings(max_examples=150, deadline=None, database=None)
@given(
    names=st.lists(st.tuples(st.sampled_from(["paris", "henry county", "syria"]), st.lists(_POINT, max_size=6)), max_size=6),
    choices=st.lists(st.tuples(st.sampled_from(["paris", "henry county", "syria", "elsewhere"]), _POINT), max_size=5),
)
def test_fast_article_distance_features_equal_one_name_at_a_time(names, choices):
    from crosswire.places.ranker import (
        ALL_FEATURES,
        add_article_distance_features,
        add_distance_features,
    )

    cands = [[_candidate(*p) for p in points] for _, points in names]
    texts = [text for text, _ in names]
    points = [(text, lat, lon) for text, (lat, lon) in choices]
    one = [np.full((len(c), len(ALL_FEATURES)), 7.0) for c in cands]
    at_once = [x.copy() for x in one]
    for X, c, own in zip(one, cands, texts):
        add_distance_features(X, c, [(lat, lon) for text, lat, lon in points if text != own])
    add_article_distance_features(at_once, cands, texts, points)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(one, at_once))  # bit for bit, stale values reset


def test_fast_article_distance_features_skip_the_names_own_choice():
    from crosswire.places.ranker import ALL_FEATURES, add_article_distance_features

    k = {f: i for i, f in enumerate(ALL_FEATURES)}
    cands = [[_candidate(36.30, -88.33)], [_candidate(36.33, -88.32)]]
    Xs = [np.zeros((1, len(ALL_FEATURES))), np.zeros((1, len(ALL_FEATURES)))]
    add_article_distance_features(Xs, cands, ["paris", "henry county"], [("paris", 36.30, -88.33)])
    assert Xs[0][0, k["has_ctx"]] == 0.0  # its own choice is no context
    assert Xs[1][0, k["has_ctx"]] == 1.0 and Xs[1][0, k["min_km_le_50"]] == 1.0
