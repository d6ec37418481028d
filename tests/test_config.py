from __future__ import annotations

import dataclasses
import json

import pytest

from crosswire.config import SETTINGS, Config
from crosswire.errors import ConfigError


def test_config_settings_table_matches_the_dataclass():
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Config)]
    assert all(getattr(Config(), s.name) == s.default for s in SETTINGS)


def test_config_file_overrides_only_its_keys(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"batch_size": 8}), "utf-8")
    cfg = Config.from_file(path)
    assert cfg.batch_size == 8 and cfg.max_bytes == Config().max_bytes


@pytest.mark.parametrize("values,match", [({"nope": 1}, "Unknown setting"), ({"batch_size": 0}, "positive")])
def test_config_rejects_bad_values(values, match):
    with pytest.raises(ConfigError, match=match):
        Config().override(**values)


def test_config_lexicon_files_from_json_list_reach_the_framing_lexicon(tmp_path):
    from crosswire.framing.lexicon import Lexicon

    lex = tmp_path / "mine.json"
    entry = {"label": "supposably", "patterns": ["supposably"], "source": "test"}
    lex.write_text(json.dumps({"kind": "hedge", "version": 1, "entries": [entry]}), "utf-8")
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"lexicon_files": [str(lex)]}), "utf-8")
    cfg = Config.from_file(path)
    assert cfg.lexicon_files == (str(lex),)
    text = "The convoy was supposably carrying aid."
    assert Lexicon.load().find(text, "hedge") == []
    assert [m.entry.label for m in Lexicon.load(extra=cfg.lexicon_files).find(text, "hedge")] == ["supposably"]
    lex.write_text(json.dumps({"entries": [entry]}), "utf-8")  # no "kind"
    with pytest.raises(ConfigError, match="kind"):
        Lexicon.load(extra=cfg.lexicon_files)
