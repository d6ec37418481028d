"""The story map as SVG: the report module's map drawn from bundled world outlines when it is
installed, else a plain graticule with the places as points. All text is XML-escaped."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..model import Place


def _fallback_svg(places: list[Place], *, width: int = 720, height: int = 360) -> str:
    """An equirectangular frame fitted to the places, with a graticule and one labelled dot each."""
    if places:
        lats = [p.lat for p in places]
        lons = [p.lon for p in places]
        pad = 2.0
        lat0, lat1 = max(min(lats) - pad, -90.0), min(max(lats) + pad, 90.0)
        lon0, lon1 = max(min(lons) - pad, -180.0), min(max(lons) + pad, 180.0)
    else:
        lat0, lat1, lon0, lon1 = -60.0, 80.0, -180.0, 180.0
    span = max(lon1 - lon0, (lat1 - lat0) * width / height, 1e-6)
    cx, cy = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    lon0, lon1 = cx - span / 2, cx + span / 2
    lat_span = span * height / width
    lat0, lat1 = cy - lat_span / 2, cy + lat_span / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - lon0) / (lon1 - lon0) * width, (lat1 - lat) / (lat1 - lat0) * height

    step = 1 if span <= 12 else 5 if span <= 60 else 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-label="Map of the story\'s places" class="story-map">',
        f'<rect width="{width}" height="{height}" fill="#eef3f7"/>',
    ]
    g = int(lon0 // step) * step
    while g <= lon1:
        x, _ = xy(0, g)
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#cfd8e0" stroke-width="0.5"/>')
        g += step
    g = int(lat0 // step) * step
    while g <= lat1:
        _, y = xy(g, 0)
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#cfd8e0" stroke-width="0.5"/>')
        g += step
    for p in places:
        x, y = xy(p.lat, p.lon)
        name = escape(p.name)
        parts.append(
            f'<g class="place"><circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#c0392b" stroke="#fff">'
            f"<title>{name} ({p.lat:.3f}, {p.lon:.3f})</title></circle>"
            f'<text x="{x + 7:.1f}" y="{y + 4:.1f}" font-size="12" font-family="sans-serif">{name}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def story_map_svg(places: list[Place]) -> str:
    """Draw a story's places.

    Args:
        places (list[Place]): the places (distinct ids, most mentioned first).
    RETURNS (str): an SVG document.
    """
    try:
        from ..report.map import render_map_svg
    except ImportError:
        return _fallback_svg(places)
    return render_map_svg(places)
