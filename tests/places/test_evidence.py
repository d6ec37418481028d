"""Text evidence for the ranker: folded names, the n-gram index, qualifiers after a comma."""

from __future__ import annotations

import pytest

from crosswire.places.evidence import TextIndex, fold, qualifiers


@pytest.mark.parametrize(
    "name,folded",
    [("Île-de-France", "ile de france"), ("Tennessee", "tennessee"), ("U.S.", "u s"), ("Al Iskandarīyah", "al iskandariyah")],
)
def test_evidence_fold(name, folded):
    assert fold(name) == folded


def test_evidence_index_finds_names_outside_the_mentions():
    body = "An Albany man was arrested by Georgia Bureau of Investigation agents in Albany."
    index = TextIndex.of(body)
    assert index.occurs("georgia")
    assert index.occurs("georgia bureau of investigation")
    first, last = body.index("Albany"), body.rindex("Albany")
    assert index.occurs("albany", outside=[(first, first + 6)])
    assert not index.occurs("albany", outside=[(first, first + 6), (last, last + 6)])


def test_evidence_index_keeps_only_capitalised_names():
    index = TextIndex.of("the new york times reported from New York.")
    assert index.occurs("new york")
    assert index.spans["new york"] == ((33, 41),)
    assert not index.occurs("times")


def test_evidence_index_does_not_join_across_commas():
    index = TextIndex.of("Paris, Texas is small.")
    assert index.occurs("paris") and index.occurs("texas")
    assert not index.occurs("paris texas")


@pytest.mark.parametrize(
    "body,name,expected",
    [
        ("The fair opened in Paris, Tenn., on Monday.", "Paris", {"tennessee"}),
        ("He moved to London, Ontario last year.", "London", {"ontario"}),
        ("Police in Albany, GA said so.", "Albany", {"georgia"}),
        ("Alexandria, Egypt is old.", "Alexandria", {"egypt"}),
        ("Paris is large.", "Paris", set()),
    ],
)
def test_evidence_qualifiers(body, name, expected):
    s = body.index(name)
    assert qualifiers(body, [(s, s + len(name))]) == expected


def test_evidence_qualifier_of_several_words_keeps_each_leading_part():
    body = "Dublin, Ohio Department of Health"
    assert qualifiers(body, [(0, 6)]) >= {"ohio", "ohio department"}
