"""Resolution: the seed places of EXPECTED.md from the real seed texts, the ranker file, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crosswire.model import PlacePrecision, Sentence
from crosswire.places.ranker import ALL_FEATURES, Ranker

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


def _cand(pid, name, lat, lon, *, country="US", admin1=None, code="PPL", cls="P", pop=1000):
    from crosswire.model import Place
    from crosswire.places.gazetteer import Candidate

    return Candidate(Place(pid, name, cls, code, country, admin1, lat, lon, pop), name, "exact")


def test_ranker_coherence_same_area_readings_support_each_other():
    from crosswire.places.ranker import COHERENCE_FEATURES, coherence_features

    paris = [_cand("fr", "Paris", 48.85, 2.35, country="FR", admin1="Île-de-France", code="PPLC", pop=2_000_000),
             _cand("tn", "Paris", 36.30, -88.33, admin1="Tennessee", pop=10_000)]
    henry = [_cand("ga", "Henry County", 33.45, -84.15, admin1="Georgia", code="ADM2", cls="A"),
             _cand("tn2", "Henry County", 36.33, -88.32, admin1="Tennessee", code="ADM2", cls="A")]
    probs = [np.array([0.9, 0.1]), np.array([0.7, 0.3])]
    X_paris, X_henry = coherence_features([paris, henry], ["paris", "henry county"], probs)
    k = {f: i for i, f in enumerate(COHERENCE_FEATURES)}
    # Paris, TN has a Henry County reading 3 km away; Paris, France has none within 25 km.
    assert X_paris[1, k["near_any_25"]] == 1.0 and X_paris[0, k["near_any_25"]] == 0.0
    assert X_paris[1, k["home_admin1"]] == pytest.approx(0.3)
    assert X_paris[0, k["home_country"]] == 0.0 and X_paris[1, k["home_country"]] == pytest.approx(1.0)
    assert X_henry[1, k["near_w_50"]] == pytest.approx(0.1)


def test_ranker_coherence_same_text_is_no_evidence():
    from crosswire.places.ranker import coherence_features

    a = [_cand("1", "Springfield", 39.8, -89.6, admin1="Illinois")]
    b = [_cand("1", "Springfield", 39.8, -89.6, admin1="Illinois")]
    out = coherence_features([a, b], ["springfield", "springfield"], [np.array([1.0]), np.array([1.0])])
    assert all((x == 0).all() for x in out)


def test_ranker_confidences_leave_room_for_none_of_them():
    from crosswire.places.ranker import ALL_FEATURES, LinearModel

    n = len(ALL_FEATURES)
    zero = LinearModel(ALL_FEATURES, np.zeros(n), np.ones(n), np.zeros(n), 0.0)
    r = Ranker(zero, zero, {}, confidence=zero)
    # One candidate with score 0 against the null option of score 0: an even chance.
    assert r.confidences(np.zeros((1, n))) == pytest.approx([0.5])
    assert r.confidences(np.zeros((3, n))) == pytest.approx([0.25, 0.25, 0.25])


def test_ranker_roundtrip_keeps_pass3_and_the_confidence_model(tmp_path):
    r = Ranker.load()
    assert r.confidence is not None and r.pass3 is not None
    p = tmp_path / "ranker.json"
    import json

    p.write_text(json.dumps(r.to_dict()), encoding="utf-8")
    again = Ranker.load(p)
    assert again.pass3 is not None and again.final is again.pass3
    assert again.confidence.features == r.confidence.features
    np.testing.assert_allclose(again.confidence.coef, r.confidence.coef, atol=1e-7)


@pytest.mark.parametrize(
    "text,name,cc",
    [("Bank of Japan", "Japan", "JP"), ("Colorado State University", "Colorado", "US"), ("Liverpool FC", "Liverpool", "GB")],
)
def test_resolve_partial_candidates_for_longer_names(gazetteer, text, name, cc):
    from crosswire.places.resolve import candidates_for

    cands, _ = candidates_for(gazetteer, text)
    assert cands and all(c.match == "partial" for c in cands)
    assert any(c.place.name == name and c.place.country == cc for c in cands)


def test_resolve_no_partial_candidates_from_generic_words(gazetteer):
    from crosswire.places.resolve import candidates_for

    cands, _ = candidates_for(gazetteer, "Qzxwvbrtt University")
    assert not any(c.match == "partial" for c in cands)


@pytest.mark.parametrize(
    "body,name,admin1",
    [("The fair opened in Paris, Texas, on Monday.", "Paris", "Texas"), ("Students in Athens, Ga., protested.", "Athens", "Georgia")],
)
def test_resolve_same_name_place_from_the_state_after_it(gazetteer, body, name, admin1):
    from crosswire.places.resolve import resolve_spans

    s = body.index(name)
    sents = (Sentence(0, len(body)),)
    (pm,) = resolve_spans(body, [(s, s + len(name))], (), sents, gazetteer, Ranker.load())
    assert pm.place.country == "US" and pm.place.admin1 == admin1
    (alone,) = resolve_spans(f"{name} is old.", [(0, len(name))], (), (Sentence(0, len(name) + 8),), gazetteer, Ranker.load())
    assert alone.place.country != "US"


def test_resolve_given_span_unknown_to_the_gazetteer_is_placed_at_the_article_centre(gazetteer):
    from crosswire.places.resolve import resolve_spans

    body = "Officials in Lufkin and Nacogdoches said the Qzxwvbrtt rose overnight."
    spans = [(body.index(t), body.index(t) + len(t)) for t in ("Lufkin", "Nacogdoches", "Qzxwvbrtt")]
    sents = (Sentence(0, len(body)),)
    *known, unknown = resolve_spans(body, spans, (), sents, gazetteer, Ranker.load())
    assert unknown.place.id in {pm.place.id for pm in known}
    assert unknown.precision is PlacePrecision.REGION and unknown.confidence == 0.05
    assert "no gazetteer entry" in unknown.reason and "centre of the article" in unknown.reason
    (plain,) = resolve_spans(body, spans[2:], (), sents, gazetteer, Ranker.load())
    assert plain.place is None  # nothing else in the article to place it by
    (off,) = [pm for pm in resolve_spans(body, spans, (), sents, gazetteer, Ranker.load(), area_fallback=False)
              if pm.text == "Qzxwvbrtt"]
    assert off.place is None and off.confidence == 0.0


@pytest.mark.parametrize(
    "text,name,code",
    [("Ohioans", "Ohio", "ADM1"), ("Minnesotans", "Minnesota", "ADM1"), ("Ontarians", "Ontario", "ADM1")],
)
def test_resolve_demonym_stems_of_admin_areas(gazetteer, text, name, code):
    from crosswire.places.resolve import candidates_for

    cands, _ = candidates_for(gazetteer, text)
    assert any(c.match == "partial" and c.place.name == name and c.place.feature_code == code for c in cands)


@pytest.mark.parametrize("text,name", [("N.Y", "New York"), ("Ky", "Kentucky"), ("NJ", "New Jersey")])
def test_resolve_admin1_abbreviations_without_their_dot(gazetteer, text, name):
    from crosswire.places.resolve import candidates_for

    cands, _ = candidates_for(gazetteer, text)
    assert cands[0].place.name == name and cands[0].place.feature_code == "ADM1"


def test_resolve_unlikely_best_candidate_gives_way_to_the_article_centre(gazetteer):
    from crosswire.places.resolve import (
        AREA_BELOW,
        build_groups,
        choose,
        rank_groups,
        toponyms_for_spans,
    )

    body = "Officials in Lufkin and Nacogdoches said the Kurdish rose overnight."
    spans = [(body.index(t), body.index(t) + len(t)) for t in ("Lufkin", "Nacogdoches", "Kurdish")]
    ranker = Ranker.load()
    groups = build_groups(toponyms_for_spans(body, spans, ()), gazetteer, body=body)
    ranked = rank_groups(groups, ranker)
    i, probs = ranked[2]
    assert probs[i] < AREA_BELOW  # a fuzzy match ("Cornish") the model does not believe
    kept, moved = choose(groups, ranked, ranker)[2], choose(groups, ranked, ranker, area_fallback=True)[2]
    assert kept.place is groups[2].cands[i].place
    assert moved.place.name in ("Lufkin", "Nacogdoches") and moved.precision is PlacePrecision.REGION
    assert moved.reason.startswith("best candidate unlikely")
