"""The span tagger's dense head: token vectors from word pieces, its inputs, loading, the two modes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from crosswire.embed.minilm import DIM
from crosswire.errors import ModelError
from crosswire.framing import train as T
from crosswire.framing.features import sentence_chunks, token_vectors
from crosswire.framing.tagger import (
    DENSE_NAME,
    MODELS_DIR,
    TECHNIQUES,
    DenseHead,
    SpanTagger,
    TokenLayout,
    decode,
    dense_inputs,
)

LL, NC = TECHNIQUES
WIDTH = 4


def hand_doc(words: list[str], spaces: list[bool], sent_starts: list[bool]) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, sent_starts=sent_starts)


@pytest.fixture()
def doc() -> Doc:
    # "The evil regime lied . Thugs !" in two sentences
    words = ["The", "evil", "regime", "lied", ".", "Thugs", "!"]
    return hand_doc(words, [True, True, True, False, True, False, False], [True, False, False, False, False, True, False])


@pytest.fixture(scope="module")
def encoder():
    from crosswire.embed import SentenceEncoder

    try:
        return SentenceEncoder.load()
    except ModelError as exc:
        pytest.skip(f"the sentence encoder package is not installed: {exc}")


def test_tagger_dense_token_vectors_average_pieces_per_sentence(doc, encoder):
    v = token_vectors(doc, encoder)
    assert v.shape == (len(doc), DIM) and v.dtype == np.float32
    # one text per sentence, as the encoder sees it: a token's vector is the mean of the word pieces
    # that start inside it (offsets relative to its sentence's text)
    for sent in doc.sents:
        text = doc.text[sent.start_char : sent.end_char]
        pieces = encoder.encode_tokens([text])[0]
        for tok in sent:
            a, b = tok.idx - sent.start_char, tok.idx - sent.start_char + len(tok.text)
            inside = (pieces.offsets[:, 0] >= a) & (pieces.offsets[:, 0] < b)
            assert inside.any(), tok.text
            np.testing.assert_allclose(v[tok.i], pieces.vectors[inside].mean(axis=0), atol=1e-4)
    # the vectors are contextual: the same word in another sentence gets another vector
    other = hand_doc(["A", "regime", "fell", "."], [True, True, False, False], [True, False, False, False])
    assert not np.allclose(token_vectors(other, encoder)[1], v[2], atol=1e-3)


def test_tagger_dense_sentence_chunks_cut_long_sentences():
    words = [f"w{i}" for i in range(10)]
    d = hand_doc(words, [True] * 10, [True] + [False] * 9)
    assert sentence_chunks(d) == [(0, 10)]
    # 3 pieces per word (the default count): at most 4 words fit 2 + 12 <= 14 pieces
    chunks = sentence_chunks(d, max_pieces=14)
    assert chunks[0][0] == 0 and chunks[-1][1] == 10
    assert all(b - a <= 4 for a, b in chunks)
    assert all(chunks[i][1] == chunks[i + 1][0] for i in range(len(chunks) - 1))


def test_tagger_dense_inputs_blocks_and_sentence_edges(doc):
    layout = TokenLayout.of(doc)
    vecs = np.arange(len(doc) * 2, dtype=np.float32).reshape(len(doc), 2) + 1
    sparse = np.full((len(doc), 2), 0.5, dtype=np.float32)
    sparse[1] = (0.9, 0.1)
    x = dense_inputs(("vec", "prev", "next", "sparse"), vecs, sparse, layout.sent_start)
    assert x.shape == (len(doc), 2 + 2 + 2 + 2)
    assert np.array_equal(x[1, 0:2], vecs[1]) and np.array_equal(x[1, 2:4], vecs[0]) and np.array_equal(x[1, 4:6], vecs[2])
    # the first token of each sentence has no previous vector, the last no next one
    assert not x[0, 2:4].any() and not x[5, 2:4].any()
    assert not x[4, 4:6].any() and not x[6, 4:6].any()
    assert x[1, 6] == pytest.approx(np.log(9.0)) and x[1, 7] == pytest.approx(-np.log(9.0)) and x[0, 6] == 0.0
    with pytest.raises(ValueError, match="unknown dense input"):
        dense_inputs(("sentence",), vecs, sparse, layout.sent_start)


def _write_models(folder: Path, *, w1_scale: float = 1.0, dim: int = WIDTH) -> None:
    """The shipped sparse files plus a hand-made dense head over ``dim``-wide vectors: hidden unit =
    ReLU(first vector column); LL logit = 4 * hidden - 2, NC logit = -6 (never on)."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in (".json", ".npz"):
        shutil.copy(MODELS_DIR / f"span_tagger{suffix}", folder)
    width = dim * 3 + 2
    w1 = np.zeros((width, 1), dtype=np.float32)
    w1[0, 0] = w1_scale
    layers = [(w1, np.zeros(1, np.float32)), (np.array([[4.0, 0.0]], np.float32), np.array([-2.0, -6.0], np.float32))]
    mean, scale = np.zeros(width, np.float32), np.ones(width, np.float32)
    T.save_dense(mean, scale, layers, {LL: (0.5, 0.3), NC: (0.5, 0.5)}, folder, settings=T.DENSE, cv=None)


def test_tagger_dense_head_round_trip_and_probabilities(tmp_path: Path, doc):
    _write_models(tmp_path)
    head = DenseHead.load(tmp_path, TECHNIQUES)
    assert head is not None and head.inputs == T.DENSE.inputs
    assert head.thresholds == (0.5, 0.5) and head.lows == (0.3, 0.5)
    vecs = np.zeros((len(doc), WIDTH), dtype=np.float32)
    vecs[1, 0] = 1.0  # "evil": sigmoid(4 - 2)
    p = head.probabilities(vecs, np.full((len(doc), 2), 0.5, np.float32), TokenLayout.of(doc).sent_start)
    assert p[1, 0] == pytest.approx(1 / (1 + np.exp(-2.0)), rel=1e-5)
    assert p[0, 0] == pytest.approx(1 / (1 + np.exp(2.0)), rel=1e-5)
    assert (p[:, 1] < 0.01).all()


def test_tagger_dense_modes(tmp_path: Path, doc):
    _write_models(tmp_path)
    sparse_only = SpanTagger.load(tmp_path)
    assert sparse_only.dense is not None and not sparse_only.uses_embeddings and sparse_only.name == "SpanTagger"
    # without vectors or an encoder: exactly the sparse model
    assert sparse_only.tag(doc) == decode(
        TokenLayout.of(doc), sparse_only.sparse_probabilities(doc), TECHNIQUES, sparse_only.thresholds, sparse_only.lows
    )
    # vectors given: the dense head and its thresholds ("evil" over 0.5, "regime" over the low 0.3)
    vecs = np.zeros((len(doc), WIDTH), dtype=np.float32)
    vecs[1, 0], vecs[2, 0] = 1.0, 0.45
    spans = sparse_only.tag(doc, vectors=vecs)
    assert [(doc.text[s.start : s.end], s.technique) for s in spans] == [("evil regime", LL)]
    with pytest.raises(ValueError, match="one row per token"):
        sparse_only.token_probabilities(doc, vectors=vecs[:3])


def test_tagger_dense_with_the_encoder_tags_from_its_token_vectors(tmp_path: Path, doc, encoder):
    _write_models(tmp_path, dim=DIM)
    dense = SpanTagger.load(tmp_path, encoder=encoder)
    assert dense.uses_embeddings and dense.name == "SpanTagger+all-MiniLM-L6-v2"
    vecs = token_vectors(doc, encoder)
    # the head reads the encoder's token vectors: the same as passing them in
    np.testing.assert_allclose(dense.token_probabilities(doc), dense.token_probabilities(doc, vectors=vecs), atol=1e-6)
    assert dense.tag(doc) == dense.tag(doc, vectors=vecs)
    # and they matter: the hand-made head's LL score is sigmoid(4 * ReLU(first column) - 2)
    expected = 1 / (1 + np.exp(-(4 * np.maximum(vecs[:, 0], 0) - 2)))
    np.testing.assert_allclose(dense.token_probabilities(doc)[:, 0], expected, rtol=1e-4)


def test_tagger_dense_load_without_head_and_broken_head(tmp_path: Path, encoder):
    _write_models(tmp_path)
    for suffix in (".json", ".npz"):
        (tmp_path / f"{DENSE_NAME}{suffix}").unlink()
    tagger = SpanTagger.load(tmp_path, encoder=encoder)
    assert tagger.dense is None and not tagger.uses_embeddings  # an encoder alone does not make a head
    _write_models(tmp_path)
    meta = json.loads((tmp_path / f"{DENSE_NAME}.json").read_text(encoding="utf-8"))
    meta["techniques"] = [LL]
    (tmp_path / f"{DENSE_NAME}.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="does not match"):
        SpanTagger.load(tmp_path)
    (tmp_path / f"{DENSE_NAME}.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelError, match="cannot be read"):
        SpanTagger.load(tmp_path)


def test_tagger_dense_train_network_learns_and_is_deterministic():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2000, 6)).astype(np.float16)
    y = np.stack([x[:, 0] > 0.5, (x[:, 1] + x[:, 2]) > 1.0], axis=1)
    settings = T.DenseSettings(hidden=16, epochs=8, batch=32, drop_in=0.0, drop_hidden=0.0, learning_rate=1e-2)
    rows = np.arange(1500)
    mean, scale, layers = T.train_network(x, y, rows, settings)
    again = T.train_network(x, y, rows, settings)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(layers, again[2]))
    test = np.arange(1500, 2000)
    p = T.network_probabilities(x, mean, scale, layers, test)
    acc = ((p > 0.5) == y[test]).mean(axis=0)
    assert (acc > 0.9).all(), acc
    # the same numbers as the run-time head
    head = DenseHead(("vec",), mean, scale, tuple(layers), (0.5, 0.5), (0.5, 0.5))
    run_time = head.probabilities(x[test].astype(np.float32), np.zeros((500, 2), np.float32), np.ones(500, bool))
    assert np.allclose(run_time, p, atol=1e-5)


def test_tagger_dense_shipped_head_loads():
    head = DenseHead.load(MODELS_DIR, TECHNIQUES)
    if head is None:
        pytest.skip("no dense head shipped (trained with --no-embeddings)")
    assert head.inputs == T.DENSE.inputs
    assert head.layers[0][0].shape == (384 * 3 + 2, T.DENSE.hidden) and head.layers[-1][0].shape[1] == 2
    assert all(0.0 < t < 1.0 for t in head.thresholds)


@pytest.mark.slow
def test_tagger_dense_tags_obvious_loaded_language_with_the_encoder(resources):
    from crosswire.embed import SentenceEncoder

    try:
        enc = SentenceEncoder.load()
    except ModelError as exc:
        pytest.skip(f"sentence encoder not installed: {exc}")
    tagger = SpanTagger.load(encoder=enc)
    if not tagger.uses_embeddings:
        pytest.skip("no dense head shipped")
    text = (
        "Obama's corrupt regime and its cowardly, evil thugs committed a barbaric, disgusting massacre.\n"
        "The weather in Geneva was mild on Tuesday."
    )
    spans = tagger.tag(resources.nlp(text))
    assert spans, "no span found in an obviously loaded sentence"
    found = " ".join(text[s.start : s.end] for s in spans).lower()
    assert any(w in found for w in ("barbaric", "disgusting", "cowardly", "evil", "thugs", "corrupt"))
    assert all(s.start < text.index("The weather") for s in spans)
