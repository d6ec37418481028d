"""Metric helpers shared by the evaluators: confusion counts and shingle matching.

Two text-extraction metrics are defined here, each exactly as its benchmark defines it
(``shared/bench/extraction/README.md``):

* the **snippet** metric of the trafilatura evaluation corpus: "with" snippets that must appear in
  the output and "without" snippets that must not (trafilatura ``tests/eval_common.py``);
* the **shingle** metric of the Zyte/Scrapinghub article-extraction benchmark: 4-grams of word
  tokens, matched as multisets, normalised per document and macro-averaged (its ``evaluate.py``).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def safe_div(num: float, den: float) -> float:
    """RETURNS (float): ``num / den``, or 0.0 when ``den`` is 0."""
    return num / den if den else 0.0


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 with their counts."""

    p: float
    r: float
    f1: float
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @classmethod
    def of(cls, tp: int, n_pred: int, n_gold: int, *, digits: int | None = None) -> "PRF":
        """From counts: P = tp / n_pred, R = tp / n_gold (0 when a count is 0), F1 their harmonic mean.

        Args:
            tp (int): correct predictions.
            n_pred (int): predictions.
            n_gold (int): gold items.
            digits (int | None): round P, R and F1 to this many decimals; None keeps them exact.
        RETURNS (PRF): the scores with their counts.
        """
        p, r = safe_div(tp, n_pred), safe_div(tp, n_gold)
        f1 = safe_div(2 * p * r, p + r)
        if digits is not None:
            p, r, f1 = round(p, digits), round(r, digits), round(f1, digits)
        return cls(p, r, f1, tp, n_pred, n_gold)


# --- the snippet metric (trafilatura corpus) -------------------------------------------------


def norm(text: str) -> str:
    """Collapse whitespace as trafilatura's evaluation does: ``re.sub(r"\\s+", " ", x).strip()``.

    Args:
        text (str): any text.
    RETURNS (str): the normalised text.
    """
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Confusion:
    """Counts of a binary decision: true/false positives and negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def __add__(self, other: "Confusion") -> "Confusion":
        return Confusion(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    @property
    def precision(self) -> float:
        """RETURNS (float): TP / (TP + FP)."""
        return safe_div(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """RETURNS (float): TP / (TP + FN)."""
        return safe_div(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        """RETURNS (float): 2TP / (2TP + FP + FN)."""
        return safe_div(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def accuracy(self) -> float:
        """RETURNS (float): (TP + TN) / all."""
        return safe_div(self.tp + self.tn, self.tp + self.fp + self.fn + self.tn)


def snippet_confusion(output: str | None, with_: Sequence[str], without: Sequence[str]) -> Confusion:
    """Score one document of the trafilatura corpus.

    A "with" snippet found in the output is a true positive, one missing a false negative; a
    "without" snippet found is a false positive, one missing a true negative. Matching is a
    case-sensitive substring test after ``norm``; an empty or None output finds nothing.

    Args:
        output (str | None): the extractor's main text.
        with_ (Sequence[str]): snippets that must appear.
        without (Sequence[str]): boilerplate snippets that must not.
    RETURNS (Confusion): the counts for this document.
    """
    if not output:
        return Confusion(tp=0, fp=0, fn=len(with_), tn=len(without))
    text = norm(output)
    tp = sum(norm(w) in text for w in with_)
    fp = sum(norm(b) in text for b in without)
    return Confusion(tp=tp, fp=fp, fn=len(with_) - tp, tn=len(without) - fp)


# --- the shingle metric (Scrapinghub benchmark) ----------------------------------------------


def tokens(text: str | None) -> list[str]:
    """Word tokens as the Scrapinghub benchmark finds them: ``re.findall(r"\\w+", x)``, case kept.

    Args:
        text (str | None): any text.
    RETURNS (list[str]): the tokens.
    """
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-grams of consecutive tokens.

    A text of 1 to ``n - 1`` tokens yields one shingle of all its tokens; an empty text none.

    Args:
        text (str | None): any text.
        n (int): the shingle length.
    RETURNS (Counter[tuple[str, ...]]): shingle counts.
    """
    toks = tokens(text)
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(toks) - n + 1)):
        shingle = tuple(toks[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


@dataclass(frozen=True, slots=True)
class ShingleMatch:
    """Shingle counts of one document, normalised to sum to 1 (when any), and exact token match."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def precision(self) -> float:
        """RETURNS (float): per-document precision as the benchmark defines it."""
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        """RETURNS (float): per-document recall as the benchmark defines it."""
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


def shingle_match(gold: str | None, pred: str | None, n: int = 4) -> ShingleMatch:
    """Match the shingles of one predicted text against its gold text.

    Args:
        gold (str | None): the gold article body.
        pred (str | None): the extracted text.
        n (int): the shingle length.
    RETURNS (ShingleMatch): tp, fp and fn divided by their sum (so every document weighs the same).
    """
    g, p = shingles(gold, n), shingles(pred, n)
    tp = fp = fn = 0.0
    for key in g.keys() | p.keys():
        cg, cp = g.get(key, 0), p.get(key, 0)
        tp += min(cg, cp)
        fp += max(0, cp - cg)
        fn += max(0, cg - cp)
    s = tp + fp + fn
    if s > 0:
        tp, fp, fn = tp / s, fp / s, fn / s
    return ShingleMatch(tp, fp, fn, exact=tokens(gold) == tokens(pred))


@dataclass(frozen=True, slots=True)
class ShingleScores:
    """Corpus scores of the shingle metric."""

    n: int
    precision: float
    recall: float
    f1: float
    accuracy: float


def shingle_scores(matches: Iterable[ShingleMatch]) -> ShingleScores:
    """Macro-average per-document shingle matches into corpus scores.

    Precision is the mean over documents with tp + fp > 0, recall the mean over documents with
    tp + fn > 0, F1 = 2PR/(P+R), accuracy the share of exact token-sequence matches.

    Args:
        matches (Iterable[ShingleMatch]): one per document.
    RETURNS (ShingleScores): the corpus scores (0.0 where a mean has no documents).
    """
    ms = list(matches)
    ps = [m.precision for m in ms if m.tp + m.fp > 0]
    rs = [m.recall for m in ms if m.tp + m.fn > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return ShingleScores(
        n=len(ms),
        precision=p,
        recall=r,
        f1=safe_div(2 * p * r, p + r),
        accuracy=safe_div(sum(m.exact for m in ms), len(ms)),
    )
