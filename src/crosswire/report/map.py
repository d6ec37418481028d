"""An inline SVG map of places, drawn from bundled country outlines (no tiles, no scripts, works offline).

The outlines are Natural Earth 1:110m countries (public domain), compiled into ``report/data/world.json`` by
``scripts/build_world_map.py``. The projection is equirectangular, with its standard parallel at the middle of
the view so that distances east-west and north-south look alike, fitted to the places' bounding box.

    from crosswire.report.map import render_map_svg
    svg = render_map_svg(story.places, counts={"173480": 7}, width=720, height=420)
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Protocol

from ..errors import CrosswireError

KM_PER_DEGREE = 111.32
_STYLE = (
    "<style>.land{fill:#f3efe6;stroke:#8c8c8c;stroke-width:.6;stroke-linejoin:round}"
    ".land.hl{fill:#eadcb8}.cname{fill:#8a8170;font:italic 11px sans-serif;text-anchor:middle}"
    ".place circle{fill:#c0392b;fill-opacity:.8;stroke:#fff;stroke-width:1.2}"
    ".place.area circle{fill:#c0392b;fill-opacity:.12;stroke:#c0392b;stroke-width:1.4;stroke-dasharray:3 2}"
    ".place text,.scale text,.credit{font:12px sans-serif;fill:#222;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px;stroke-linejoin:round}.credit{font-size:9px;fill:#666}</style>"
)
_MAX_LAT = 85.0


class Locatable(Protocol):
    """Anything with an id, a name and coordinates (``model.Place`` and ``MapPlace`` both are)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


@dataclass(frozen=True, slots=True)
class MapPlace:
    """A point to draw when there is no gazetteer ``Place`` at hand."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Country:
    """One country's outline: rings of (lon, lat) points in degrees, with the outline's bounding box."""

    name: str
    iso2: str | None
    rings: tuple[tuple[tuple[float, float], ...], ...]
    bbox: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


@dataclass(frozen=True, slots=True)
class WorldMap:
    """The bundled outlines and where they come from."""

    countries: tuple[Country, ...]
    source: str
    licence: str


def load_world(path: Path | None = None) -> WorldMap:
    """Load country outlines (the bundled Natural Earth 1:110m ones unless a path is given).

    Args:
        path (Path | None): a world.json written by scripts/build_world_map.py.
    RETURNS (WorldMap): the outlines.
    Raises:
        CrosswireError: when the file is missing or is not a world map.
    """
    if path is None:
        return _bundled_world()
    return _parse_world(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _bundled_world() -> WorldMap:
    # Read once per process: the file is immutable package data and the result is frozen.
    ref = resources.files("crosswire.report").joinpath("data/world.json")
    try:
        text = ref.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CrosswireError(
            f"The bundled world map {ref} is missing: reinstall crosswire, or rebuild it with "
            "`python scripts/build_world_map.py --wheel geopandas-0.14.4-py3-none-any.whl`."
        ) from exc
    return _parse_world(text, str(ref))


def _parse_world(text: str, where: str) -> WorldMap:
    try:
        doc = json.loads(text)
        scale = float(doc["scale"])
        countries = []
        for c in doc["countries"]:
            rings = tuple(
                tuple((flat[i] / scale, flat[i + 1] / scale) for i in range(0, len(flat) - 1, 2)) for flat in c["rings"]
            )
            lons = [p[0] for r in rings for p in r]
            lats = [p[1] for r in rings for p in r]
            countries.append(Country(c["name"], c.get("iso2"), rings, (min(lons), min(lats), max(lons), max(lats))))
        return WorldMap(tuple(countries), doc["source"], doc["licence"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CrosswireError(f"{where} is not a world map written by scripts/build_world_map.py: {exc}") from exc


@dataclass(frozen=True, slots=True)
class _View:
    lon_min: float
    lat_max: float
    kx: float  # cos(standard parallel)
    scale: float  # pixels per degree of latitude

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
        return (lon - self.lon_min) * self.kx * self.scale, (self.lat_max - lat) * self.scale


def _fit(points: Sequence[tuple[float, float]], width: int, height: int, margin: float, min_span: float) -> _View:
    """The view that shows every point with a margin, at the aspect ratio of the picture."""
    if points:
        lon_lo, lon_hi = min(p[0] for p in points), max(p[0] for p in points)
        lat_lo, lat_hi = min(p[1] for p in points), max(p[1] for p in points)
    else:  # nothing to show: the inhabited world
        lon_lo, lon_hi, lat_lo, lat_hi = -170.0, 175.0, -56.0, 75.0
        margin = 0.0
    lat_mid = (lat_lo + lat_hi) / 2
    kx = max(0.2, math.cos(math.radians(max(-_MAX_LAT, min(_MAX_LAT, lat_mid)))))
    # Spans in "latitude degrees" (x is shrunk by kx), padded by the margin and at least min_span.
    w = max((lon_hi - lon_lo) * kx * (1 + 2 * margin), min_span)
    h = max((lat_hi - lat_lo) * (1 + 2 * margin), min_span)
    if w / h < width / height:
        w = h * width / height
    else:
        h = w * height / width
    lon_mid = (lon_lo + lon_hi) / 2
    return _View(lon_min=lon_mid - w / (2 * kx), lat_max=lat_mid + h / 2, kx=kx, scale=width / w)


def _ring_path(ring: Sequence[tuple[float, float]], view: _View) -> str:
    parts = []
    prev = None
    for lon, lat in ring:
        x, y = view.xy(lon, lat)
        p = (round(x, 1), round(y, 1))
        if p != prev:
            parts.append(f"{p[0]:g},{p[1]:g}")
            prev = p
    return "M" + "L".join(parts) + "Z" if len(parts) >= 3 else ""


def _centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """RETURNS (tuple): x, y and absolute area of a ring (shoelace formula)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, (*ring[1:], ring[0]), strict=True):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-12:
        return ring[0][0], ring[0][1], 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


def _clip(ring: Sequence[tuple[float, float]], width: float, height: float) -> list[tuple[float, float]]:
    """The part of a ring inside the picture (Sutherland-Hodgman clipping against its four edges)."""
    pts = list(ring)
    for axis, bound, keep_below in ((0, 0.0, False), (0, width, True), (1, 0.0, False), (1, height, True)):
        if not pts:
            break
        out = []
        for a, b in zip(pts, (*pts[1:], pts[0]), strict=True):
            a_in = a[axis] <= bound if keep_below else a[axis] >= bound
            b_in = b[axis] <= bound if keep_below else b[axis] >= bound
            if b_in:
                if not a_in:
                    out.append(_cut(a, b, axis, bound))
                out.append(b)
            elif a_in:
                out.append(_cut(a, b, axis, bound))
        pts = out
    return pts


def _cut(a: tuple[float, float], b: tuple[float, float], axis: int, bound: float) -> tuple[float, float]:
    t = (bound - a[axis]) / (b[axis] - a[axis])
    return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])


def _nice_km(km: float) -> float:
    """The largest 1/2/5 × 10^n not above km."""
    if km <= 0:
        return 0.0
    exp = 10 ** math.floor(math.log10(km))
    return max(m * exp for m in (1, 2, 5) if m * exp <= km)


def _text_width(text: str, size: float) -> float:
    return 0.58 * size * len(text)


def render_map_svg(
    places: Sequence[Locatable],
    *,
    width: int = 720,
    height: int = 420,
    counts: Mapping[str, int] | None = None,
    highlight_countries: Collection[str] = (),
    margin: float = 0.25,
    min_span: float = 3.0,
    title: str = "Map of the places named",
    world: WorldMap | None = None,
) -> str:
    """Draw places on country outlines as one self-contained inline SVG element.

    Pure: the same arguments give the same string; nothing is fetched or written. Every text is escaped.

    Args:
        places (Sequence[Locatable]): the places to mark (``model.Place`` or ``MapPlace``); repeated ids are drawn
            once; a place whose ``feature_code`` starts with "ADM" (a province) is drawn as a dashed ring.
        width (int): the picture's width in pixels (also its viewBox).
        height (int): the picture's height in pixels.
        counts (Mapping[str, int] | None): mentions per place id; dots are sized by it when given.
        highlight_countries (Collection[str]): ISO 3166-1 alpha-2 codes of countries to shade (e.g. those named).
        margin (float): padding around the places' bounding box, as a share of its size on each side.
        min_span (float): the smallest view, in degrees of latitude, so one place still shows its surroundings.
        title (str): the accessible title of the picture.
        world (WorldMap | None): outlines to draw (default: the bundled Natural Earth 1:110m countries).
    RETURNS (str): an ``<svg>`` element.
    """
    world = world if world is not None else _bundled_world()
    seen: dict[str, Locatable] = {}
    for p in places:
        if p.id not in seen and math.isfinite(p.lat) and math.isfinite(p.lon):
            seen[p.id] = p
    pts = list(seen.values())
    view = _fit([(p.lon, p.lat) for p in pts], width, height, margin, min_span)
    lon_max = view.lon_min + width / (view.kx * view.scale)
    lat_min = view.lat_max - height / view.scale
    hl = {c.upper() for c in highlight_countries}

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="crosswire-map" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        ),
        f"<title>{escape(title)}</title>",
        _STYLE,
        f'<rect width="{width}" height="{height}" fill="#dcebf5"/>',
    ]
    # The scale bar and the credit first: labels keep clear of them.
    km = _nice_km(width / 4 * KM_PER_DEGREE / view.scale)  # `scale` pixels per degree of latitude
    bar = km * view.scale / KM_PER_DEGREE
    credit = "Outlines: Natural Earth"
    taken: list[tuple[float, float, float, float]] = [
        (6, height - 30, 14 + max(bar, _text_width(f"{km:g} km", 12)), height),
        (width - 6 - _text_width(credit, 9), height - 14, width, height),
    ]

    def radius(p: Locatable) -> float:
        if counts is None:
            return 5.0
        return min(16.0, 4.0 + 2.5 * math.sqrt(max(counts.get(p.id, 1), 1) - 1))

    # Province rings first, then big dots before small ones so every mark stays visible; labels avoid each other.
    marks = []
    def is_area(p: Locatable) -> bool:
        return str(getattr(p, "feature_code", "")).startswith("ADM")

    for p in sorted(pts, key=lambda p: (not is_area(p), -radius(p), p.name, p.id)):
        x, y = view.xy(p.lon, p.lat)
        r = radius(p)
        taken.append((x - r, y - r, x + r, y + r))
        n = counts.get(p.id) if counts is not None else None
        tip = f"{p.name} ({n} mention{'s' if n != 1 else ''})" if n is not None else p.name
        tw = _text_width(p.name, 12)
        candidates = [
            (x + r + 3, y + 4, "start"), (x - r - 3, y + 4, "end"),
            (x, y - r - 4, "middle"), (x, y + r + 13, "middle"),
        ]  # fmt: skip
        chosen = candidates[0]
        for cx, cy, anchor in candidates:
            x0 = cx if anchor == "start" else cx - tw if anchor == "end" else cx - tw / 2
            box = (x0, cy - 11, x0 + tw, cy + 3)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not any(_overlap(box, b) for b in taken):
                chosen = (cx, cy, anchor)
                taken.append(box)
                break
        cx, cy, anchor = chosen
        # An administrative area is drawn as a dashed ring at its centre point, not as a town.
        cls = "place area" if is_area(p) else "place"
        marks.append(
            f'<g class="{cls}" data-place-id="{escape(p.id)}"><title>{escape(tip)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
            f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="{anchor}">{escape(p.name)}</text></g>'
        )

    country_labels = []
    for c in world.countries:
        bx0, by0, bx1, by1 = c.bbox
        if bx1 < view.lon_min or bx0 > lon_max or by1 < lat_min or by0 > view.lat_max:
            continue
        d = "".join(_ring_path(r, view) for r in c.rings)
        if not d:
            continue
        cls = "land hl" if c.iso2 and c.iso2.upper() in hl else "land"
        out.append(f'<path class="{cls}" data-country="{escape(c.iso2 or "")}" d="{d}"><title>{escape(c.name)}</title></path>')
        # Label the country at the middle of its largest visible piece, when the name fits and hides nothing.
        visible = [_clip([view.xy(lon, lat) for lon, lat in r], width, height) for r in c.rings]
        pieces = [_centroid(r) for r in visible if len(r) >= 3]
        if pieces:
            x, y, area = max(pieces, key=lambda t: t[2])
            tw = _text_width(c.name, 11)
            box = (x - tw / 2, y - 7, x + tw / 2, y + 7)
            fits = 12 < y < height - 12 and box[0] > 2 and box[2] < width - 2
            if math.sqrt(area) > tw * 0.9 and fits and not any(_overlap(box, b) for b in taken):
                country_labels.append(f'<text class="cname" x="{x:.1f}" y="{y + 4:.1f}">{escape(c.name)}</text>')
    out.extend(country_labels)
    out.extend(marks)
    if km > 0:
        out.append(
            f'<g class="scale"><path d="M10,{height - 12}h{bar:.1f}" stroke="#333" stroke-width="2"/>'
            f'<text x="10" y="{height - 17}">{km:g} km</text></g>'
        )
    out.append(f'<text class="credit" x="{width - 4}" y="{height - 4}" text-anchor="end">{credit}</text>')
    out.append("</svg>")
    return "".join(out)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
