"""Framing: naming choices, labels, loaded language and propaganda spans, per-outlet comparison.

    lexicon = Lexicon.load()                                   # once per process (Resources.load)
    framing = frame_analysis(analysis, lexicon, dictionary=d)  # the pipeline's "frame" stage
    comparison = compare_story(story, analyses)                # side by side, per outlet (pure)

The span tagger (``framing.tagger``) is optional and loaded by ``Resources.load`` only; it is not
imported here.
"""

from .analyze import frame, frame_analysis, scare_quotes
from .compare import compare_story
from .lexicon import Lexicon

__all__ = ["Lexicon", "compare_story", "frame", "frame_analysis", "scare_quotes"]
