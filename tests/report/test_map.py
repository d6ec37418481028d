"""The dossier map: an inline SVG of places on bundled Natural Earth outlines (no network, escaped labels)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources

import pytest

from crosswire.model import Place
from crosswire.report.map import MapPlace, load_world, render_map_svg

SVG = "{http://www.w3.org/2000/svg}"
MAYADIN = Place("173480", "Al Mayādīn", "P", "PPLA2", "SY", "Deir ez-Zor", 35.0158, 40.4517)
DEIR = Place("170794", "Deir ez-Zor", "P", "PPLA", "SY", "Deir ez-Zor", 35.3359, 40.1408)
RAQQA = Place("172955", "Ar Raqqah", "P", "PPLA", "SY", "Ar Raqqah", 35.9528, 39.0079)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _dots(root: ET.Element) -> dict[str, tuple[float, float, float, str]]:
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class", "").startswith("place"):
            c = g.find(f"{SVG}circle")
            t = g.find(f"{SVG}text")
            out[g.get("data-place-id")] = (float(c.get("cx")), float(c.get("cy")), float(c.get("r")), t.text)
    return out


def test_map_world_data_is_small_and_credits_its_source():
    ref = resources.files("crosswire.report").joinpath("data/world.json")
    text = ref.read_text(encoding="utf-8")
    assert len(text.encode()) < 300_000
    doc = json.loads(text)
    assert "Natural Earth" in doc["source"] and "ublic domain" in doc["licence"]
    world = load_world()
    by_iso = {c.iso2: c for c in world.countries}
    assert len(world.countries) > 150 and {"SY", "IQ", "JO", "LB", "RU", "US", "FR", "NO"} <= set(by_iso)
    lon0, lat0, lon1, lat1 = by_iso["SY"].bbox
    assert lon0 < MAYADIN.lon < lon1 and lat0 < MAYADIN.lat < lat1


def test_map_draws_every_place_inside_the_picture_in_geographic_order():
    root = _parse(render_map_svg([MAYADIN, DEIR, RAQQA, MAYADIN], width=600, height=400))
    assert root.get("viewBox") == "0 0 600 400"
    dots = _dots(root)
    assert set(dots) == {"173480", "170794", "172955"}  # the repeated place is drawn once
    for x, y, _, _ in dots.values():
        assert 0 < x < 600 and 0 < y < 400
    # West is left, north is up.
    assert dots["172955"][0] < dots["170794"][0] < dots["173480"][0]
    assert dots["172955"][1] < dots["170794"][1] < dots["173480"][1]
    assert dots["173480"][3] == "Al Mayādīn"


def test_map_sizes_dots_by_mention_count_and_shades_countries():
    root = _parse(render_map_svg([MAYADIN, DEIR], counts={"173480": 9, "170794": 1}, highlight_countries=["sy"]))
    dots = _dots(root)
    assert dots["173480"][2] > dots["170794"][2]
    classes = {p.get("data-country"): p.get("class") for p in root.iter(f"{SVG}path") if p.get("data-country")}
    assert classes["SY"] == "land hl" and classes["IQ"] == "land"
    titles = [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("place")]
    assert "Al Mayādīn (9 mentions)" in titles


def test_map_escapes_labels():
    evil = MapPlace("x<1>", 'At Tanf <script>alert("x")</script> & co', 33.5, 38.66)
    svg = render_map_svg([evil])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert _dots(_parse(svg))["x<1>"][3] == 'At Tanf <script>alert("x")</script> & co'


def test_map_is_pure_and_has_no_external_references():
    a = render_map_svg([MAYADIN, RAQQA], counts={"173480": 3})
    assert a == render_map_svg([MAYADIN, RAQQA], counts={"173480": 3})
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", a)
    assert "<script" not in a.lower()


@pytest.mark.parametrize("places", [[], [MAYADIN]])
def test_map_without_a_box_still_shows_land(places):
    root = _parse(render_map_svg(places))
    land = [p for p in root.iter(f"{SVG}path") if p.get("class", "").startswith("land")]
    assert land
    if places:
        # One place: a small view around it (its country drawn, the scale bar in tens or hundreds of km).
        assert any(p.get("data-country") == "SY" for p in land)
        scale = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "scale").find(f"{SVG}text").text
        assert scale.endswith(" km") and float(scale.split()[0]) <= 500
    else:
        assert len(land) > 150
