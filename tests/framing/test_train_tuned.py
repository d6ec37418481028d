"""Training the span tagger's tuned stage: piece tags from token labels, the training subset, and a
fine-tuned stage that runs the same at run time as at training time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from crosswire.errors import ModelError
from crosswire.framing import train as T
from crosswire.framing.tagger import TECHNIQUES, SpanTagger, TokenLayout
from crosswire.framing.tuned import TUNED_NAME, TunedStage

pytest.importorskip("torch", reason="training needs the train extra (torch)")

from crosswire.framing import train_tuned as TT

LL, NC = TECHNIQUES


def _doc(text_words: list[tuple[str, bool]], sent_starts: list[bool]) -> Doc:
    words = [w for w, _ in text_words]
    spaces = [s for _, s in text_words]
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, sent_starts=sent_starts)


@pytest.fixture(scope="module")
def encoder():
    from crosswire.embed import SentenceEncoder

    try:
        return SentenceEncoder.load(max_length=128)
    except ModelError as exc:
        pytest.skip(f"the sentence encoder package is not installed: {exc}")


@pytest.fixture(scope="module")
def corpus() -> T.Corpus:
    """Two hand-made articles with gold spans: LL over "unbelievably vile", NC over "thugs", both over "Traitors"."""
    d1 = _doc(
        [("The", True), ("unbelievably", True), ("vile", True), ("thugs", True), ("attacked", True), ("us", False), (".", True),
         ("Talks", True), ("resumed", True), ("today", False), (".", False)],
        [True] + [False] * 6 + [True] + [False] * 3,
    )  # fmt: skip
    d2 = _doc([("Traitors", True), ("everywhere", False), ("!", True), ("Rain", True), ("fell", False), (".", False)], [True, False, False, True, False, False])
    gold = {
        "a1": [(LL, d1[1].idx, d1[2].idx + 4), (NC, d1[3].idx, d1[3].idx + 5), ("Doubt", 0, 3)],
        "a2": [(LL, 0, 8), (NC, 0, 8)],
    }
    docs = [d1, d2]
    ys = [T.token_labels(d, gold[i], TECHNIQUES) for d, i in zip(docs, ("a1", "a2"))]
    offsets = np.array([0, len(d1), len(d1) + len(d2)], dtype=np.int64)
    return T.Corpus(["a1", "a2"], docs, gold, None, np.concatenate(ys), offsets, [TokenLayout.of(d) for d in docs], {})


def _pieces_per_token(span, encoder):
    return [(t, len(encoder.tokenizer.encode(t.text, add_special_tokens=False).ids)) for t in span]


def test_train_tuned_piece_tags_follow_the_token_labels(corpus, encoder):
    chunks = TT.corpus_chunks(corpus, encoder)
    # one chunk per sentence, in order
    assert [(c.doc, c.a, c.b) for c in chunks] == [(0, 0, 7), (0, 7, 11), (1, 0, 3), (1, 3, 6)]
    for c in chunks:
        doc = corpus.docs[c.doc]
        enc = encoder.tokenizer.encode(doc[c.a : c.b].text, add_special_tokens=False)
        assert list(c.example.ids) == encoder.tokenize([doc[c.a : c.b].text])[0]
        assert len(c.tags) == len(c.example.ids) - 2 == len(enc.ids)
        expected = {"unbelievably": 1, "vile": 1, "thugs": 2, "traitors": 3}
        base = doc[c.a].idx
        for (start, _end), tag in zip(enc.offsets, c.tags.tolist()):
            token = next(t for t in doc[c.a : c.b] if t.idx <= base + start < t.idx + len(t.text))
            assert tag == expected.get(token.text.lower(), 0), (token.text, tag)
        assert sum(c.tags.tolist()) == sum(expected.get(t.text.lower(), 0) * n for t, n in _pieces_per_token(doc[c.a : c.b], encoder))


def test_train_tuned_training_chunks_keep_every_span_and_a_share_of_the_rest(corpus, encoder):
    chunks = TT.corpus_chunks(corpus, encoder)
    with_span = [i for i, c in enumerate(chunks) if (c.tags > 0).any()]
    assert with_span == [0, 2]
    assert TT.training_chunks(chunks, [0, 1], share=0.0, seed=13) == [0, 2]
    assert TT.training_chunks(chunks, [0, 1], share=1.0, seed=13) == [0, 1, 2, 3]
    assert TT.training_chunks(chunks, [1], share=1.0, seed=13) == [2, 3]
    # the draw is fixed by the seed
    assert TT.training_chunks(chunks, [0, 1], share=0.5, seed=7) == TT.training_chunks(chunks, [0, 1], share=0.5, seed=7)


@pytest.mark.slow
@pytest.mark.parametrize("name, layer", [("all-MiniLM-L6-v2", 5), ("all-mpnet-base-v2", 11)])
def test_train_tuned_saved_stage_runs_as_trained(corpus, encoder, tmp_path, name, layer):
    settings = replace(TT.TUNED, encoder=name, layers=(layer,), epochs=2, batch_size=4)
    try:
        base = settings.encoder_class.load(max_length=settings.max_pieces)
    except ModelError as exc:
        pytest.skip(f"{name} is not installed: {exc}")
    chunks = TT.corpus_chunks(corpus, base)
    head = TT.fit_tuned(chunks, range(len(chunks)), settings)
    assert len(head.losses) == 2 and head.weights.shape == (4, base.dim)
    best = {"mix": {LL: 1.0, NC: 0.5}, "thresholds": {LL: (0.4, 0.2), NC: (0.3, 0.3)}}
    npz, js = TT.save_tuned(head, tmp_path, settings=settings, best=best, cv=None)
    assert npz.name == f"{TUNED_NAME}.npz" and js.name == f"{TUNED_NAME}.json"
    stage = TunedStage.load(tmp_path, TECHNIQUES)
    assert stage.weights == (1.0, 0.5) and stage.thresholds == (0.4, 0.3) and stage.lows == (0.2, 0.3) and stage.max_pieces == 128
    # the numpy run time gives what training scored with
    assert stage.tagger.encoder.MODEL_NAME == name
    trained = TT.tuned_probabilities(corpus, head, [0, 1], settings)
    for k, doc in enumerate(corpus.docs):
        sparse = np.full((len(doc), 2), 0.5, dtype=np.float32)  # log-odds 0: the mix is w * logit(tuned)
        mixed = stage.probabilities(doc, sparse)
        logit = np.log(np.clip(trained[k], 1e-6, 1 - 1e-6) / (1 - np.clip(trained[k], 1e-6, 1 - 1e-6)))
        np.testing.assert_allclose(mixed[:, 0], 1 / (1 + np.exp(-logit[:, 0])), atol=1e-5)
        np.testing.assert_allclose(mixed[:, 1], 1 / (1 + np.exp(-0.5 * logit[:, 1])), atol=1e-5)
    # and the tagger built from the folder uses it
    for suffix in (".json", ".npz"):
        (tmp_path / f"span_tagger{suffix}").write_bytes((T.MODELS_DIR / f"span_tagger{suffix}").read_bytes())
    tagger = SpanTagger.load(tmp_path, encoder=encoder)
    assert tagger.uses_tuned and tagger.tuned.thresholds == (0.4, 0.3)


def test_train_tuned_mixed_cv_report_chooses_the_mix_on_the_other_folds(corpus):
    # the tuned stage is right on every token (1 inside a gold span, 0 outside), the sparse model says 0.5
    # everywhere: any weight below 1 still ranks the tokens right, and w = 1 scores perfectly
    tuned = {k: corpus.y[corpus.doc_offsets[k] : corpus.doc_offsets[k + 1]].astype(np.float32) for k in range(2)}
    sparse = {k: np.full_like(tuned[k], 0.5) for k in range(2)}
    report, best = TT.mixed_cv_report(corpus, tuned, sparse, np.array([0, 1]), grid=(0.5, 1.0))
    assert report["scores"]["loaded_language"]["f1"] == pytest.approx(1.0)
    assert report["scores"]["name_calling"]["f1"] == pytest.approx(1.0)
    assert report["fold_f1"]["micro"] == [1.0, 1.0]
    assert best["mix"][LL] in (0.5, 1.0) and len(report["chosen_per_fold"]) == 2
