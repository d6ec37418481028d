"""Tests for the actor dictionary: packaged data, generated actors, case rules, validation errors."""

from __future__ import annotations

import json

import pytest

from crosswire.actors.dictionary import (
    ActorDictionary,
    ActorDictionaryError,
    edit_distance,
    is_acronym,
)
from crosswire.errors import ConfigError
from crosswire.model import ActorType


@pytest.fixture(scope="module")
def dictionary() -> ActorDictionary:
    return ActorDictionary.load()


@pytest.mark.parametrize(
    "actor_id,name,type_,country",
    [
        ("IS", "Islamic State", ActorType.JIHADIST_GROUP, None),
        ("SY-SAA", "Syrian Arab Army", ActorType.STATE_MILITARY, "SY"),
        ("RU-MOD", "Ministry of Defence of Russia", ActorType.STATE_MILITARY, "RU"),
        ("RU-MFA", "Ministry of Foreign Affairs of Russia", ActorType.GOVERNMENT, "RU"),
        ("SANA", "Syrian Arab News Agency", ActorType.MEDIA, "SY"),
        ("SOHR", "Syrian Observatory for Human Rights", ActorType.NGO, "GB"),
        ("mil:TR", "Turkish Armed Forces", ActorType.STATE_MILITARY, "TR"),
        ("mil:FR", "Military forces of France", ActorType.STATE_MILITARY, "FR"),
        ("gov:NL", "Government of Netherlands", ActorType.GOVERNMENT, "NL"),
        ("gov:IR", "Government of Iran", ActorType.GOVERNMENT, "IR"),
        ("pol:KE", "Police forces of Kenya", ActorType.POLICE, "KE"),
    ],
)
def test_dictionary_actor_fields(dictionary, actor_id, name, type_, country):
    actor = dictionary.get(actor_id)
    assert (actor.name, actor.type, actor.country) == (name, type_, country)


@pytest.mark.parametrize(
    "actor_id,parents",
    [
        ("person:igor-konashenkov", ("RU-MOD", "gov:RU")),
        ("RU-GS", ("RU-MOD", "gov:RU")),
        ("RU-MFA", ("gov:RU",)),
        ("HEZBOLLAH-MMC", ("HEZBOLLAH",)),
        ("person:suheil-al-hassan", ("SY-TIGER", "SY-SAA", "gov:SY")),
        ("person:bashar-al-assad", ("gov:SY",)),
        ("person:sergei-lavrov", ("RU-MFA", "gov:RU")),
        ("IS", ()),
    ],
)
def test_dictionary_ancestors(dictionary, actor_id, parents):
    assert dictionary.ancestors(actor_id) == parents


def test_dictionary_affiliation_and_roles(dictionary):
    assert dictionary.get("SDF").affiliation == "US-backed"
    assert dictionary.roles["person:igor-konashenkov"] == "spokesman"
    assert "RU-MOD" not in dictionary.ancestors("RU-MFA")


@pytest.mark.parametrize(
    "token,expected",
    [("IS", True), ("SDF", True), ("MoD", True), ("U", False), ("UN", True), ("Daesh", False), ("is", False), ("Islamic", False)],
)
def test_dictionary_acronym_rule(token, expected):
    assert is_acronym(token) is expected


@pytest.mark.parametrize("a,b,bound,expected", [("state", "sate", 1, 1), ("state", "state", 1, 0), ("army", "arms", 1, 1), ("abc", "xyz", 1, 2)])
def test_dictionary_edit_distance(a, b, bound, expected):
    assert edit_distance(a, b, bound) == expected


def _write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return str(path)


@pytest.mark.parametrize(
    "content,needle",
    [
        ('{"actors": [', "not valid JSON"),
        ({"actors": [{"id": "X", "name": "X", "type": "army", "aliases": ["X"]}]}, "actors[0] (id 'X'): 'type' must be one of"),
        ({"actors": [{"id": "X", "name": "X", "type": "militia", "aliases": ["X"], "parent": "NOPE"}]}, "parent 'NOPE' is not an actor id"),
        ({"actors": [{"id": "X", "name": "X", "type": "militia", "aliases": ["X"], "colour": "red"}]}, "unknown keys ['colour']"),
        ({"actors": [{"name": "X"}]}, "actors[0]: each actor must be an object with a non-empty string 'id'"),
        ({"actors": [{"id": "X", "name": "X", "type": "militia", "aliases": ["X"], "country": "ZZ"}]}, "'country' must be the ISO2 code"),
        ({"actors": [{"id": "X", "name": "X", "type": "militia", "aliases": []}]}, "'aliases' must list at least one name"),
        ({"actors": [{"id": "mil:ZZ", "name": "X", "type": "militia", "aliases": ["X"]}]}, "mil:XX / pol:XX / gov:XX must name a country"),
        ({"actors": [{"id": "pol:ZZ", "name": "X", "type": "police", "aliases": ["X"]}]}, "mil:XX / pol:XX / gov:XX must name a country"),
        ({"countries": [{"iso2": "xx", "name": "X"}]}, "countries[0]: each country must be an object with 'iso2'"),
        ({"force_nouns": "army"}, "'force_nouns' must be a list of non-empty strings"),
        ({"fire_nouns": [""]}, "'fire_nouns' must be a list of non-empty strings"),
        ({"force_coreference": {"the army": 2}}, "'force_coreference' must map phrases to confidences in (0, 1]"),
        ({"actor": []}, "unknown top-level keys ['actor']"),
        ([1, 2], "the top level must be a JSON object"),
    ],
)
def test_dictionary_malformed_file_names_file_and_entry(tmp_path, content, needle):
    path = _write(tmp_path, "my-actors.json", content)
    with pytest.raises(ActorDictionaryError) as info:
        ActorDictionary.load(extra=[path])
    message = str(info.value)
    assert message.startswith(path)
    assert needle in message
    assert isinstance(info.value, ConfigError)


def test_dictionary_missing_file_names_it(tmp_path):
    path = str(tmp_path / "absent.json")
    with pytest.raises(ActorDictionaryError, match="absent.json: cannot read the file"):
        ActorDictionary.load(extra=[path])


def test_dictionary_user_file_overrides_only_its_keys(tmp_path):
    path = _write(
        tmp_path,
        "extra.json",
        {
            "actors": [
                {"id": "IS", "aliases": ["IS", "Daesh", "Dawla"]},
                {"id": "LOCAL-1", "name": "Local Defence Brigade", "type": "militia", "country": "SY", "aliases": ["Local Defence Brigade"]},
            ],
            "force_nouns": ["gunboats"],
        },
    )
    d = ActorDictionary.load(extra=[path])
    assert d.get("IS").aliases == ("IS", "Daesh", "Dawla")
    assert d.get("IS").type is ActorType.JIHADIST_GROUP  # kept from the packaged file
    assert d.get("LOCAL-1").name == "Local Defence Brigade"
    assert "gunboats" in d.patterns.force_nouns and "troops" in d.patterns.force_nouns
