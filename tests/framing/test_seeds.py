"""The seed articles' framing, from the real pipeline on examples/ (EXPECTED.md "Across the two
articles"): naming, "so-called", scare quotes, the shared claimant."""

from __future__ import annotations

import json

import pytest

from crosswire.serialize import to_jsonable

pytestmark = pytest.mark.slow


def _forms(comparison, canonical_id: str, outlet: str) -> dict[str, int]:
    row = next(r for r in comparison.naming if r.canonical_id == canonical_id)
    per = {o.outlet: {f.surface: f.count for f in o.forms} for o in row.outlets}
    return per.get(outlet, {})


def test_framing_seeds_every_article_is_framed(seed_analyses):
    assert set(seed_analyses) == {"Press TV", "RT"}
    for a in seed_analyses.values():
        assert a.framing is not None
        assert a.framing.sentences == len(a.sentences)
        for s in a.framing.spans:  # every span points at its text in the body
            assert a.article.body[s.start : s.end] == s.text


def test_framing_seeds_rt_names_is_isis_isil_presstv_daesh(seed_comparison):
    rt = _forms(seed_comparison, "IS", "RT")
    ptv = _forms(seed_comparison, "IS", "Press TV")
    assert {"IS", "ISIS", "ISIL"} <= set(rt)
    assert "Daesh" in ptv and not {"IS", "ISIS", "ISIL"} & set(ptv)
    assert max(ptv, key=ptv.get) == "Daesh"
    assert max(rt, key=rt.get) in {"Islamic State", "IS"}
    row = next(r for r in seed_comparison.naming if r.canonical_id == "IS")
    assert row.differs
    # EXPECTED.md: RT "explains 'Daesh' as a pejorative"; Press TV uses it without a word
    notes = {o.outlet: o.notes for o in row.outlets}
    assert notes == {"Press TV": (), "RT": ('explains "Daesh" as a pejorative',)}


def test_framing_seeds_presstv_labels_is_takfiri(seed_comparison):
    row = next(r for r in seed_comparison.labels if r.label == "Takfiri")
    per = {o.outlet: {f.surface: f.count for f in o.forms} for o in row.outlets}
    assert set(per) == {"Press TV"}
    assert per["Press TV"].get("Islamic State", 0) >= 2


@pytest.mark.parametrize(
    "outlet,target",
    [("RT", "SDF"), ("Press TV", "SOHR")],
)
def test_framing_seeds_so_called_applies_to_a_different_actor(seed_analyses, outlet, target):
    spans = [s for s in seed_analyses[outlet].framing.spans if s.kind == "label" and s.label == "so-called"]
    assert [s.target_id for s in spans] == [target]


def test_framing_seeds_so_called_row_has_both_outlets(seed_comparison):
    row = next(r for r in seed_comparison.labels if r.label == "so-called")
    per = {o.outlet: [f.surface for f in o.forms] for o in row.outlets}
    assert per == {"Press TV": ["Syrian Observatory for Human Rights"], "RT": ["Syrian Democratic Forces"]}


@pytest.mark.parametrize("word,in_quote", [("stupor", False), ("liberated", True)])
def test_framing_seeds_rt_scare_quotes(seed_analyses, word, in_quote):
    rt = seed_analyses["RT"]
    found = [s for s in rt.framing.spans if s.kind == "scare_quote" and s.label == word]
    assert len(found) == 1
    assert found[0].in_quote is in_quote  # 'liberated' sits inside Konashenkov's quotation
    assert rt.article.body[found[0].start + 1 : found[0].end - 1] == word


def test_framing_seeds_no_speech_quote_is_a_scare_quote(seed_analyses):
    labels = {s.label for a in seed_analyses.values() for s in a.framing.spans if s.kind == "scare_quote"}
    assert "tonight." not in labels and "tonight" not in labels
    assert "very important achievement" not in labels
    assert not any("human shields" in x for x in labels)  # the Press TV headline in single quotes


def test_framing_seeds_konashenkov_is_the_shared_claimant(seed_comparison):
    assert "actor:RU-MOD" in seed_comparison.shared_claimants
    for o in seed_comparison.per_outlet:
        group = next(c for c in o.claims if c.key == "actor:RU-MOD")
        assert "person:igor-konashenkov" in group.speaker_ids
        assert group.side == "state: Russia"
        assert group.count >= 2
        for ev in group.evidence:
            assert ev.article_id in o.article_ids
            assert 0 <= ev.start < ev.end <= len(ev.text)


def test_framing_seeds_attribution_profile(seed_analyses):
    ptv = seed_analyses["Press TV"].framing
    keys = {s.key: s for s in ptv.attribution}
    assert {"actor:SANA", "actor:SOHR", "actor:HEZBOLLAH-MMC", "actor:RU-MOD", "unattributed"} <= set(keys)
    assert keys["actor:SANA"].side == "state: Syria"
    assert keys["actor:HEZBOLLAH-MMC"].side == "armed group: Hezbollah"
    # every sentence is counted once
    assert sum(len(s.sentences) for s in ptv.attribution) == ptv.sentences
    assert ptv.unattributed_share == pytest.approx(
        sum(len(s.sentences) for s in ptv.attribution if not s.attributed) / ptv.sentences, abs=1e-3
    )


def test_framing_seeds_labels_find_their_targets(seed_analyses):
    ptv = seed_analyses["Press TV"].framing
    by_text = {}
    for s in ptv.spans:
        if s.kind == "label":
            by_text.setdefault(s.text, set()).add(s.target_id)
    assert by_text["resistance fighters"] == {"HEZBOLLAH"}
    assert by_text["terrorist outfit"] == {"IS"}
    assert "SDF" in by_text["US-backed"]  # "the SDF, a US-backed alliance"


def test_framing_seeds_loaded_language(seed_analyses):
    rt = {s.text.casefold() for s in seed_analyses["RT"].framing.spans if s.kind == "loaded"}
    assert {"carpet bombings", "stupor", "liberate"} <= rt


def test_framing_seeds_events_per_outlet(seed_comparison, seed_story):
    ids = {e.id for e in seed_story.events}
    for o in seed_comparison.per_outlet:
        assert o.events and {e.event_id for e in o.events} <= ids
        assert set(o.only_here) <= {e.event_id for e in o.events}
        for e in o.events:
            assert o.outlet in e.outlets and e.description
    capture = [e for o in seed_comparison.per_outlet if o.outlet == "RT" for e in o.events if e.stage == "capture" and "Mayād" in e.description]
    assert capture and "captured" in capture[0].evidence[0].text


def test_framing_seeds_comparison_is_json(seed_comparison):
    data = json.loads(json.dumps(to_jsonable(seed_comparison)))
    assert data["outlets"] == ["Press TV", "RT"]
    h = data["highlights"][0]
    assert h["evidence"]["text"][h["evidence"]["start"] : h["evidence"]["end"]] == h["text"]


def test_framing_seeds_tagger_spans_when_the_tagger_is_installed(resources, seed_analyses):
    if resources.span_tagger is None:
        pytest.skip("no span tagger model in src/crosswire/framing/models (python -m crosswire.framing.train makes it)")
    from crosswire.framing.analyze import TAGGER_KINDS, tag_spans

    for a in seed_analyses.values():
        assert a.framing.tagger
        # the pipeline's tagger spans are exactly the tagger's output on the parsed body
        doc = resources.nlp(a.article.body)
        direct = tag_spans(resources.span_tagger, resources.nlp, a.article.body, a.sentences, doc=doc)
        expected = sorted((t.start, t.end, TAGGER_KINDS[t.technique]) for t in direct if t.technique in TAGGER_KINDS)
        got = sorted((s.start, s.end, s.kind) for s in a.framing.spans if s.source == "tagger")
        assert got == expected
        for s in a.framing.spans:
            if s.source == "tagger":
                assert 0.0 <= s.score <= 1.0 and a.article.body[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "place_ids,rt_form,presstv_form",
    [(("173480",), "Al-Mayadeen", "al-Mayadin"), (("172955",), "Raqqa", "Raqqah"), (("170794", "170792"), "Deir ez-Zor", "Dayr al-Zawr")],
)
def test_framing_seeds_place_spellings_differ(seed_comparison, place_ids, rt_form, presstv_form):
    rows = [r for r in seed_comparison.naming if r.kind == "place" and r.canonical_id in place_ids]
    assert rows and any(r.differs for r in rows)
    rt = {f.surface for r in rows for o in r.outlets if o.outlet == "RT" for f in o.forms}
    ptv = {f.surface for r in rows for o in r.outlets if o.outlet == "Press TV" for f in o.forms}
    assert rt_form in rt and rt_form not in ptv
    assert presstv_form in ptv and presstv_form not in rt
