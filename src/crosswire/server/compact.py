"""The story response without repeats: actors, places and sentences are sent once and referenced.

A story's records repeat a great deal: every mention of "Islamic State" carries the actor with its
13 aliases, every event report of the framing comparison carries its whole sentence, and each
event's evidence is a sentence of its article. At ten articles a story this made 915 KB of JSON, of
which actor records were 190 KB and sentence texts 220 KB. Here each is sent once:

- ``actors``: actor records by key; an ``Actor`` field holds its key (the actor's id, or
  ``id#2`` … when two different records share an id);
- ``places``: the same for ``Place``;
- ``sentences``: ``{article id: {sentence index: text}}`` (index -1 is the title); a
  ``SentenceEvidence`` (framing) holds its sentence's index instead of the sentence, and an event's or
  a contradiction's evidence span holds the index of the sentence it lies in and where in it it
  starts (``text`` is null then: it is ``sentence[at : at + end - start]``).

``compact_story`` walks the records as ``to_jsonable`` does (the same fields and computed
properties) with those substitutions, and ``compact_model`` makes the schema of the result from the
same dataclasses with the same substitutions, so the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, create_model

from ..model import (
    Actor,
    Analysis,
    ContradictionSide,
    Event,
    EventMention,
    Place,
    SentenceEvidence,
    Span,
)
from ..serialize import to_jsonable

#: Fields whose spans are evidence sentences (referenced when they are whole sentences).
EVIDENCE_FIELDS = {(Event, "evidence"), (ContradictionSide, "evidence")}
_PROPERTIES = ("precision", "iso", "removed", "where")  # as to_jsonable adds them


class _Compactor:
    """Walks records into JSON values, filling the actor, place and sentence tables."""

    def __init__(self, analyses: dict[str, Analysis]) -> None:
        self.analyses = analyses
        self.actors: dict[str, Any] = {}
        self.places: dict[str, Any] = {}
        self.sentences: dict[str, dict[str, str]] = {}
        self._article: str | None = None  # the article of the records being walked (their spans' body)
        self._keys: dict[Any, str] = {}  # record → its key (records are frozen: equal records, one key)

    def _key(self, table: dict[str, Any], record: Any) -> str:
        key = self._keys.get(record)
        if key is not None:
            return key
        value = to_jsonable(record)
        key, n = record.id, 1
        while key in table and table[key] != value:
            n += 1
            key = f"{record.id}#{n}"
        table[key] = value
        self._keys[record] = key
        return key

    def _sentence(self, article_id: str, index: int) -> str | None:
        """RETURNS (str | None): one sentence of an article as the framing comparison shows it (without
        the space after it; -1: the title), None when unknown."""
        a = self.analyses.get(article_id)
        if a is None:
            return None
        if index == -1:
            return a.article.title or ""
        if 0 <= index < len(a.sentences):
            s = a.sentences[index]
            return a.article.body[s.start : s.end].rstrip()
        return None

    def _keep(self, article_id: str, index: int, text: str) -> bool:
        """Put the sentence in the table when ``text`` is it. RETURNS (bool): whether it is."""
        if self._sentence(article_id, index) != text:
            return False
        self.sentences.setdefault(article_id, {})[str(index)] = text
        return True

    def _evidence(self, span: Span) -> dict[str, Any]:
        a = self.analyses.get(self._article) if self._article is not None else None
        if a is not None:
            for i, s in enumerate(a.sentences):
                if s.start <= span.start and span.end <= s.end:
                    at, sentence = span.start - s.start, self._sentence(a.article.id, i) or ""
                    if sentence[at : at + span.end - span.start] == span.text and self._keep(a.article.id, i, sentence):
                        return {"start": span.start, "end": span.end, "sentence": i, "at": at, "text": None}
                    break
        return {"start": span.start, "end": span.end, "sentence": None, "at": None, "text": span.text}

    def walk(self, obj: Any, *, evidence: bool = False) -> Any:
        """RETURNS (Any): ``to_jsonable(obj)`` with actors, places and sentences referenced."""
        if isinstance(obj, Actor):
            return self._key(self.actors, obj)
        if isinstance(obj, Place):
            return self._key(self.places, obj)
        if isinstance(obj, SentenceEvidence):
            kept = self._keep(obj.article_id, obj.sentence, obj.text)
            return {"article_id": obj.article_id, "sentence": obj.sentence, "start": obj.start, "end": obj.end,
                    "text": None if kept else obj.text}  # fmt: skip
        if evidence and isinstance(obj, Span):
            return self._evidence(obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            names, evidence_of, props = _shape(type(obj))
            outer = self._article
            if isinstance(obj, EventMention | ContradictionSide):
                self._article = obj.article_id
            try:
                out = {name: self.walk(getattr(obj, name), evidence=ev) for name, ev in zip(names, evidence_of, strict=True)}
            finally:
                self._article = outer
            for prop in props:
                value = getattr(obj, prop)
                if not isinstance(value, tuple):
                    out[prop] = to_jsonable(value)
            return out
        if isinstance(obj, Enum):
            return obj.value
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        if isinstance(obj, dict):
            return {str(k): self.walk(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple | set | frozenset):
            return [self.walk(v, evidence=evidence) for v in obj]
        return obj


@functools.cache
def _shape(cls: type) -> tuple[tuple[str, ...], tuple[bool, ...], tuple[str, ...]]:
    """RETURNS: a record type's field names, which hold evidence spans, and its computed properties."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    props = tuple(p for p in _PROPERTIES if isinstance(getattr(cls, p, None), property))
    return names, tuple((cls, n) in EVIDENCE_FIELDS for n in names), props


def compact_story(story: Any, framing: Any, analyses: list[Analysis] | tuple[Analysis, ...]) -> dict[str, Any]:
    """A story and its framing comparison with actors, places and sentences sent once.

    Args:
        story (Story): the story.
        framing (Any): its framing comparison (a record, or None).
        analyses (list[Analysis]): its articles' analyses (for the sentences).
    RETURNS (dict[str, Any]): ``story``, ``framing``, ``actors``, ``places`` and ``sentences``.
    """
    c = _Compactor({a.article.id: a for a in analyses})
    out = {"story": c.walk(story), "framing": c.walk(framing) if framing is not None else None}
    return {**out, "actors": c.actors, "places": c.places, "sentences": c.sentences}


# -- the schema -----------------------------------------------------------------------------------


class SentenceRef(BaseModel):
    """A span shown in its sentence: ``sentences[article_id][sentence]`` is the sentence when ``text`` is null."""

    article_id: str
    sentence: int = Field(description="The index of the sentence in its article; -1 for the title.")
    start: int = Field(description="The span's start within the sentence.")
    end: int
    text: str | None = Field(description="The sentence, when it is not in the response's `sentences`.")


class EvidenceSpan(BaseModel):
    """An evidence span of the article's text (``body[start:end]``), referenced in its sentence: its
    text is ``sentences[article_id][sentence][at : at + end - start]`` when ``text`` is null."""

    start: int
    end: int
    sentence: int | None = Field(description="The sentence it lies in (in the response's `sentences`), or null.")
    at: int | None = Field(description="Where it starts in that sentence.")
    text: str | None = Field(description="The span's text when it is not referenced, else null.")


def _refers_to(hint: Any) -> str | None:
    """RETURNS (str | None): "actors" or "places" when the annotation holds actors or places."""
    if hint is Actor:
        return "actors"
    if hint is Place:
        return "places"
    for arg in typing.get_args(hint):
        found = _refers_to(arg)
        if found is not None:
            return found
    return None


def _annotation(hint: Any, *, evidence: bool) -> Any:
    """The annotation of a field of the compact form, from the record's annotation."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(lambda a, b: a | b, [_annotation(a, evidence=evidence) for a in typing.get_args(hint)])
    if origin is tuple:
        args = typing.get_args(hint)
        return list[_annotation(args[0], evidence=evidence)]  # type: ignore[misc]
    if origin is dict:
        k, v = typing.get_args(hint)
        return dict[k, _annotation(v, evidence=evidence)]  # type: ignore[valid-type]
    if hint in (Actor, Place):
        return str
    if hint is SentenceEvidence:
        return SentenceRef
    if evidence and hint is Span:
        return EvidenceSpan
    if dataclasses.is_dataclass(hint):
        return compact_model(hint)
    return hint


@functools.cache
def compact_model(cls: type) -> type[BaseModel]:
    """The pydantic model of a record in the compact form (``Compact<Name>``), for the OpenAPI schema.

    Args:
        cls (type): a dataclass of ``crosswire.model``.
    RETURNS (type[BaseModel]): its model; ``Actor`` and ``Place`` fields are keys of the response's
        tables, ``SentenceEvidence`` is a ``SentenceRef`` and evidence spans are ``EvidenceSpan``.
    """
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        ann = _annotation(hints[f.name], evidence=(cls, f.name) in EVIDENCE_FIELDS)
        table = _refers_to(hints[f.name])
        fields[f.name] = (ann, Field(description=f"Key(s) of the response's `{table}`.") if table else ...)
    return create_model(f"Compact{cls.__name__}", __doc__=cls.__doc__, **fields)  # type: ignore[call-overload]
