"""``crosswire eval arguments``: end-to-end events (found, root, actor, target) on PLOVER gold records.

The scoring is checked on hand-made records and events; the command runs the real pipeline on a small
GSR-format file and (with the bench data) on the dev records.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crosswire.errors import BenchmarkDataError
from crosswire.eval.arguments import (
    GoldActor,
    GoldRecord,
    actor_matches,
    align,
    arguments_cmd,
    evaluate_arguments,
    read_gsr,
)
from crosswire.model import Actor, ActorMention, ActorType, Event, Modality, Span

ISO = {"ISR": "IL", "PSE": "PS", "USA": "US"}
IL = Actor("gov:IL", "Government of Israel", ActorType.GOVERNMENT, "IL")
PS = Actor("gov:PS", "Government of Palestine", ActorType.GOVERNMENT, "PS")
UN = Actor("UN", "United Nations", ActorType.INTERNATIONAL_BODY)


def _m(text: str, actor: Actor) -> ActorMention:
    return ActorMention(0, len(text), text, actor, 0, "alias", 0.9)


def _e(root: str, actor: ActorMention | None = None, target: ActorMention | None = None, conf: float = 0.5) -> Event:
    return Event(
        id="e1", acled_type=None, acled_subtype=None, plover_root=root, plover_mode=None, actor=actor, target=target,
        place=None, date=None, quantities=(), modality=Modality.ASSERTED, claim=None, trigger=Span(0, 1, "x"),
        evidence=(Span(0, 1, "x"),), confidence=conf, reliable=True, claims=(),
    )  # fmt: skip


def test_align_prefers_the_gold_root_then_confidence():
    a, b = _e("ASSAULT", conf=0.9), _e("CONSULT", conf=0.2)
    assert align([a, b], "CONSULT") is b
    assert align([a, b], "AID") is a
    assert align([], "AID") is None


@pytest.mark.parametrize(
    "mention,expected",
    [
        (_m("Israeli troops", IL), True),  # other words, but the same country
        (_m("Israel", IL), True),  # the same words
        (_m("Palestinian officials", PS), False),  # another country, other words
        (_m("the United Nations", UN), False),  # no country, no shared words
        (None, False),
    ],
)
def test_actor_matches_by_words_or_country(mention, expected):
    assert actor_matches(mention, [GoldActor("Israel", "ISRMIL")], ISO) is expected


def test_actor_matches_non_country_code_by_words_only():
    gold = [GoldActor("United Nations", "IGO")]
    assert actor_matches(_m("the United Nations", UN), gold, ISO)
    assert not actor_matches(_m("UN", UN), gold, ISO)


def test_evaluate_arguments_counts():
    recs = [
        GoldRecord("1", "s1", "CONSULT", (GoldActor("Israel", "ISR"),), (GoldActor("Palestinians", "PSE"),)),
        GoldRecord("2", "s2", "AID", (GoldActor("United States", "USA"),), ()),
        GoldRecord("3", "s3", "REJECT", (GoldActor("Israel", "ISR"),), (GoldActor("UN", "IGO"),)),
    ]
    found = {
        "s1": [_e("CONSULT", _m("Israel", IL), _m("the Palestinians", PS))],  # root, source, target right
        "s2": [_e("ASSAULT", _m("Palestinian officials", PS))],  # wrong root, wrong source
        "s3": [],  # nothing found
    }
    s = evaluate_arguments(recs, lambda text: found[text], ISO, gold="g")
    assert (s.n, s.with_event, s.event_recall, s.root_accuracy) == (3, 2, round(2 / 3, 4), round(1 / 3, 4))
    assert (s.source.tp, s.source.n_pred, s.source.n_gold) == (1, 2, 3)
    assert (s.source.p, s.source.r) == (0.5, round(1 / 3, 4))
    assert (s.target.tp, s.target.n_pred, s.target.n_gold) == (1, 1, 2)
    assert s.target.f1 == round(2 * 1.0 * 0.5 / 1.5, 4)


def _gsr(tmp_path, records) -> str:
    path = tmp_path / "gsr.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return str(path)


def test_read_gsr_maps_old_names_and_skips_documents(tmp_path):
    path = _gsr(tmp_path, [
        {"id": "D", "event": "DOCUMENT", "eventText": "docs"},
        {"id": "A", "event": "DEMAND", "text": " Iran demanded talks. ", "source": [{"actorText": "Iran", "code": "IRN"}], "target": ""},
    ])  # fmt: skip
    recs = read_gsr(path)
    assert [(r.id, r.root, r.text, r.sources, r.targets) for r in recs] == [
        ("A", "REQUEST", "Iran demanded talks.", (GoldActor("Iran", "IRN"),), ())
    ]


@pytest.mark.parametrize(
    "content,needle",
    [("{", "not valid JSON"), ('{"a": 1}', "expected a JSON array"), ('[{"id": "x", "event": "DANCE", "text": "t"}]', "unknown PLOVER event")],
)
def test_read_gsr_bad_file_says_what(tmp_path, content, needle):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match=needle):
        read_gsr(path)


@pytest.mark.slow
def test_arguments_cmd_runs_the_pipeline(tmp_path):
    path = _gsr(tmp_path, [
        {"id": "1", "event": "FIGHT", "text": "Turkish troops shelled Kurdish positions near the border on Monday.",
         "source": [{"actorText": "Turkish troops", "code": "TURMIL"}], "target": ""},
        {"id": "2", "event": "CONSULT", "text": "The weather was mild all week.", "source": [{"actorText": "nobody", "code": "***"}], "target": ""},
    ])  # fmt: skip
    res = CliRunner().invoke(arguments_cmd, [path, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert (out["n"], out["with_event"], out["root_accuracy"]) == (2, 1, 0.5)
    assert (out["source"]["tp"], out["source"]["n_gold"]) == (1, 2)


@pytest.mark.bench
@pytest.mark.slow
def test_arguments_dev_records_floor(shared_bench):
    res = CliRunner().invoke(arguments_cmd, [str(shared_bench / "events" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output.strip().splitlines()[-1])
    assert out["n"] == 322
    # measured 2026-11-21: events in 211 records, source P 0.835 R 0.299 (docs/BENCHMARKS.md)
    assert out["with_event"] >= 180 and out["source"]["p"] >= 0.7 and out["source"]["r"] >= 0.25
