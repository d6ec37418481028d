"""Framing fixtures: the two seed articles through the real pipeline (spaCy, gazetteer, actors,
events), their story, and their comparison; and a lexicon loaded once."""

from __future__ import annotations

import pytest

from crosswire.framing import Lexicon, compare_story
from crosswire.ingest.readers import read_inputs
from crosswire.linking import build_story
from crosswire.pipeline import run


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="session")
def actor_dictionary():
    from crosswire.actors import ActorDictionary

    return ActorDictionary.load()


@pytest.fixture(scope="session")
def seed_analyses(resources, cfg, examples_dir):
    """{outlet: Analysis} for the Press TV and RT seed articles, from the real pipeline."""
    result = run(read_inputs([str(examples_dir)], max_bytes=cfg.max_bytes), resources, cfg)
    assert not result.rejections
    return {a.article.outlet: a for a in result.analyses}


@pytest.fixture(scope="session")
def seed_story(seed_analyses):
    return build_story("story-seeds", list(seed_analyses.values()))


@pytest.fixture(scope="session")
def seed_comparison(seed_story, seed_analyses):
    return compare_story(seed_story, list(seed_analyses.values()))
