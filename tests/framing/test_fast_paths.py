"""The cheaper paths of the framing stage give what the plain ones gave: word classes numbered once
per lexicon, the title line found from the distinct words, one regex pass for a text's words, and
title names found without a pattern per name; bodies without a bracket skip the gloss scan."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from crosswire.framing.analyze import _GLOSS_BRACKET, _GLOSSED, glosses, name_hits
from crosswire.framing.features import (
    _QUOTES,
    TEMPLATES,
    WordClasses,
    _crc,
    _title_end,
    _word_props,
    doc_buckets,
    feature_table,
    word_key,
)
from crosswire.framing.lexicon import _TOKEN, Words, _token_key
from crosswire.framing.tagger import SpanTagger


def hand_doc(words: list[str], spaces: list[bool]) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, sent_starts=[True] + [False] * (len(words) - 1))


LEXICON = {word_key("thugs"): "babe_hi", word_key("called"): "basil", word_key("regime"): "babe_hi"}


@pytest.mark.parametrize(
    "lexicon,codes,missing",
    [
        (LEXICON, {word_key("thugs"): 1, word_key("called"): 2, word_key("regime"): 1}, 0),
        ({word_key("a"): "z", word_key("b"): ""}, {word_key("a"): 2, word_key("b"): 1}, 1),  # a class named ""
        ({}, {}, 0),
        (None, {}, 0),
    ],
)
def test_features_word_classes_number_classes_in_sorted_order(lexicon, codes, missing):
    classes = WordClasses.of(lexicon)
    assert dict(classes.codes) == codes and classes.missing == missing
    assert WordClasses.of(classes) is classes


@pytest.mark.parametrize("lexicon", [LEXICON, {word_key("a"): "z", word_key("b"): ""}, {}, None])
def test_features_word_classes_give_the_features_of_the_plain_lexicon(lexicon):
    doc = hand_doc(["He", "called", "them", "thugs", "a", "b", "."], [True, True, True, True, True, False, False])
    plain, numbered = feature_table(doc, lexicon), feature_table(doc, WordClasses.of(lexicon))
    assert np.array_equal(plain.values, numbered.values) and np.array_equal(plain.present, numbered.present)
    assert all(np.array_equal(x, y) for x, y in zip(doc_buckets(doc, lexicon), doc_buckets(doc, WordClasses.of(lexicon))))


def test_tagger_numbers_its_lexicon_once_when_built():
    tagger = SpanTagger(("LL",), np.zeros((4, 1), dtype=np.float32), np.zeros(1, dtype=np.float32), (0.5,), {}, lexicon=LEXICON)
    assert dict(tagger.word_classes.codes) == dict(WordClasses.of(LEXICON).codes)
    assert dict(replace(tagger, lexicon={}).word_classes.codes) == {}


@pytest.mark.parametrize(
    "words,spaces",
    [
        (["Headline", "\n", "He", "said", "."], [False, False, True, False, False]),
        (["Title", "\n\n", "Body", "\n", "more"], [False, False, False, False, False]),
        (["A", "title", "  \n ", "x"], [True, False, False, False]),
        (["No", "newline", "at", "all"], [True, True, True, True]),
        (["Trailing", "space"], [True, True]),
    ],
)
def test_features_title_end_is_the_first_newline(words, spaces):
    doc = hand_doc(words, spaces)
    uniq, inverse = np.unique(doc.to_array(["LOWER"]).astype(np.uint64), return_inverse=True)
    distinct = [doc.vocab.strings[h] for h in uniq.tolist()]
    want = doc.text.find("\n") if "\n" in doc.text else len(doc.text) + 1
    assert _title_end(doc, distinct, inverse) == want
    title = feature_table(doc).present[:, TEMPLATES.index("title")]
    assert title.tolist() == [tok.idx < want and not tok.is_space for tok in doc]  # whitespace tokens have no features


@pytest.mark.parametrize(
    "text",
    ["the so-called Syrian Observatory", "İstanbul said the terrorists fled", "US-backed 'rebels' aren’t", "", "— – -"],
)
def test_lexicon_words_are_the_pattern_matches(text):
    w = Words.of(text)
    assert list(w.spans) == [m.span() for m in _TOKEN.finditer(text)]
    assert list(w.keys) == [_token_key(m.group()) for m in _TOKEN.finditer(text)]
    assert {k: [i for i, x in enumerate(w.keys) if x == k] for k in w.keys} == w.positions


_TITLE_CHARS = st.sampled_from(list("ab- _.,’'") + ["İ", "é", "1"])


@settings(max_examples=300, deadline=None, database=None)
@given(text=st.text(_TITLE_CHARS, max_size=30), name=st.text(_TITLE_CHARS, min_size=1, max_size=4))
def test_analyze_name_hits_equal_the_pattern(text, name):
    want = [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?!\w)", text)]
    assert name_hits(text, name) == want


@pytest.mark.parametrize(
    "text,name,expected",
    [
        ("Syrian Army retakes al-Mayadin from Daesh", "Daesh", [(36, 41)]),
        ("Pro-Daesh media, Daesh's fall", "Daesh", [(17, 22)]),  # not after a hyphen
        ("Daeshi fighters", "Daesh", []),  # not before a word character
        ("US, US", "US", [(0, 2), (4, 6)]),
        ("ab", "", []),
        (" ", "", [(0, 0), (1, 1)]),
    ],
)
def test_analyze_name_hits_examples(text, name, expected):
    assert name_hits(text, name) == expected


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(_GLOSSED))
def test_analyze_gloss_prefilter_admits_every_gloss(text):
    assert _GLOSSED.search(text) is not None
    assert _GLOSS_BRACKET.search(text) is not None, text


@pytest.mark.parametrize(
    "body,found",
    [
        ("Daesh [Arabic pejorative term for Islamic State] fled.", ["pejorative"]),
        ("Hashd (a term for the PMU) advanced.", ["gloss"]),
        ("Daesh, a pejorative term for Islamic State, fled.", []),  # no bracket
        ("Daesh (IS) fled.", []),  # a bracket too short to hold a gloss
    ],
)
def test_analyze_glosses_with_and_without_brackets(body, found):
    spans = glosses(body, [], lambda _pos: 0, lambda _s, _e: False)
    assert [s.label for s in spans] == found


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_features_word_props_are_the_plain_hashes(w):
    classes = WordClasses.of({word_key(w): "babe_hi", word_key(w + "x"): "basil"})
    flags = (w in _QUOTES) | ("!" in w) << 1 | ("?" in w) << 2 | ("-" in w and len(w) > 3) << 3 | (len(w) > 1) << 4
    assert _word_props(w, classes) == (_crc(w), _crc(w[-3:]), _crc(w[:3]), flags, 1)  # babe_hi: 1, basil: 2
    assert _word_props(w, WordClasses.of({})) == (_crc(w), _crc(w[-3:]), _crc(w[:3]), flags, 0)
