"""Text similarity for linking and for ``crosswire eval similarity``: hashed TF-IDF, CPU only.

Terms are hashed (crc32) into a fixed number of buckets, so vectors are small sparse dicts and the
document frequencies of a growing store fit in a bounded table. Two term families are used:

* words (lower-cased ``\\w+`` tokens minus a short stop list), for same-language text;
* character n-grams (3–5, inside word boundaries), which survive inflection, transliteration
  ("al-Mayadin" / "Al-Mayadeen") and, for names and numbers, a change of language.

``PairScorer`` adds the overlap of numbers and capitalised names, which carry across languages.
IDF is always fitted on unlabelled text (the store's articles, or the texts of the file scored).

Given a sentence encoder (``crosswire.embed.SentenceEncoder``, all-MiniLM-L6-v2), ``PairScorer`` also
compares two embeddings per text: the whole text (cut at the model's 256 tokens) and its lead (the
first sentence: in news, the title and first line say what the story is). The features are then
combined by ``PairModel``, a linear model per language group fitted to SemEval-2022 Task 8 labels
(``python -m crosswire.linking.train_similarity``, ``make train``) and shipped in
``linking/models/pair_similarity.json``. The model is English-only, so its weight differs by group:
it dominates on en-en pairs, shares the score with the character n-grams on other same-language
pairs, and counts little across languages, where names and numbers carry the signal. Without an
encoder the four lexical features combine with the fixed ``PairWeights``, as before.

The model names the encoder its embedding features were computed with: since the fine-tuning step
of ``train_similarity``, all-MiniLM-L6-v2 plus a low-rank adapter (``models/pair_adapter.npz``)
tuned so that the cosine of two English texts fits the same-story score. ``load_pair_encoder``
loads that encoder; ``PairScorer`` refuses an encoder that lacks the model's adapter.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError

if TYPE_CHECKING:
    import numpy as np

    from ..embed import SentenceEncoder

__all__ = [
    "DIM",
    "FEATURES",
    "GROUPS",
    "GroupWeights",
    "Idf",
    "PairFeatures",
    "PairModel",
    "PairScorer",
    "PairWeights",
    "char_ngrams",
    "cosine",
    "hashed",
    "language_group",
    "lead",
    "load_pair_encoder",
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
# Sentence ends: . ! ? followed by space, a line break, or CJK full stops (no space after them).
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+|(?<=[。！？])")

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


def lead(text: str, *, min_chars: int = 15) -> str:
    """The first sentence of a text (for a news article: its title, often with the first line).

    Pieces shorter than ``min_chars`` (a dateline, "Qatar-", a stray bullet) are skipped.

    Args:
        text (str): any text.
        min_chars (int): the shortest piece that counts as a sentence.
    RETURNS (str): the first sentence, or the whole text (stripped) when none is long enough.
    """
    for piece in _SENTENCE_END.split(text):
        piece = piece.strip()
        if len(piece) >= min_chars:
            return piece
    return text.strip()


#: Language groups of a pair; each has its own feature weights in ``PairModel``.
GROUPS = ("en-en", "same", "cross")

#: The features of a pair, in the order of ``PairFeatures.vector`` and of ``GroupWeights.weights``.
FEATURES = ("word", "char", "names", "numbers", "emb_text", "emb_lead")


def language_group(lang1: str | None, lang2: str | None) -> str:
    """The group of a pair by its languages (ISO 639-1 codes).

    Args:
        lang1 (str | None): the first text's language; None when unknown.
        lang2 (str | None): the second text's language.
    RETURNS (str): "en-en" (both English), "same" (one other language, or a language unknown),
        or "cross" (two different known languages).
    """
    if lang1 is None or lang2 is None:
        return "same"
    if lang1 == lang2:
        return "en-en" if lang1 == "en" else "same"
    return "cross"


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """The similarity features of two texts; the embedding cosines are None without an encoder."""

    word: float
    char: float
    names: float
    numbers: float
    emb_text: float | None = None
    emb_lead: float | None = None

    def vector(self) -> tuple[float, ...]:
        """RETURNS (tuple[float, ...]): the features in ``FEATURES`` order (a missing cosine as 0)."""
        return (self.word, self.char, self.names, self.numbers, self.emb_text or 0.0, self.emb_lead or 0.0)


@dataclass(frozen=True, slots=True)
class PairWeights:
    """How the four lexical features combine when there is no encoder (fixed, not learnt from labels)."""

    word: float = 0.45
    char: float = 0.35
    names: float = 0.12
    numbers: float = 0.08


@dataclass(frozen=True, slots=True)
class GroupWeights:
    """One language group's linear model: similarity = bias + Σ weight · feature, clipped to [0, 1]."""

    group: str
    weights: tuple[float, ...]
    bias: float


#: The ``PairModel`` file shipped in the package, written by ``python -m crosswire.linking.train_similarity``.
MODEL_PATH = Path(__file__).resolve().parent / "models" / "pair_similarity.json"
MODEL_FORMAT = "crosswire.linking.pair_model.v1"


@dataclass(frozen=True, slots=True)
class PairModel:
    """Feature weights per language group, fitted to SemEval-2022 Task 8 labels.

    The target is (4 − Overall) / 3: 1 for "very similar", 0 for "very dissimilar".
    """

    groups: tuple[GroupWeights, ...]
    encoder: str = "all-MiniLM-L6-v2"
    meta: tuple[tuple[str, str], ...] = ()  # (key, JSON-encoded value): training data and CV scores
    adapter: str = ""  # the encoder adapter's file, beside the model file; "" for the base encoder

    def adapter_path(self, directory: Path | None = None) -> Path | None:
        """The adapter file the embedding features need.

        Args:
            directory (Path | None): the model file's folder; None for the shipped models' folder.
        RETURNS (Path | None): the ``.npz`` path, or None when the model uses the base encoder.
        """
        if not self.adapter:
            return None
        return (MODEL_PATH.parent if directory is None else Path(directory)) / self.adapter

    def group(self, name: str) -> GroupWeights:
        """The weights of one group.

        Args:
            name (str): one of ``GROUPS``.
        RETURNS (GroupWeights): its weights.
        Raises:
            KeyError: when the model has no such group.
        """
        for g in self.groups:
            if g.group == name:
                return g
        raise KeyError(f"no weights for language group {name!r}; the model has {[g.group for g in self.groups]}")

    def predict(self, features: PairFeatures, group: str) -> float:
        """The similarity of a pair.

        Args:
            features (PairFeatures): the pair's features (with the embedding cosines).
            group (str): its language group (``language_group``).
        RETURNS (float): the predicted (4 − Overall) / 3, clipped to [0, 1].
        """
        g = self.group(group)
        s = g.bias + sum(w * x for w, x in zip(g.weights, features.vector()))
        return min(1.0, max(0.0, s))

    def to_dict(self) -> dict:
        """RETURNS (dict): the JSON form (``format``, ``features``, ``encoder``, ``adapter``, ``groups``, ``meta``)."""
        return {
            "format": MODEL_FORMAT,
            "features": list(FEATURES),
            "encoder": self.encoder,
            "adapter": self.adapter,
            "groups": {g.group: {"weights": list(g.weights), "bias": g.bias} for g in self.groups},
            "meta": {k: json.loads(v) for k, v in self.meta},
        }

    @classmethod
    def from_dict(cls, data: dict, *, source: str = "<dict>") -> "PairModel":
        """Build a model from its JSON form.

        Args:
            data (dict): what ``to_dict`` wrote.
            source (str): where it came from (for messages).
        RETURNS (PairModel): the model.
        Raises:
            ModelError: when the format, the feature list or a group is wrong.
        """
        how = "Retrain it with: python -m crosswire.linking.train_similarity ../shared/bench/similarity/pairs.csv"
        if data.get("format") != MODEL_FORMAT or tuple(data.get("features", ())) != FEATURES:
            raise ModelError(
                f"{source}: pair model format {data.get('format')!r} with features {data.get('features')}; "
                f"this crosswire reads {MODEL_FORMAT} with {list(FEATURES)}. {how}"
            )
        groups = []
        for name in GROUPS:
            g = data.get("groups", {}).get(name)
            if g is None or len(g.get("weights", ())) != len(FEATURES):
                raise ModelError(f"{source}: language group {name!r} is missing or has the wrong number of weights. {how}")
            groups.append(GroupWeights(name, tuple(float(w) for w in g["weights"]), float(g["bias"])))
        meta = tuple((str(k), json.dumps(v)) for k, v in data.get("meta", {}).items())
        adapter = str(data.get("adapter") or "")
        if Path(adapter).name != adapter or adapter in (".", ".."):
            raise ModelError(f"{source}: the adapter must be a file name beside the model, not {adapter!r}. {how}")
        return cls(tuple(groups), encoder=str(data.get("encoder", "")), meta=meta, adapter=adapter)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PairModel":
        """Read a model file.

        Args:
            path (str | Path | None): the JSON file; None for the one shipped in the package.
        RETURNS (PairModel): the model.
        Raises:
            ModelError: when the file is missing or malformed.
        """
        p = MODEL_PATH if path is None else Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{p}: cannot read the pair similarity model ({exc}). Retrain it with: "
                "python -m crosswire.linking.train_similarity ../shared/bench/similarity/pairs.csv"
            ) from exc
        return cls.from_dict(data, source=str(p))


class PairScorer:
    """Similarity of two article texts: TF-IDF cosines and name/number overlap, plus embeddings if given.

    Example:
        scorer = PairScorer.fit(all_texts)                            # lexical features only
        scorer = PairScorer.fit(all_texts, encoder=load_pair_encoder())      # with embeddings
        s = scorer.score(text1, text2, langs=("en", "de"))
    """

    def __init__(
        self,
        word_idf: Idf,
        char_idf: Idf,
        *,
        weights: PairWeights | None = None,
        encoder: SentenceEncoder | None = None,
        model: PairModel | None = None,
    ) -> None:
        """Make a scorer from fitted IDF tables.

        Args:
            word_idf (Idf): word document frequencies.
            char_idf (Idf): character n-gram document frequencies.
            weights (PairWeights | None): the lexical weights used without an encoder.
            encoder (SentenceEncoder | None): the sentence encoder; None for lexical features only.
            model (PairModel | None): the weights used with an encoder; None for ``PairModel.load()``.
        Raises:
            ModelError: when an encoder is given, no model is, and the shipped model cannot be read;
                or when the model needs an adapter the encoder was loaded without (``load_pair_encoder``).
        """
        self.word_idf = word_idf
        self.char_idf = char_idf
        self.weights = weights or PairWeights()
        self.encoder = encoder
        self.model = model if model is not None or encoder is None else PairModel.load()
        if encoder is not None and self.model is not None and self.model.adapter and self.model.adapter not in encoder.source:
            raise ModelError(
                f"The pair model's embedding features come from the encoder with {self.model.adapter}, but this "
                f"encoder is {encoder.source}; load it with crosswire.linking.similarity.load_pair_encoder()"
            )
        self._cache: dict[str, tuple[dict[int, float], dict[int, float], set[str], set[str]]] = {}
        self._vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        *,
        weights: PairWeights | None = None,
        encoder: SentenceEncoder | None = None,
        model: PairModel | None = None,
    ) -> "PairScorer":
        """Fit the IDF tables on unlabelled texts (and, with an encoder, embed them all in batches).

        Args:
            texts (Sequence[str]): the texts (each distinct text counts once).
            weights (PairWeights | None): the lexical weights used without an encoder.
            encoder (SentenceEncoder | None): the sentence encoder, or None.
            model (PairModel | None): the weights used with an encoder; None for the shipped model.
        RETURNS (PairScorer): the scorer.
        """
        wi, ci = Idf(), Idf()
        distinct = list(dict.fromkeys(texts))
        for t in distinct:
            wi.add(hashed(words(t), prefix="w:").keys())
            ci.add(hashed(char_ngrams(t), prefix="c:").keys())
        scorer = cls(wi, ci, weights=weights, encoder=encoder, model=model)
        if encoder is not None:
            scorer.embed(distinct)
        return scorer

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

    def embed(self, texts: Sequence[str]) -> None:
        """Encode the texts not yet seen, in batches (whole text and lead), and keep the vectors.

        Scoring embeds a missing text on its own; calling this first on every text is faster.

        Args:
            texts (Sequence[str]): the texts.
        Raises:
            ValueError: when the scorer has no encoder.
        """
        if self.encoder is None:
            raise ValueError("this PairScorer has no encoder: build it with PairScorer.fit(texts, encoder=...)")
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if not todo:
            return
        # One call for whole texts and leads: the encoder groups them by length.
        vecs = self.encoder.encode(todo + [lead(t) for t in todo])
        n = len(todo)
        for i, t in enumerate(todo):
            self._vectors[t] = (vecs[i], vecs[n + i])

    def pair_features(self, a: str, b: str) -> PairFeatures:
        """All features of a pair of texts.

        Args:
            a (str): one text.
            b (str): the other.
        RETURNS (PairFeatures): the lexical features, and the embedding cosines when there is an encoder.
        """
        fa, fb = self.features(a), self.features(b)
        emb_text = emb_lead = None
        if self.encoder is not None:
            self.embed([a, b])
            (ta, la), (tb, lb) = self._vectors[a], self._vectors[b]
            emb_text, emb_lead = float(ta @ tb), float(la @ lb)
        return PairFeatures(
            cosine(fa[0], fb[0]), cosine(fa[1], fb[1]), overlap(fa[2], fb[2]), overlap(fa[3], fb[3]),
            emb_text, emb_lead,
        )  # fmt: skip

    def score(self, a: str, b: str, *, langs: tuple[str | None, str | None] | None = None) -> float:
        """The similarity of two texts, in [0, 1] (higher = more similar).

        Args:
            a (str): one text.
            b (str): the other.
            langs (tuple | None): the texts' languages, which pick the weights of ``PairModel``
                (``language_group``); None when unknown. Unused without an encoder.
        RETURNS (float): without an encoder, the ``PairWeights`` combination of the four lexical
            features; with one, ``PairModel``'s prediction for the pair's language group.
        """
        f = self.pair_features(a, b)
        if self.encoder is None or self.model is None:
            w = self.weights
            return w.word * f.word + w.char * f.char + w.names * f.names + w.numbers * f.numbers
        return self.model.predict(f, language_group(*(langs or (None, None))))


def load_pair_encoder(model: PairModel | None = None, *, directory: Path | None = None) -> "SentenceEncoder":
    """The sentence encoder the pair model's embedding features need (with its adapter merged).

    Args:
        model (PairModel | None): the pair model; None for the shipped one.
        directory (Path | None): the folder of the model file (where its adapter is); None for the
            shipped models' folder.
    RETURNS (SentenceEncoder): the encoder (about 0.5 s to load).
    Raises:
        ModelError: when the encoder package, the model or its adapter cannot be read.
    """
    from ..embed import Adapter, SentenceEncoder

    model = PairModel.load() if model is None else model
    path = model.adapter_path(directory)
    return SentenceEncoder.load(adapter=None if path is None else Adapter.read(path))
