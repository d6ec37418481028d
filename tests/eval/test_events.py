"""The events benchmark: readers, the README's metrics on hand-made fixtures, the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosswire.errors import BenchmarkDataError
from crosswire.eval.events import class_scores, evaluate_events, events_cmd, read_case2021, read_plover

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "events"

CASE_TSV = (
    "id\tEventSnippet\tSubType\n"
    "1\tclash one\tARMED_CLASH\n"
    "2\tclash two \"quoted\tARMED_CLASH\n"
    "3\tjets\tAIR_STRIKE\n"
    "4\tembassy\tDIPLO\n"
    "5\tquake\tNATURAL_DISASTER\n"
    "6\tclash three\tARMED_CLASH\n"
)
#: text -> preferred prediction; a preference outside the allowed set falls back to ARMED_CLASH
PREFERRED = {
    "clash one": "ARMED_CLASH",
    'clash two "quoted': "AIR_STRIKE",
    "jets": "AIR_STRIKE",
    "embassy": "DIPLO",
    "quake": "NATURAL_DISASTER",
    "clash three": "ARMED_CLASH",
}


def fake_case(inputs, allowed):
    out = []
    for inp in inputs:
        p = PREFERRED[inp.text]
        out.append(p if allowed is None or p in allowed else "ARMED_CLASH")
    return out


@pytest.fixture()
def case_tsv(tmp_path: Path) -> Path:
    path = tmp_path / "case.tsv"
    path.write_text(CASE_TSV, encoding="utf-8")
    return path


def test_events_read_case2021_keeps_quotes_and_subtask_membership(case_tsv):
    items = read_case2021(case_tsv)
    assert [it.id for it in items] == ["1", "2", "3", "4", "5", "6"]
    assert items[1].input.text == 'clash two "quoted'
    assert items[0].gold == {"1": "ARMED_CLASH", "2": "ARMED_CLASH", "3": "ARMED_CLASH"}
    assert items[3].gold == {"3": "DIPLO"}
    assert items[4].gold == {"2": "NATURAL_DISASTER", "3": "NATURAL_DISASTER"}


@pytest.mark.parametrize(
    "body,match",
    [("id\ttext\tlabel\n1\ta\tARMED_CLASH\n", "header"), ("id\tEventSnippet\tSubType\n1\ta\tNOPE\n", "unknown")],
)
def test_events_read_case2021_rejects_bad_files(tmp_path, body, match):
    path = tmp_path / "bad.tsv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match=match):
        read_case2021(path)


def test_events_case2021_subtask_scores_by_hand(case_tsv):
    r = evaluate_events(read_case2021(case_tsv), "case2021", fake_case)
    s1, s2, s3 = (r["subtasks"][k] for k in "123")
    # subtask 1: gold AC AC AS AC, pred AC AS AS AC. AS: P 1/2 R 1 F1 2/3 (n 1); AC: P 1 R 2/3 F1 4/5 (n 3)
    assert s1["n"] == 4 and s1["accuracy"] == pytest.approx(3 / 4)
    assert s1["macro_f1"] == pytest.approx((2 / 3 + 4 / 5) / 2)
    assert s1["weighted_f1"] == pytest.approx((2 / 3 * 1 + 4 / 5 * 3) / 4)
    assert s1["per_class"]["AIR_STRIKE"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    # subtask 2 adds the quake (right); subtask 3 the embassy (right)
    assert (s2["n"], s2["accuracy"]) == (5, pytest.approx(4 / 5))
    assert s2["macro_f1"] == pytest.approx((2 / 3 + 4 / 5 + 1) / 3)
    assert s2["weighted_f1"] == pytest.approx((2 / 3 + 12 / 5 + 1) / 5)
    assert (s3["n"], s3["accuracy"]) == (6, pytest.approx(5 / 6))
    assert s3["weighted_f1"] == pytest.approx((2 / 3 + 12 / 5 + 2) / 6)
    assert {k: r[k] for k in ("n", "accuracy", "weighted_f1", "macro_f1", "per_class")} == s1


def test_events_case2021_prediction_is_chosen_within_the_subtask_set(case_tsv):
    # in subtask 1 "embassy" is not scored at all; the predictor never sees DIPLO allowed there
    seen = []

    def spy(inputs, allowed):
        seen.append((len(inputs), "DIPLO" in allowed))
        return fake_case(inputs, allowed)

    evaluate_events(read_case2021(case_tsv), "case2021", spy)
    assert seen == [(4, False), (5, False), (6, True)]


def test_events_class_scores_missing_prediction_is_wrong():
    s = class_scores(["A", "A", "B"], ["A", None, "B"])
    assert s.accuracy == pytest.approx(2 / 3)
    assert s.per_class["A"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert s.macro_f1 == pytest.approx((2 / 3 + 1) / 2)


def test_events_class_scores_predicted_label_outside_gold_lowers_precision_only():
    s = class_scores(["A", "B"], ["C", "B"])
    assert sorted(s.per_class) == ["A", "B"]
    assert s.macro_f1 == pytest.approx(0.5) and s.weighted_f1 == pytest.approx(0.5)


def test_events_class_scores_empty_is_zero():
    s = class_scores([], [])
    assert (s.n, s.accuracy, s.weighted_f1, s.macro_f1, s.per_class) == (0, 0.0, 0.0, 0.0, {})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_events_class_scores_match_sklearn(seed):
    metrics = pytest.importorskip("sklearn.metrics")
    rng = random.Random(seed)
    gold = [rng.choice("ABCDE") for _ in range(60)]
    pred = [rng.choice("ABCDEF") for _ in range(60)]
    labels = sorted(set(gold))
    p, r, f, sup = metrics.precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    s = class_scores(gold, pred)
    assert [s.per_class[c]["f1"] for c in labels] == pytest.approx(list(f))
    assert s.macro_f1 == pytest.approx(f.mean())
    assert s.weighted_f1 == pytest.approx((f * sup).sum() / sup.sum())
    assert s.accuracy == pytest.approx(metrics.accuracy_score(gold, pred))


PLV_DEV = (
    "\tsentence_id\tsentence\tmarked_sentence\tsource\ttarget\tgold_penta\tsilver_penta\tsilver_root\tgold_root\troot_L2\r\n"
    "0\t1\tA hit B\t<s>A</s> hit <t>B</t>\tA\tB\t4\t4\tASSAULT\tASSAULT\tASSAULT\r\n"
    '1\t2\t"A blamed B, ""saying"\t<s>A</s> blamed <t>B</t>\tA\tB\t3\t3\tACCUSE\tACCUSE\tACCUSE\r\n'
    "2\t3\tA and B agreed\t<s>A</s> and <t>B</t> agreed\tA\tB\t1\t1\tAGREE\tAGREE\tAGREE\r\n"
    "3\t4\tA gave aid to B\t<s>A</s> gave aid to <t>B</t>\tA\tB\t2\t2\tAID\tAID\tAID\r\n"
)
PLV_PRED = {"A hit B": "ASSAULT", 'A blamed B, "saying': "REJECT", "A and B agreed": "AGREE", "A gave aid to B": "AGREE"}


def test_events_read_plover_plv_dev_format(tmp_path):
    path = tmp_path / "PLV.tsv"
    path.write_bytes(PLV_DEV.encode("utf-8"))
    items = read_plover(path)
    assert [it.gold for it in items][0] == {"1": "ASSAULT", "2": "4", "3": "conflict"}
    assert items[1].input.text == 'A blamed B, "saying'
    assert items[0].input.marked == "<s>A</s> hit <t>B</t>" and items[0].input.source == "A"
    assert [it.id for it in items] == ["1", "2", "3", "4"]


def test_events_plover_subtask_scores_by_hand(tmp_path):
    path = tmp_path / "PLV.tsv"
    path.write_bytes(PLV_DEV.encode("utf-8"))
    r = evaluate_events(read_plover(path), "plover", lambda inputs, allowed: [PLV_PRED[i.text] for i in inputs])
    # roots: 2 of 4 right; F1 ACCUSE 0, AGREE 2/3, AID 0, ASSAULT 1
    assert r["n"] == 4 and r["accuracy"] == pytest.approx(0.5)
    assert r["macro_f1"] == pytest.approx((2 / 3 + 1) / 4) and r["weighted_f1"] == pytest.approx((2 / 3 + 1) / 4)
    # quads: gold 4 3 1 2, pred 4 3 1 1 (REJECT is quad 3)
    assert r["subtasks"]["2"]["accuracy"] == pytest.approx(0.75)
    assert r["subtasks"]["2"]["macro_f1"] == pytest.approx((1 + 1 + 2 / 3 + 0) / 4)
    assert r["subtasks"]["3"]["accuracy"] == pytest.approx(1.0)


def test_events_read_plover_gsr_skips_header_and_maps_old_names(tmp_path):
    path = tmp_path / "gsr.txt"
    records = [
        {"id": "DOC", "event": "DOCUMENT", "text": ""},
        {"id": "x1", "event": "FIGHT", "mode": "firearms", "text": "Troops fired on rebels."},
        {"id": "x2", "event": "DEMAND", "text": "They demanded a vote."},
    ]
    path.write_text(json.dumps(records), encoding="utf-8")
    items = read_plover(path)
    assert [(it.id, it.gold["1"], it.gold["2"], it.gold["3"]) for it in items] == [
        ("x1", "ASSAULT", "4", "conflict"),
        ("x2", "REQUEST", "3", "conflict"),
    ]


def test_events_cli_prints_one_json_object(case_tsv):
    res = CliRunner().invoke(events_cmd, [str(case_tsv), "--scheme", "case2021", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) >= {"n", "accuracy", "weighted_f1", "macro_f1", "per_class", "subtasks"}
    assert [out["subtasks"][k]["n"] for k in "123"] == [4, 5, 6]


def test_events_cli_missing_file_exits_1(tmp_path):
    res = CliRunner().invoke(events_cmd, [str(tmp_path / "nope.tsv"), "--scheme", "case2021", "--json"])
    assert res.exit_code == 1
    assert "Error:" in res.output


def test_events_cli_help_has_example():
    res = CliRunner().invoke(events_cmd, ["--help"])
    assert res.exit_code == 0 and "Example:" in res.output


@pytest.mark.bench
@pytest.mark.parametrize(
    "rel,scheme,ns",
    [
        ("case2021/test_set_final_release_with_labels.tsv", "case2021", [420, 480, 516]),
        ("plv/PLV.tsv", "plover", [1050, 1050, 1050]),
        ("plover_gsr/PLOVER_GSR_CAMEO.txt", "plover", [322, 322, 322]),
    ],
)
def test_events_cli_on_dev_files(rel, scheme, ns):
    # the whole dev files with the sparse weights: reading and scoring every row is what this checks; the
    # encoders' path (two all-mpnet-base-v2 passes per CASE snippet) is covered on small files above
    if not BENCH.is_dir():
        pytest.skip(f"benchmark data not found at {BENCH} (it is present in CI, beside the repository)")
    res = CliRunner().invoke(events_cmd, [str(BENCH / rel), "--scheme", scheme, "--json", "--no-embeddings"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [out["subtasks"][k]["n"] for k in "123"] == ns
    assert 0.0 <= out["weighted_f1"] <= 1.0 and out["weighted_f1"] == out["subtasks"]["1"]["weighted_f1"]
