"""Hand-built records for linking tests (no spaCy): articles, actors, places, events."""

from __future__ import annotations

import pytest

from crosswire.model import (
    Actor, ActorMention, ActorType, Analysis, Article, Claim, Event, EventDate, Modality, OutletGuess, Place,
    PlaceMention, PlacePrecision, Provenance, PublishedDate, Quantity, Span, article_id,
)  # fmt: skip

KABUL = Place("1138958", "Kabul", "P", "PPLC", "AF", "Kabul", 34.5281, 69.1723, 3_000_000)
JALALABAD = Place("1138336", "Jalalabad", "P", "PPLA", "AF", "Nangarhar", 34.4265, 70.4515, 200_000)
TALIBAN = Actor("TALIBAN", "Taliban", ActorType.ARMED_GROUP, "AF")
ISKP = Actor("IS-KP", "Islamic State Khorasan Province", ActorType.JIHADIST_GROUP, "AF")
CIVILIANS = Actor("CIVILIANS", "Civilians", ActorType.CIVILIANS)
INTERIOR = Actor("AF-MOI", "Ministry of Interior of Afghanistan", ActorType.GOVERNMENT, "AF")
SPOKESMAN = Actor("person:nasrat-rahimi", "Nasrat Rahimi", ActorType.PERSON, "AF", parent="AF-MOI")
REUTERS = Actor("REUTERS", "Reuters", ActorType.MEDIA)


def span(body: str, text: str) -> Span:
    i = body.index(text)
    return Span(i, i + len(text), text)


def make_analysis(
    body: str,
    *,
    outlet: str,
    published: tuple[int, int, int] | None = (2019, 3, 4),
    actors: tuple[tuple[str, Actor], ...] = (),
    places: tuple[tuple[str, Place], ...] = (),
    events: tuple[Event, ...] = (),
    title: str | None = None,
) -> Analysis:
    """An Analysis built by hand: actor/place mentions at the first occurrence of each text."""
    pub = PublishedDate(*published, provenance=Provenance.METADATA, confidence=1.0) if published else PublishedDate()
    art = Article(
        article_id(outlet, body), "<test>", None, "text", "utf-8", outlet, OutletGuess(outlet, 1.0, "metadata"),
        None, title, None, pub, "en", body, (), body,
    )  # fmt: skip
    am = tuple(ActorMention(*_at(body, t), a, 0, "alias", 1.0) for t, a in actors)
    pm = tuple(PlaceMention(*_at(body, t), p, PlacePrecision.CITY, 0.9, 0) for t, p in places)
    return Analysis(art, actors=am, places=pm, events=events)


def _at(body: str, text: str) -> tuple[int, int, str]:
    i = body.index(text)
    return i, i + len(text), text


def make_event(
    body: str,
    *,
    eid: str = "e1",
    acled: tuple[str, str] = ("Explosions/Remote violence", "Suicide bomb"),
    trigger: str,
    actor: tuple[str, Actor] | None = None,
    target: tuple[str, Actor] | None = None,
    place: tuple[str, Place] | None = None,
    date: tuple[int, int, int, str] | None = None,
    quantities: tuple[tuple[str, float, str], ...] = (),
    claims: tuple[Claim, ...] = (),
    modality: Modality = Modality.ASSERTED,
) -> Event:
    """An Event built by hand over ``body`` (each span at the first occurrence of its text)."""
    am = lambda x: ActorMention(*_at(body, x[0]), x[1], 0, "alias", 1.0) if x else None  # noqa: E731
    return Event(
        eid, acled[0], acled[1], "ASSAULT", None, am(actor), am(target),
        PlaceMention(*_at(body, place[0]), place[1], PlacePrecision.CITY, 0.9, 0) if place else None,
        EventDate(date[0], date[1], date[2], span(body, date[3]), "explicit") if date else None,
        tuple(Quantity(k, v, span(body, t)) for k, v, t in quantities),
        modality, claims[0] if claims else None, span(body, trigger), (Span(0, len(body), body),), 0.9,
        claims=claims,
    )  # fmt: skip


@pytest.fixture
def build():
    """The builders, as a namespace."""

    class B:
        analysis = staticmethod(make_analysis)
        event = staticmethod(make_event)
        span = staticmethod(span)
        KABUL, JALALABAD, TALIBAN, ISKP, CIVILIANS = KABUL, JALALABAD, TALIBAN, ISKP, CIVILIANS
        INTERIOR, SPOKESMAN, REUTERS = INTERIOR, SPOKESMAN, REUTERS

    return B
