"""The gazetteer: the seed places resolve, unknown names find nothing, a broken index says how to rebuild.

Tests that need the real index use the default one (``Gazetteer.load()``), built once on first
use: building takes about a minute on 2 cores, too long to repeat per test session. Tests of the
build itself use a tiny self-made GeoNames dump.
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from crosswire.errors import CrosswireError
from crosswire.places.gazetteer import (
    FORMAT_VERSION,
    Candidate,
    Gazetteer,
    GazetteerError,
    default_path,
)

DUMP_LINES = [
    # geonameid name asciiname alternatenames lat lon fclass fcode cc cc2 adm1 adm2 adm3 adm4 pop elev dem tz date
    "163843\tSyria\tSyria\tSyrie,Sūriyā,سوريا\t35.0\t38.0\tA\tPCLI\tSY\t\t00\t\t\t\t22198110\t\t447\tAsia/Damascus\t2020-01-01",
    "170792\tDayr az Zawr\tDayr az Zawr\tDeir ez-Zor,Deir ez-Zor Governorate,دير الزور\t35.0\t40.5\tA\tADM1\tSY\t\t07\t\t\t\t1239000\t\t200\tAsia/Damascus\t2020-01-01",
    "170794\tDeir ez-Zor\tDeir ez-Zor\tDayr al-Zawr,Deir al-Zour,DEZ,دير الزور\t35.33588\t40.14084\tP\tPPLA\tSY\t\t07\t\t\t\t271800\t\t210\tAsia/Damascus\t2020-01-01",
    "173480\tAl Mayādīn\tAl Mayadin\tAl-Mayadeen,Mayadin,الميادين\t35.01982\t40.45154\tP\tPPL\tSY\t\t07\t\t\t\t54534\t\t190\tAsia/Damascus\t2020-01-01",
    "99999999\tSome Base\tSome Base\t\t35.1\t40.2\tS\tMILB\tSY\t\t07\t\t\t\t0\t\t200\tAsia/Damascus\t2020-01-01",
    "88888888\tA Hotel\tA Hotel\t\t35.1\t40.2\tS\tHTL\tSY\t\t07\t\t\t\t0\t\t200\tAsia/Damascus\t2020-01-01",
]


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The default gazetteer, built on first use (about a minute) and reused afterwards."""
    return Gazetteer.load()


@pytest.fixture(scope="session")
def dump_index(tmp_path_factory) -> Path:
    """An index built from a six-line GeoNames dump in a zip, as allCountries.zip is shipped."""
    root = tmp_path_factory.mktemp("dump")
    dump = root / "allCountries.zip"
    with zipfile.ZipFile(dump, "w") as zf:
        zf.writestr("allCountries.txt", "\n".join(DUMP_LINES) + "\n")
    return Gazetteer.build(root / "gazetteer-v1", geonames_dump=dump)


def _ids(found: list[Candidate], n: int = 10) -> list[str]:
    return [c.place.id for c in found[:n]]


@pytest.mark.parametrize(
    "name,place_id,top",
    [
        ("Al-Mayadeen", "173480", 1),
        ("Al Mayadeen", "173480", 1),
        ("al-Mayadin", "173480", 1),
        ("Dayr al-Zawr", "170794", 3),
        ("Deir ez-Zor", "170794", 3),
        ("Dayr al-Zawr", "170792", 3),
        ("Deir ez-Zor", "170792", 3),
        ("Day al-Zawr", "170794", 3),
        ("Raqqa", "172955", 3),
        ("Raqqah", "172955", 1),
        ("Rukban", "11428685", 1),
        ("al-Tanf", "sup:al-tanf", 1),
        ("Deir ez-Zor province", "170792", 1),
        ("Dayr al-Zawr Province", "170792", 1),
    ],
)
def test_gazetteer_seed_places_are_top_candidates(gazetteer, name, place_id, top):
    assert place_id in _ids(gazetteer.candidates(name), top)


@pytest.mark.parametrize(
    "name,place_id,match,edits",
    [
        ("Al-Mayadeen", "173480", "exact", 0),
        ("Al Mayadeen", "173480", "key", 0),
        ("Day al-Zawr", "170794", "fuzzy", 1),
        ("Al-Mayadenn", "173480", "fuzzy", 1),
    ],
)
def test_gazetteer_match_kind(gazetteer, name, place_id, match, edits):
    found = {c.place.id: c for c in gazetteer.candidates(name)}
    assert (found[place_id].match, found[place_id].edits) == (match, edits)


def test_gazetteer_fuzzy_can_be_turned_off(gazetteer):
    assert "170794" not in _ids(gazetteer.candidates("Day al-Zawr", fuzzy=False), 30)


@pytest.mark.parametrize("name", ["Xqzvvrtplk", "Blorptastic Flumwhistle", "", "   ", "!!!"])
def test_gazetteer_unknown_name_has_no_candidates(gazetteer, name):
    assert gazetteer.candidates(name) == []


@pytest.mark.parametrize(
    "name,place_id",
    [("دير الزور", "170794"), ("الميادين", "173480"), ("Дамаск", "170654"), ("الرقة", "172955"), ("Дейр-эз-Зор", "170794")],
)
def test_gazetteer_non_latin_names_find_the_place(gazetteer, name, place_id):
    assert place_id in _ids(gazetteer.candidates(name), 5)


@pytest.mark.parametrize("name", ["ダマスカス", "𐌳𐌰𐌼𐌰𐍃𐌺𐍉", "☃", "ٴ"])
def test_gazetteer_any_script_does_not_crash(gazetteer, name):
    assert isinstance(gazetteer.candidates(name), list)


def test_gazetteer_capital_of_admin1(gazetteer):
    province = gazetteer.get("170792")
    assert province is not None and province.feature_code == "ADM1"
    capital = gazetteer.capital_of_admin1(province)
    assert capital is not None and capital.id == "170794"


@pytest.mark.parametrize("place_id,admin1_id", [("173480", "170792"), ("170794", "170792"), ("172955", "172957"), ("sup:al-tanf", "170652")])
def test_gazetteer_admin1_of(gazetteer, place_id, admin1_id):
    admin1 = gazetteer.admin1_of(gazetteer.get(place_id))
    assert admin1 is not None and admin1.id == admin1_id


def test_gazetteer_records(gazetteer):
    city = gazetteer.get("170794")
    assert (city.name, city.country, city.admin1, city.feature_class) == ("Deir ez-Zor", "SY", "Dayr az Zawr", "P")
    assert city.population == 271800 and abs(city.lat - 35.33588) < 1e-4 and abs(city.lon - 40.14084) < 1e-4
    syria = gazetteer.country("SY")
    assert (syria.id, syria.feature_code) == ("163843", "PCLI")
    assert 33 < syria.lat < 37 and 36 < syria.lon < 41
    assert gazetteer.get("no-such-id") is None and gazetteer.get("0") is None
    children = [p.id for p in gazetteer.children(gazetteer.get("170792"), limit=10)]
    assert children[0] == "170794" and "173480" in children


def test_gazetteer_supplement_entries_are_cited(gazetteer):
    data = json.loads((Path(__file__).resolve().parents[2] / "src/crosswire/places/supplement.json").read_text(encoding="utf-8"))
    assert len(data["places"]) >= 8
    for entry in data["places"]:
        place = gazetteer.get(entry["id"])
        assert place is not None and place.source == "supplement"
        assert place.citation and (place.lat, place.lon) == (entry["lat"], entry["lon"])
        assert gazetteer.candidates(entry["name"])[0].place.id == entry["id"]


def test_gazetteer_lookup_speed(gazetteer):
    names = ["Al-Mayadeen", "Dayr al-Zawr", "Raqqa", "Aleppo", "Homs", "Baghdad", "Mosul", "Idlib"] * 250
    start = time.perf_counter()
    for name in names:
        gazetteer.candidates(name, limit=10)
    rate = len(names) / (time.perf_counter() - start)
    assert rate > 2000  # measured about 20k/s; the floor leaves room for slow CI machines


def test_gazetteer_default_path_honours_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSWIRE_DATA_DIR", str(tmp_path))
    assert default_path() == tmp_path / f"gazetteer-v{FORMAT_VERSION}"


def test_gazetteer_build_from_dump(dump_index):
    gaz = Gazetteer.load(dump_index)
    assert len(gaz) == 5 + 8  # the hotel is not kept; 8 supplement entries
    assert _ids(gaz.candidates("Al-Mayadeen"), 1) == ["173480"]
    city = gaz.get("170794")
    assert (city.feature_code, city.admin1, city.population) == ("PPLA", "Dayr az Zawr", 271800)
    assert gaz.capital_of_admin1(gaz.get("170792")).id == "170794"
    assert gaz.admin1_of(gaz.get("99999999")).id == "170792"
    assert gaz.country("SY").id == "163843"
    assert gaz.candidates("DEZ") == []  # airport codes are not names
    assert gaz.get("88888888") is None


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda p: (p / "places.npz").write_bytes(b""), "empty or corrupt"),
        (lambda p: (p / "index.npz").write_bytes(b"PK\x03\x04garbage"), "empty or corrupt"),
        (lambda p: (p / "meta.json").write_text(""), "empty or corrupt"),
        (lambda p: (p / "names.bin").unlink(), "empty or corrupt"),
        (lambda p: (p / "meta.json").write_text(json.dumps({**json.loads((p / "meta.json").read_text()), "version": 0})), "format version 0"),
        (lambda p: (p / "meta.json").write_text(json.dumps({**json.loads((p / "meta.json").read_text()), "fingerprint": "x"})), "other name keys"),
    ],
)
def test_gazetteer_broken_index_says_how_to_rebuild(dump_index, tmp_path, damage, message):
    import shutil

    broken = tmp_path / "gazetteer-v1"
    shutil.copytree(dump_index, broken)
    damage(broken)
    with pytest.raises(GazetteerError, match=message) as info:
        Gazetteer.load(broken)
    assert "crosswire gazetteer build" in str(info.value)
    assert isinstance(info.value, CrosswireError)


def test_gazetteer_missing_index_at_a_path(tmp_path):
    with pytest.raises(GazetteerError, match="crosswire gazetteer build"):
        Gazetteer.load(tmp_path / "nowhere")


def test_gazetteer_bad_dump_is_a_gazetteer_error(tmp_path):
    bad = tmp_path / "allCountries.txt"
    bad.write_text("1\tonly\tthree columns\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="columns"):
        Gazetteer.build(tmp_path / "out", geonames_dump=bad)


def test_gazetteer_cli_build_and_lookup(tmp_path):
    from click.testing import CliRunner

    from crosswire.places.cli import gazetteer_group

    dump = tmp_path / "allCountries.txt"
    dump.write_text("\n".join(DUMP_LINES) + "\n", encoding="utf-8")
    out = tmp_path / "gazetteer-v1"
    built = CliRunner().invoke(gazetteer_group, ["build", "--geonames-dump", str(dump), "--out", str(out), "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["places"] == 13
    found = CliRunner().invoke(gazetteer_group, ["lookup", "Dayr al-Zawr", "--index", str(out), "--json"])
    assert found.exit_code == 0, found.output
    result = json.loads(found.stdout)
    assert [c["id"] for c in result["candidates"]][:2] == ["170794", "170792"]
    assert result["candidates"][0]["match"] == "exact"
    missing = CliRunner().invoke(gazetteer_group, ["lookup", "Raqqa", "--index", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "crosswire gazetteer build" in missing.output


@pytest.mark.parametrize("command", [["build"], ["lookup"], []])
def test_gazetteer_cli_help_has_an_example(command):
    from click.testing import CliRunner

    from crosswire.places.cli import gazetteer_group

    result = CliRunner().invoke(gazetteer_group, [*command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_country_points_table_is_complete_and_sourced():
    data = json.loads((Path(__file__).resolve().parents[2] / "src/crosswire/places/country_points.json").read_text(encoding="utf-8"))
    assert "countries_codes_and_coordinates" in data["source"] and "GeoNames" in data["note"]
    points = data["points"]
    assert len(points) >= 240
    for iso, (lat, lon) in points.items():
        assert len(iso) == 2 and iso.isupper() and -90 <= lat <= 90 and -180 <= lon <= 180
    assert points["SY"] == [35, 38] and points["IQ"] == [33, 44] and points["CA"] == [60, -95]


def test_gazetteer_countries_use_the_table_points(gazetteer):
    # SY, IQ from country_points.json; CA, US from GeoNames' own points in supplement.json.
    for iso, (lat, lon) in {"CA": (60.10867, -113.64258), "US": (39.76, -98.5), "SY": (35.0, 38.0), "IQ": (33.0, 44.0)}.items():
        country = gazetteer.country(iso)
        assert (country.lat, country.lon) == pytest.approx((lat, lon), abs=1e-3)
    south_sudan = gazetteer.country("SS")  # not in the table: placed at its cities' box centre
    assert south_sudan is not None and 3 < south_sudan.lat < 13 and 23 < south_sudan.lon < 36


def test_supplement_country_points_cite_geonames():
    data = json.loads((Path(__file__).resolve().parents[2] / "src/crosswire/places/supplement.json").read_text(encoding="utf-8"))
    for iso, p in data["country_points"].items():
        assert len(iso) == 2 and iso.isupper() and -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
        assert p["citation"].startswith("GeoNames ")


@pytest.mark.parametrize("name,gid", [("Europe", "6255148"), ("European", "6255148"), ("Africa", "6255146"), ("Asia", "6255147")])
def test_gazetteer_continents(gazetteer, name, gid):
    cands = gazetteer.candidates(name)
    assert cands and cands[0].place.id == gid and cands[0].place.feature_code == "CONT"


def test_gazetteer_admin1_placed_inside_its_extent(gazetteer):
    ontario = next(c.place for c in gazetteer.candidates("Ontario") if c.place.feature_code == "ADM1")
    assert 45 < ontario.lat < 50 and -90 < ontario.lon < -80  # the full box, not the populated south
