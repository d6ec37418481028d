"""Fixtures for the dossier: hand-built articles (no spaCy) and the seed story from the real pipeline."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crosswire.cli import main
from crosswire.linking import build_story
from crosswire.model import (
    Actor,
    ActorMention,
    ActorType,
    Analysis,
    Article,
    Claim,
    Event,
    EventDate,
    Modality,
    OutletGuess,
    Place,
    PlaceMention,
    PlacePrecision,
    Provenance,
    PublishedDate,
    Sentence,
    Span,
    article_id,
)  # fmt: skip

KABUL = Place("1138958", "Kabul", "P", "PPLC", "AF", "Kabul", 34.5281, 69.1723, 3_000_000)
TALIBAN = Actor("TALIBAN", "Taliban", ActorType.ARMED_GROUP, "AF")
INTERIOR = Actor("AF-MOI", "Ministry of Interior of Afghanistan", ActorType.GOVERNMENT, "AF")
SPOKESMAN = Actor("person:nasrat-rahimi", "Nasrat Rahimi", ActorType.PERSON, "AF", parent="AF-MOI")
EVIL = '<script>alert("pwned")</script>'


def _span(body: str, text: str) -> Span:
    i = body.index(text)
    return Span(i, i + len(text), text)


def _sentences(body: str) -> tuple[Sentence, ...]:
    out, start = [], 0
    for i, ch in enumerate(body):
        if ch == "." and (i + 1 == len(body) or body[i + 1] in " \n"):
            while start < i and body[start] in " \n":
                start += 1
            out.append(Sentence(start, i + 1))
            start = i + 1
    return tuple(out)


def hand_analysis(body: str, *, outlet: str, title: str, names: tuple[str, ...], attribution: str) -> Analysis:
    """A hand-built article about a Taliban attack in Kabul, its claim attributed to the interior ministry's spokesman."""
    art = Article(
        article_id(outlet, body), "<test>", None, "text", "utf-8", outlet, OutletGuess(outlet, 1.0, "metadata"),
        None, title, None, PublishedDate(2019, 3, 4, Provenance.METADATA, 1.0), "en", body, (), body,
    )  # fmt: skip
    sents = _sentences(body)
    idx = lambda sp: next(i for i, s in enumerate(sents) if s.start <= sp.start < s.end)
    actors = tuple(ActorMention(*_at(body, n), TALIBAN, idx(_span(body, n)), "alias", 1.0) for n in names)
    kabul = _span(body, "Kabul")
    place = PlaceMention(kabul.start, kabul.end, "Kabul", KABUL, PlacePrecision.CITY, 0.95, idx(kabul))
    attr = _span(body, attribution)
    claim = Claim(SPOKESMAN, INTERIOR, attribution.split(" said")[0], (), "paraphrase", attr)
    trigger = _span(body, "attacked")
    first = sents[idx(trigger)]
    event = Event(
        "e1", "Explosions/Remote violence", "Suicide bomb", "ASSAULT", None, actors[0], None, place,
        EventDate(2019, 3, 4, _span(body, "on Monday"), "explicit"), (), Modality.CLAIMED, claim, trigger,
        (Span(first.start, first.end, body[first.start : first.end]),), 0.9, claims=(claim,),
    )  # fmt: skip
    return Analysis(art, sents, (), (place,), actors, (event,), ())


def _at(body: str, text: str) -> tuple[int, int, str]:
    i = body.index(text)
    return i, i + len(text), text


@pytest.fixture
def hand_story():
    """Two outlets report one attack; one article carries a script tag in its text and title."""
    a = hand_analysis(
        "Taliban fighters attacked a market in Kabul on Monday. Nasrat Rahimi said the Taliban planned it.\n\n"
        f"Readers wrote {EVIL} in the comments.",
        outlet="Daily A", title=f"Attack in Kabul {EVIL}", names=("Taliban fighters", "the Taliban"),
        attribution="Nasrat Rahimi said",
    )  # fmt: skip
    b = hand_analysis(
        "Militants of the Islamic Emirate attacked a market in Kabul on Monday, the interior ministry said.",
        outlet="Wire B", title="Kabul market attacked", names=("Militants of the Islamic Emirate",),
        attribution="the interior ministry said",
    )  # fmt: skip
    story = build_story("story-hand", [a, b])
    return story, [a, b]


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory, examples_dir):
    """The two seed articles ingested by the real pipeline into a fresh store; yields (db path, story id)."""
    db = tmp_path_factory.mktemp("dossier") / "seeds.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(examples_dir), "--db", str(db), "--json", "-q"])
    assert result.exit_code == 0, result.output
    listed = json.loads(CliRunner().invoke(main, ["stories", "--db", str(db), "--json"]).stdout)
    assert len(listed) == 1
    return db, listed[0]["id"]


@pytest.fixture(scope="session")
def seed_dossier(seed_db):
    from crosswire.report import load_dossier
    from crosswire.store import Store

    db, sid = seed_db
    with Store.open(db, read_only=True) as store:
        return load_dossier(store, sid)
