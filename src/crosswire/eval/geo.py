"""Geoparsing benchmark: gold readers for LGL, GeoWebNews, TR-News and GeoVirus, and the metrics.

Everything here follows ``shared/bench/geo/README.md`` exactly:

* **Readers.** One reader per format, detected from the XML (``detect_format``). Offsets become
  0-based, end-exclusive character offsets into the ``<text>`` string. TR-News offsets that do not
  match their phrase are realigned (the nearest occurrence of the phrase, ties to the earlier one);
  GeoVirus offsets are 1-based and are shifted by one; GWN annotations with negative offsets are
  dropped everywhere.
* **Resolution given gold spans.** exact GeoNames-id rate (over items with a gold id; None when the
  file has none), Acc@161 (d <= 161 km), mean/median km, Gritta's AUC of ln(1 + d) (sorted, trapezoid
  rule with unit spacing), haversine with R = 6371.0088 km; no prediction counts as 20039 km.
* **Recognition.** exact-span P/R/F1, micro over the file, with each format's gold span set.

A *system* is a callable ``(text, spans) -> GeoOutput``: it recognises toponyms in the text and
resolves the given gold spans. ``crosswire`` is the geoparser of ``crosswire.places``;
``population`` is the baseline (spaCy GPE/LOC/FAC for recognition, the most populous gazetteer
candidate for resolution).
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click

from ..places.distance import EARTH_RADIUS_KM, haversine_km  # noqa: F401 (re-exported)
from ..errors import BenchmarkDataError, CrosswireError
from .metrics import PRF, safe_div

logger = logging.getLogger(__name__)

#: The error given to an item with no predicted point (half the Earth's circumference, km).
MAX_ERROR_KM = 20039.0
#: GWN toponym types that are not in the recognition gold set (Gritta et al.'s ``dataset.py``).
GWN_NOT_TOPONYM = frozenset({"Non_Toponym", "Literal_Expression", "Non_Lit_Expression"})
FORMATS = ("lgl", "tr-news", "gwn", "geovirus")


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """One gold annotation, with 0-based end-exclusive offsets into its article's text.

    ``resolve`` says whether it is an item of the resolution metrics (it has a gold point);
    ``recognise`` whether its span is in the recognition gold set.
    """

    start: int
    end: int
    text: str
    geonameid: str | None = None
    lat: float | None = None
    lon: float | None = None
    resolve: bool = False
    recognise: bool = True
    kind: str | None = None  # GWN <type>


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One benchmark article: its id (docid, GWN file, GeoVirus position), text and annotations."""

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True, slots=True)
class Prediction:
    """A system's answer for one gold span: a GeoNames (or supplement) id and/or a point."""

    id: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class GeoOutput:
    """What a system returns for one article: recognised spans, and one prediction per gold span."""

    spans: tuple[tuple[int, int], ...]
    predictions: tuple[Prediction, ...]


@dataclass(frozen=True, slots=True)
class GeoScores:
    """The benchmark's numbers for one gold file and one system (``to_dict`` is the contract)."""

    n: int
    exact: float | None
    acc161: float
    mean_km: float
    median_km: float
    auc: float | None
    recognition: PRF
    coverage: float
    n_id: int = 0
    format: str = ""
    system: str = ""
    articles: int = 0
    extras: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """RETURNS (dict): the JSON object of the benchmark contract (``n`` … ``recognition``) plus extras."""
        d = asdict(self)
        d["recognition"] = {k: d["recognition"][k] for k in ("p", "r", "f1", "tp", "n_pred", "n_gold")}
        return d


# --- readers -----------------------------------------------------------------------------------


def _parse(path: str | Path) -> ET.Element:
    path = Path(path)
    if not path.is_file():
        raise BenchmarkDataError(f"{path}: no such gold file. Pass an LGL, GWN, TR-News or GeoVirus XML file.")
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise BenchmarkDataError(f"{path}: not well-formed XML ({exc}). Is this a geoparsing gold file?") from exc


def detect_format(root: ET.Element) -> str:
    """Tell the gold format from the XML.

    Args:
        root (Element): the ``<articles>`` element.
    RETURNS (str): "lgl", "tr-news", "gwn" or "geovirus".
    Raises:
        BenchmarkDataError: when the file matches none of the four formats.
    """
    first = root.find("article")
    if root.tag != "articles" or first is None:
        raise BenchmarkDataError("Not a geoparsing gold file: expected <articles> with <article> children.")
    if first.get("file") is not None:
        return "gwn"
    if first.find("locations") is not None:
        return "geovirus"
    if first.get("docid") is not None:
        # LGL articles carry <feedid>; TR-News articles do not.
        return "lgl" if first.find("feedid") is not None else "tr-news"
    raise BenchmarkDataError(
        "Unknown geoparsing gold format: <article> has neither docid (LGL/TR-News), file (GWN) nor <locations> "
        "(GeoVirus)."
    )


def realign(text: str, phrase: str, start: int, end: int) -> tuple[int, int]:
    """Apply the TR-News realignment rule to one span.

    If ``text[start:end] != phrase``, take the occurrence of ``phrase`` nearest to ``start``
    (ties go to the earlier occurrence) and set ``end = start + len(phrase)``.

    Args:
        text (str): the article text.
        phrase (str): the annotated phrase.
        start (int): the stated start.
        end (int): the stated end.
    RETURNS (tuple[int, int]): the realigned span (unchanged when it already matches).
    Raises:
        BenchmarkDataError: when the phrase does not occur in the text.
    """
    if text[start:end] == phrase:
        return start, end
    best: int | None = None
    i = text.find(phrase)
    while i >= 0:
        if best is None or abs(i - start) < abs(best - start):
            best = i
        i = text.find(phrase, i + 1)
    if best is None:
        raise BenchmarkDataError(f"Phrase {phrase!r} (stated at {start}:{end}) does not occur in its article.")
    return best, best + len(phrase)


def _float(el: ET.Element | None) -> float | None:
    if el is None or el.text is None or not el.text.strip():
        return None
    return float(el.text)


def _text(el: ET.Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text.strip() or None


def _read_lgl(root: ET.Element, *, realign_spans: bool) -> list[GoldArticle]:
    out = []
    for art in root.findall("article"):
        text = art.findtext("text") or ""
        tops = []
        for t in art.iterfind("toponyms/toponym"):
            phrase = t.findtext("phrase") or ""
            start, end = int(t.findtext("start")), int(t.findtext("end"))
            if realign_spans:
                start, end = realign(text, phrase, start, end)
            gaz = t.find("gaztag")
            if gaz is not None and gaz.get("geonameid"):
                tops.append(
                    GoldToponym(
                        start, end, text[start:end], gaz.get("geonameid"), _float(gaz.find("lat")),
                        _float(gaz.find("lon")), resolve=True,
                    )
                )
            else:
                tops.append(GoldToponym(start, end, text[start:end]))
        out.append(GoldArticle(art.get("docid") or str(len(out)), text, tuple(tops)))
    return out


def _read_gwn(root: ET.Element) -> list[GoldArticle]:
    out = []
    for art in root.findall("article"):
        text = art.findtext("text") or ""
        tops = []
        for t in art.iterfind("toponyms/toponym"):
            start, end = int(t.findtext("start")), int(t.findtext("end"))
            if start < 0 or end < 0:
                continue  # five broken annotations in the dev part: ignored everywhere
            kind = _text(t.find("type"))
            lat, lon = _float(t.find("latitude")), _float(t.find("longitude"))
            tops.append(
                GoldToponym(
                    start, end, text[start:end], _text(t.find("geonamesID")), lat, lon,
                    resolve=lat is not None and lon is not None, recognise=kind not in GWN_NOT_TOPONYM, kind=kind,
                )
            )
        out.append(GoldArticle(art.get("file") or str(len(out)), text, tuple(tops)))
    return out


def _read_geovirus(root: ET.Element) -> list[GoldArticle]:
    out = []
    for pos, art in enumerate(root.findall("article")):
        text = art.findtext("text") or ""
        tops = []
        for loc in art.iterfind("locations/location"):
            start, end = int(loc.findtext("start")) - 1, int(loc.findtext("end")) - 1  # 1-based in the file
            lat, lon = _float(loc.find("lat")), _float(loc.find("lon"))
            tops.append(GoldToponym(start, end, text[start:end], None, lat, lon, resolve=lat is not None))
        out.append(GoldArticle(str(pos), text, tuple(tops)))
    return out


def read_gold(path: str | Path, *, fmt: str | None = None) -> tuple[str, list[GoldArticle]]:
    """Read a geoparsing gold file in any of the four formats.

    Args:
        path (str | Path): the XML file.
        fmt (str | None): force a format ("lgl", "tr-news", "gwn", "geovirus"); detected when None.
    RETURNS (tuple[str, list[GoldArticle]]): the format and the articles in file order.
    Raises:
        BenchmarkDataError: when the file is missing, not XML, or of no known format.
    """
    root = _parse(path)
    fmt = fmt or detect_format(root)
    if fmt in ("lgl", "tr-news"):
        # The realignment rule is a no-op where offsets match, so it is safe for LGL too.
        return fmt, _read_lgl(root, realign_spans=True)
    if fmt == "gwn":
        return fmt, _read_gwn(root)
    if fmt == "geovirus":
        return fmt, _read_geovirus(root)
    raise BenchmarkDataError(f"Unknown geoparsing format {fmt!r}. Known formats: {list(FORMATS)}")


# --- metrics -----------------------------------------------------------------------------------


def gritta_auc(distances: Sequence[float]) -> float | None:
    """The AUC of log error of Gritta et al. (2018): lower is better, in [0, 1].

    ``x = sorted(ln(1 + d))``; ``AUC = trapz(x) / (ln(20039) * (N - 1))`` with unit spacing.

    Args:
        distances (Sequence[float]): errors in km, one per item.
    RETURNS (float | None): the AUC; None for no items; for one item, ``ln(1 + d) / ln(20039)``
        (the trapezoid is undefined there).
    """
    if not distances:
        return None
    x = sorted(math.log1p(d) for d in distances)
    if len(x) == 1:
        return x[0] / math.log(MAX_ERROR_KM)
    trapz = sum(x) - (x[0] + x[-1]) / 2
    return trapz / (math.log(MAX_ERROR_KM) * (len(x) - 1))


def resolution_metrics(
    items: Sequence[tuple[GoldToponym, Prediction]],
) -> dict[str, float | int | None]:
    """Resolution metrics over (gold item, prediction) pairs.

    Args:
        items (Sequence[tuple[GoldToponym, Prediction]]): gold items (with a point) and predictions.
    RETURNS (dict): n, n_id, exact, acc161, mean_km, median_km, auc, coverage.
    """
    dists: list[float] = []
    hits = n_id = covered = 0
    for gold, pred in items:
        if pred.lat is not None and pred.lon is not None:
            covered += 1
            d = haversine_km(gold.lat, gold.lon, pred.lat, pred.lon)  # type: ignore[arg-type]
        else:
            d = MAX_ERROR_KM
        dists.append(d)
        if gold.geonameid:
            n_id += 1
            hits += int(pred.id is not None and str(pred.id) == str(gold.geonameid))
    n = len(dists)
    return {
        "n": n,
        "n_id": n_id,
        "exact": hits / n_id if n_id else None,
        "acc161": safe_div(sum(d <= 161.0 for d in dists), n),
        "mean_km": safe_div(sum(dists), n),
        "median_km": statistics.median(dists) if dists else 0.0,
        "auc": gritta_auc(dists),
        "coverage": safe_div(covered, n),
    }


def recognition_prf(gold: set[tuple[str, int, int]], pred: set[tuple[str, int, int]]) -> PRF:
    """Exact-span precision, recall and F1 over (doc id, start, end) sets (micro).

    Args:
        gold (set): the gold spans.
        pred (set): the predicted spans.
    RETURNS (PRF): the scores and their counts.
    """
    return PRF.of(len(gold & pred), len(pred), len(gold))


# --- systems -----------------------------------------------------------------------------------

System = Callable[[str, Sequence[tuple[int, int]]], GeoOutput]


class CrosswireGeoSystem:
    """crosswire's geoparser: spaCy + ``places.recognize`` for spans, ``places.resolve`` for gold spans.

    Args:
        nlp (Language): the spaCy pipeline.
        gazetteer (Gazetteer): the loaded gazetteer.
        ranker (Ranker | None): the learned ranker; None gives the population baseline.
    """

    def __init__(self, nlp, gazetteer, ranker) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.ranker = ranker

    def __call__(self, text: str, spans: Sequence[tuple[int, int]]) -> GeoOutput:
        from ..nlp import doc_records
        from ..places.recognize import recognize, spacy_spans
        from ..places.resolve import resolve_spans

        sentences, mentions = doc_records(self.nlp(text))
        if self.ranker is None:
            found = spacy_spans(text, mentions)
        else:
            found = [s for s in recognize(text, mentions, sentences, self.gazetteer) if not s.metonymy]
        resolved = resolve_spans(text, spans, mentions, sentences, self.gazetteer, self.ranker)
        preds = tuple(
            Prediction(pm.place.id, pm.place.lat, pm.place.lon) if pm.place is not None else Prediction()
            for pm in resolved
        )
        return GeoOutput(tuple((s.start, s.end) for s in found), preds)


SYSTEM_NAMES = ("crosswire", "population")


def load_system(name: str) -> System:
    """Build a system by name, loading spaCy, the gazetteer and (for crosswire) the ranker.

    Args:
        name (str): "crosswire" or "population".
    RETURNS (System): the system.
    Raises:
        ValueError: for an unknown name.
    """
    if name not in SYSTEM_NAMES:
        raise ValueError(f"Unknown geo system {name!r}. Known systems: {list(SYSTEM_NAMES)}")
    from ..config import Config
    from ..nlp import load_pipeline
    from ..places.gazetteer import Gazetteer
    from ..places.ranker import Ranker

    nlp = load_pipeline(Config().spacy_model)
    return CrosswireGeoSystem(nlp, Gazetteer.load(), Ranker.load() if name == "crosswire" else None)


def evaluate_geo(
    path: str | Path,
    system: System,
    *,
    system_name: str = "crosswire",
    limit: int | None = None,
    progress: bool = False,
) -> GeoScores:
    """Score a system on a geoparsing gold file.

    Args:
        path (str | Path): LGL, GWN, TR-News or GeoVirus XML.
        system (System): ``(text, spans) -> GeoOutput``.
        system_name (str): recorded in the scores.
        limit (int | None): score only the first N articles.
        progress (bool): print a progress line per 20 articles to stderr.
    RETURNS (GeoScores): the scores.
    Raises:
        BenchmarkDataError: when the gold file cannot be read.
    """
    fmt, articles = read_gold(path)
    if limit is not None:
        articles = articles[:limit]
    items: list[tuple[GoldToponym, Prediction]] = []
    gold_spans: set[tuple[str, int, int]] = set()
    pred_spans: set[tuple[str, int, int]] = set()
    for k, art in enumerate(articles, 1):
        wanted = [t for t in art.toponyms if t.resolve]
        out = system(art.text, [(t.start, t.end) for t in wanted])
        if len(out.predictions) != len(wanted):
            raise CrosswireError(
                f"System {system_name!r} returned {len(out.predictions)} predictions for {len(wanted)} spans "
                f"(article {art.id})."
            )
        items.extend(zip(wanted, out.predictions, strict=True))
        gold_spans.update((art.id, t.start, t.end) for t in art.toponyms if t.recognise)
        pred_spans.update((art.id, s, e) for s, e in out.spans)
        if progress and (k % 20 == 0 or k == len(articles)):
            print(f"geo {fmt}: {k}/{len(articles)} articles", file=sys.stderr, flush=True)
    m = resolution_metrics(items)
    return GeoScores(
        n=m["n"],  # type: ignore[arg-type]
        exact=m["exact"],  # type: ignore[arg-type]
        acc161=m["acc161"],  # type: ignore[arg-type]
        mean_km=m["mean_km"],  # type: ignore[arg-type]
        median_km=m["median_km"],  # type: ignore[arg-type]
        auc=m["auc"],  # type: ignore[arg-type]
        recognition=recognition_prf(gold_spans, pred_spans),
        coverage=m["coverage"],  # type: ignore[arg-type]
        n_id=m["n_id"],  # type: ignore[arg-type]
        format=fmt,
        system=system_name,
        articles=len(articles),
    )


# --- command -----------------------------------------------------------------------------------


@click.command(name="geo")
@click.argument("gold", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--system",
    "system_name",
    type=click.Choice(SYSTEM_NAMES),
    default="crosswire",
    show_default=True,
    help="crosswire (recogniser + learned ranker) or population (spaCy NER + most populous candidate).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Score only the first N articles.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout (the default output).")
@click.option("--quiet", is_flag=True, help="No progress lines on stderr.")
def geo_cmd(gold: str, system_name: str, limit: int | None, as_json: bool, quiet: bool) -> None:
    """Score geoparsing on LGL, GeoWebNews, TR-News or GeoVirus gold XML (format detected).

    Prints one JSON object: n, exact (null without GeoNames ids), acc161, mean_km, median_km, auc,
    recognition {p, r, f1}, coverage. Resolution is scored given the gold spans; recognition by
    exact span match.

    Example: crosswire eval geo ../shared/bench/geo/lgl.xml --system population --json
    """
    try:
        system = load_system(system_name)
        scores = evaluate_geo(gold, system, system_name=system_name, limit=limit, progress=not quiet)
    except CrosswireError as exc:
        raise click.ClickException(str(exc)) from exc
    # The contract is one JSON object on stdout; --json is accepted for symmetry with other commands.
    click.echo(json.dumps(scores.to_dict(), sort_keys=False))
