"""The propaganda span tagger: span decoding on hand-made Docs, model loading, real tagging."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from crosswire.errors import ModelError
from crosswire.framing.features import HASH_BITS, PAD_E, PAD_S, TEMPLATES, doc_buckets, feature_table, word_key
from crosswire.framing.tagger import TECHNIQUES, SpanTagger, TaggedSpan, TokenLayout, decode

LL, NC = TECHNIQUES


def hand_doc(words: list[str], spaces: list[bool], sent_starts: list[bool]) -> Doc:
    # an English vocab, so that lexical attributes (lower case, punctuation) are set
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, sent_starts=sent_starts)


@pytest.fixture()
def doc() -> Doc:
    # "The evil , corrupt regime lied . Thugs ! \n"
    words = ["The", "evil", ",", "corrupt", "regime", "lied", ".", "Thugs", "!"]
    spaces = [True, False, True, True, True, False, True, False, False]
    starts = [True, False, False, False, False, False, False, True, False]
    return hand_doc(words, spaces, starts)


def probs_for(doc: Doc, ll: dict[int, float], nc: dict[int, float] | None = None) -> np.ndarray:
    p = np.zeros((len(doc), 2), dtype=np.float32)
    for i, v in ll.items():
        p[i, 0] = v
    for i, v in (nc or {}).items():
        p[i, 1] = v
    return p


def test_tagger_decode_runs_over_threshold_trim_punctuation(doc):
    # tokens 1-4 ("evil , corrupt regime") over 0.5: one span, the comma inside is kept
    spans = decode(TokenLayout.of(doc), probs_for(doc, {1: 0.9, 2: 0.6, 3: 0.7, 4: 0.55}), TECHNIQUES, (0.5, 0.5))
    assert [(doc.text[s.start : s.end], s.technique, s.score) for s in spans] == [
        ("evil, corrupt regime", LL, pytest.approx(0.9)),
    ]


def test_tagger_decode_trims_edge_punctuation_and_stops_at_sentence_start(doc):
    # "." (6) and "Thugs" (7) are both on, but token 7 starts a sentence: two spans;
    # the trailing "." and "!" are trimmed
    spans = decode(TokenLayout.of(doc), probs_for(doc, {5: 0.8, 6: 0.8, 7: 0.8, 8: 0.8}), TECHNIQUES, (0.5, 0.5))
    assert [doc.text[s.start : s.end] for s in spans] == ["lied", "Thugs"]


def test_tagger_decode_techniques_are_independent(doc):
    p = probs_for(doc, {1: 0.4}, {3: 0.7, 4: 0.7})
    spans = decode(TokenLayout.of(doc), p, TECHNIQUES, (0.5, 0.6))
    assert spans == [TaggedSpan(doc[3].idx, doc[4].idx + len("regime"), NC, pytest.approx(0.7))]
    # a lower LL threshold adds "evil", sorted by start
    spans = decode(TokenLayout.of(doc), p, TECHNIQUES, (0.3, 0.6))
    assert [(doc.text[s.start : s.end], s.technique) for s in spans] == [("evil", LL), ("corrupt regime", NC)]


def test_tagger_decode_punctuation_only_run_gives_no_span(doc):
    assert decode(TokenLayout.of(doc), probs_for(doc, {2: 0.9}), TECHNIQUES, (0.5, 0.5)) == []


def test_tagger_features_are_per_token_and_hash_stably(doc):
    t = feature_table(doc)
    w = t.column("w")
    assert t.values.shape == (len(doc), len(TEMPLATES)) and not t.space.any()
    # neighbours inside the sentence; the sentence boundary pads: "Thugs" (7) starts sentence 2
    assert t.column("w-1")[1] == w[0] and t.column("w+1")[1] == w[2] and t.column("w+2")[1] == w[3]
    assert t.column("w-1")[7] == PAD_S and t.column("w-2")[8] == PAD_S and t.column("w+1")[6] == PAD_E
    assert t.column("w-1")[6] == w[5]
    # the same word has the same value wherever it is; another word another value
    other = feature_table(hand_doc(["so", "evil"], [True, False], [True, False]))
    assert other.column("w")[1] == w[1] and other.column("w")[0] != w[1]
    # optional features: "Thugs" starts a sentence, so it is not a mid-sentence capital; "!" marks sentence 2
    midcap = t.present[:, TEMPLATES.index("midcap")]
    assert not midcap[7] and not midcap.any()
    assert set(t.column("sm")[7:].tolist()) == {1} and set(t.column("sm")[:7].tolist()) == {0}
    b1, o1 = doc_buckets(doc)
    b2, o2 = doc_buckets(doc)
    assert np.array_equal(b1, b2) and np.array_equal(o1, o2)
    assert o1[-1] == len(b1) and len(o1) == len(doc) + 1 and (np.diff(o1) > 0).all()
    assert b1.min() >= 0 and b1.max() < 2**HASH_BITS


def test_tagger_features_quotes_title_lexicon_and_whitespace():
    words = ["Headline", "\n", "He", "called", "them", '"', "thugs", '"', "today", "."]
    spaces = [False, False, True, True, True, False, False, True, False, False]
    starts = [True, False, True, False, False, False, False, False, False, False]
    doc = hand_doc(words, spaces, starts)
    lexicon = {word_key("thugs"): "babe_hi", word_key("called"): "basil"}
    t = feature_table(doc, lexicon)
    q = t.column("q").tolist()
    assert q[6] == 1 and q[5] == q[7] == 0 and q[4] == 0 and q[8] == 0  # inside the quotes only
    title = t.present[:, TEMPLATES.index("title")]
    assert title[0] and not title[2:].any()
    lex = t.present[:, TEMPLATES.index("lex")]
    assert lex[3] and lex[6] and lex.sum() == 2
    assert t.column("lex")[3] != t.column("lex")[6]  # two classes, two values
    assert t.present[5, TEMPLATES.index("lex+1")] and t.present[7, TEMPLATES.index("lex-1")]
    assert t.space[1] and not t.present[1].any()
    b, o = doc_buckets(doc, lexicon)
    assert o[2] - o[1] == 1  # the whitespace token: the single feature "space"
    assert feature_table(hand_doc([], [], [])).values.shape == (0, len(TEMPLATES))


def test_tagger_load_missing_model_raises_model_error(tmp_path: Path):
    with pytest.raises(ModelError, match="crosswire.framing.train"):
        SpanTagger.load(tmp_path)


def test_tagger_load_refuses_other_feature_version(tmp_path: Path):
    np.savez(tmp_path / "span_tagger.npz", cols=np.array([1]), weights=np.zeros((1, 2)), bias=np.zeros(2))
    meta = {"techniques": list(TECHNIQUES), "thresholds": {LL: 0.5, NC: 0.5}, "feature_version": -1, "hash_bits": 20}
    (tmp_path / "span_tagger.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="features v-1"):
        SpanTagger.load(tmp_path)


def test_tagger_shipped_model_loads():
    tagger = SpanTagger.load()
    assert tagger.techniques == TECHNIQUES
    assert all(0.0 < t < 1.0 for t in tagger.thresholds)
    assert tagger.weights.shape[1] == 2 and np.isfinite(tagger.weights).all()


@pytest.mark.slow
def test_tagger_tags_obvious_loaded_language(resources):
    text = (
        "Obama's corrupt regime and its cowardly, evil thugs committed a barbaric, disgusting massacre.\n"
        "The weather in Geneva was mild on Tuesday."
    )
    doc = resources.nlp(text)
    spans = SpanTagger.load().tag(doc)
    assert spans, "no span found in an obviously loaded sentence"
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        assert s.technique in TECHNIQUES and 0.0 <= s.score <= 1.0
        assert text[s.start : s.end] == text[s.start : s.end].strip()
    # the loaded words are found, the neutral sentence is left alone
    found = " ".join(text[s.start : s.end] for s in spans).lower()
    assert any(w in found for w in ("barbaric", "disgusting", "cowardly", "evil", "thugs", "corrupt"))
    assert all(s.start < text.index("The weather") for s in spans)
