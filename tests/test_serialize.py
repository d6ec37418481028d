"""Records survive a JSON round trip (the store keeps events and flags as JSON)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.model import (
    Actor,
    ActorMention,
    ActorType,
    Claim,
    Event,
    EventDate,
    Flag,
    Modality,
    Place,
    PlaceMention,
    PlacePrecision,
    Quantity,
    Span,
)
from crosswire.serialize import from_jsonable, to_jsonable

_text = st.text(max_size=30)
_span = st.builds(Span, st.integers(0, 10_000), st.integers(0, 10_000), _text)
_actor = st.builds(Actor, _text, _text, st.sampled_from(ActorType), st.one_of(st.none(), _text), st.tuples(_text))
_actor_mention = st.builds(
    ActorMention, st.integers(0, 99), st.integers(0, 99), _text, _actor, st.integers(0, 9), _text,
    st.floats(0, 1), st.one_of(st.none(), _text),
)  # fmt: skip
_place = st.builds(
    Place, _text, _text, st.just("P"), st.just("PPL"), st.just("SY"), st.none(),
    st.floats(-90, 90), st.floats(-180, 180), st.integers(0, 10**8),
)  # fmt: skip
_place_mention = st.builds(
    PlaceMention, st.integers(0, 99), st.integers(0, 99), _text, st.one_of(st.none(), _place),
    st.one_of(st.none(), st.sampled_from(PlacePrecision)), st.floats(0, 1), st.integers(0, 9), st.none(),
)  # fmt: skip
_event = st.builds(
    Event,
    id=_text, acled_type=st.one_of(st.none(), _text), acled_subtype=st.none(), plover_root=st.just("ASSAULT"),
    plover_mode=st.none(), actor=st.one_of(st.none(), _actor_mention), target=st.none(),
    place=st.one_of(st.none(), _place_mention),
    date=st.one_of(st.none(), st.builds(EventDate, st.one_of(st.none(), st.integers(1900, 2100)),
                                        st.one_of(st.none(), st.integers(1, 12)), st.none(), _span, _text)),
    quantities=st.lists(st.builds(Quantity, _text, st.floats(0, 1e6), _span, st.booleans()), max_size=2).map(tuple),
    modality=st.sampled_from(Modality),
    claim=st.one_of(st.none(), st.builds(Claim, st.one_of(st.none(), _actor), st.none(), _text,
                                         st.lists(_actor, max_size=2).map(tuple), _text, _span,
                                         st.one_of(st.none(), _span))),
    trigger=_span, evidence=st.lists(_span, min_size=1, max_size=3).map(tuple), confidence=st.floats(0, 1),
    reliable=st.booleans(),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_event)
def test_serialize_event_round_trip(event):
    assert from_jsonable(Event, json.loads(json.dumps(to_jsonable(event)))) == event


def test_serialize_flag_round_trip():
    flag = Flag("attribution-conflict", "Foreign Ministry vs Defence Ministry", (Span(0, 5, "Russia"),))
    assert from_jsonable(Flag, to_jsonable(flag)) == flag
