"""Cleaning: the seeds as EXPECTED.md says, and the general rules on self-made articles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.clean import clean, paragraphs
from crosswire.model import Precision, Provenance, RawArticle, SegmentKind


def _clean(text, outlets, cfg, **meta):
    return clean(RawArticle(text=text, source="test.txt", **meta), outlets, cfg)


@pytest.fixture(scope="module")
def presstv(outlets, cfg, presstv_path):
    return clean(RawArticle(presstv_path.read_text("utf-8"), str(presstv_path)), outlets, cfg)


@pytest.fixture(scope="module")
def rt(outlets, cfg, rt_path):
    return clean(RawArticle(rt_path.read_text("utf-8"), str(rt_path)), outlets, cfg)


def test_clean_presstv_removes_exactly_the_artifacts(presstv):
    removed = [(s.kind, s.text[:30]) for s in presstv.removed]
    assert removed == [
        (SegmentKind.BREADCRUMB, "News / Syria"),
        (SegmentKind.UNRELATED, "US Rep. Ilhan Omar (D-MN) (L) "),
        (SegmentKind.PROMO, "Press TV’s website can also be"),
        (SegmentKind.PROMO, "Press TV News Roku"),
    ]
    assert all(s.reason for s in presstv.removed)


def test_clean_presstv_pelosi_caption_reason_names_date_and_missing_names(presstv):
    pelosi = next(s for s in presstv.segments if s.kind is SegmentKind.UNRELATED)
    assert "2019-03-08" in pelosi.reason
    assert "Pelosi" in pelosi.reason
    assert "Pelosi" not in presstv.body and "Ilhan" not in presstv.body


def test_clean_presstv_story_captions_are_captions_not_body(presstv):
    captions = [s.text for s in presstv.segments if s.kind is SegmentKind.CAPTION]
    assert len(captions) == 2
    assert captions[0].startswith("Syrian government forces celebrate")
    assert captions[1].startswith("This photo released on Monday, September 4, 2017 by SANA")
    assert "celebrate" not in presstv.body and "pickup trucks" not in presstv.body


def test_clean_presstv_title_outlet_and_body(presstv):
    assert presstv.title == "Syrian forces draw close to Daesh-held al-Mayadin in east"
    assert presstv.outlet == "Press TV"
    assert presstv.outlet_guess.method == "self-reference"
    assert presstv.body.startswith("The Syrian army and allied forces have reportedly closed in")
    assert presstv.body.endswith("amid Syrian army advances on Dayr al-Zawr.")
    assert "News / Syria" not in presstv.body and "Roku" not in presstv.body


def test_clean_presstv_date_ignores_the_unrelated_caption(presstv):
    pd = presstv.published
    assert (pd.year, pd.month, pd.day) == (2017, 9, None)
    assert pd.precision is Precision.MONTH
    assert pd.provenance is Provenance.INFERRED
    assert "2019" not in (pd.evidence or "")


def test_clean_rt_keeps_everything_and_its_typos(rt):
    assert rt.removed == ()
    assert "Islamic Sate fighters" in rt.body
    assert "commanded of by General Hassan Suheil" in rt.body
    assert rt.body.startswith("Syrian troops have captured Al-Mayadeen")


def test_clean_rt_outlet_only_weakly_guessed_from_told_rt(rt, cfg):
    assert rt.outlet is None  # "told RT" alone is not enough
    assert rt.outlet_guess.name == "RT"
    assert rt.outlet_guess.method == "text-mention"
    assert rt.outlet_guess.confidence < cfg.outlet_min_confidence


def test_clean_rt_date_has_no_invented_year(rt):
    pd = rt.published
    assert pd.year is None
    assert pd.month == 10  # "Earlier in October"
    assert pd.precision is Precision.UNKNOWN


@pytest.mark.parametrize(
    "line", ["Home / World / Middle East", "News › Syria", "World » Europe » Ukraine", "Home | Politics"]
)
def test_clean_breadcrumbs_removed(line, outlets, cfg):
    a = _clean(f"{line}\nThe army said on Monday it had taken the town after heavy fighting.", outlets, cfg)
    assert a.segments[0].kind is SegmentKind.BREADCRUMB
    assert line not in a.body


@pytest.mark.parametrize(
    "line,kind",
    [
        ("Follow us on Telegram for the latest updates", SegmentKind.PROMO),
        ("Subscribe to our newsletter", SegmentKind.PROMO),
        ("READ MORE: Army advances in the east", SegmentKind.PROMO),
        ("Advertisement", SegmentKind.BOILERPLATE),
        ("© 2017 Example News. All rights reserved.", SegmentKind.BOILERPLATE),
        ("Tags: Syria, Daesh", SegmentKind.BOILERPLATE),
    ],
)
def test_clean_promo_and_boilerplate_removed_with_reason(line, kind, outlets, cfg):
    text = f"The army said on Monday it had taken the town after heavy fighting.\n{line}\nFighting continued on Tuesday."
    a = _clean(text, outlets, cfg)
    seg = next(s for s in a.segments if s.text == line)
    assert seg.kind is kind and seg.reason
    assert line not in a.body


def test_clean_body_sentence_mentioning_telegram_is_kept(outlets, cfg):
    line = "The group said on its Telegram channel that its fighters had withdrawn from the village overnight."
    a = _clean(f"Rebels pull back\n{line}\nMore fighting was reported.", outlets, cfg)
    assert line in a.body


def test_clean_unrelated_caption_detected_by_names_without_dates(outlets, cfg):
    text = (
        "Shelling hits Kharkiv\n"
        "Footballer Lionel Messi greets fans at Parc des Princes in Paris. (AFP photo)\n"
        "Russian forces shelled Kharkiv overnight, the regional governor Oleh Syniehubov said on Tuesday.\n"
        "Syniehubov said three civilians were wounded in the Kharkiv shelling.\n"
        "Ukrainian forces said they repelled an attack near Kupiansk. (Photo by Reuters)\n"
    )
    a = _clean(text, outlets, cfg)
    kinds = {s.text[:20]: s.kind for s in a.segments}
    assert kinds["Footballer Lionel Me"] is SegmentKind.UNRELATED
    assert kinds["Ukrainian forces sai"] is SegmentKind.CAPTION


def test_clean_metadata_date_wins_over_text(outlets, cfg):
    a = _clean("The army took the town on March 3, 2015, officials said.", outlets, cfg, published="2015-03-04")
    assert (a.published.year, a.published.month, a.published.day) == (2015, 3, 4)
    assert a.published.provenance is Provenance.METADATA


def test_clean_url_names_outlet(outlets, cfg):
    a = _clean("The army took the town, officials said.", outlets, cfg, url="https://www.presstv.ir/Detail/2017/09/29/x")
    assert a.outlet == "Press TV" and a.outlet_guess.method == "url"


def test_clean_hard_wrapped_paragraphs_are_joined(outlets, cfg):
    text = (
        "The army said on Monday that it had\ntaken the town after a week of\nheavy fighting.\n\n"
        "Residents said the shelling had\nstopped by the evening.\n"
    )
    a = _clean(text, outlets, cfg)
    assert a.body == (
        "The army said on Monday that it had taken the town after a week of heavy fighting.\n\n"
        "Residents said the shelling had stopped by the evening."
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_clean_paragraph_spans_point_into_the_original(text):
    for p in paragraphs(text):
        original = text[p.start : p.end]
        assert " ".join(original.replace("\u00a0", " ").split()) == p.text
