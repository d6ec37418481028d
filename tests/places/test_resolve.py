"""Resolution: the seed places of EXPECTED.md from the real seed texts, the ranker file, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from crosswire.model import PlacePrecision, Sentence
from crosswire.places.ranker import ALL_FEATURES, Ranker

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRESSTV = EXAMPLES / "presstv-forces-draw-close-al-mayadin.txt"
RT = EXAMPLES / "rt-al-mayadeen-captured.txt"


def test_ranker_loads_packaged_weights():
    r = Ranker.load()
    assert set(r.pass1.features) < set(ALL_FEATURES) and r.pass2.features == ALL_FEATURES
    assert np.isfinite(r.pass2.coef).all() and "cv" in r.meta


def test_ranker_bad_file_says_how_to_rebuild(tmp_path):
    from crosswire.errors import CrosswireError

    p = tmp_path / "ranker.json"
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(CrosswireError, match="make train"):
        Ranker.load(p)


@pytest.fixture(scope="module")
def gazetteer():
    from crosswire.places.gazetteer import Gazetteer

    return Gazetteer.load()


@pytest.fixture(scope="module")
def seeds(resources, gazetteer):
    from crosswire.nlp import doc_records
    from crosswire.places.resolve import geoparse

    out = {}
    ranker = Ranker.load()
    for name, path in (("presstv", PRESSTV), ("rt", RT)):
        body = path.read_text("utf-8")
        sentences, mentions = doc_records(resources.nlp(body))
        out[name] = geoparse(body, mentions, sentences, gazetteer, ranker)
    return out


def _ids(pms, text):
    return {pm.place.id if pm.place else None for pm in pms if pm.text == text}


@pytest.mark.slow
@pytest.mark.parametrize(
    "article,text,place_id",
    [
        ("rt", "Al-Mayadeen", "173480"),
        ("rt", "Al Mayadeen", "173480"),
        ("presstv", "al-Mayadin", "173480"),
        ("presstv", "Day al-Zawr", "170794"),
        ("presstv", "the provincial capital of the same name", "170794"),
        ("rt", "provincial capital", "170794"),
        ("rt", "Raqqa", "172955"),
        ("presstv", "Raqqah", "172955"),
        ("presstv", "Rukban", "11428685"),
        ("presstv", "al-Tanf", "sup:al-tanf"),
    ],
)
def test_resolve_seed_places(seeds, article, text, place_id):
    assert _ids(seeds[article], text) == {place_id}


@pytest.mark.slow
def test_resolve_seed_governorate_and_city(seeds):
    rt = seeds["rt"]
    body = RT.read_text("utf-8")
    province = body.index("Deir ez-Zor province")
    by_start = {pm.start: pm for pm in rt}
    assert by_start[province].place.id == "170792"
    assert by_start[province].precision is PlacePrecision.ADMIN1
    # "Deir ez-Zor" alone (the army's position "in Deir ez-Zor") is the city.
    alone = body.index("Army in Deir ez-Zor") + len("Army in ")
    assert by_start[alone].place.id == "170794"
    pt = PRESSTV.read_text("utf-8")
    prov = {pm.start: pm for pm in seeds["presstv"]}
    assert prov[pt.index("Dayr al-Zawr Province")].place.id == "170792"
    assert prov[pt.index("Dayr al-Zawr province")].place.id == "170792"
    assert prov[pt.index("city of Dayr al-Zawr") + len("city of ")].place.id == "170794"


@pytest.mark.slow
def test_resolve_seed_damascus_is_metonymy(seeds):
    dam = [pm for a in seeds.values() for pm in a if pm.text == "Damascus"]
    assert len(dam) == 2
    assert all(pm.place is None and pm.confidence == 0.0 and pm.reason.startswith("metonymy:") for pm in dam)


@pytest.mark.slow
def test_resolve_spans_are_exact(seeds):
    for name, path in (("presstv", PRESSTV), ("rt", RT)):
        body = path.read_text("utf-8")
        assert all(body[pm.start : pm.end] == pm.text for pm in seeds[name])


@pytest.mark.slow
def test_resolve_unknown_name_is_unresolved_with_reason(gazetteer):
    from crosswire.places.resolve import geoparse

    body = "Fighting reached Qzxwvbrtt province on Monday."
    pms = geoparse(body, (), (Sentence(0, len(body)),), gazetteer, Ranker.load())
    assert [(pm.text, pm.place, pm.confidence) for pm in pms] == [("Qzxwvbrtt", None, 0.0)]
    assert "no gazetteer entry" in pms[0].reason


@pytest.mark.slow
def test_resolve_lone_fuzzy_match_is_not_confident(gazetteer):
    from crosswire.places.resolve import resolve_spans

    body = "They met near Capitol yesterday."
    s = body.index("Capitol")
    (pm,) = resolve_spans(body, [(s, s + 7)], (), (Sentence(0, len(body)),), gazetteer, Ranker.load())
    assert pm.place is None or pm.confidence < 0.5


@pytest.mark.slow
def test_resolve_population_baseline_without_ranker(gazetteer):
    from crosswire.places.resolve import resolve_spans

    body = "She moved to Paris."
    (pm,) = resolve_spans(body, [(13, 18)], (), (Sentence(0, len(body)),), gazetteer, None)
    assert pm.place.population == max(c.place.population for c in gazetteer.candidates("Paris"))


@pytest.mark.slow
def test_resolve_non_latin_name_does_not_crash(gazetteer):
    from crosswire.places.resolve import resolve_spans

    body = "وصلت القوات إلى دير الزور"
    s = body.index("دير الزور")
    (pm,) = resolve_spans(body, [(s, len(body))], (), (Sentence(0, len(body)),), gazetteer, Ranker.load())
    assert pm.place is None or pm.place.country == "SY"


@pytest.mark.parametrize("text,cc,name", [
    ("Calif.", "US", "California"), ("W. Va.", "US", "West Virginia"), ("Ga.", "US", "Georgia"),
    ("B.C.", "CA", "British Columbia"), ("Ont.", "CA", "Ontario"),
])
def test_resolve_admin1_abbreviations(gazetteer, text, cc, name):
    from crosswire.places.resolve import candidates_for

    cands, _ = candidates_for(gazetteer, text)
    top = cands[0].place
    assert top.feature_code == "ADM1" and top.country == cc and top.name == name


@pytest.mark.parametrize("text,cc", [("Latvians", "LV"), ("America", "US")])
def test_resolve_plural_demonyms_and_country_aliases(gazetteer, text, cc):
    from crosswire.places.resolve import candidates_for

    cands, demonym = candidates_for(gazetteer, text)
    assert demonym == cc and cands[0].place.country == cc and cands[0].place.feature_code.startswith("PCL")
