"""The framing lexicons: data files with sources, whole-word matching, user files, clear errors."""

from __future__ import annotations

import json

import pytest

from crosswire.errors import ConfigError
from crosswire.framing.lexicon import DATA_DIR, KINDS, Lexicon, Words


def test_lexicon_every_packaged_entry_says_where_it_comes_from():
    for name in KINDS.values():
        doc = json.loads((DATA_DIR / name).read_text("utf-8"))
        assert doc["about"] and doc["entries"]
        for e in doc["entries"]:
            assert e["source"].strip(), (name, e["label"])
            assert e.get("patterns") or e.get("suffixes") or e.get("regex"), (name, e["label"])


@pytest.mark.parametrize(
    "text,kind,expected",
    [
        ("the Daesh terrorist group in", "label", [("terrorist group", "terrorist")]),
        ("Terrorism is not a label.", "label", []),
        ("so-called Syrian Observatory", "label", [("so-called", "so-called")]),
        ("the so called experts", "hedge", [("so called", "so-called")]),
        ("US-backed militants", "label", [("US-backed", "backed"), ("militants", "militant")]),
        ("the US-led coalition", "label", [("US-led", "backed")]),
        ("Hezbollah RESISTANCE FIGHTERS", "label", [("RESISTANCE FIGHTERS", "resistance")]),
        ("the Takfiri group", "label", [("Takfiri", "Takfiri")]),
        ("The carpet bombings of residential areas", "loaded", [("carpet bombings", "indiscriminate violence")]),
        ("Americans “aren’t really up to scratch”", "loaded", [("aren’t really up to scratch", "derision")]),
        ("the army has reportedly closed in", "hedge", [("reportedly", "reportedly")]),
        ("the claimed attack", "hedge", [("claimed", "claimed")]),
        ("Daesh claimed the attack", "hedge", []),  # "X claimed" is attribution, not a hedge
        ("liberated the town", "loaded", [("liberated", "liberation")]),
        ("Kremlin-backed separatists", "label", [("Kremlin-backed", "backed"), ("separatists", "separatist")]),
        ("a foreign-backed plot", "label", [("foreign-backed", "backed")]),
        ("they co-sponsored the embassy-sponsored talks", "label", []),
    ],
)
def test_lexicon_find(lexicon, text, kind, expected):
    found = lexicon.find(text, kind)
    assert [(m.text, m.entry.label) for m in found] == expected
    for m in found:
        assert text[m.start : m.end] == m.text


def test_lexicon_words_keep_offsets_when_lowercasing_changes_length(lexicon):
    text = "İstanbul said the terrorists fled"  # 'İ' lower-cases to two characters
    w = Words.of(text)
    assert [text[a:b] for a, b in w.spans] == ["İstanbul", "said", "the", "terrorists", "fled"]
    assert [m.text for m in lexicon.find(text, "label", words=w)] == ["terrorists"]


def test_lexicon_unknown_kind(lexicon):
    with pytest.raises(KeyError, match="unknown lexicon kind"):
        lexicon.find("text", "slur")


def test_lexicon_user_file_adds_entries(tmp_path):
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"kind": "label", "entries": [
        {"label": "bandit formation", "category": "delegitimising", "patterns": ["illegal armed formations"],
         "source": "Russian MoD usage, my notes"}]}))  # fmt: skip
    lex = Lexicon.load(extra=[extra])
    found = lex.find("the illegal armed formations retreated", "label")
    assert [(m.text, m.entry.label, m.entry.category) for m in found] == [
        ("illegal armed formations", "bandit formation", "delegitimising")
    ]
    assert str(extra) in lex.sources


@pytest.mark.parametrize(
    "doc,message",
    [
        ({"entries": []}, 'top-level "kind"'),
        ({"kind": "label", "entries": [{"label": "x", "patterns": ["x"]}]}, 'entries\\[0\\].*"source"'),
        ({"kind": "label", "entries": [{"label": "x", "patterns": ["x"], "source": "s", "colour": "red"}]}, "unknown keys \\['colour'\\]"),
        ({"kind": "label", "entries": [{"label": "x", "regex": ["(unclosed"], "source": "s"}]}, "does not compile"),
        ({"kind": "label", "entries": [{"label": "x", "source": "s"}]}, 'non-empty "patterns"'),
        ({"kind": "label", "entries": [{"label": "x", "patterns": ["x"], "source": "s", "position": "after"}]}, "position must be one of"),
    ],
)
def test_lexicon_bad_user_file_names_file_and_entry(tmp_path, doc, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match=message) as err:
        Lexicon.load(extra=[path])
    assert str(path) in str(err.value)


def test_lexicon_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="is missing"):
        Lexicon.load({"label": tmp_path / "none.json"})
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot be read as JSON"):
        Lexicon.load({"hedge": broken})


@pytest.mark.parametrize(
    "text,kind,label",
    [
        ("the Zionist regime", "label", "Zionist"),
        ("two martyrs were buried", "label", "martyr"),
        ("the orcs retreated", "label", "dehumanising"),
        ("the special military operation goes on", "loaded", "euphemism"),
        ("units eliminated hundreds of fighters", "loaded", "euphemism"),
    ],
)
def test_lexicon_conflict_vocabulary(lexicon, text, kind, label):
    assert [m.entry.label for m in lexicon.find(text, kind)] == [label]
