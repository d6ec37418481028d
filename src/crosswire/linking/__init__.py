"""Linking: stories across articles, merged events, corroboration and contradictions.

* ``StoryIndex.assign(analysis)``: incremental story clustering (``stories.py``);
* ``build_story(story_id, analyses)``: merged events in timeline order (``merge.py``), independent
  origins (``corroboration.py``) and contradictions (``contradictions.py``);
* ``PairScorer``: text similarity, CPU only (``similarity.py``).
"""

from __future__ import annotations

from .contradictions import find_contradictions
from .corroboration import corroborate, origin_key
from .merge import merge_events
from .similarity import PairScorer
from .stories import LinkConfig, StoryIndex, build_story

__all__ = [
    "LinkConfig",
    "PairScorer",
    "StoryIndex",
    "build_story",
    "corroborate",
    "find_contradictions",
    "merge_events",
    "origin_key",
]
