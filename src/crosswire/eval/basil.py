"""BASIL lexical-bias benchmark (``shared/bench/framing/README.md``, basil/ part; dev only).

``crosswire eval basil DIR`` reads ``DIR/articles/<year>/<uuid>_<k>.json`` and
``DIR/annotations/<year>/<uuid>_<k>_ann.json``, runs the real spaCy pipeline and the shipped
propaganda span tagger on each article, and scores its spans (Loaded_Language and
Name_Calling,Labeling together, as "biased wording") against BASIL's phrase-level annotations::

    {"lex": {"p", "r", "f1"}, "inf": {"p", "r", "f1"},
     "sentence": {"p", "r", "f1", "accuracy"}, "n_articles", "n_sentences", "n_gold", "n_system"}

* ``lex`` / ``inf``: the PTC span formula (``eval.framing.span_scores``) with one unit = one
  (file, sentence id); gold = the spans with ``bias == "lex"`` (resp. ``"inf"``); every system span
  counts in both (the tagger does not target informational bias: ``inf`` is shown for contrast).
* ``sentence``: binary detection per sentence: gold positive = the sentence holds >= 1 lex span,
  predicted positive = the tagger puts >= 1 span in it.

The article fed to spaCy is the title, an empty line, then one sentence per line (the PTC
layout the tagger was trained on); spans are cut at sentence ends and mapped back to each
sentence's offsets. Sentence ids: ``title``, ``p0``, ``p1``, … over the flattened
``body-paragraphs`` (paragraph order, then sentence order).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..errors import BenchmarkDataError, CrosswireError
from .framing import span_scores
from .metrics import Confusion

__all__ = ["BasilArticle", "read_basil", "evaluate_basil", "basil_cmd"]


@dataclass(frozen=True, slots=True)
class BasilArticle:
    """One BASIL article: its units (sentence id -> text) and gold spans (unit, bias, start, end)."""

    key: str
    source: str
    units: tuple[tuple[str, str], ...]
    spans: tuple[tuple[str, str, int, int], ...]


def read_basil(folder: str | Path) -> list[BasilArticle]:
    """Read every BASIL article with its phrase-level annotations.

    Args:
        folder (str | Path): the ``basil/`` folder (holding ``articles/`` and ``annotations/``).
    RETURNS (list[BasilArticle]): the articles, sorted by file key (``<year>/<uuid>_<k>``).
    Raises:
        BenchmarkDataError: when a folder or annotation file is missing, a file is not valid
            JSON, or a span points outside its sentence.
    """
    folder = Path(folder)
    art_dir, ann_dir = folder / "articles", folder / "annotations"
    if not art_dir.is_dir() or not ann_dir.is_dir():
        raise BenchmarkDataError(f"{folder}: expected articles/ and annotations/ (the BASIL folder, shared/bench/framing/basil)")
    out = []
    for path in sorted(art_dir.glob("*/*.json")):
        key = f"{path.parent.name}/{path.stem}"
        ann_path = ann_dir / path.parent.name / f"{path.stem}_ann.json"
        try:
            art = json.loads(path.read_text(encoding="utf-8"))
            ann = json.loads(ann_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BenchmarkDataError(f"{path}: cannot read the article or its annotation file {ann_path.name}: {exc}") from exc
        units = [("title", art.get("title") or "")]
        sents = [s for para in art.get("body-paragraphs") or [] for s in para]
        units += [(f"p{i}", s) for i, s in enumerate(sents)]
        text_of = dict(units)
        spans = []
        for a in ann.get("phrase-level-annotations") or []:
            uid, s, e = a.get("id"), int(a.get("start", 0)), int(a.get("end", 0))
            if uid not in text_of or not (0 <= s < e <= len(text_of[uid])):
                raise BenchmarkDataError(f"{ann_path}: span {a.get('txt')!r} ({uid} {s}-{e}) lies outside its sentence")
            spans.append((uid, str(a.get("bias")), s, e))
        out.append(BasilArticle(key, str(art.get("source", "")).lower(), tuple(units), tuple(spans)))
    if not out:
        raise BenchmarkDataError(f"{art_dir}: no article files found")
    return out


def article_text(article: BasilArticle) -> tuple[str, list[tuple[str, int, int]]]:
    """The text fed to the tagger, and where each unit lies in it.

    RETURNS (tuple[str, list[tuple[str, int, int]]]): text, and (unit id, start, end) per unit.
    """
    parts, where, pos = [], [], 0
    for k, (uid, text) in enumerate(article.units):
        text = text.replace("\n", " ")
        where.append((uid, pos, pos + len(text)))
        sep = "\n\n" if k == 0 else "\n"
        parts.append(text + sep)
        pos += len(text) + len(sep)
    return "".join(parts), where


def evaluate_basil(articles: Sequence[BasilArticle], predicted: Mapping[str, Sequence[tuple[str, int, int]]]) -> dict:
    """Score system spans per unit against BASIL's lex/inf spans, and per-sentence detection.

    Args:
        articles (Sequence[BasilArticle]): the gold articles.
        predicted (Mapping[str, Sequence[tuple[str, int, int]]]): article key -> system spans
            as (unit id, start, end) in that unit's text.
    RETURNS (dict): the benchmark JSON object.
    """
    system: dict[tuple[str, str], list[tuple[int, int]]] = {}
    gold = {"lex": {}, "inf": {}}
    conf = Confusion()
    n_units = 0
    for art in articles:
        pred_units: dict[str, list[tuple[int, int]]] = {}
        for uid, s, e in predicted.get(art.key, []):
            pred_units.setdefault(uid, []).append((s, e))
        for uid, _ in art.units:
            n_units += 1
            unit = (art.key, uid)
            system[unit] = pred_units.get(uid, [])
            for bias in gold:
                gold[bias][unit] = [(s, e) for u, b, s, e in art.spans if u == uid and b == bias]
            g, p = bool(gold["lex"][unit]), bool(system[unit])
            conf = conf + Confusion(tp=int(g and p), fp=int(p and not g), fn=int(g and not p), tn=int(not g and not p))
    lex, inf = span_scores(system, gold["lex"]), span_scores(system, gold["inf"])
    return {
        "lex": lex.to_dict(),
        "inf": inf.to_dict(),
        "sentence": {"p": conf.precision, "r": conf.recall, "f1": conf.f1, "accuracy": conf.accuracy},
        "n_articles": len(articles),
        "n_sentences": n_units,
        "n_gold": {"lex": lex.n_gold, "inf": inf.n_gold, "lex_sentences": conf.tp + conf.fn},
        "n_system": lex.n_system,
    }


def tag_basil(articles: Sequence[BasilArticle], nlp, tagger, *, batch_size: int = 16) -> dict[str, list[tuple[str, int, int]]]:
    """Run spaCy and the tagger on each article; map spans back to units, cut at unit ends.

    RETURNS (dict[str, list[tuple[str, int, int]]]): article key -> (unit id, start, end).
    """
    texts, layouts = zip(*(article_text(a) for a in articles)) if articles else ((), ())
    out: dict[str, list[tuple[str, int, int]]] = {}
    for k, doc in enumerate(nlp.pipe(texts, batch_size=batch_size)):
        spans = []
        for sp in tagger.tag(doc):
            for uid, us, ue in layouts[k]:
                s, e = max(sp.start, us), min(sp.end, ue)
                if s < e:
                    spans.append((uid, s - us, e - us))
        out[articles[k].key] = spans
        if (k + 1) % 50 == 0:
            click.echo(f"  {k + 1}/{len(texts)} articles", err=True)
    return out


@click.command(name="basil")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None, help="Tagger model folder (default: the shipped one).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def basil_cmd(folder: Path, model_path: Path | None, as_json: bool) -> None:
    """Score the propaganda span tagger on BASIL lexical bias: span P/R/F1 and sentence detection.

    FOLDER is the BASIL folder with articles/ and annotations/. Spans are scored with the PTC
    partial-overlap formula, one unit per (file, sentence); "lex" is the target, "inf" a contrast.

    Example: crosswire eval basil ../shared/bench/framing/basil --json
    """
    from ..config import Config
    from ..framing.tagger import SpanTagger
    from ..nlp import load_pipeline

    try:
        articles = read_basil(folder)
        click.echo(f"{len(articles)} BASIL articles from {folder}; loading spaCy and the span tagger", err=True)
        tagger = SpanTagger.load(model_path)
        nlp = load_pipeline(Config().spacy_model)
        t0 = time.time()
        predicted = tag_basil(articles, nlp, tagger)
        click.echo(f"tagged {len(articles)} articles in {time.time() - t0:.1f} s", err=True)
        result = evaluate_basil(articles, predicted)
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"BASIL: {result['n_articles']} articles, {result['n_sentences']} sentences")
    for key in ("lex", "inf", "sentence"):
        v = result[key]
        click.echo(f"{key:<9} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f1']:.3f}")
    sys.stdout.flush()
