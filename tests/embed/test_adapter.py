"""``crosswire.embed.adapter`` and ``crosswire.embed.tuned``: low-rank changes merged into the real
all-MiniLM-L6-v2 weights, and the tuned classifier and tagger that run on them, all in numpy."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from crosswire.embed import Adapter, SentenceEncoder
from crosswire.embed.minilm import DIM, INSTALL_HINT, MODEL_PACKAGE, find_model_dir, read_safetensors
from crosswire.embed.tuned import TunedClassifier, TunedTagger, piece_range, pool
from crosswire.errors import ModelError

QUERY = "encoder.layer.2.attention.self.query.weight"
FFN = "encoder.layer.5.intermediate.dense.weight"
TEXTS = ["The Syrian army captured al-Mayadin on Saturday.", "Talks resumed in Doha."]


@pytest.fixture(scope="module")
def base() -> SentenceEncoder:
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    return SentenceEncoder.load()


@pytest.fixture(scope="module")
def tensors(base) -> dict[str, np.ndarray]:
    return read_safetensors(find_model_dir() / "model.safetensors")


def _adapter(rank: int = 4, scale: float = 2.0, seed: int = 0, zero_b: bool = False) -> Adapter:
    rng = np.random.default_rng(seed)
    factors = {}
    for name, (n_out, n_in) in ((QUERY, (DIM, DIM)), (FFN, (4 * DIM, DIM))):
        a = rng.normal(0, 0.05, (rank, n_in)).astype(np.float32)
        b = np.zeros((n_out, rank), np.float32) if zero_b else rng.normal(0, 0.05, (n_out, rank)).astype(np.float32)
        factors[name] = (a, b)
    return Adapter(factors=factors, scale=scale, source="test")


def test_adapter_adds_scaled_low_rank_product_to_the_file_weights(tensors, base):
    ad = _adapter()
    tuned = SentenceEncoder.load(adapter=ad)
    a, b = ad.factors[QUERY]
    # layers keep (in, out) matrices, the query as the first third of qkv_w; the file has (out, in)
    np.testing.assert_allclose(tuned.layers[2].qkv_w[:, :DIM], (tensors[QUERY] + 2.0 * (b @ a)).T, rtol=0, atol=1e-6)
    a, b = ad.factors[FFN]
    np.testing.assert_allclose(tuned.layers[5].ff_in_w, (tensors[FFN] + 2.0 * (b @ a)).T, rtol=0, atol=1e-6)
    # everything else is the file's weights, untouched
    np.testing.assert_array_equal(tuned.layers[2].qkv_w[:, DIM:], base.layers[2].qkv_w[:, DIM:])
    np.testing.assert_array_equal(tuned.layers[0].ff_out_w, tensors["encoder.layer.0.output.dense.weight"].T)


def test_adapter_with_zero_b_leaves_the_encoder_unchanged(base):
    tuned = SentenceEncoder.load(adapter=_adapter(zero_b=True))
    np.testing.assert_array_equal(tuned.encode(TEXTS), base.encode(TEXTS))


def test_adapter_changes_the_vectors_and_the_source_says_so(base):
    tuned = SentenceEncoder.load(adapter=_adapter())
    diff = np.abs(tuned.encode(TEXTS) - base.encode(TEXTS)).max()
    assert diff > 1e-3
    assert tuned.source.endswith("+ test")


def test_adapter_file_round_trip(tmp_path, base):
    ad = _adapter(seed=3)
    np.savez(tmp_path / "ad.npz", **ad.arrays(), **{"head|w": np.ones((2, 3), np.float32)})
    back = Adapter.read(tmp_path / "ad.npz")
    assert back.scale == pytest.approx(2.0)
    assert set(back.factors) == {QUERY, FFN}
    for name in back.factors:
        np.testing.assert_array_equal(back.factors[name][0], ad.factors[name][0])
        np.testing.assert_array_equal(back.factors[name][1], ad.factors[name][1])
    np.testing.assert_allclose(
        SentenceEncoder.load(adapter=back).encode(TEXTS), SentenceEncoder.load(adapter=ad).encode(TEXTS), atol=1e-7
    )


def test_adapter_save_stores_float16_factors_and_rounded_matches_the_file(tmp_path):
    ad = _adapter(seed=4)
    path = ad.save(tmp_path / "sub" / "ad.npz")
    with np.load(path, allow_pickle=False) as z:
        assert {z[k].dtype for k in z.files if "|lora_" in k} == {np.dtype(np.float16)}
    back, rounded = Adapter.read(path), ad.rounded()
    assert back.scale == pytest.approx(ad.scale) and rounded.scale == ad.scale and rounded.source == ad.source
    for name, (a, b) in ad.factors.items():
        np.testing.assert_array_equal(back.factors[name][0], rounded.factors[name][0])
        np.testing.assert_array_equal(back.factors[name][1], rounded.factors[name][1])
        assert rounded.factors[name][0].dtype == np.float32
        assert 0 < np.abs(rounded.factors[name][0] - a).max() < 1e-3  # rounded, not copied


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({f"{QUERY}|lora_a": np.zeros((2, DIM)), f"{QUERY}|lora_b": np.zeros((DIM, 2))}, "no 'scale'"),
        ({"scale": np.float32(1), f"{QUERY}|lora_a": np.zeros((2, DIM))}, "has A but no B"),
        ({"scale": np.float32(1), f"{QUERY}|lora_b": np.zeros((DIM, 2))}, "has B but no A"),
        ({"scale": np.float32(1), f"{QUERY}|lora_a": np.zeros((2, DIM)), f"{QUERY}|lora_b": np.zeros((DIM, 3))}, "shapes"),
    ],
)
def test_adapter_malformed_arrays_are_refused(arrays, message):
    with pytest.raises(ModelError, match=message):
        Adapter.from_arrays(arrays, source="x.npz")


def test_adapter_unreadable_file(tmp_path):
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="make train"):
        Adapter.read(tmp_path / "bad.npz")


def test_piece_range_overlap_and_fallbacks():
    offsets = np.array([[0, 3], [4, 10], [10, 12], [13, 20]])
    assert piece_range(offsets, (4, 12)) == (1, 3)
    assert piece_range(offsets, (11, 14)) == (2, 4)  # partial overlaps count
    assert piece_range(offsets, None) == (0, 4)
    assert piece_range(offsets, (30, 40)) == (0, 4)  # past the truncation: the whole text
    assert piece_range(np.zeros((0, 2), np.int64), (0, 3)) == (0, 0)


def test_pool_is_whole_text_mean_then_span_means(base):
    tv = base.encode_tokens([TEXTS[0]])[0]
    army = TEXTS[0].index("army")
    feats = pool(tv, [(army, army + 4), None])
    assert feats.shape == (3 * DIM,)
    np.testing.assert_allclose(feats[:DIM], tv.vectors.mean(axis=0), atol=1e-6)
    lo, hi = piece_range(tv.offsets, (army, army + 4))
    np.testing.assert_allclose(feats[DIM : 2 * DIM], tv.vectors[lo:hi].mean(axis=0), atol=1e-6)
    np.testing.assert_allclose(feats[2 * DIM :], feats[:DIM], atol=1e-6)  # no span: the whole text


def _write_tuned(tmp_path, name, head_w, head_b, info, adapter):
    np.savez(tmp_path / f"{name}.npz", **adapter.arrays(), **{"head|w": head_w, "head|b": head_b})
    (tmp_path / f"{name}.json").write_text(json.dumps(info), encoding="utf-8")
    return tmp_path / name


def test_tuned_classifier_reads_its_head_and_pools_the_tuned_encoder(tmp_path, base):
    rng = np.random.default_rng(5)
    ad = _adapter(seed=7)
    w = rng.normal(0, 1, (3, 2 * DIM)).astype(np.float32)
    b = np.array([0.1, -0.2, 0.0], np.float32)
    stem = _write_tuned(tmp_path, "clf", w, b, {"labels": ["A", "B", "C"], "spans": 1, "max_length": 128}, ad)
    clf = TunedClassifier.load(stem)
    assert clf.labels == ("A", "B", "C") and clf.encoder.max_length == 128
    spans = [[(4, 15)], [None]]
    p = clf.probabilities(TEXTS, spans)
    assert p.shape == (2, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # the same numbers by hand: the adapted encoder's pieces, pooled, through the head
    tuned = SentenceEncoder.load(max_length=128, adapter=ad)
    x = np.stack([pool(tv, s) for tv, s in zip(tuned.encode_tokens(TEXTS), spans)]).astype(np.float64)
    z = x @ w.T.astype(np.float64) + b
    expect = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p, expect / expect.sum(axis=1, keepdims=True), atol=1e-6)
    # no spans given: each span pools the whole text
    np.testing.assert_allclose(clf.features(TEXTS[1:]), clf.features(TEXTS[1:], [[None]]), atol=0)


def test_tuned_classifier_head_that_does_not_fit_is_refused(tmp_path):
    stem = _write_tuned(tmp_path, "bad", np.zeros((2, DIM), np.float32), np.zeros(2, np.float32), {"labels": ["A", "B"], "spans": 1}, _adapter())
    with pytest.raises(ModelError, match="does not fit"):
        TunedClassifier.load(stem)
    with pytest.raises(ModelError, match="make train"):
        TunedClassifier.load(tmp_path / "missing")


def test_tuned_tagger_gives_piece_probabilities(tmp_path, base):
    w = np.zeros((2, DIM), np.float32)
    w[1, :] = 0.5
    stem = _write_tuned(tmp_path, "tag", w, np.zeros(2, np.float32), {"tags": ["O", "LOADED"]}, _adapter(zero_b=True))
    tagger = TunedTagger.load(stem)
    out = tagger.tag(TEXTS)
    tv = base.encode_tokens(TEXTS)
    for o, t in zip(out, tv):
        np.testing.assert_array_equal(o.offsets, t.offsets)
        np.testing.assert_allclose(o.probabilities.sum(axis=1), 1.0)
        # logit of LOADED - logit of O = 0.5 * sum of the piece vector
        margin = np.log(o.probabilities[:, 1] / o.probabilities[:, 0])
        np.testing.assert_allclose(margin, 0.5 * t.vectors.astype(np.float64).sum(axis=1), rtol=1e-4, atol=1e-4)
    assert tagger.tag([""])[0].probabilities.shape == (0, 2)


def test_with_adapter_computes_what_a_fresh_load_does_and_shares_the_untouched_arrays(base):
    ad = _adapter(seed=11)
    before = base.layers[2].qkv_w.copy()
    twin = base.with_adapter(ad, max_length=128)
    fresh = SentenceEncoder.load(max_length=128, adapter=ad)
    for t, f in zip(twin.encode_tokens(TEXTS), fresh.encode_tokens(TEXTS)):
        np.testing.assert_array_equal(t.vectors, f.vectors)  # the same float32 sums, bit for bit
    assert type(twin) is SentenceEncoder and twin.source.endswith("+ test")
    # the embeddings and untouched layers are the base's arrays; the changed ones are the twin's own
    assert twin.word is base.word and twin.layers[0] is base.layers[0] and twin.layers[3] is base.layers[3]
    assert twin.layers[2].qkv_w is not base.layers[2].qkv_w and twin.layers[2].out_w is base.layers[2].out_w
    assert twin.layers[5].ff_in_w is not base.layers[5].ff_in_w and twin.layers[5].ff_out_w is base.layers[5].ff_out_w
    # the base is unchanged: its weights and its tokenizer's truncation (the twin has its own)
    np.testing.assert_array_equal(base.layers[2].qkv_w, before)
    long = " ".join(["shelling"] * 400)
    assert len(twin.tokenize([long])[0]) == 128 and len(base.tokenize([long])[0]) == base.max_length == 256
    assert base.with_adapter(_adapter(zero_b=True)).max_length == base.max_length


def test_with_adapter_refuses_changes_it_cannot_place(base):
    a, b = np.ones((2, DIM), np.float32), np.ones((DIM, 2), np.float32)
    for name in ("embeddings.word_embeddings.weight", "encoder.layer.6.attention.self.query.weight", "encoder.layer.1.output.LayerNorm.weight"):
        with pytest.raises(ModelError, match="not a layer weight"):
            base.with_adapter(Adapter(factors={name: (a, b)}, scale=1.0, source="bad"))
    with pytest.raises(ModelError, match="the encoder's"):
        base.with_adapter(Adapter(factors={FFN: (a, b)}, scale=1.0, source="bad"))  # FFN's out is 4 × 384
    with pytest.raises(ModelError, match="100"):
        SentenceEncoder.load(adapter=Adapter(factors={QUERY: (np.zeros((2, 100), np.float32), b)}, scale=1.0))
    with pytest.raises(ModelError, match="positions"):
        base.with_adapter(_adapter(), max_length=4096)


def test_tuned_models_share_a_loaded_base_encoder(tmp_path, base):
    rng = np.random.default_rng(2)
    ad = _adapter(seed=4)
    w = rng.normal(0, 1, (3, DIM)).astype(np.float32)
    stem = _write_tuned(tmp_path, "tag", w, np.zeros(3, np.float32), {"tags": ["O", "A", "B"], "max_length": 128}, ad)
    alone, shared = TunedTagger.load(stem), TunedTagger.load(stem, shared=(object(), base))
    assert shared.encoder.word is base.word and alone.encoder.word is not base.word
    for x, y in zip(alone.tag(TEXTS), shared.tag(TEXTS)):
        np.testing.assert_array_equal(x.probabilities, y.probabilities)
    cstem = _write_tuned(tmp_path, "clf", rng.normal(0, 1, (2, DIM)).astype(np.float32), np.zeros(2, np.float32), {"labels": ["A", "B"], "spans": 0}, ad)
    clf = TunedClassifier.load(cstem, shared=(base,))
    assert clf.encoder.layers[0] is base.layers[0]
    np.testing.assert_array_equal(clf.probabilities(TEXTS), TunedClassifier.load(cstem).probabilities(TEXTS))
