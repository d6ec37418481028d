"""Text similarity for linking and for ``crosswire eval similarity``: hashed TF-IDF, CPU only.

Terms are hashed (crc32) into a fixed number of buckets, so vectors are small sparse dicts and the
document frequencies of a growing store fit in a bounded table. Two term families are used:

* words (lower-cased ``\\w+`` tokens minus a short stop list), for same-language text;
* character n-grams (3–5, inside word boundaries), which survive inflection, transliteration
  ("al-Mayadin" / "Al-Mayadeen") and, for names and numbers, a change of language.

``PairScorer`` adds the overlap of numbers and capitalised names, which carry across languages.
IDF is always fitted on unlabelled text (the store's articles, or the texts of the file scored).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DIM",
    "Idf",
    "PairScorer",
    "char_ngrams",
    "cosine",
    "hashed",
    "names",
    "numbers",
    "overlap",
    "tfidf",
    "words",
]

#: Hash buckets for terms (2**20): collisions are rare enough not to matter for cosine scores.
DIM = 1 << 20

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-ZÀ-ÖØ-Þ][\w\-’']{2,})")

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this
    that these those he she they we you i his her their our your them him us not no so than then there here
    has have had do does did will would can could should may might must said says also about after before
    into over under more most other some such only own same just very which who whom whose what when where
    why how all any both each few up down out off again further once de la le les des et el los las en y
    der die das und den dem ein eine zu mit von il di che per""".split()
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens without stop words.

    Args:
        text (str): any text.
    RETURNS (list[str]): the tokens, in order.
    """
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def char_ngrams(text: str, *, sizes: tuple[int, ...] = (3, 4, 5)) -> list[str]:
    """Character n-grams inside word boundaries (each word padded with spaces, as ``char_wb``).

    Args:
        text (str): any text.
        sizes (tuple[int, ...]): the n-gram lengths.
    RETURNS (list[str]): the n-grams, in order.
    """
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        p = f" {w} "
        for n in sizes:
            if len(p) < n:
                continue
            out.extend(p[i : i + n] for i in range(len(p) - n + 1))
    return out


def hashed(terms: Iterable[str], *, prefix: str = "") -> Counter[int]:
    """Count terms by their hash bucket.

    Args:
        terms (Iterable[str]): the terms.
        prefix (str): a namespace ("w:", "c:") so families do not collide on purpose.
    RETURNS (Counter[int]): bucket → count.
    """
    return Counter(zlib.crc32((prefix + t).encode("utf-8")) & (DIM - 1) for t in terms)


@dataclass(slots=True)
class Idf:
    """Document frequencies of hashed terms, updated incrementally; IDF is smoothed as sklearn's."""

    n_docs: int = 0
    df: dict[int, int] = field(default_factory=dict)

    def add(self, counts: Iterable[int]) -> None:
        """Count one document's distinct terms.

        Args:
            counts (Iterable[int]): the document's term buckets (a Counter's keys).
        """
        self.n_docs += 1
        df = self.df
        for h in counts:
            df[h] = df.get(h, 0) + 1

    def weight(self, h: int) -> float:
        """RETURNS (float): ln((1 + N) / (1 + df)) + 1 for bucket ``h``."""
        return math.log((1 + self.n_docs) / (1 + self.df.get(h, 0))) + 1.0


def tfidf(counts: Counter[int], idf: Idf) -> dict[int, float]:
    """An L2-normalised TF-IDF vector with sublinear term frequency.

    Args:
        counts (Counter[int]): bucket → count for one document.
        idf (Idf): the document frequencies.
    RETURNS (dict[int, float]): bucket → weight, unit length (empty for an empty document).
    """
    # ``idf.weight`` inlined: this runs for every article linked and every text scored.
    log, df, n1 = math.log, idf.df, 1 + idf.n_docs
    vec = {h: (1.0 + log(c)) * (log(n1 / (1 + df.get(h, 0))) + 1.0) for h, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0:
        return {}
    return {h: v / norm for h, v in vec.items()}


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    """The dot product of two sparse vectors (their cosine when both are unit length).

    RETURNS (float): the dot product.
    """
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(h, 0.0) for h, v in a.items())


def numbers(text: str) -> set[str]:
    """The numbers a text states, normalised ("60,000" → "60000"); years and counts alike.

    RETURNS (set[str]): the numbers as strings.
    """
    return {m.replace(",", "").replace(".", "") for m in _NUMBER.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start, lower-cased: a cheap, language-neutral name set.

    RETURNS (set[str]): the name tokens.
    """
    return {m.lower() for m in _NAME.findall(text)}


def overlap(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two sets (0 when both are empty).

    RETURNS (float): |a ∩ b| / |a ∪ b|.
    """
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True, slots=True)
class PairWeights:
    """How the pair features combine into one similarity (fixed, not learnt from labels)."""

    word: float = 0.45
    char: float = 0.35
    names: float = 0.12
    numbers: float = 0.08


class PairScorer:
    """Similarity of two article texts: word and char n-gram TF-IDF cosine plus name/number overlap.

    Example:
        scorer = PairScorer.fit(all_texts)
        s = scorer.score(text1, text2)
    """

    def __init__(self, word_idf: Idf, char_idf: Idf, *, weights: PairWeights | None = None) -> None:
        self.word_idf = word_idf
        self.char_idf = char_idf
        self.weights = weights or PairWeights()
        self._cache: dict[str, tuple[dict[int, float], dict[int, float], set[str], set[str]]] = {}

    @classmethod
    def fit(cls, texts: Sequence[str], *, weights: PairWeights | None = None) -> "PairScorer":
        """Fit the IDF tables on unlabelled texts.

        Args:
            texts (Sequence[str]): the texts (each distinct text counts once).
            weights (PairWeights | None): the feature weights.
        RETURNS (PairScorer): the scorer.
        """
        wi, ci = Idf(), Idf()
        for t in dict.fromkeys(texts):
            wi.add(hashed(words(t), prefix="w:").keys())
            ci.add(hashed(char_ngrams(t), prefix="c:").keys())
        return cls(wi, ci, weights=weights)

    def features(self, text: str) -> tuple[dict[int, float], dict[int, float], set[str], set[str]]:
        """The vectors and sets of one text (cached by text).

        RETURNS (tuple): word vector, char vector, names, numbers.
        """
        hit = self._cache.get(text)
        if hit is None:
            hit = (
                tfidf(hashed(words(text), prefix="w:"), self.word_idf),
                tfidf(hashed(char_ngrams(text), prefix="c:"), self.char_idf),
                names(text),
                numbers(text),
            )
            self._cache[text] = hit
        return hit

    def score(self, a: str, b: str) -> float:
        """The similarity of two texts, in [0, 1] (higher = more similar).

        Args:
            a (str): one text.
            b (str): the other.
        RETURNS (float): the weighted combination of the four features.
        """
        fa, fb = self.features(a), self.features(b)
        w = self.weights
        return (
            w.word * cosine(fa[0], fb[0])
            + w.char * cosine(fa[1], fb[1])
            + w.names * overlap(fa[2], fb[2])
            + w.numbers * overlap(fa[3], fb[3])
        )
