"""Actors: a dictionary of canonical actors (data files users extend) and the resolution of an
article's mentions to them.

    dictionary = ActorDictionary.load()            # once per process (Resources.load)
    actors = resolve_actors(body, mentions, sentences, dictionary)
    flags = inconsistencies(actors, body, sentences, dictionary)
"""

from ..errors import ActorDictionaryError
from .dictionary import ActorDictionary
from .resolve import AttributionConflict, inconsistencies, resolve_actors

__all__ = ["ActorDictionary", "ActorDictionaryError", "AttributionConflict", "inconsistencies", "resolve_actors"]
