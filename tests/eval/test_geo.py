"""Geo benchmark: readers for the four formats, the metrics on hand-computed values, the command."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from crosswire.eval.geo import (
    MAX_ERROR_KM,
    GeoOutput,
    GoldToponym,
    Prediction,
    evaluate_geo,
    geo_cmd,
    gritta_auc,
    haversine_km,
    read_gold,
    realign,
    recognition_prf,
    resolution_metrics,
)

LGL = """<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="7"><feedid>1</feedid><title>t</title>
    <text><![CDATA[Paris and Lyon met in Texas.]]></text>
    <toponyms count="3">
      <toponym><start>0</start><end>5</end><phrase>Paris</phrase>
        <gaztag geonameid="2988507"><name>Paris</name><fclass>P</fclass><fcode>PPLC</fcode>
        <lat>48.85341</lat><lon>2.3488</lon></gaztag></toponym>
      <toponym><start>10</start><end>14</end><phrase>Lyon</phrase>
        <gaztag geonameid="2996944"><lat>45.74846</lat><lon>4.84671</lon></gaztag></toponym>
      <toponym><start>22</start><end>27</end><phrase>Texas</phrase></toponym>
    </toponyms>
  </article>
</articles>
"""

TR = """<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="9"><title> t </title>
    <text><![CDATA[A Turkish man in Ankara. Turkish tea.]]></text>
    <toponyms>
      <toponym><phrase>Turkish</phrase><start>4</start><end>11</end>
        <gaztag geonameid="298795"><lat>39.0</lat><lon>35.0</lon></gaztag></toponym>
      <toponym><phrase>Ankara</phrase><start>17</start><end>23</end>
        <gaztag geonameid="323786"><lat>39.91987</lat><lon>32.85427</lon></gaztag></toponym>
    </toponyms>
  </article>
</articles>
"""

GWN = """<?xml version="1.0" ?>
<articles>
  <article file="3"><title>t</title><link>l</link>
    <text>Rome said London is big. Roman citizens.</text>
    <toponyms>
      <toponym><extractedName>Rome</extractedName><type>Metonymic</type><start>0</start><end>4</end>
        <geonamesID>3169070</geonamesID><latitude>41.89193</latitude><longitude>12.51133</longitude></toponym>
      <toponym><extractedName>London</extractedName><type>Literal</type><start>10</start><end>16</end>
        <geonamesID/><latitude>51.50853</latitude><longitude>-0.12574</longitude></toponym>
      <toponym><extractedName>citizens</extractedName><type>Non_Lit_Expression</type><start>31</start><end>39</end>
        <geonamesID/><latitude/><longitude/></toponym>
      <toponym><extractedName>bad</extractedName><type>Literal</type><start>-1</start><end>-1</end>
        <geonamesID/><latitude>1</latitude><longitude>1</longitude></toponym>
    </toponyms>
  </article>
</articles>
"""

GEOVIRUS = """<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article><source>http://x</source><text>Flu in Oslo.</text>
    <locations><location><name>Oslo</name><start>8</start><end>12</end><lat>59.91</lat><lon>10.75</lon>
      <page>N/A</page></location></locations>
  </article>
</articles>
<!-- <article> template </article> -->
"""


@pytest.fixture()
def gold_files(tmp_path):
    paths = {}
    for name, text in (("lgl", LGL), ("tr", TR), ("gwn", GWN), ("gv", GEOVIRUS)):
        p = tmp_path / f"{name}.xml"
        p.write_text(text, encoding="utf-8")
        paths[name] = p
    return paths


@pytest.mark.parametrize("name,fmt", [("lgl", "lgl"), ("tr", "tr-news"), ("gwn", "gwn"), ("gv", "geovirus")])
def test_geo_detect_format(gold_files, name, fmt):
    assert read_gold(gold_files[name])[0] == fmt


def test_geo_lgl_items_and_recognition_spans(gold_files):
    _, arts = read_gold(gold_files["lgl"])
    tops = arts[0].toponyms
    assert [(t.start, t.end, t.text, t.resolve) for t in tops] == [
        (0, 5, "Paris", True), (10, 14, "Lyon", True), (22, 27, "Texas", False)
    ]
    assert tops[0].geonameid == "2988507" and tops[0].lat == pytest.approx(48.85341)


def test_geo_trnews_realignment(gold_files):
    _, arts = read_gold(gold_files["tr"])
    # "Turkish" stated at 4:11 really starts at 2 (the nearest occurrence); Ankara is right as stated.
    assert [(t.start, t.end, t.text) for t in arts[0].toponyms] == [(2, 9, "Turkish"), (17, 23, "Ankara")]


@pytest.mark.parametrize(
    "text,phrase,start,expected",
    [("ab X cd X", "X", 7, (8, 9)), ("X.X", "X", 1, (0, 1)), ("X", "X", 0, (0, 1))],
)
def test_geo_realign_nearest_and_ties(text, phrase, start, expected):
    # "X.X" with start 1: occurrences 0 and 2 are equally near; the earlier one wins.
    assert realign(text, phrase, start, start + len(phrase)) == expected


def test_geo_gwn_types_and_negative_offsets(gold_files):
    _, arts = read_gold(gold_files["gwn"])
    tops = arts[0].toponyms
    assert [(t.text, t.resolve, t.recognise) for t in tops] == [
        ("Rome", True, True), ("London", True, True), ("citizens", False, False)
    ]
    assert tops[1].geonameid is None


def test_geo_geovirus_one_based(gold_files):
    _, arts = read_gold(gold_files["gv"])
    t = arts[0].toponyms[0]
    assert (arts[0].id, t.start, t.end, t.text) == ("0", 7, 11, "Oslo")


def test_geo_unknown_format_raises(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("<articles><article/></articles>", encoding="utf-8")
    from crosswire.errors import BenchmarkDataError

    with pytest.raises(BenchmarkDataError):
        read_gold(p)


def test_geo_haversine_known_distance():
    # Paris to London: 343.9 km with R = 6371.0088.
    assert haversine_km(48.85341, 2.3488, 51.50853, -0.12574) == pytest.approx(343.9, abs=0.5)


def test_geo_auc_by_hand():
    d = [0.0, 160.0, MAX_ERROR_KM]
    x = sorted(math.log1p(v) for v in d)
    by_hand = (x[0] / 2 + x[1] + x[2] / 2) / (math.log(MAX_ERROR_KM) * 2)
    assert gritta_auc(d) == pytest.approx(by_hand)
    assert gritta_auc([0.0, 0.0]) == 0.0
    assert gritta_auc([]) is None


def test_geo_resolution_metrics_by_hand():
    g1 = GoldToponym(0, 1, "a", "1", 0.0, 0.0, resolve=True)
    g2 = GoldToponym(0, 1, "b", "2", 0.0, 0.0, resolve=True)
    g3 = GoldToponym(0, 1, "c", None, 0.0, 0.0, resolve=True)
    one_deg = haversine_km(0, 0, 1, 0)  # 111.2 km: within 161
    items = [(g1, Prediction("1", 0.0, 0.0)), (g2, Prediction("9", 1.0, 0.0)), (g3, Prediction())]
    m = resolution_metrics(items)
    assert m["n"] == 3 and m["n_id"] == 2
    assert m["exact"] == 0.5
    assert m["acc161"] == pytest.approx(2 / 3)
    assert m["mean_km"] == pytest.approx((0 + one_deg + MAX_ERROR_KM) / 3)
    assert m["median_km"] == pytest.approx(one_deg)
    assert m["coverage"] == pytest.approx(2 / 3)
    x = sorted([0.0, math.log1p(one_deg), math.log1p(MAX_ERROR_KM)])
    assert m["auc"] == pytest.approx((sum(x) - (x[0] + x[2]) / 2) / (math.log(MAX_ERROR_KM) * 2))


def test_geo_acc161_boundary_is_inclusive():
    g = GoldToponym(0, 1, "a", None, 0.0, 0.0, resolve=True)
    lat = 161.0 / haversine_km(0, 0, 1, 0)  # exactly 161 km north
    assert resolution_metrics([(g, Prediction(None, lat, 0.0))])["acc161"] == 1.0
    assert resolution_metrics([(g, Prediction(None, lat * 1.001, 0.0))])["acc161"] == 0.0


def test_geo_recognition_prf_by_hand():
    r = recognition_prf({("a", 0, 5), ("a", 9, 12), ("b", 1, 2)}, {("a", 0, 5), ("a", 9, 11)})
    assert (r.tp, r.p, r.r) == (1, 0.5, pytest.approx(1 / 3))
    assert r.f1 == pytest.approx(0.4)


def test_geo_exact_is_null_without_ids(gold_files):
    def system(text, spans):
        return GeoOutput(((7, 11),), tuple(Prediction(None, 59.91, 10.75) for _ in spans))

    s = evaluate_geo(gold_files["gv"], system)
    assert s.exact is None and s.acc161 == 1.0 and s.recognition.f1 == 1.0
    d = s.to_dict()
    assert {"n", "exact", "acc161", "mean_km", "median_km", "auc", "recognition"} <= set(d)
    assert {"p", "r", "f1"} <= set(d["recognition"])


def test_geo_evaluate_gwn_recognition_set(gold_files):
    def system(text, spans):
        return GeoOutput(((0, 4), (10, 16), (31, 39)), tuple(Prediction() for _ in spans))

    s = evaluate_geo(gold_files["gwn"], system)
    # Gold: Rome, London (citizens is a Non_Lit_Expression); predicted 3, 2 right.
    assert (s.recognition.tp, s.recognition.n_pred, s.recognition.n_gold) == (2, 3, 2)
    assert s.n == 2 and s.coverage == 0.0 and s.mean_km == MAX_ERROR_KM


def test_geo_cmd_missing_file_is_a_clean_error(tmp_path, monkeypatch):
    import crosswire.eval.geo as geo

    monkeypatch.setattr(geo, "load_system", lambda name: (lambda text, spans: GeoOutput((), ())))
    result = CliRunner().invoke(geo_cmd, [str(tmp_path / "missing.xml"), "--json", "--quiet"])
    assert result.exit_code == 1 and "no such gold file" in result.output


def test_geo_cmd_prints_one_json_object(gold_files, monkeypatch):
    import crosswire.eval.geo as geo

    monkeypatch.setattr(
        geo, "load_system",
        lambda name: (lambda text, spans: GeoOutput(((7, 11),), tuple(Prediction(None, 59.91, 10.75) for _ in spans))),
    )
    result = CliRunner().invoke(geo_cmd, [str(gold_files["gv"]), "--json", "--quiet"])
    assert result.exit_code == 0
    d = json.loads(result.output)
    assert d["n"] == 1 and d["acc161"] == 1.0 and d["recognition"]["f1"] == 1.0


def test_geo_cmd_help_has_example():
    assert "Example:" in CliRunner().invoke(geo_cmd, ["--help"]).output


@pytest.mark.bench
def test_geo_dev_counts_match_readme(shared_bench):
    counts = {}
    for name in ("lgl.xml", "GWN.xml", "TR-News.xml"):
        _, arts = read_gold(shared_bench / "geo" / name)
        counts[name] = (
            len(arts),
            sum(t.resolve for a in arts for t in a.toponyms),
            sum(bool(t.geonameid) and t.resolve for a in arts for t in a.toponyms),
            sum(t.recognise for a in arts for t in a.toponyms),
        )
    assert counts == {
        "lgl.xml": (412, 3123, 3123, 3595),
        "GWN.xml": (140, 1836, 1702, 1920),
        "TR-News.xml": (83, 812, 812, 835),
    }
