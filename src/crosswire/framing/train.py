"""Train the propaganda span tagger on the PTC dev articles and write it to ``framing/models/``.

    python -m crosswire.framing.train [BENCH_FRAMING_DIR] [--cv 5] [--report FILE] [--out DIR] [--no-embeddings]

BENCH_FRAMING_DIR defaults to ``../shared/bench/framing`` (its ``ptc/`` part is used). Steps:

1. build a word-bias lexicon from BABE ``biased_words`` and BASIL ``lex`` spans (``build_lexicon``;
   no PTC data), parse the articles with the crosswire spaCy pipeline and compute the hashed
   token features (``framing.features``); a token is a positive of technique c when it overlaps
   a gold span of c; one logistic regression per technique (C in ``C_BY_TECHNIQUE``);
2. with ``--cv K``: K-fold cross-validation by article (seed 13). Each fold's held-out articles
   are tagged by models fitted on the other folds; the decoding thresholds (high, low) applied to
   a fold are the pair of ``DECODE_GRID`` that maximises span F1 on the *other* folds' out-of-fold
   predictions, so no number is tuned on the articles it scores. The summed fold scores (the
   README's formula over all dev articles) are the honest dev number;
3. the shipped thresholds of each technique maximise its span F1 over all out-of-fold
   predictions (without ``--cv``: ``DEFAULT_THRESHOLDS``); the shipped weights are fitted on all
   dev articles; the in-sample scores of the shipped model are reported too (optimistic: labelled so);
4. unless ``--no-embeddings``: the dense head (``tagger.DenseHead``). Every token gets its contextual
   all-MiniLM-L6-v2 vector (``features.token_vectors``); the head reads it, its neighbours' and the
   sparse model's log-odds (``DENSE``), through one ReLU layer trained here in numpy (Adam,
   dropout, fixed seed, one BLAS thread: deterministic). Its inputs must look at training time as
   they will on new text, so the sparse log-odds it learns from are out-of-fold: for the shipped
   head, the step-2 predictions; inside the CV (with ``--cv K``), *nested* ones: for outer fold f,
   the training articles of fold g get the predictions of a sparse model fitted without folds f and
   g, so no sparse input of the head's training rows was fitted on the articles it is scored on.
   Thresholds as in steps 2-3. Without ``--no-embeddings`` the encoder package must be installed.
5. unless ``--no-embeddings``: the tuned stage (``framing.tuned``, trained by ``framing.train_tuned``):
   all-MiniLM-L6-v2 fine-tuned with LoRA adapters (torch, CPU, one thread) to tag word pieces; with
   ``--cv K`` the same folds score it, its mixing weight with the sparse model's out-of-fold log-odds
   and its thresholds chosen on the other folds; the shipped adapter is fitted on all articles.
   It takes the longest: 7-8 minutes per fold and 12 minutes for the final fit on one shared core.

scikit-learn and torch are needed here only (``pip install -e .[train]``); run time uses numpy. The report
(JSON) goes to stdout and, with ``--report``, to FILE; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..eval.framing import FOCUS, SpanScores, read_ptc_articles, read_ptc_labels, technique_scores
from .features import FEATURE_VERSION, HASH_BITS, doc_buckets, token_vectors
from .tagger import DENSE_NAME, MODEL_NAME, MODELS_DIR, TECHNIQUES, SpanTagger, TokenLayout, decode, dense_inputs
from .tuned import TUNED_NAME

SEED = 13
#: inverse regularisation strength of each technique's logistic regression, chosen by 5-fold CV
#: among 0.5, 1, 2 (both techniques at one C: LL F1 0.288, 0.284, 0.269; NC F1 0.239, 0.241, 0.228;
#: 0.1 was far worse with earlier features). The choice itself is tuned on the CV numbers.
C_BY_TECHNIQUE = {"Loaded_Language": 0.5, "Name_Calling,Labeling": 1.0}
#: keep hash buckets seen in at least this many training tokens
MIN_DF = 2
#: decoding settings tried on the out-of-fold token probabilities: (high, low) thresholds
HIGH_GRID = (0.04, 0.06, 0.08, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
LOW_RATIOS = (1.0, 0.75, 0.5, 0.35)
DECODE_GRID = tuple((hi, round(hi * r, 4)) for hi in HIGH_GRID for r in LOW_RATIOS)
DEFAULT_THRESHOLDS = {"Loaded_Language": (0.2, 0.1), "Name_Calling,Labeling": (0.15, 0.075)}


@dataclass(frozen=True)
class DenseSettings:
    """The dense head: what it reads (``tagger.DENSE_INPUTS``) and how its network is trained."""

    inputs: tuple[str, ...] = ("vec", "prev", "next", "sparse")
    hidden: int = 256
    epochs: int = 8
    learning_rate: float = 1e-3
    batch: int = 256
    l2: float = 1e-4
    drop_in: float = 0.2
    drop_hidden: float = 0.5


#: chosen by 5-fold CV (nested sparse inputs) among the variants listed in docs/BENCHMARKS.md
DENSE = DenseSettings()


def build_lexicon(bench: Path) -> tuple[dict[int, str], dict]:
    """A word lexicon from the other framing corpora: how often annotators marked a word as biased.

    BABE (``babe/final_labels_SG2.csv``): per lower-cased word, m = times it is in a sentence's
    ``biased_words`` and n = sentences holding it; class ``babe_hi`` when m >= 2 and m/n >= 0.5,
    ``babe_mid`` when m >= 2 and m/n >= 0.15, ``babe_lo`` when m >= 1 and m/n >= 0.05. BASIL
    (``basil/``): words of ``lex`` spans add ``basil`` (joined with a BABE class: ``babe_hi+basil``).
    Missing corpora give an empty part. Only PTC-independent data is used, so CV stays honest.

    Args:
        bench (Path): the framing bench folder.
    RETURNS (tuple[dict[int, str], dict]): ``word_key(word)`` -> class, and counts per class.
    """
    import ast
    import csv
    import re
    from collections import Counter

    from ..eval.basil import read_basil
    from .features import word_key

    word = re.compile(r"[a-z]+(?:'[a-z]+)?")
    marked: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    babe = bench / "babe" / "final_labels_SG2.csv"
    if babe.is_file():
        with open(babe, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh, delimiter=";"):
                try:
                    biased = ast.literal_eval(row.get("biased_words") or "[]")
                except (ValueError, SyntaxError):
                    biased = []
                for phrase in biased:
                    for w in set(word.findall(str(phrase).lower())):
                        marked[w] += 1
                for w in set(word.findall((row.get("text") or "").lower())):
                    seen[w] += 1
    classes: dict[str, str] = {}
    for w, m in marked.items():
        rate = m / max(seen[w], m)
        if m >= 2 and rate >= 0.5:
            classes[w] = "babe_hi"
        elif m >= 2 and rate >= 0.15:
            classes[w] = "babe_mid"
        elif rate >= 0.05:
            classes[w] = "babe_lo"
    basil = bench / "basil"
    if basil.is_dir():
        basil_words = set()
        for art in read_basil(basil):
            units = dict(art.units)
            for uid, bias, s, e in art.spans:
                if bias == "lex":
                    basil_words.update(word.findall(units[uid][s:e].lower()))
        for w in basil_words:
            classes[w] = classes[w] + "+basil" if w in classes else "basil"
    counts = Counter(classes.values())
    return {word_key(w): c for w, c in classes.items()}, dict(sorted(counts.items()))


@dataclass
class Corpus:
    """Parsed dev articles with their features and per-token labels."""

    ids: list[str]
    docs: list
    gold: dict[str, list[tuple[str, int, int]]]
    x: object  # scipy.sparse.csr_matrix, one row per token of all docs
    y: np.ndarray  # (tokens, techniques) bool
    doc_offsets: np.ndarray  # token rows of doc k: doc_offsets[k]:doc_offsets[k + 1]
    layouts: list[TokenLayout]
    lexicon: dict[int, str]


def token_labels(doc, rows: Sequence[tuple[str, int, int]], techniques: Sequence[str]) -> np.ndarray:
    """Per token and technique: does the token overlap a gold span of the technique?

    Args:
        doc (Doc): the parsed article.
        rows (Sequence[tuple[str, int, int]]): gold (technique, start, end).
        techniques (Sequence[str]): the label columns.
    RETURNS (np.ndarray): bool, (len(doc), len(techniques)); whitespace tokens are never positive.
    """
    y = np.zeros((len(doc), len(techniques)), dtype=bool)
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    ends = starts + np.array([len(t.text) for t in doc], dtype=np.int64)
    space = np.array([t.is_space for t in doc], dtype=bool)
    for tech, s, e in rows:
        if tech not in techniques:
            continue
        k = techniques.index(tech)
        y[(starts < e) & (ends > s) & ~space, k] = True
    return y


def build_corpus(bench: Path, nlp, lexicon: dict[int, str]) -> Corpus:
    """Parse the PTC dev articles and featurise them.

    Args:
        bench (Path): the framing bench folder (holding ``ptc/``).
        nlp (Language): the spaCy pipeline.
        lexicon (dict[int, str]): the word lexicon (``build_lexicon``).
    RETURNS (Corpus): the featurised corpus.
    """
    from scipy.sparse import csr_matrix

    articles = read_ptc_articles(bench / "ptc" / "articles")
    gold = read_ptc_labels(bench / "ptc" / "task2-TC.labels")
    ids = list(articles)
    docs, rows_b, rows_o, ys = [], [], [], []
    t0 = time.time()
    for k, doc in enumerate(nlp.pipe([articles[i] for i in ids], batch_size=16), start=1):
        docs.append(doc)
        b, o = doc_buckets(doc, lexicon)
        rows_b.append(b)
        rows_o.append(o)
        ys.append(token_labels(doc, gold.get(ids[k - 1], []), TECHNIQUES))
        if k % 50 == 0:
            print(f"  parsed {k}/{len(ids)} articles ({time.time() - t0:.0f} s)", file=sys.stderr)
    return corpus_from_parts(ids, docs, gold, rows_b, rows_o, ys, csr_matrix, lexicon)


def corpus_from_parts(ids, docs, gold, rows_b, rows_o, ys, csr_matrix, lexicon) -> Corpus:
    """Stack per-document buckets and labels into one sparse matrix (internal)."""
    indices = np.concatenate(rows_b)
    indptr_parts, base = [np.zeros(1, dtype=np.int64)], 0
    for b, o in zip(rows_b, rows_o):
        indptr_parts.append(o[1:] + base)
        base += len(b)
    indptr = np.concatenate(indptr_parts)
    data = np.ones(len(indices), dtype=np.float32)
    x = csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, 1 << HASH_BITS))
    x.sum_duplicates()
    doc_offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    doc_offsets[1:] = np.cumsum([len(d) for d in docs])
    return Corpus(ids, docs, gold, x, np.concatenate(ys), doc_offsets, [TokenLayout.of(d) for d in docs], lexicon)


def _rows(corpus: Corpus, doc_idx: Sequence[int]) -> np.ndarray:
    return np.concatenate([np.arange(corpus.doc_offsets[k], corpus.doc_offsets[k + 1]) for k in doc_idx])


def fit(corpus: Corpus, doc_idx: Sequence[int], *, c: dict[str, float] | None = None, min_df: int = MIN_DF):
    """Fit one logistic regression per technique on the tokens of the given documents.

    Args:
        corpus (Corpus): the featurised corpus.
        doc_idx (Sequence[int]): the training documents.
        c (dict[str, float] | None): C per technique (default ``C_BY_TECHNIQUE``).
        min_df (int): keep buckets present in at least this many training tokens.
    RETURNS (tuple[np.ndarray, np.ndarray, np.ndarray]): kept buckets (int64), weights
        (len(cols), techniques) and biases (techniques,).
    """
    from sklearn.linear_model import LogisticRegression

    c = c or C_BY_TECHNIQUE
    rows = _rows(corpus, doc_idx)
    x = corpus.x[rows]
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    cols = np.flatnonzero(df >= min_df).astype(np.int64)
    xc = x[:, cols].tocsr()
    weights = np.zeros((len(cols), len(TECHNIQUES)), dtype=np.float64)
    bias = np.zeros(len(TECHNIQUES), dtype=np.float64)
    for k, tech in enumerate(TECHNIQUES):
        model = LogisticRegression(C=c[tech], solver="liblinear", max_iter=200, random_state=SEED)
        model.fit(xc, corpus.y[rows, k])
        weights[:, k] = model.coef_[0]
        bias[k] = model.intercept_[0]
    return cols, weights, bias


def make_tagger(
    cols, weights, bias, thresholds: dict[str, tuple[float, float]], lexicon: dict[int, str], meta: dict | None = None
) -> SpanTagger:
    """RETURNS (SpanTagger): a tagger from fitted weights (float32 as shipped), (high, low) thresholds."""
    dense = np.zeros((1 << HASH_BITS, len(TECHNIQUES)), dtype=np.float32)
    dense[cols] = weights.astype(np.float32)
    return SpanTagger(TECHNIQUES, dense, bias.astype(np.float32), tuple(thresholds[t][0] for t in TECHNIQUES), meta or {},
        tuple(thresholds[t][1] for t in TECHNIQUES), lexicon)


def _scores(
    corpus: Corpus, doc_idx: Sequence[int], probs: dict[int, np.ndarray], thresholds: dict[str, tuple[float, float]]
) -> dict[str, SpanScores]:
    system, gold = {}, {}
    highs = tuple(thresholds[t][0] for t in TECHNIQUES)
    lows = tuple(thresholds[t][1] for t in TECHNIQUES)
    for k in doc_idx:
        aid = corpus.ids[k]
        spans = decode(corpus.layouts[k], probs[k], TECHNIQUES, highs, lows)
        system[aid] = [(s.technique, s.start, s.end) for s in spans]
        gold[aid] = corpus.gold.get(aid, [])
    return technique_scores(system, gold)


def best_thresholds(corpus: Corpus, doc_idx: Sequence[int], probs: dict[int, np.ndarray]) -> dict[str, tuple[float, float]]:
    """Per technique, the (high, low) pair of ``DECODE_GRID`` with the best span F1 on these documents."""
    best: dict[str, tuple[float, float]] = {}
    off = (1.1, 1.1)
    for tech in TECHNIQUES:
        f1s = []
        for pair in DECODE_GRID:
            thr = {t: (pair if t == tech else off) for t in TECHNIQUES}
            f1s.append(_scores(corpus, doc_idx, probs, thr)[tech].f1)
        best[tech] = DECODE_GRID[int(np.argmax(f1s))]
    return best


def _brief(scores: dict[str, SpanScores]) -> dict:
    out = {key: {m: round(v, 4) for m, v in scores[tech].to_dict().items()} for tech, key in FOCUS.items()}
    out["micro"] = {m: round(v, 4) for m, v in scores["micro"].to_dict().items()}
    return out


def fold_of_docs(n: int, folds: int) -> np.ndarray:
    """RETURNS (np.ndarray): the fold of each document (shuffled with ``SEED``, sizes differ by <= 1)."""
    order = np.random.default_rng(SEED).permutation(n)
    fold = np.zeros(n, dtype=int)
    for pos, k in enumerate(order):
        fold[k] = pos % folds
    return fold


def oof_probabilities(corpus: Corpus, folds: int, *, c: dict[str, float] | None = None) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Out-of-fold token probabilities of every document.

    RETURNS (tuple[dict[int, np.ndarray], np.ndarray]): doc index -> (tokens, techniques)
        probabilities, and the fold of each document.
    """
    fold = fold_of_docs(len(corpus.docs), folds)
    probs: dict[int, np.ndarray] = {}
    for f in range(folds):
        test = np.flatnonzero(fold == f)
        train = np.flatnonzero(fold != f)
        tagger = make_tagger(*fit(corpus, train, c=c), DEFAULT_THRESHOLDS, corpus.lexicon)
        for k in test:
            probs[int(k)] = tagger_probs(tagger, corpus, int(k))
        print(f"  fold {f + 1}/{folds} fitted", file=sys.stderr)
    return probs, fold


def tagger_probs(tagger: SpanTagger, corpus: Corpus, k: int) -> np.ndarray:
    """Token probabilities of document k from the cached feature rows (same as ``tagger.token_probabilities``)."""
    rows = corpus.x[corpus.doc_offsets[k] : corpus.doc_offsets[k + 1]]
    sums = rows @ tagger.weights + tagger.bias
    return (1.0 / (1.0 + np.exp(-np.asarray(sums)))).astype(np.float32)


def cross_validate(
    corpus: Corpus, folds: int, *, c: dict[str, float] | None = None
) -> tuple[dict, dict[str, tuple[float, float]], dict[int, np.ndarray], np.ndarray]:
    """K-fold CV by article of the sparse model, with thresholds chosen on the other folds.

    Args:
        corpus (Corpus): the featurised corpus.
        folds (int): number of folds.
        c (dict[str, float] | None): C per technique.
    RETURNS (tuple[dict, dict[str, tuple[float, float]], dict[int, np.ndarray], np.ndarray]): the CV
        report; the thresholds that are best over all out-of-fold predictions (those the shipped
        model uses); the out-of-fold probabilities; the fold of each document.
    """
    probs, fold = oof_probabilities(corpus, folds, c=c)
    report, overall = cv_report(corpus, probs, fold)
    return report, overall, probs, fold


def cv_report(corpus: Corpus, probs: dict[int, np.ndarray], fold: np.ndarray) -> tuple[dict, dict[str, tuple[float, float]]]:
    """Score out-of-fold token probabilities: each fold decoded with the thresholds best on the other folds.

    Args:
        corpus (Corpus): the corpus.
        probs (dict[int, np.ndarray]): doc index -> out-of-fold (tokens, techniques) probabilities.
        fold (np.ndarray): the fold of each document.
    RETURNS (tuple[dict, dict[str, tuple[float, float]]]): the report (summed scores, per-fold F1
        and their standard deviation, thresholds) and the thresholds best over all predictions.
    """
    folds = int(fold.max()) + 1
    total: dict[str, SpanScores] | None = None
    chosen, per_fold = [], []
    for f in range(folds):
        other = [int(k) for k in np.flatnonzero(fold != f)]
        test = [int(k) for k in np.flatnonzero(fold == f)]
        thr = best_thresholds(corpus, other, probs)
        chosen.append(thr)
        part = _scores(corpus, test, probs, thr)
        per_fold.append({key: part[tech].f1 for tech, key in (*FOCUS.items(), ("micro", "micro"))})
        total = part if total is None else {k: total[k] + part[k] for k in total}
    overall = best_thresholds(corpus, list(range(len(corpus.docs))), probs)
    assert total is not None
    report = {
        "folds": folds,
        "scores": _brief(total),
        "fold_f1": {key: [round(p[key], 4) for p in per_fold] for key in per_fold[0]},
        "fold_f1_std": {key: round(float(np.std([p[key] for p in per_fold], ddof=1)), 4) for key in per_fold[0]},
        "thresholds_per_fold": chosen,
        "oof_best_thresholds": overall,
        "oof_scores_at_best_thresholds (tuned on the same predictions; optimistic)": _brief(
            _scores(corpus, list(range(len(corpus.docs))), probs, overall)
        ),
    }
    return report, overall


# --- the dense head -----------------------------------------------------------------------------


def embed_corpus(corpus: Corpus, encoder) -> np.ndarray:
    """Contextual vectors of every token of the corpus (``features.token_vectors``).

    Args:
        corpus (Corpus): the parsed corpus.
        encoder (SentenceEncoder): the loaded encoder.
    RETURNS (np.ndarray): float16, (tokens, 384), rows in corpus order (float16 halves the memory;
        the head is trained on these rounded values).
    """
    out = np.zeros((int(corpus.doc_offsets[-1]), 384), dtype=np.float16)
    t0 = time.time()
    for k, doc in enumerate(corpus.docs):
        out[corpus.doc_offsets[k] : corpus.doc_offsets[k + 1]] = token_vectors(doc, encoder)
        if (k + 1) % 50 == 0:
            print(f"  embedded {k + 1}/{len(corpus.docs)} articles ({time.time() - t0:.0f} s)", file=sys.stderr)
    return out


def nested_sparse_probabilities(corpus: Corpus, fold: np.ndarray, oof: dict[int, np.ndarray]) -> np.ndarray:
    """Sparse inputs of the dense head inside the CV, free of the scored articles.

    For outer fold f: the articles of fold f get their ordinary out-of-fold predictions (``oof``);
    those of fold g != f get the predictions of a sparse model fitted on the folds other than f
    and g (one fit per pair of folds serves both f and g).

    Args:
        corpus (Corpus): the featurised corpus.
        fold (np.ndarray): the fold of each document.
        oof (dict[int, np.ndarray]): the out-of-fold probabilities of the sparse model.
    RETURNS (np.ndarray): float32, (folds, tokens, techniques).
    """
    folds = int(fold.max()) + 1
    n = int(corpus.doc_offsets[-1])
    row_fold = np.repeat(fold, np.diff(corpus.doc_offsets))
    all_oof = np.concatenate([oof[k] for k in range(len(corpus.docs))])
    out = np.zeros((folds, n, len(TECHNIQUES)), dtype=np.float32)
    for f in range(folds):
        out[f][row_fold == f] = all_oof[row_fold == f]
    for f in range(folds):
        for g in range(f + 1, folds):
            train = np.flatnonzero((fold != f) & (fold != g))
            tagger = make_tagger(*fit(corpus, train), DEFAULT_THRESHOLDS, corpus.lexicon)
            for outer, inner in ((f, g), (g, f)):
                rows = row_fold == inner
                sums = np.asarray(corpus.x[rows] @ tagger.weights + tagger.bias)
                out[outer][rows] = 1.0 / (1.0 + np.exp(-sums))
        print(f"  nested sparse fits for fold {f + 1}/{folds} done", file=sys.stderr)
    return out


def dense_matrix(corpus: Corpus, vectors: np.ndarray, sparse: np.ndarray, settings: DenseSettings = DENSE) -> np.ndarray:
    """The dense head's inputs for every token (``tagger.dense_inputs``, document by document).

    RETURNS (np.ndarray): float16, (tokens, input width).
    """
    parts = []
    for k, layout in enumerate(corpus.layouts):
        a, b = corpus.doc_offsets[k], corpus.doc_offsets[k + 1]
        parts.append(dense_inputs(settings.inputs, vectors[a:b], sparse[a:b], layout.sent_start).astype(np.float16))
    return np.concatenate(parts)


def _standardiser(x: np.ndarray, rows: np.ndarray, chunk: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column over the given rows (float64 sums, in chunks)."""
    total = np.zeros(x.shape[1])
    squares = np.zeros(x.shape[1])
    for i in range(0, len(rows), chunk):
        block = x[rows[i : i + chunk]].astype(np.float64)
        total += block.sum(axis=0)
        squares += (block * block).sum(axis=0)
    mean = total / len(rows)
    std = np.sqrt(np.maximum(squares / len(rows) - mean * mean, 0.0))
    return mean.astype(np.float32), (std + 1e-6).astype(np.float32)


def train_network(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, settings: DenseSettings = DENSE, *, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Fit the dense head's network: standardised inputs, one ReLU layer, a logistic output per technique.

    Mini-batch Adam on the summed binary cross-entropy of the techniques, L2 on the weights,
    dropout on the inputs and the hidden layer; one BLAS thread and a fixed seed (deterministic).

    Args:
        x (np.ndarray): (tokens, width) inputs (``dense_matrix``; any float dtype).
        y (np.ndarray): (tokens, techniques) bool labels.
        rows (np.ndarray): the training rows.
        settings (DenseSettings): size and training settings.
        seed (int): the random seed.
    RETURNS (tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]): the input mean
        and scale, and the (weights, bias) of each layer.
    """
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    mean, scale = _standardiser(x, rows)
    d, h, k = x.shape[1], settings.hidden, y.shape[1]
    prior = np.clip(y[rows].mean(axis=0), 1e-4, 1 - 1e-4)
    params = [
        (rng.standard_normal((d, h)) * np.sqrt(2.0 / d)).astype(np.float32),
        np.zeros(h, dtype=np.float32),
        (rng.standard_normal((h, k)) * np.sqrt(1.0 / h)).astype(np.float32),
        np.log(prior / (1 - prior)).astype(np.float32),
    ]
    moment1 = [np.zeros_like(p) for p in params]
    moment2 = [np.zeros_like(p) for p in params]
    beta1, beta2, step = 0.9, 0.999, 0
    keep_in, keep_h = np.float32(1 - settings.drop_in), np.float32(1 - settings.drop_hidden)
    with threadpool_limits(limits=1, user_api="blas"):
        for epoch in range(settings.epochs):
            order = rows[rng.permutation(len(rows))]
            loss = 0.0
            for i in range(0, len(order), settings.batch):
                idx = np.sort(order[i : i + settings.batch])
                xb = (x[idx].astype(np.float32) - mean) / scale
                yb = y[idx].astype(np.float32)
                xb *= (rng.random(xb.shape, dtype=np.float32) < keep_in) / keep_in
                w1, b1, w2, b2 = params
                pre = xb @ w1 + b1
                mask = (pre > 0) * ((rng.random(pre.shape, dtype=np.float32) < keep_h) / keep_h)
                hid = pre * mask
                prob = 1.0 / (1.0 + np.exp(-(hid @ w2 + b2)))
                loss -= float((yb * np.log(prob + 1e-7) + (1 - yb) * np.log(1 - prob + 1e-7)).sum())
                g = (prob - yb) / len(idx)
                g_hid = (g @ w2.T) * mask
                grads = (xb.T @ g_hid + settings.l2 * w1, g_hid.sum(axis=0), hid.T @ g + settings.l2 * w2, g.sum(axis=0))
                step += 1
                for p, m1, m2, gr in zip(params, moment1, moment2, grads):
                    m1 *= beta1
                    m1 += (1 - beta1) * gr
                    m2 *= beta2
                    m2 += (1 - beta2) * gr * gr
                    p -= (settings.learning_rate * (m1 / (1 - beta1**step)) / (np.sqrt(m2 / (1 - beta2**step)) + 1e-8)).astype(np.float32)
            print(f"    epoch {epoch + 1}/{settings.epochs}: loss {loss / len(rows):.4f}", file=sys.stderr)
    return mean, scale, [(params[0], params[1]), (params[2], params[3])]


def network_probabilities(x: np.ndarray, mean: np.ndarray, scale: np.ndarray, layers, rows: np.ndarray) -> np.ndarray:
    """RETURNS (np.ndarray): float32 (len(rows), techniques), the network's probabilities for the rows (as ``DenseHead.probabilities``)."""
    out = np.zeros((len(rows), layers[-1][0].shape[1]), dtype=np.float32)
    for i in range(0, len(rows), 65536):
        h = (x[rows[i : i + 65536]].astype(np.float32) - mean) / scale
        for j, (w, b) in enumerate(layers):
            h = h @ w + b
            if j < len(layers) - 1:
                np.maximum(h, 0.0, out=h)
        out[i : i + 65536] = 1.0 / (1.0 + np.exp(-h))
    return out


def _split(corpus: Corpus, flat: np.ndarray) -> dict[int, np.ndarray]:
    return {k: flat[corpus.doc_offsets[k] : corpus.doc_offsets[k + 1]] for k in range(len(corpus.docs))}


def dense_cross_validate(
    corpus: Corpus, vectors: np.ndarray, nested: np.ndarray, fold: np.ndarray, settings: DenseSettings = DENSE
) -> tuple[dict, dict[str, tuple[float, float]]]:
    """K-fold CV by article of the dense head (same folds as the sparse model, nested sparse inputs).

    Args:
        corpus (Corpus): the corpus.
        vectors (np.ndarray): (tokens, 384) token vectors (``embed_corpus``).
        nested (np.ndarray): (folds, tokens, techniques) sparse inputs (``nested_sparse_probabilities``).
        fold (np.ndarray): the fold of each document.
        settings (DenseSettings): the head's settings.
    RETURNS (tuple[dict, dict[str, tuple[float, float]]]): the CV report and the thresholds best over
        all out-of-fold predictions.
    """
    space = np.concatenate([layout.space for layout in corpus.layouts])
    row_fold = np.repeat(fold, np.diff(corpus.doc_offsets))
    flat = np.zeros((len(space), len(TECHNIQUES)), dtype=np.float32)
    for f in range(int(fold.max()) + 1):
        x = dense_matrix(corpus, vectors, nested[f], settings)
        train_rows = np.flatnonzero((row_fold != f) & ~space)
        test_rows = np.flatnonzero(row_fold == f)
        mean, scale, layers = train_network(x, corpus.y, train_rows, settings)
        flat[test_rows] = network_probabilities(x, mean, scale, layers, test_rows)
        print(f"  dense fold {f + 1} fitted", file=sys.stderr)
    flat[space] = 0.0
    return cv_report(corpus, _split(corpus, flat), fold)


def save_dense(mean, scale, layers, thresholds: dict[str, tuple[float, float]], out: Path, *, settings: DenseSettings, cv: dict | None) -> tuple[Path, Path]:
    """Write ``span_tagger_dense.npz`` (float32 arrays) and ``span_tagger_dense.json``.

    RETURNS (tuple[Path, Path]): the two files.
    """
    npz = out / f"{DENSE_NAME}.npz"
    arrays = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32)}
    for k, (w, b) in enumerate(layers):
        arrays[f"w{k}"], arrays[f"b{k}"] = w.astype(np.float32), b.astype(np.float32)
    np.savez_compressed(npz, **arrays)
    meta = {
        "techniques": list(TECHNIQUES),
        "inputs": list(settings.inputs),
        "n_layers": len(layers),
        "encoder": "all-MiniLM-L6-v2 (last layer, mean of the word pieces of each token, one sentence at a time)",
        "thresholds": {t: v[0] for t, v in thresholds.items()},
        "low_thresholds": {t: v[1] for t, v in thresholds.items()},
        "settings": {k: getattr(settings, k) for k in settings.__dataclass_fields__},
        "seed": SEED,
        "trained_on": "PTC dev (shared/bench/framing/ptc, 297 articles); sparse inputs out-of-fold",
        "cv": (cv or {}).get("scores"),
    }
    js = out / f"{DENSE_NAME}.json"
    js.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return npz, js


def save(cols, weights, bias, thresholds: dict[str, tuple[float, float]], lexicon: dict[int, str], out: Path, *, report: dict) -> tuple[Path, Path]:
    """Write ``span_tagger.npz`` (sparse weights, float32) and ``span_tagger.json``.

    RETURNS (tuple[Path, Path]): the two files.
    """
    out.mkdir(parents=True, exist_ok=True)
    keep = np.any(weights != 0, axis=1)
    npz = out / f"{MODEL_NAME}.npz"
    names = sorted(set(lexicon.values()))
    keys = np.array(sorted(lexicon), dtype=np.uint32)
    classes = np.array([names.index(lexicon[int(k)]) for k in keys], dtype=np.int8)
    np.savez_compressed(
        npz,
        cols=cols[keep].astype(np.int32),
        weights=weights[keep].astype(np.float32),
        bias=bias.astype(np.float32),
        lex_keys=keys,
        lex_classes=classes,
    )
    meta = {
        "techniques": list(TECHNIQUES),
        "thresholds": {t: v[0] for t, v in thresholds.items()},
        "low_thresholds": {t: v[1] for t, v in thresholds.items()},
        "feature_version": FEATURE_VERSION,
        "hash_bits": HASH_BITS,
        "lexicon_classes": names,
        "lexicon_counts": report.get("lexicon"),
        "c": C_BY_TECHNIQUE,
        "min_df": MIN_DF,
        "seed": SEED,
        "trained_on": "PTC dev (shared/bench/framing/ptc, 297 articles)",
        "cv": report.get("cv", {}).get("scores"),
    }
    js = out / f"{MODEL_NAME}.json"
    js.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return npz, js


def train(bench: Path, *, out: Path, folds: int, embeddings: bool = True) -> dict:
    """Cross-validate (when ``folds`` > 1), fit on all dev articles, write the model.

    Args:
        bench (Path): the framing bench folder.
        out (Path): where to write the model files.
        folds (int): CV folds; 0 or 1 skips CV and ships ``DEFAULT_THRESHOLDS`` (and, with
            embeddings, a dense head trained on in-sample sparse inputs: for quick runs only).
        embeddings (bool): also train the dense head and the tuned stage (needs the sentence-encoder
            package and torch); False removes both from ``out``, so that the sparse model ships alone.
    RETURNS (dict): the report.
    Raises:
        ModelError: with ``embeddings``, when the sentence encoder cannot be loaded.
    """
    from ..config import Config
    from ..nlp import load_pipeline

    t0 = time.time()
    encoder = None
    if embeddings:
        from ..embed import SentenceEncoder

        encoder = SentenceEncoder.load()
    nlp = load_pipeline(Config().spacy_model)
    lexicon, lex_counts = build_lexicon(bench)
    corpus = build_corpus(bench, nlp, lexicon)
    report: dict = {"articles": len(corpus.ids), "tokens": int(corpus.x.shape[0]), "lexicon": lex_counts, "embeddings": embeddings}
    report["positive_tokens"] = {t: int(corpus.y[:, k].sum()) for k, t in enumerate(TECHNIQUES)}
    thresholds = dict(DEFAULT_THRESHOLDS)
    oof = fold = None
    if folds > 1:
        cv, thresholds, oof, fold = cross_validate(corpus, folds)
        report["cv"] = cv
        print(f"{folds}-fold CV by article: {json.dumps(cv['scores'])}", file=sys.stderr)
    cols, weights, bias = fit(corpus, range(len(corpus.docs)))
    npz, js = save(cols, weights, bias, thresholds, lexicon, out, report=report)
    shipped = SpanTagger.load(out)
    probs = {k: shipped.sparse_probabilities(corpus.docs[k]) for k in range(len(corpus.docs))}
    report["in_sample (shipped model on its own training articles; optimistic)"] = _brief(
        _scores(corpus, range(len(corpus.docs)), probs, {t: (shipped.thresholds[k], shipped.lows[k]) for k, t in enumerate(TECHNIQUES)})
    )
    report["thresholds"] = thresholds
    report["model_bytes"] = npz.stat().st_size + js.stat().st_size
    if encoder is None:
        for name in (DENSE_NAME, TUNED_NAME):
            for suffix in (".npz", ".json"):
                (out / f"{name}{suffix}").unlink(missing_ok=True)
    else:
        from .train_tuned import train_tuned

        report["dense"] = train_dense(corpus, encoder, out, oof=oof, fold=fold, in_sample=probs)
        report["model_bytes"] += report["dense"]["model_bytes"]
        report["tuned"] = train_tuned(corpus, out, oof=oof, fold=fold)
        report["model_bytes"] += report["tuned"]["model_bytes"]
    report["seconds"] = round(time.time() - t0, 1)
    return report


def train_dense(corpus: Corpus, encoder, out: Path, *, oof, fold, in_sample, settings: DenseSettings = DENSE) -> dict:
    """Embed the corpus, cross-validate the dense head (when ``oof`` is given), fit and write it.

    Args:
        corpus (Corpus): the featurised corpus.
        encoder (SentenceEncoder): the loaded encoder.
        out (Path): the model folder.
        oof (dict[int, np.ndarray] | None): the sparse model's out-of-fold probabilities (None: no CV).
        fold (np.ndarray | None): the fold of each document.
        in_sample (dict[int, np.ndarray]): the shipped sparse model's probabilities (used without CV).
        settings (DenseSettings): the head's settings.
    RETURNS (dict): the dense part of the report.
    """
    t0 = time.time()
    vectors = embed_corpus(corpus, encoder)
    part: dict = {"settings": {k: getattr(settings, k) for k in settings.__dataclass_fields__}, "embed_seconds": round(time.time() - t0, 1)}
    thresholds = dict(DEFAULT_THRESHOLDS)
    cv = None
    if oof is not None and fold is not None:
        nested = nested_sparse_probabilities(corpus, fold, oof)
        cv, thresholds = dense_cross_validate(corpus, vectors, nested, fold, settings)
        del nested
        part["cv"] = cv
        print(f"dense head, {int(fold.max()) + 1}-fold CV by article: {json.dumps(cv['scores'])}", file=sys.stderr)
        sparse = np.concatenate([oof[k] for k in range(len(corpus.docs))])
    else:
        sparse = np.concatenate([in_sample[k] for k in range(len(corpus.docs))])
    space = np.concatenate([layout.space for layout in corpus.layouts])
    x = dense_matrix(corpus, vectors, sparse, settings)
    mean, scale, layers = train_network(x, corpus.y, np.flatnonzero(~space), settings)
    npz, js = save_dense(mean, scale, layers, thresholds, out, settings=settings, cv=cv)
    part["thresholds"] = thresholds
    part["model_bytes"] = npz.stat().st_size + js.stat().st_size
    part["seconds"] = round(time.time() - t0, 1)
    return part


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m crosswire.framing.train``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", nargs="?", default="../shared/bench/framing", help="the framing bench folder (with ptc/)")
    ap.add_argument("--cv", type=int, default=0, help="cross-validation folds by article (0: none)")
    ap.add_argument("--report", type=Path, default=None, help="also write the JSON report to this file")
    ap.add_argument("--out", type=Path, default=MODELS_DIR, help="where to write the model files")
    ap.add_argument(
        "--no-embeddings", action="store_true", help="train the sparse model only (no dense head nor tuned stage; old ones in --out are removed)"
    )
    args = ap.parse_args(argv)
    bench = Path(args.bench)
    if not (bench / "ptc" / "task2-TC.labels").is_file():
        print(f"error: {bench} lacks ptc/task2-TC.labels; pass the framing bench folder", file=sys.stderr)
        return 1
    report = train(bench, out=args.out, folds=args.cv, embeddings=not args.no_embeddings)
    text = json.dumps(report, indent=1)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
