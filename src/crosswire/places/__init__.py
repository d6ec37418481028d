"""Places: the offline gazetteer, transliteration-aware name keys, recognition and resolution.

``Gazetteer`` (gazetteer.py) compiles GeoNames data shipped by PyPI packages, plus a curated
supplement, into a compact index and looks names up by exact form, transliteration key,
bounded fuzzy match and consonant skeleton. ``name_key`` (keys.py) is the key function.
"""

from .gazetteer import Candidate, Gazetteer, GazetteerError, default_path
from .keys import name_key, name_keys, skeleton_key

__all__ = ["Candidate", "Gazetteer", "GazetteerError", "default_path", "name_key", "name_keys", "skeleton_key"]
