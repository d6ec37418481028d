"""The PLOVER dense views read between the two marked actors ("between", "between_max").

``between_span`` finds the stretch of the text between the actors; ``DenseHead.features`` pools the
text's own word-piece vectors there (mean and maximum, unit length), and falls back to the text's
vector where there is nothing to pool or no encoder.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crosswire.events.classify import DenseHead, EventClassifier, EventInput, between_span, embed_texts

TEXT = "Yesterday Iran, after a long meeting, condemned the US for the sanctions on its banks"
MARKED = "Yesterday <s>Iran</s>, after a long meeting, condemned <t>the US</t> for the sanctions on its banks"


@pytest.fixture(scope="module")
def encoder():
    from crosswire.embed.minilm import INSTALL_HINT, MODEL_PACKAGE, SentenceEncoder

    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    return SentenceEncoder.load()


def _head(views: tuple[str, ...]) -> DenseHead:
    return DenseHead(views, np.zeros((384 * len(views), 2), np.float32), np.zeros(2, np.float32), 0.5)


@pytest.mark.parametrize(
    "item,between",
    [
        (EventInput(TEXT, marked=MARKED), ", after a long meeting, condemned "),
        # target first: the span still runs from the end of the first actor to the start of the second
        (EventInput("The US was condemned by Iran", marked="<t>The US</t> was condemned by <s>Iran</s>"), " was condemned by "),
        # no marked sentence: the actor strings are looked up in the text
        (EventInput(TEXT, source="Iran", target="the US"), ", after a long meeting, condemned "),
    ],
)
def test_classify_between_span_finds_the_stretch_between_the_actors(item, between):
    span = between_span(item)
    assert span is not None
    assert item.text[span[0] : span[1]] == between


@pytest.mark.parametrize(
    "item",
    [
        EventInput(TEXT),  # no actors (the pipeline's input)
        EventInput(TEXT, marked="Yesterday <s>Iran</s>, after a long meeting, condemned the US"),  # one actor only
        EventInput("Iran US talks", marked="<s>Iran</s><t>US</t> talks"),  # the actors touch
        EventInput("something else entirely", marked=MARKED),  # the marked sentence is not this text
    ],
)
def test_classify_between_span_is_none_without_two_separate_actors(item):
    assert between_span(item) is None


def test_classify_between_views_pool_the_word_pieces_between_the_actors(encoder):
    item = EventInput(TEXT, marked=MARKED)
    text_vec = embed_texts(encoder, [TEXT])
    x = _head(("text", "between", "between_max")).features([item], text_vec, encoder)
    assert x.shape == (1, 3 * 384)
    assert np.allclose(x[:, :384], text_vec)
    tv = encoder.encode_tokens([TEXT])[0]
    start, end = between_span(item)
    inside = (tv.offsets[:, 0] >= start) & (tv.offsets[:, 1] <= end)
    pieces = [TEXT[a:b] for a, b in tv.offsets[inside]]
    assert "condemned" in "".join(p.lstrip("#") for p in pieces) and "Iran" not in pieces
    mean, top = tv.vectors[inside].mean(axis=0), tv.vectors[inside].max(axis=0)
    assert np.allclose(x[0, 384:768], mean / np.linalg.norm(mean), atol=1e-5)
    assert np.allclose(x[0, 768:], top / np.linalg.norm(top), atol=1e-5)
    assert np.linalg.norm(x[0, 384:768]) == pytest.approx(1.0, abs=1e-5)
    # read in context: the same words between other actors in another sentence pool differently
    other = EventInput("Iran, after a long meeting, condemned the strike", marked="<s>Iran</s>, after a long meeting, condemned <t>the strike</t>")
    y = _head(("between",)).features([other], embed_texts(encoder, [other.text]), encoder)
    assert not np.allclose(y[0], x[0, 384:768], atol=1e-3)


def test_classify_between_views_fall_back_to_the_text_vector(encoder):
    items = [EventInput(TEXT), EventInput(TEXT, marked=MARKED)]
    text_vecs = embed_texts(encoder, [TEXT, TEXT])
    head = _head(("text", "between", "between_max"))
    x = head.features(items, text_vecs, encoder)
    for k in (1, 2):  # no actors marked: each view is the text's vector
        assert np.allclose(x[0, 384 * k : 384 * (k + 1)], text_vecs[0])
    assert not np.allclose(x[1, 384:768], text_vecs[1], atol=1e-3)
    without_encoder = head.features(items, text_vecs, None)  # nothing to pool with
    assert np.allclose(without_encoder, np.hstack([text_vecs] * 3))


def test_classify_shipped_plover_head_reads_between_the_actors(encoder):
    clf = EventClassifier.load(schemes=("plover",), encoder=encoder)
    head = clf.head("plover")
    assert head.dense is not None and set(head.dense.views) <= {"text", "between", "between_max"}
    marked = EventInput(TEXT, marked=MARKED)
    plain = EventInput(TEXT)
    a, b = clf.classify([marked, plain], scheme="plover")
    assert a.label == "ACCUSE"
    # marking the actors changes what the dense part reads, so the probabilities differ
    assert a.confidence != pytest.approx(b.confidence, rel=1e-4)
