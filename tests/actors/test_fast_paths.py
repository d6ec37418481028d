"""The cheaper paths of actor resolution give what the plain ones gave: one tokenisation pass per
body, and fuzzy-index hits looked up once per distinct word."""

from __future__ import annotations

import pytest

from crosswire.actors import ActorDictionary, resolve_actors
from crosswire.actors import resolve as rs
from crosswire.actors.dictionary import deletions, text_keys, token_spans, tokenize
from crosswire.model import Sentence


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.load()


@pytest.mark.parametrize(
    "text",
    [
        "Russia’s Defence Ministry said “the Islamic Sate” fled — reportedly.",
        "İSTANBUL: Turkish-backed forces' gains",  # a character that lower-cases to two
        "",
        "   \n ",
    ],
)
def test_resolve_tokens_are_tokenize_and_text_keys(text):
    t = rs._Tokens.of(text)
    toks = tokenize(text)
    assert token_spans(text) == t.spans == [(s, e) for s, e, _ in toks]
    assert t.texts == [x for _, _, x in toks]
    assert t.keys == text_keys(text, t.spans)
    assert t.occupied == [False] * len(toks) and t.quoted == rs._quoted(t.keys)


def test_resolve_fuzzy_hits_are_the_deletion_variants_hits(dictionary):
    hits = rs._fuzzy_hits(dictionary, "sate")
    assert hits == [h for v in deletions("sate") for h in dictionary.fuzzy_index.get(v, ())]
    assert any(entry.actor_id == "IS" and entry.keys[pos] == "state" for entry, pos in hits)


def test_resolve_repeated_typo_is_found_at_every_occurrence(dictionary):
    text = "Islamic Sate fighters left. Later Islamic Sate fighters came back."
    found = resolve_actors(text, (), (Sentence(0, len(text)),), dictionary)
    assert [(m.start, m.text, m.actor.id, m.method) for m in found] == [
        (0, "Islamic Sate", "IS", "fuzzy"),
        (34, "Islamic Sate", "IS", "fuzzy"),
    ]
