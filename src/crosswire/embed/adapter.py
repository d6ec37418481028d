"""Low-rank adapters (LoRA) for the sentence encoder: task-tuned weights in a few hundred kilobytes.

A model fine-tuned for one task (``crosswire.embed.finetune``, at training time with torch) does not
ship a second copy of all-MiniLM-L6-v2's 90 MB of weights. It ships, for some of the encoder's
linear layers, two small matrices A (r × in) and B (out × r) whose product is the change to that
layer: W' = W + scale · B A, with r of 4 to 16. ``SentenceEncoder.with_adapter`` adds the changes
once, at load time, so the tuned encoder then runs exactly as fast as the base one
(``SentenceEncoder.load(adapter=...)``, or an encoder already loaded, whose untouched weights it shares).

File format: an ``.npz`` (read with ``allow_pickle=False``) holding, per adapted tensor NAME (its
Hugging Face name, e.g. ``encoder.layer.3.attention.self.query.weight``), the arrays ``NAME|lora_a`` and
``NAME|lora_b``, and one ``scale`` scalar. The same file may hold a task head's arrays under other names
(``head|...``); ``Adapter`` ignores them and the task reads them itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError

__all__ = ["Adapter"]

_A, _B = "|lora_a", "|lora_b"


@dataclass(frozen=True, slots=True)
class Adapter:
    """Low-rank changes to some of the encoder's weight matrices.

    Attributes:
        factors (dict[str, tuple[np.ndarray, np.ndarray]]): tensor name → (A, B), A of shape
            (rank, in) and B of shape (out, rank), the tensor being (out, in) as torch stores it.
        scale (float): the multiplier of B A (LoRA's alpha / rank).
        source (str): where it was read from (for messages).
    """

    factors: dict[str, tuple[np.ndarray, np.ndarray]]
    scale: float
    source: str = ""

    @classmethod
    def read(cls, path: str | Path) -> "Adapter":
        """Read an adapter file.

        Args:
            path (str | Path): the ``.npz`` file.
        RETURNS (Adapter): the adapter.
        Raises:
            ModelError: when the file is missing or unreadable, or a factor lacks its other half.
        """
        p = Path(path)
        try:
            with np.load(p, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except (OSError, ValueError) as exc:
            raise ModelError(f"{p}: cannot read the encoder adapter ({exc}); rebuild it with `make train`") from exc
        return cls.from_arrays(arrays, source=str(p))

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], *, source: str = "") -> "Adapter":
        """Build an adapter from the arrays of its file (other keys than factors and scale are ignored).

        Args:
            arrays (dict[str, np.ndarray]): ``NAME|lora_a``, ``NAME|lora_b`` and ``scale``.
            source (str): where they came from.
        RETURNS (Adapter): the adapter.
        Raises:
            ModelError: when ``scale`` is missing, a factor lacks its other half, or ranks disagree.
        """
        if "scale" not in arrays:
            raise ModelError(f"{source}: the encoder adapter has no 'scale'; rebuild it with `make train`")
        factors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for key in arrays:
            if not key.endswith(_A):
                continue
            name = key[: -len(_A)]
            b = arrays.get(name + _B)
            if b is None:
                raise ModelError(f"{source}: adapter factor {name!r} has A but no B")
            a = np.asarray(arrays[key], dtype=np.float32)
            b = np.asarray(b, dtype=np.float32)
            if a.ndim != 2 or b.ndim != 2 or a.shape[0] != b.shape[1]:
                raise ModelError(f"{source}: adapter factor {name!r} has shapes A {a.shape}, B {b.shape}")
            factors[name] = (a, b)
        orphans = [k[: -len(_B)] for k in arrays if k.endswith(_B) and k[: -len(_B)] not in factors]
        if orphans:
            raise ModelError(f"{source}: adapter factor {orphans[0]!r} has B but no A")
        return cls(factors=factors, scale=float(arrays["scale"]), source=source)

    def rounded(self) -> "Adapter":
        """RETURNS (Adapter): the same adapter with its factors rounded to float16, as ``save`` stores them
        (scores computed with it are the scores of the saved file)."""
        factors = {k: (a.astype(np.float16).astype(np.float32), b.astype(np.float16).astype(np.float32)) for k, (a, b) in self.factors.items()}
        return Adapter(factors=factors, scale=self.scale, source=self.source)

    def save(self, path: str | Path) -> Path:
        """Write the adapter as a compressed ``.npz`` (factors in float16: half the size, and the
        change to the merged weights is far below what moves a score).

        Args:
            path (str | Path): the file.
        RETURNS (Path): the file written.
        """
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        arrays = {k: (v.astype(np.float16) if k.endswith((_A, _B)) else v) for k, v in self.arrays().items()}
        np.savez_compressed(p, **arrays)
        return p

    def arrays(self) -> dict[str, np.ndarray]:
        """RETURNS (dict[str, np.ndarray]): the adapter as the arrays of its file."""
        out: dict[str, np.ndarray] = {"scale": np.float32(self.scale)}
        for name, (a, b) in self.factors.items():
            out[name + _A] = a
            out[name + _B] = b
        return out
