"""Tests for per-article event extraction, on hand-built records (no spaCy; the numpy classifier is real)."""

from __future__ import annotations

import time

import pytest

from crosswire.events import EventClassifier
from crosswire.events.attribution import attribute, find_quotes
from crosswire.events.extract import clauses_of, extract_events
from crosswire.events.numbers import find_quantities, parse_number
from crosswire.events.when import find_date_expressions, resolve
from crosswire.model import (
    Actor,
    ActorMention,
    ActorType,
    Modality,
    Place,
    PlaceMention,
    PlacePrecision,
    Provenance,
    PublishedDate,
    Sentence,
)

SAA = Actor("SY-SAA", "Syrian Arab Army", ActorType.STATE_MILITARY, "SY", parent="gov:SY")
IS = Actor("IS", "Islamic State", ActorType.JIHADIST_GROUP)
SANA = Actor("SANA", "Syrian Arab News Agency", ActorType.MEDIA, "SY", parent="gov:SY")
RUMOD = Actor("RU-MOD", "Ministry of Defence of Russia", ActorType.STATE_MILITARY, "RU", parent="gov:RU")
KONASHENKOV = Actor("person:igor-konashenkov", "Igor Konashenkov", ActorType.PERSON, "RU", parent="RU-MOD")
USGOV = Actor("gov:US", "Government of United States", ActorType.GOVERNMENT, "US")
PALMYRA = Place("170183", "Palmyra", "P", "PPL", "SY", "Homs", 34.56, 38.27)
DATED = PublishedDate(2017, 10, 21, Provenance.METADATA, 1.0)
UNDATED = PublishedDate(None, 10, None, Provenance.INFERRED, 0.5)


@pytest.fixture(scope="module")
def classifier() -> EventClassifier:
    return EventClassifier.load()


def _am(text: str, phrase: str, actor: Actor, *, method: str = "alias", role: str | None = None, nth: int = 0) -> ActorMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return ActorMention(start, start + len(phrase), phrase, actor, 0, method, 0.95, role)


def _pm(text: str, phrase: str, place: Place) -> PlaceMention:
    start = text.index(phrase)
    return PlaceMention(start, start + len(phrase), phrase, place, PlacePrecision.CITY, 0.9, 0)


def _run(text, actors=(), places=(), published=DATED, classifier=None, **kw):
    return extract_events(text, (Sentence(0, len(text)),), (), tuple(actors), tuple(places), published, classifier, **kw)


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,kind,value,approx",
    [
        ("Damascus forces are only 10 kilometers away from al-Mayadin.", "distance_km", 10, False),
        ("The town is 5 miles from the border.", "distance_km", 8.0, False),
        ("IS now controls less than eight percent of Syria.", "percent", 8, True),
        ("The terrorists will be taking 400 civilians with them.", "people", 400, False),
        ("The camp is home to some 60,000 people.", "people", 60000, True),
        ("At least 12 people were killed in the raid.", "fatalities", 12, True),
        ("The strike killed 7 soldiers.", "fatalities", 7, False),
        ("Thirty wounded were taken to hospital.", "injured", 30, False),
        ("SDF forces had twice targeted government positions.", "count", 2, False),
    ],
)
def test_numbers_find_quantities(text, kind, value, approx):
    found = find_quantities(text, 0, len(text))
    assert [(q.kind, q.value, q.approximate) for q in found] == [(kind, value, approx)]
    q = found[0]
    assert text[q.span.start : q.span.end] == q.span.text


@pytest.mark.parametrize("text", ["one of the last strongholds", "The army advanced.", "two hundred"])
def test_numbers_no_unit_no_quantity(text):
    assert [q for q in find_quantities(text, 0, len(text)) if q.kind != "count"] == []


@pytest.mark.parametrize("text,value", [("60,000", 60000), ("eight", 8), ("twenty-five", 25), ("two hundred", 200), ("x", None)])
def test_numbers_parse_number(text, value):
    assert parse_number(text) == value


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,pub,expected",
    [
        ("on Friday", DATED, (2017, 10, 20)),  # 2017-10-21 is a Saturday
        ("on Saturday", DATED, (2017, 10, 21)),
        ("on Friday", UNDATED, (None, 10, None)),
        ("last month", DATED, (2017, 9, None)),
        ("last month", PublishedDate(2018, 1, 5), (2017, 12, None)),
        ("earlier in October", UNDATED, (None, 10, None)),
        ("on June 6", UNDATED, (None, 6, 6)),
        ("on June 6", DATED, (2017, 6, 6)),
        ("in early September", DATED, (2017, 9, None)),
        ("in December", DATED, (2016, 12, None)),
        ("on September 4, 2017", UNDATED, (2017, 9, 4)),
        ("tonight", DATED, (2017, 10, 21)),
        ("yesterday", DATED, (2017, 10, 20)),
    ],
)
def test_when_resolve(text, pub, expected):
    exprs = find_date_expressions(text, 0, len(text))
    assert len(exprs) == 1
    d = resolve(exprs[0], pub)
    assert (d.year, d.month, d.day) == expected
    assert d.resolution
    assert text[d.expression.start : d.expression.end] == d.expression.text


def test_when_undated_article_keeps_year_open():
    text = "It happened on Friday."
    d = resolve(find_date_expressions(text, 0, len(text))[0], PublishedDate())
    assert (d.year, d.month, d.day) == (None, None, None)
    assert "unknown" in d.resolution


# --- quotes and attribution ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He said “it fell” yesterday.", [(8, 17, True)]),
        ("“It never closes and goes on", [(0, 28, False)]),
        ("“First part.\n\nSecond paragraph.", [(0, 12, False)]),
        ('She said "yes" and "no".', [(9, 14, True), (19, 23, True)]),
    ],
)
def test_attribution_find_quotes(text, expected):
    assert [(q.start, q.end, q.closed) for q in find_quotes(text)] == expected


def _attr(text, mentions, previous=None):
    return attribute(
        text, 0, len(text), sorted(mentions, key=lambda m: m.start), find_quotes(text),
        sentence_end=lambda _p: len(text), sentence_start=lambda _p: 0, previous=previous,
        parent_of={"RU-MOD": RUMOD}.get,
    )  # fmt: skip


def test_attribution_anonymous_source_through_agency():
    text = "Earlier, a military source told SANA state news agency that the Syrian army has captured the city."
    a = _attr(text, [_am(text, "SANA state news agency", SANA), _am(text, "Syrian army", SAA)])
    assert a is not None
    assert (a.claim.speaker, a.claim.speaker_label, [x.id for x in a.claim.chain]) == (None, "a military source", ["SANA"])


def test_attribution_person_speaks_for_parent():
    text = "“The city is free,” Major General Igor Konashenkov said."
    a = _attr(text, [_am(text, "Major General Igor Konashenkov", KONASHENKOV, method="title", role="spokesman")])
    assert (a.claim.speaker.id, a.claim.organisation.id, a.claim.kind) == ("person:igor-konashenkov", "RU-MOD", "quote")
    assert a.claim.quote.text == "“The city is free,”"


@pytest.mark.parametrize(
    "text",
    [
        "“The city is free,” said Igor Konashenkov.",
        "“The city is free,” said Igor Konashenkov on Friday.",
        "“The city is free,” said Igor Konashenkov, adding that the US had failed.",
        # the apposition's comma before "said": the name after the verb starts what is said
        "Igor Konashenkov, the spokesman, said the US is using civilians as human shields.",
    ],
)
def test_attribution_speaker_before_or_after_the_verb(text):
    mentions = [_am(text, "Igor Konashenkov", KONASHENKOV, role="spokesman")]
    if " US " in text:
        mentions.append(_am(text, "US", USGOV))
    a = _attr(text, sorted(mentions, key=lambda m: m.start))
    assert a is not None and a.claim.speaker.id == "person:igor-konashenkov"


@pytest.mark.parametrize(
    "text,label,kind",
    [
        ("Reports revealed last month that the US military had airlifted fighters.", "Reports", "unattributed"),
        ("The army has reportedly closed in on the city.", "reportedly", "unattributed"),
    ],
)
def test_attribution_unattributed(text, label, kind):
    a = _attr(text, [])
    assert (a.claim.speaker, a.claim.speaker_label, a.claim.kind) == (None, label, kind)


def test_attribution_told_outlet_credits_the_speaker_before_the_verb():
    rt = Actor("RT", "RT", ActorType.MEDIA, "RU")
    expert = Actor("person:jamal-wakeem", "Jamal Wakeem", ActorType.PERSON, "LB")
    text = "The capture is a “very important achievement” for the army, Jamal Wakeem, a Lebanese professor, told RT."
    a = _attr(text, [_am(text, "Jamal Wakeem", expert), _am(text, "RT", rt)])
    assert a is not None
    assert a.claim.speaker is not None and a.claim.speaker.id == "person:jamal-wakeem"
    assert [x.id for x in a.claim.chain] == ["RT"]


def test_attribution_outlet_statement_is_none():
    text = "The Syrian army captured the town."
    assert _attr(text, [_am(text, "Syrian army", SAA)]) is None


# --- extraction ---------------------------------------------------------------------------------


def test_extract_capture_roles_place_date_claim(classifier):
    text = "Syrian troops captured Palmyra from IS on Friday, a military source told SANA."
    actors = [_am(text, "Syrian troops", SAA), _am(text, "IS", IS), _am(text, "SANA", SANA)]
    events, flags = _run(text, actors, [_pm(text, "Palmyra", PALMYRA)], classifier=classifier)
    assert flags == ()
    assert len(events) == 1
    e = events[0]
    assert (e.acled_type, e.acled_subtype) == ("Battles", "Government regains territory")
    assert (e.actor.actor.id, e.target.actor.id, e.place.place.id) == ("SY-SAA", "IS", "170183")
    assert (e.date.year, e.date.month, e.date.day) == (2017, 10, 20)
    assert e.trigger.text == "captured"
    assert e.modality is Modality.CLAIMED
    assert (e.claim.speaker_label, [a.id for a in e.claim.chain]) == ("a military source", ["SANA"])
    assert e.evidence[0].text == text


@pytest.mark.parametrize(
    "text,modality",
    [
        ("There were no reports of a single American operation against Daesh.", Modality.NEGATED),
        ("The fighters are going to leave Raqqa tonight.", Modality.PLANNED),
        ("The fighters will withdraw from the town.", Modality.PLANNED),
        ("The army shelled the town.", Modality.ASSERTED),
        # an infinitive trigger is an aim, unless the verb before it makes it a fact
        ("Those are the fighters they came here to fight.", Modality.PLANNED),
        ("The army has a plan to retake the town.", Modality.PLANNED),
        ("The fighters began to withdraw from the town.", Modality.ASSERTED),
        ("The fighters were forced to retreat from the town.", Modality.ASSERTED),
        ("The operation to liberate the town from Daesh started on June 6.", Modality.ASSERTED),
        ("The commander ordered the army to withdraw from the town.", Modality.PLANNED),
    ],
)
def test_extract_modality(classifier, text, modality):
    # Each sentence names a group, as the actor stage would find it (an event with no actor, target
    # or place and an unsure type is left out).
    group = next(g for g in ("Daesh", "fighters", "army") if g in text)
    events, _ = _run(text, [_am(text, group, SAA if group == "army" else IS)], classifier=classifier)
    assert [e.modality for e in events] == [modality]


@pytest.mark.parametrize(
    "text",
    [
        "The army launched a new operation against Daesh near the town.",
        "Daesh fighters face a long campaign by the army.",
        "The operation against Daesh ended with talks and a peaceful handover of the town.",
    ],
)
def test_extract_operation_is_a_military_type(classifier, text):
    """ "operation"/"campaign" alone say little: the type may be any battle or violent one, never an
    agreement, a protest or a strategic development."""
    actors = [_am(text, "Daesh", IS)] + ([_am(text, "army", SAA)] if "army" in text else [])
    events, _ = _run(text, actors, classifier=classifier)
    ops = [e for e in events if e.trigger.text.lower() in ("operation", "campaign")]
    assert ops
    assert all(e.acled_type in ("Battles", "Explosions/Remote violence", "Violence against civilians") for e in ops)
    assert all(not e.reliable for e in ops)


@pytest.mark.parametrize(
    "text", ["Critics attacked the new tax plan.", "The company killed the project last year."]
)
def test_extract_event_without_any_argument_is_left_out(classifier, text):
    events, _ = _run(text, classifier=classifier)
    assert events == ()


def test_extract_accusation_names_accuser_and_accused(classifier):
    text = "The Russian military said the US is using the refugees as human shields."
    actors = [_am(text, "Russian military", RUMOD), _am(text, "US", USGOV)]
    events, _ = _run(text, actors, classifier=classifier)
    assert len(events) == 1
    e = events[0]
    assert (e.plover_root, e.acled_type) == ("ACCUSE", None)
    assert (e.actor.actor.id, e.target.actor.id) == ("RU-MOD", "gov:US")


RUAF = Actor("RU-AF", "Russian Aerospace Forces", ActorType.STATE_MILITARY, "RU")


@pytest.mark.issue(4)
def test_extract_label_noun_target_is_the_group_named_before(classifier):
    """ "strikes on terrorist positions": the target is the armed group the article named last."""
    text = (
        "Islamic State fighters held the town for a year. "
        "Russian warplanes launched air strikes on terrorist positions near the town."
    )
    second = text.index("Russian")
    sents = (Sentence(0, second), Sentence(second, len(text)))
    actors = (_am(text, "Islamic State", IS), _am(text, "Russian warplanes", RUAF))
    events, _ = extract_events(text, sents, (), actors, (), DATED, classifier)
    strike = next(e for e in events if e.evidence[0].start >= second)
    assert strike.acled_subtype == "Air/drone strike"
    assert strike.actor.actor.id == "RU-AF"
    assert strike.target is not None and strike.target.actor.id == "IS"
    assert strike.target.text == "terrorist positions" and strike.target.method == "coreference"
    assert strike.target.confidence < 0.5
    # no armed group named before: the label noun is left without a target rather than guessed
    alone = "Russian warplanes launched air strikes on terrorist positions near the town."
    events, _ = _run(alone, [_am(alone, "Russian warplanes", RUAF)], classifier=classifier)
    assert events and events[0].target is None


def test_extract_supporting_air_force_is_an_event_of_its_own(classifier):
    """ "advance … with Russian air support": the army's advance, and the ally's air strikes on the same
    target, place and claim; the ally is never the advance's target."""
    text = "Syrian troops advanced on Islamic State positions in Palmyra with Russian air support, SANA reported."
    actors = [_am(text, "Syrian troops", SAA), _am(text, "Islamic State", IS), _am(text, "Russian", RUAF, method="pattern"), _am(text, "SANA", SANA)]
    events, _ = _run(text, actors, [_pm(text, "Palmyra", PALMYRA)], classifier=classifier)
    assert len(events) == 2
    advance, strike = events
    assert (advance.actor.actor.id, advance.target.actor.id) == ("SY-SAA", "IS")
    assert strike.acled_subtype == "Air/drone strike"
    assert (strike.actor.actor.id, strike.target.actor.id) == ("RU-AF", "IS")
    assert strike.trigger.text == "air support"
    assert strike.place.place.id == advance.place.place.id == "170183"
    assert strike.claim is not None and strike.claim.chain == advance.claim.chain
    assert strike.evidence == advance.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Syrian troops are continuing their advance on Islamic State positions in Palmyra.",
        "Syrian troops closed in on Islamic State fighters in Palmyra.",
        "Syrian troops reached the outskirts of Palmyra, trapping Islamic State fighters.",
    ],
)
def test_extract_an_advance_under_way_is_fighting_not_territory_taken(classifier, text):
    actors = [_am(text, "Syrian troops", SAA), _am(text, "Islamic State", IS)]
    events, _ = _run(text, actors, [_pm(text, "Palmyra", PALMYRA)], classifier=classifier)
    assert [(e.acled_type, e.acled_subtype) for e in events] == [("Battles", "Armed clash")]


@pytest.mark.parametrize(
    "text",
    [
        "Russian warplanes bombed Palmyra with Russian air support.",  # already a strike: not split
        "Syrian troops advanced on Palmyra, where Russian air support was lacking.",  # no "with": not an ally's act
    ],
)
def test_extract_no_supporting_strike_without_an_allied_force(classifier, text):
    actors = [_am(text, "Russian", RUAF, method="pattern", nth=text.count("Russian") - 1)]
    if "Syrian troops" in text:
        actors.append(_am(text, "Syrian troops", SAA))
    events, _ = _run(text, actors, [_pm(text, "Palmyra", PALMYRA)], classifier=classifier)
    assert sum(1 for e in events if e.trigger.text == "air support") == 0


def test_extract_claim_names_the_person_who_speaks_for_the_organisation(classifier):
    text = (
        "The Russian Defence Ministry said the US is using the camp as human shields. "
        "Igor Konashenkov, the ministry's spokesman, said the US is using civilians as human shields."
    )
    second = text.index("Igor")
    sents = (Sentence(0, second), Sentence(second, len(text)))
    actors = (
        _am(text, "Russian Defence Ministry", RUMOD),
        _am(text, "US", USGOV),
        _am(text, "Igor Konashenkov", KONASHENKOV, role="spokesman"),
        _am(text, "US", USGOV, nth=1),
    )
    events, _ = extract_events(text, sents, (), actors, (), DATED, classifier)
    accusations = [e for e in events if e.plover_root == "ACCUSE"]
    assert len(accusations) == 1 and len(accusations[0].evidence) == 2
    claim = accusations[0].claim
    assert (claim.speaker.id, claim.organisation.id) == ("person:igor-konashenkov", "RU-MOD")
    # both statements stay with the event
    assert {c.speaker.id for c in accusations[0].claims} == {"RU-MOD", "person:igor-konashenkov"}


@pytest.fixture(scope="module")
def actor_dictionary():
    from crosswire.actors import ActorDictionary

    return ActorDictionary.load()


def _resolved(text, dictionary, classifier):
    from crosswire.actors import resolve_actors

    sents = (Sentence(0, len(text)),)
    actors = resolve_actors(text, (), sents, dictionary)
    return extract_events(text, sents, (), actors, (), DATED, classifier, dictionary=dictionary)[0]


@pytest.mark.parametrize(
    "text,root,actor,target",
    [
        ("Iranian officials urged Saudi officials to reopen the border.", "REQUEST", "gov:IR", "gov:SA"),
        ("The Turkish government rejected the Greek government's proposal.", "REJECT", "gov:TR", "gov:GR"),
        ("French officials praised the Malian government.", "SUPPORT", "gov:FR", "gov:ML"),
        ("Egyptian officials met Israeli diplomats in Cairo.", "CONSULT", "gov:EG", "gov:IL"),
        ("The Kuwaiti government sent food and medicine to Yemeni authorities.", "AID", "gov:KW", "gov:YE"),
        ("The Canadian government imposed new sanctions on Iranian officials.", "SANCTION", "gov:CA", "gov:IR"),
        ("Chadian troops deployed along the border.", "MOBILIZE", "mil:TD", None),
        ("Nigerian authorities banned the rally.", "COERCE", "gov:NG", None),
        ("Kenyan police demolished homes near the river.", "COERCE", "pol:KE", None),
        ("Serbian officials lifted the night curfew.", "YIELD", "gov:RS", None),
        ("Zambian officials extradited the suspect on Sunday.", "COOPERATE", "gov:ZM", None),
        ("Turkish officials criticized Greek officials.", "ACCUSE", "gov:TR", "gov:GR"),
        ("Serbian officials promised to hold elections.", "AGREE", "gov:RS", None),
    ],
)
def test_extract_plover_statements_and_acts(classifier, actor_dictionary, text, root, actor, target):
    """Requests, rejections, praise, meetings, aid, sanctions, deployments, bans: events too, with
    their PLOVER root, no ACLED type, the actor before the verb and the target after it."""
    events = _resolved(text, actor_dictionary, classifier)
    assert [(e.plover_root, e.acled_type) for e in events] == [(root, None)]
    e = events[0]
    assert e.actor is not None and e.actor.actor.id == actor
    assert (e.target.actor.id if e.target else None) == target


def _country(text: str, name: str, iso: str) -> PlaceMention:
    start = text.index(name)
    place = Place(f"pcl-{iso}", name, "A", "PCLI", iso, None, 0.0, 0.0)
    return PlaceMention(start, start + len(name), name, place, PlacePrecision.COUNTRY, 0.9, 0)


@pytest.mark.parametrize(
    "text,country,iso,target",
    [
        ("The archbishop called for sanctions against Nigeria.", "Nigeria", "NG", "gov:NG"),
        ("Iranian officials rejected an ultimatum from Australia.", "Australia", "AU", "gov:AU"),
        ("Iranian officials urged restraint in Syria.", "Syria", "SY", None),  # where, not whom
        ("Iranian officials praised Iran.", "Iran", "IR", None),  # the actor's own country
        ("Turkish jets bombed villages near Syria.", "Syria", "SY", None),  # violence: a place, not a target
    ],
)
def test_extract_country_after_a_statement_is_its_government(classifier, actor_dictionary, text, country, iso, target):
    from crosswire.actors import resolve_actors

    sents = (Sentence(0, len(text)),)
    actors = resolve_actors(text, (), sents, actor_dictionary)
    places = (_country(text, country, iso),)
    events, _ = extract_events(text, sents, (), actors, places, DATED, classifier, dictionary=actor_dictionary)
    assert len(events) == 1
    got = events[0].target
    assert (got.actor.id if got else None) == target
    if got is not None:
        assert (got.text, got.method) == (country, "metonymy") and got.confidence <= 0.5


def test_extract_trigger_word_inside_a_name_is_no_event(classifier, actor_dictionary):
    text = "Iranian officials hosted the Palestine Liberation Organization in Tehran."
    events = _resolved(text, actor_dictionary, classifier)
    assert [e.plover_root for e in events] == ["CONSULT"]  # the visit, not a "liberation"
    # a title-case headline still reports its capture
    head = "Syrian Troops Capture Al-Mayadeen From Islamic State"
    events = _resolved(head, actor_dictionary, classifier)
    assert [e.trigger.text for e in events] == ["Capture"]


def test_extract_accepting_a_proposal_is_an_agreement(classifier, actor_dictionary):
    events = _resolved("Danish officials accepted the proposal of Dutch officials.", actor_dictionary, classifier)
    assert [(e.plover_root, e.acled_type, e.acled_subtype) for e in events] == [("AGREE", "Strategic developments", "Agreement")]
    assert (events[0].actor.actor.id, events[0].target.actor.id) == ("gov:DK", "gov:NL")


@pytest.mark.parametrize(
    "text,root",
    [
        # the speech act governs the violence it mentions
        ("Iranian officials urged an end to the shelling of Syrian villages.", "REQUEST"),
        ("The Turkish government rejected claims that Turkish jets bombed the village.", "REJECT"),
        # violence first, a reaction after it: the violence is the clause's event
        ("Turkish jets bombed the village, and Iranian officials urged restraint.", "ASSAULT"),
    ],
)
def test_extract_speech_act_before_violence_governs_it(classifier, actor_dictionary, text, root):
    events = _resolved(text, actor_dictionary, classifier)
    assert [e.plover_root for e in events][:1] == [root]


@pytest.mark.parametrize(
    "text",
    [
        "Syrian troops met fierce resistance near the town.",  # not a meeting
        "The Syrian government released a statement on Friday.",  # not a release of prisoners
    ],
)
def test_extract_statement_triggers_not_fooled(classifier, actor_dictionary, text):
    events = _resolved(text, actor_dictionary, classifier)
    assert all(e.plover_root not in ("CONSULT", "YIELD") for e in events)


def test_extract_merges_two_sentences_about_one_capture(classifier):
    text = "Syrian troops captured Palmyra. Earlier, a military source told SANA that the Syrian army has captured Palmyra."
    s1 = text.index("Earlier")
    actors = [_am(text, "Syrian troops", SAA), _am(text, "SANA", SANA), _am(text, "Syrian army", SAA)]
    places = [_pm(text, "Palmyra", PALMYRA), PlaceMention(text.rindex("Palmyra"), text.rindex("Palmyra") + 7, "Palmyra", PALMYRA, PlacePrecision.CITY, 0.9, 1)]
    events, _ = extract_events(text, (Sentence(0, s1 - 1), Sentence(s1, len(text))), (), tuple(actors), tuple(places), DATED, classifier)
    assert len(events) == 1
    assert [s.start for s in events[0].evidence] == [0, s1]


def test_extract_continuation_adds_numbers(classifier):
    text = "SANA reported that Syrian forces have retaken Palmyra.\nThey are only 10 kilometers away from Homs, added the report."
    actors = [_am(text, "SANA", SANA), _am(text, "Syrian forces", SAA)]
    events, _ = _run(text, actors, [_pm(text, "Palmyra", PALMYRA)], classifier=classifier)
    assert len(events) == 1
    assert [(q.kind, q.value) for q in events[0].quantities] == [("distance_km", 10)]
    assert len(events[0].evidence) == 2


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Syria. Raqqa. Deir ez-Zor.",  # no verb
        "The town, the river, the bridge.",
        "12345 67890",
    ],
)
def test_extract_no_event_without_trigger(classifier, text):
    assert _run(text, classifier=classifier) == ((), ())


def test_extract_unclosed_quote_does_not_crash(classifier):
    text = "“The army captured the town and the fighters fled, he said. Then more followed and the shelling went on"
    events, _ = _run(text, [_am(text, "army", SAA)], classifier=classifier)
    assert len(events) >= 1
    assert all(e.claim is None or e.claim.quote is None or not e.claim.quote.text.endswith("”") for e in events)


def test_extract_long_sentence_is_fast(classifier):
    text = " ".join(["the army shelled the town and the fighters"] * 625)  # 5,000 words, one sentence
    armies = [_am(text, "army", SAA, nth=i) for i in range(625)]
    t = time.perf_counter()
    events, _ = _run(text, armies, classifier=classifier)
    assert time.perf_counter() - t < 2.0
    assert len(events) == 1  # one clause reports one event


@pytest.mark.parametrize("language", ["ar", "fr", "ru"])
def test_extract_non_english_is_skipped(classifier, language):
    text = "L'armée syrienne a capturé la ville."
    events, flags = _run(text, classifier=classifier, language=language)
    assert events == ()
    assert [f.kind for f in flags] == ["skipped-language"]


def test_extract_clauses_split_headlines():
    body = "A quote ends here.\n\nHeadline words – Russian military\n\nThe next paragraph."
    assert [body[c.start : c.end] for c in clauses_of(body, (Sentence(0, len(body)),))] == [
        "A quote ends here.",
        "Headline words – Russian military",
        "The next paragraph.",
    ]
