"""The span tagger's tuned stage: pieces to tokens, the four tags, mixing, loading, fallback, the shipped model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from crosswire.errors import ModelError
from crosswire.framing.tagger import (
    DENSE_NAME,
    MODELS_DIR,
    TECHNIQUES,
    SpanTagger,
    TokenLayout,
)
from crosswire.framing.tuned import (
    TUNED_NAME,
    TUNED_TAGS,
    TunedStage,
    doc_chunks,
    mix,
    piece_token_index,
    tag_probabilities,
    token_tag_probabilities,
)

LL, NC = TECHNIQUES
#: the model folder under test (the shipped one)
MODEL_FOLDER = MODELS_DIR
SHIPPED = (MODEL_FOLDER / f"{TUNED_NAME}.npz").is_file()


def hand_doc(words: list[str], spaces: list[bool], sent_starts: list[bool]) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, sent_starts=sent_starts)


@pytest.fixture()
def doc() -> Doc:
    # "The unbelievably evil regime lied . Thugs !" in two sentences
    words = ["The", "unbelievably", "evil", "regime", "lied", ".", "Thugs", "!"]
    return hand_doc(words, [True, True, True, True, False, True, False, False], [True, False, False, False, False, False, True, False])


@pytest.fixture(scope="module")
def encoder():
    from crosswire.embed import SentenceEncoder

    try:
        return SentenceEncoder.load()
    except ModelError as exc:
        pytest.skip(f"the sentence encoder package is not installed: {exc}")


@pytest.fixture(scope="module")
def shipped_tagger(encoder):
    if not SHIPPED:
        pytest.skip("no tuned stage shipped (trained with --no-embeddings)")
    return SpanTagger.load(MODEL_FOLDER, encoder=encoder)


def test_tuned_piece_token_index_is_the_token_holding_the_first_character(doc, encoder):
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    for a, b in doc_chunks(doc, encoder.tokenizer):
        text = doc[a:b].text
        enc = encoder.tokenizer.encode(text, add_special_tokens=False)
        offsets = np.asarray(enc.offsets, dtype=np.int64)
        tid = piece_token_index(starts, a, b, offsets)
        assert len(tid) == len(offsets)
        for (s, e), k in zip(offsets.tolist(), tid.tolist()):
            token = doc[k]
            # the piece's characters lie inside its token (pieces never cross a token edge here)
            assert token.idx <= starts[a] + s and starts[a] + e <= token.idx + len(token.text), (text[s:e], token.text)
    # "unbelievably" is several pieces, all of token 1
    enc = encoder.tokenizer.encode(doc[0:6].text, add_special_tokens=False)
    tid = piece_token_index(starts, 0, 6, np.asarray(enc.offsets))
    assert (tid == 1).sum() >= 2


@pytest.mark.parametrize(
    "probs,expected",
    [
        ([1.0, 0.0, 0.0, 0.0], [0.0, 0.0]),
        ([0.0, 1.0, 0.0, 0.0], [1.0, 0.0]),
        ([0.0, 0.0, 1.0, 0.0], [0.0, 1.0]),
        ([0.0, 0.0, 0.0, 1.0], [1.0, 1.0]),
        ([0.4, 0.3, 0.2, 0.1], [0.4, 0.3]),
    ],
)
def test_tuned_tag_probabilities_add_both_to_each_technique(probs, expected):
    assert TUNED_TAGS == ("O", LL, NC, "both")
    assert np.allclose(tag_probabilities(np.array([probs])), [expected])


@pytest.mark.parametrize(
    "weights,expected",
    [
        ((1.0, 1.0), [0.9, 0.2]),  # the tuned stage alone
        ((0.0, 0.0), [0.1, 0.6]),  # the sparse model alone
        ((0.5, 0.5), [0.5, 1 / (1 + np.sqrt(4 / 1.5))]),  # log-odds midpoints: 0 and (ln 0.25 + ln 1.5) / 2
        ((1.0, 0.0), [0.9, 0.6]),  # one weight per technique
    ],
)
def test_tuned_mix_is_a_weighted_sum_of_log_odds(weights, expected):
    out = mix(np.array([[0.9, 0.2]]), np.array([[0.1, 0.6]]), weights)
    assert out.dtype == np.float32
    assert np.allclose(out, [expected], atol=1e-6)


def test_tuned_token_probabilities_are_the_mean_of_the_token_pieces(doc, shipped_tagger):
    tagger = shipped_tagger.tuned.tagger
    probs = token_tag_probabilities(doc, tagger)
    assert probs.shape == (len(doc), 2) and probs.dtype == np.float32
    # tag each sentence directly and average the pieces that start in each token
    for sent in doc.sents:
        text = doc.text[sent.start_char : sent.end_char].rstrip()
        (tags,) = tagger.tag([text])
        per_piece = tag_probabilities(tags.probabilities)
        for token in sent:
            if token.is_space:
                continue
            rel = token.idx - sent.start_char
            mine = (tags.offsets[:, 0] >= rel) & (tags.offsets[:, 0] < rel + len(token.text))
            assert mine.any()
            assert np.allclose(probs[token.i], per_piece[mine].mean(axis=0), atol=1e-5)


def test_tuned_stage_shares_a_loaded_encoder_of_its_class(doc, encoder, shipped_tagger):
    own = shipped_tagger.tuned.tagger.encoder
    base = type(own).load()  # the stage's base model, loaded once elsewhere (by the event classifier, say)
    shared = SpanTagger.load(MODEL_FOLDER, encoder=encoder, shared=(base,))
    mine = shared.tuned.tagger.encoder
    assert mine.word is base.word and mine.layers[0] is base.layers[0] and own.word is not base.word
    assert mine.max_length == own.max_length != base.max_length
    np.testing.assert_array_equal(token_tag_probabilities(doc, shared.tuned.tagger), token_tag_probabilities(doc, shipped_tagger.tuned.tagger))


@pytest.mark.slow
def test_tuned_shipped_stage_tags_obvious_loaded_language(resources, shipped_tagger):
    assert shipped_tagger.uses_tuned and shipped_tagger.uses_embeddings
    # the name recorded with the spans is the encoder the stage's JSON names, not a fixed string
    named = json.loads((MODEL_FOLDER / f"{TUNED_NAME}.json").read_text(encoding="utf-8"))["encoder"].split(" ")[0]
    assert shipped_tagger.tuned.encoder_name == named and shipped_tagger.name == f"SpanTagger+{named}-LoRA"
    text = (
        "Obama's corrupt regime and its cowardly, evil thugs committed a barbaric, disgusting massacre.\n"
        "The weather in Geneva was mild on Tuesday."
    )
    doc = resources.nlp(text)
    spans = shipped_tagger.tag(doc)
    assert spans, "no span found in an obviously loaded sentence"
    found = " ".join(text[s.start : s.end] for s in spans).lower()
    assert any(w in found for w in ("barbaric", "disgusting", "cowardly", "evil", "thugs", "corrupt"))
    assert all(s.start < text.index("The weather") for s in spans)
    for s in spans:
        # offsets map to the text: whole tokens, no edge whitespace or punctuation
        assert text[s.start : s.end] == text[s.start : s.end].strip()
        assert text[s.start].isalnum() and text[s.end - 1].isalnum()
        assert s.technique in TECHNIQUES and 0.0 < s.score <= 1.0
    # the spans are what decoding gives for the stage's own probabilities and thresholds
    probs = shipped_tagger.token_probabilities(doc)
    tuned = shipped_tagger.tuned
    assert all(probs[doc.char_span(s.start, s.end).start : doc.char_span(s.start, s.end).end, TECHNIQUES.index(s.technique)].max() >= tuned.thresholds[TECHNIQUES.index(s.technique)] for s in spans)


def test_tuned_shipped_files_are_consistent():
    if not SHIPPED:
        pytest.skip("no tuned stage shipped")
    meta = json.loads((MODEL_FOLDER / f"{TUNED_NAME}.json").read_text(encoding="utf-8"))
    assert meta["techniques"] == list(TECHNIQUES) and meta["tags"] == list(TUNED_TAGS)
    assert meta["settings"]["rank"] <= 8
    assert all(0.0 < meta["mix"][t] <= 1.0 and 0.0 < meta["low_thresholds"][t] <= meta["thresholds"][t] < 1.0 for t in TECHNIQUES)
    assert (MODEL_FOLDER / f"{TUNED_NAME}.npz").stat().st_size < 2_000_000


def _copy_models(tmp_path: Path, *, tuned: bool, dense: bool) -> Path:
    for f in MODEL_FOLDER.iterdir():
        if f.name.startswith(TUNED_NAME) and not tuned or f.name.startswith(DENSE_NAME) and not dense:
            continue
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def test_tuned_missing_files_fall_back_to_the_dense_head(tmp_path, encoder, doc):
    if not (MODEL_FOLDER / f"{DENSE_NAME}.npz").is_file():
        pytest.skip("no dense head shipped")
    tagger = SpanTagger.load(_copy_models(tmp_path, tuned=False, dense=True), encoder=encoder)
    assert tagger.tuned is None and not tagger.uses_tuned and tagger.uses_embeddings
    assert tagger.name == "SpanTagger+all-MiniLM-L6-v2"
    # the dense head's probabilities, decoded with its thresholds
    vectors_probs = tagger.token_probabilities(doc)
    assert vectors_probs.shape == (len(doc), len(TECHNIQUES))


def test_tuned_missing_files_and_dense_head_fall_back_to_the_sparse_model(tmp_path, encoder, doc):
    tagger = SpanTagger.load(_copy_models(tmp_path, tuned=False, dense=False), encoder=encoder)
    assert tagger.tuned is None and tagger.dense is None and not tagger.uses_embeddings and tagger.name == "SpanTagger"
    assert np.array_equal(tagger.token_probabilities(doc), tagger.sparse_probabilities(doc))


def test_tuned_stage_is_not_loaded_without_an_encoder(tmp_path):
    if not SHIPPED:
        pytest.skip("no tuned stage shipped")
    tagger = SpanTagger.load(_copy_models(tmp_path, tuned=True, dense=True))
    assert tagger.tuned is None and not tagger.uses_tuned and tagger.name == "SpanTagger"


def test_tuned_broken_files_raise_model_error(tmp_path, encoder):
    if not SHIPPED:
        pytest.skip("no tuned stage shipped")
    folder = _copy_models(tmp_path, tuned=True, dense=True)
    meta_path = folder / f"{TUNED_NAME}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "techniques": ["Doubt"]}), encoding="utf-8")
    with pytest.raises(ModelError, match="does not match"):
        TunedStage.load(folder, TECHNIQUES)
    meta_path.write_text(json.dumps({k: v for k, v in meta.items() if k != "mix"}), encoding="utf-8")
    with pytest.raises(ModelError, match="mixing weights"):
        TunedStage.load(folder, TECHNIQUES)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    (folder / f"{TUNED_NAME}.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelError, match="make train"):
        SpanTagger.load(folder, encoder=encoder)


def test_tuned_stage_whose_encoder_is_not_installed_falls_back_to_the_dense_head(tmp_path, encoder, doc, monkeypatch, caplog):
    if not SHIPPED or not (MODEL_FOLDER / f"{DENSE_NAME}.npz").is_file():
        pytest.skip("no tuned stage or dense head shipped")
    from crosswire.embed import mpnet

    (tmp_path / "models").mkdir()
    folder = _copy_models(tmp_path / "models", tuned=True, dense=True)
    meta_path = folder / f"{TUNED_NAME}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "encoder": "all-mpnet-base-v2 + LoRA"}), encoding="utf-8")
    # all-mpnet-base-v2 absent: no unpacked copy, and its pieces' package name is one no index has
    monkeypatch.setenv("CROSSWIRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(mpnet, "PART_DISTS", ("crosswire-test-absent-model-part",))
    with caplog.at_level("WARNING", logger="crosswire.framing.tagger"):
        tagger = SpanTagger.load(folder, encoder=encoder)
    assert tagger.tuned is None and tagger.dense is not None and tagger.uses_embeddings
    assert "not installed" in caplog.text and "dense head" in caplog.text
    assert tagger.token_probabilities(doc).shape == (len(doc), len(TECHNIQUES))


def test_tuned_layout_spaces_get_zero(encoder, shipped_tagger):
    words = ["Evil", "thugs", "\n\n", "Lies", "!"]
    doc = hand_doc(words, [True, False, False, False, False], [True, False, False, True, False])
    probs = shipped_tagger.token_probabilities(doc)
    assert probs[2].tolist() == [0.0, 0.0] and TokenLayout.of(doc).space[2]
