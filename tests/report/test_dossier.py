"""The story dossier: its data (``build_dossier``) and the HTML page as Chromium shows it."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from crosswire.cli import main
from crosswire.places.distance import haversine_km
from crosswire.report import build_dossier, render_dossier
from crosswire.report.dossier import MAP_MAX_KM, anchor

EVIL = '<script>alert("pwned")</script>'  # as in conftest.py's hand-built article
EXTERNAL = re.compile(r"""\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _sentence_text(dossier, link) -> str:
    view = next(a for a in dossier.articles if a.article.id == link.article_id)
    return "".join(p.text for p in view.sentences[link.sentence].pieces)


# --- the data, from hand-built articles (no spaCy) ---------------------------------------------------


def test_dossier_hand_story_columns_claims_and_naming(hand_story):
    story, analyses = hand_story
    d = build_dossier(story, analyses)
    assert d.outlets == ("Daily A", "Wire B")
    # One merged event, reported by both outlets, so neither has it alone.
    (t,) = d.timeline
    assert (t.event.corroboration.articles, len(t.event.corroboration.outlets)) == (2, 2)
    assert t.when == "2019-03-04" and t.actor == "Taliban" and t.place == "Kabul"
    for col in d.columns:
        assert col.events == (t.event.id,) and col.only_here == ()
    # The spokesman and "the interior ministry" are one claimant, cited by both outlets.
    (row,) = d.claimants
    assert row.key == "actor:AF-MOI" and row.shared and row.outlets == ("Daily A", "Wire B")
    assert {u.link.text for u in row.uses} == {"Nasrat Rahimi said", "the interior ministry said"}
    for u in row.uses:
        assert u.link.text in _sentence_text(d, u.link)
    taliban = next(r for r in d.naming if r.id == "TALIBAN")
    assert taliban.differs
    assert taliban.forms_of("Wire B") == ("Militants of the Islamic Emirate",)
    assert set(taliban.forms_of("Daily A")) == {"Taliban fighters", "the Taliban"}
    assert [p.place.id for p in d.places] == ["1138958"] and d.places[0].count == 2


def test_dossier_evidence_links_point_at_their_sentences(hand_story):
    story, analyses = hand_story
    d = build_dossier(story, analyses)
    for t in d.timeline:
        for link in t.evidence:
            assert link.anchor == anchor(link.article_id, link.sentence)
            assert link.text.strip() in _sentence_text(d, link)


def test_dossier_article_text_is_kept_whole(hand_story):
    story, analyses = hand_story
    d = build_dossier(story, analyses)
    for view, a in zip(d.articles, analyses, strict=True):
        text = "".join(s.lead + "".join(p.text for p in s.pieces) for s in view.sentences) + view.tail
        assert text == a.article.body


def test_dossier_html_escapes_and_has_no_external_assets(hand_story):
    story, analyses = hand_story
    html = render_dossier(build_dossier(story, analyses), generated="test")
    assert EVIL not in html and "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert not EXTERNAL.search(html)
    assert html.count('class="article"') == 2


# --- the seed story, from the real pipeline ----------------------------------------------------------


@pytest.mark.slow
def test_dossier_seed_timeline_and_corroboration(seed_dossier):
    d = seed_dossier
    assert set(d.outlets) == {"Press TV", "RT"} and len(d.articles) == 2
    assert len(d.timeline) == len(d.story.events) > 5
    capture = [
        t for t in d.timeline
        if t.event.stage == "capture" and t.event.place is not None and t.event.place.id == "173480"
    ]  # fmt: skip
    assert capture, "the capture of Al Mayadin is on the timeline"
    assert "actor:RU-MOD" in {o.key for o in capture[0].event.corroboration.origins}
    assert {e.outlet for e in capture[0].evidence} == {"RT"}
    for t in d.timeline:
        assert t.evidence, t.event.id
        for link in t.evidence:
            assert link.sentence >= 0 and link.text[:40] in _sentence_text(d, link)


@pytest.mark.slow
def test_dossier_seed_columns_partition_the_events(seed_dossier):
    d = seed_dossier
    ids = {t.event.id for t in d.timeline}
    covered = set()
    for col in d.columns:
        assert set(col.only_here) <= set(col.events) <= ids
        covered |= set(col.events)
        others = {e for c in d.columns if c.outlet != col.outlet for e in c.events}
        assert not set(col.only_here) & others
    assert covered == ids


@pytest.mark.slow
def test_dossier_seed_places_on_the_map(seed_dossier):
    d = seed_dossier
    drawn = {p.place.id: p for p in d.places}
    assert {"173480", "170794", "172955"} <= set(drawn)  # Al Mayadin, Deir ez-Zor, Raqqa
    assert drawn["173480"].outlets == ("Press TV", "RT")
    assert {"al-Mayadin", "Al-Mayadeen"} <= set(drawn["173480"].forms)
    mayadin = drawn["173480"].place
    for p in d.places:
        assert haversine_km(mayadin.lat, mayadin.lon, p.place.lat, p.place.lon) <= MAP_MAX_KM
    assert "SY" in d.countries


@pytest.mark.slow
def test_dossier_seed_naming_is_from_the_outlets(seed_dossier):
    """RT calls the group IS / ISIS / ISIL; Press TV calls it Daesh and Takfiri."""
    d = seed_dossier
    isis = next(r for r in d.naming if r.kind == "actor" and r.id == "IS")
    assert isis.differs
    rt, ptv = set(isis.forms_of("RT")), set(isis.forms_of("Press TV"))
    assert {"IS", "ISIS", "ISIL"} <= rt
    assert "Daesh" in ptv and any("Takfiri" in f for f in ptv)
    assert not {"IS", "ISIS", "ISIL"} & ptv
    notes = {f.outlet: f.notes for f in isis.outlets}
    assert notes["RT"] == ('explains "Daesh" as a pejorative',) and notes["Press TV"] == ()
    mayadin = next(r for r in d.naming if r.kind == "place" and r.id == "173480")
    assert "al-Mayadin" in mayadin.forms_of("Press TV") and "Al-Mayadeen" in mayadin.forms_of("RT")


@pytest.mark.slow
def test_dossier_seed_konashenkov_is_a_shared_claimant(seed_dossier):
    """Both outlets cite Konashenkov: one origin (the Russian MoD), carried by two outlets."""
    d = seed_dossier
    row = next(r for r in d.claimants if r.key == "actor:RU-MOD")
    assert row.shared and set(row.outlets) == {"Press TV", "RT"}
    for outlet in ("Press TV", "RT"):
        uses = [u for u in row.uses if u.link.outlet == outlet]
        assert any(u.speaker_id == "person:igor-konashenkov" for u in uses), outlet
        assert "actor:RU-MOD" in d.column(outlet).claimants


@pytest.mark.slow
def test_dossier_seed_framing_so_called_and_scare_quotes(seed_dossier):
    """Both outlets say "so-called", of different actors; RT scare-quotes "stupor" and "liberated"."""
    f = seed_dossier.framing
    assert f is not None, seed_dossier.framing_note
    by = {o.outlet: o for o in f.per_outlet}
    so_called = {o: {u.target_id for u in by[o].labels if u.label == "so-called"} for o in ("RT", "Press TV")}
    assert "SDF" in so_called["RT"] and "SDF" not in so_called["Press TV"]
    assert "SOHR" in so_called["Press TV"] and "SOHR" not in so_called["RT"]
    scare = {u.label for u in by["RT"].scare_quotes}
    assert {"stupor", "liberated"} <= scare
    for u in by["RT"].scare_quotes:
        ev = u.evidence
        assert u.label in ev.text[ev.start : ev.end]
    assert "actor:RU-MOD" in f.shared_claimants
    isis = next(r for r in f.naming if r.canonical_id == "IS")
    forms = {o.outlet: {x.surface for x in o.forms} for o in isis.outlets}
    assert {"IS", "ISIS", "ISIL"} <= forms["RT"] and not {"IS", "ISIS", "ISIL"} & forms["Press TV"]


@pytest.mark.slow
def test_dossier_cli_prefix_and_largest(seed_db, tmp_path):
    db, sid = seed_db
    out = tmp_path / "d.html"
    result = CliRunner().invoke(main, ["report", sid[:10], "--db", str(db), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["story"] == sid and data["articles"] == 2 and data["bytes"] == len(out.read_bytes())
    again = CliRunner().invoke(main, ["report", "--largest", "--db", str(db), "-o", str(tmp_path / "l.html"), "--json"])
    assert json.loads(again.stdout)["story"] == sid
    bad = CliRunner().invoke(main, ["report", "story-nope", "--db", str(db), "-o", str(tmp_path / "x.html")])
    assert bad.exit_code == 1 and "No story" in bad.output


# --- the page in Chromium -------------------------------------------------------------------------------


def _open(page, tmp_path, html: str):
    path = tmp_path / "dossier.html"
    path.write_text(html, encoding="utf-8")
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda dlg: (dialogs.append(dlg.message), dlg.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return requests, dialogs


def test_dossier_browser_script_in_an_article_shows_as_text(page, hand_story, tmp_path):
    story, analyses = hand_story
    requests, dialogs = _open(page, tmp_path, render_dossier(build_dossier(story, analyses)))
    assert dialogs == []
    assert page.locator("script").count() == 0
    body_text = page.locator("section.article").first.locator(".body").inner_text()
    assert EVIL in body_text
    assert EVIL in page.locator("h3.headline").first.inner_text()
    assert all(u.startswith(("file://", "data:")) for u in requests), requests


@pytest.mark.slow
def test_dossier_browser_seed_parts(page, seed_dossier, tmp_path):
    d = seed_dossier
    requests, dialogs = _open(page, tmp_path, render_dossier(d))
    assert dialogs == [] and all(u.startswith(("file://", "data:")) for u in requests), requests
    # Timeline: one row per merged event, each with its corroboration counts.
    rows = page.locator("table.timeline tr.merged-event")
    assert rows.count() == len(d.timeline)
    first = d.timeline[0].event
    assert rows.first.get_attribute("data-independent") == str(first.corroboration.independent)
    assert "independent origin" in rows.first.inner_text()
    # Map: an inline SVG with one mark per place, labelled with its name.
    marks = page.locator("#map svg g.place")
    assert marks.count() == len(d.places)
    assert {marks.nth(i).get_attribute("data-place-id") for i in range(marks.count())} == {p.place.id for p in d.places}
    assert "Al Mayādīn" in page.locator("#map svg").text_content()
    assert page.locator("#map svg").bounding_box()["width"] > 300
    # Outlets side by side: one column per outlet.
    heads = page.locator("table.compare thead th.outlet-col")
    assert [heads.nth(i).inner_text() for i in range(heads.count())] == list(d.outlets)
    # Framing: "so-called" applied to a different actor by each outlet; RT's scare quotes.
    so_called = page.locator('table.labels tr[data-label="so-called"] td')
    cells = {d.outlets[i]: so_called.nth(i + 1).inner_text() for i in range(len(d.outlets))}
    assert "Syrian Democratic Forces" in cells["RT"] and "Syrian Observatory" in cells["Press TV"]
    rt_col = 1 + d.outlets.index("RT")
    scare = page.locator(f"table.compare tr.row-scare td:nth-child({rt_col + 1})").inner_text()
    assert "stupor" in scare and "liberated" in scare
    # Every in-page link has its target, and no id is used twice.
    broken = page.evaluate(
        """() => [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href').slice(1))
                 .filter(id => !document.getElementById(id))"""
    )
    assert broken == []
    dupes = page.evaluate(
        "() => { const s = new Set(), d = []; for (const e of document.querySelectorAll('[id]')) "
        "{ if (s.has(e.id)) d.push(e.id); s.add(e.id); } return d; }"
    )
    assert dupes == []
    # A claim link jumps to its sentence.
    row = next(r for r in d.claimants if r.key == "actor:RU-MOD")
    use = row.uses[0]
    link = page.locator(f'table.claims a.claim-link[href="#{use.link.anchor}"]').first
    link.click()
    assert page.evaluate("location.hash") == f"#{use.link.anchor}"
    target = page.locator(":target")
    assert target.get_attribute("class") == "sent" and use.link.text in target.inner_text()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_dossier_map_points_leave_out_doubtful_and_far_places(hand_story):
    from dataclasses import replace

    from crosswire.model import Place, PlaceMention, PlacePrecision
    from crosswire.report.dossier import map_points

    _, analyses = hand_story
    a = analyses[0]  # the mentions below borrow a span of its text
    salta = Place("3838233", "Salta", "P", "PPLA", "AR", "Salta", -24.79, -65.41)
    jalalabad = Place("1138336", "Jalalabad", "P", "PPLA", "AF", "Nangarhar", 34.4265, 70.4515)
    lima = Place("3936456", "Lima", "P", "PPLC", "PE", "Lima", -12.04, -77.03)
    afghanistan = Place("1149361", "Afghanistan", "A", "PCLI", "AF", None, 33.0, 66.0)
    extra = (
        PlaceMention(0, 7, "Taliban", salta, PlacePrecision.CITY, 0.03, 0),  # a doubtful match
        PlaceMention(0, 7, "Taliban", jalalabad, PlacePrecision.CITY, 0.9, 0),
        PlaceMention(0, 7, "Taliban", lima, PlacePrecision.CITY, 0.9, 0),  # sure, but across the world
        PlaceMention(0, 7, "Taliban", afghanistan, PlacePrecision.COUNTRY, 1.0, 0),
        PlaceMention(0, 7, "Taliban", None, None, 0.0, 0, "no gazetteer entry for 'Taliban'"),
    )
    points, countries, off = map_points([replace(a, places=a.places + extra), analyses[1]])
    assert [p.place.id for p in points] == ["1138958", "1138336"]  # Kabul (2 mentions), Jalalabad
    assert points[0].count == 2 and points[0].outlets == ("Daily A", "Wire B")
    assert "AF" in countries
    reasons = {o.place.id: o.reason for o in off if o.place}
    assert "low confidence 0.03" in reasons["3838233"]
    assert "km from the story" in reasons["3936456"]
    assert any(o.place is None and o.reason.startswith("no gazetteer entry") for o in off)
