"""The records of a story dossier: what the HTML shows, as frozen dataclasses (built by ``dossier.build_dossier``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Article, Contradiction, Flag, MergedEvent, Place, Story


@dataclass(frozen=True, slots=True)
class SentenceLink:
    """A piece of evidence and where it sits: its article, outlet and sentence, and the sentence's anchor."""

    article_id: str
    outlet: str
    sentence: int  # index into the article's sentences; -1 when the span lies outside every sentence
    anchor: str  # the id of the sentence element in the dossier ("s-<article id>-<sentence>")
    text: str  # the evidence itself (a span of the sentence)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One merged event as the timeline shows it."""

    event: MergedEvent
    when: str  # "2017-10-01 .. 2017-10-31", or "undated"
    what: str  # the sub-event type, with its stage
    actor: str | None  # display names
    target: str | None
    place: str | None
    evidence: tuple[SentenceLink, ...]  # one per reporting article (its first evidence sentence)


@dataclass(frozen=True, slots=True)
class ClaimUse:
    """One attribution in one article: who is cited, through whom, for which events, where."""

    key: str  # the claimant key, as ``linking.origin_key`` makes it ("actor:RU-MOD")
    claimant: str  # the claimant's readable name
    speaker: str | None  # the speaker as written ("Major General Igor Konashenkov", "he")
    speaker_id: str | None  # the canonical speaker ("person:igor-konashenkov")
    via: tuple[str, ...]  # the agencies it came through (SANA, Reuters)
    kind: str  # quote | paraphrase | report
    event_ids: tuple[str, ...]  # the article's events it sources ("e1")
    link: SentenceLink  # the attribution span in its sentence
    quote: str | None  # the quoted words, when quoted


@dataclass(frozen=True, slots=True)
class ClaimantRow:
    """One claimant across the story: the outlets that cite it and every attribution."""

    key: str
    claimant: str
    outlets: tuple[str, ...]
    speakers: tuple[str, ...]  # canonical speaker names over all outlets (people who speak for it)
    uses: tuple[ClaimUse, ...]

    @property
    def shared(self) -> bool:
        """RETURNS (bool): True when two or more outlets cite this claimant (one origin, not two confirmations)."""
        return len(self.outlets) > 1


@dataclass(frozen=True, slots=True)
class Forms:
    """The forms one outlet uses for one entity, most used first."""

    outlet: str
    forms: tuple[tuple[str, int], ...]
    notes: tuple[str, ...] = ()  # what the outlet says of a name it uses ('explains "Daesh" as a pejorative')


@dataclass(frozen=True, slots=True)
class NamingRow:
    """How each outlet names one canonical actor or place."""

    kind: str  # actor | place
    id: str
    name: str
    outlets: tuple[Forms, ...]  # in the story's outlet order; outlets that never name it are left out

    @property
    def differs(self) -> bool:
        """RETURNS (bool): True when two outlets name it and their most used forms differ."""
        tops = {f.forms[0][0].casefold() for f in self.outlets if f.forms}
        return len(self.outlets) > 1 and len(tops) > 1

    def forms_of(self, outlet: str) -> tuple[str, ...]:
        """RETURNS (tuple[str, ...]): the forms this outlet uses (empty when it never names it)."""
        return next((tuple(f for f, _ in x.forms) for x in self.outlets if x.outlet == outlet), ())


@dataclass(frozen=True, slots=True)
class OutletColumn:
    """One outlet's side of the story."""

    outlet: str
    article_ids: tuple[str, ...]
    events: tuple[str, ...]  # merged event ids it reports, in timeline order
    only_here: tuple[str, ...]  # merged event ids no other outlet of the story reports
    claimants: tuple[str, ...]  # claimant keys it cites, most cited first
    unattributed_events: int  # events it reports without naming a source


@dataclass(frozen=True, slots=True)
class MapPoint:
    """A place drawn on the map, with how often and by whom it is named."""

    place: Place
    count: int
    outlets: tuple[str, ...]
    forms: tuple[str, ...]  # how the articles write it


@dataclass(frozen=True, slots=True)
class OffMap:
    """A place named in the story but not drawn, and why."""

    text: str
    place: Place | None
    count: int
    reason: str


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted span of an article body (offsets into ``Article.body``)."""

    start: int
    end: int
    kind: str  # attribution | loaded | label | name_calling | scare_quote | hedge | inq (inside a quotation)
    note: str  # shown on hover: the label, technique or claimant


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of sentence text with the highlight kinds that cover it."""

    text: str
    kinds: tuple[str, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class SentenceView:
    """One sentence of an article as shown: the text before it (spacing), then its pieces."""

    index: int
    anchor: str
    lead: str  # body text between the previous sentence and this one (whitespace, paragraph breaks)
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article's metadata and its text, sentence by sentence."""

    article: Article
    outlet: str
    sentences: tuple[SentenceView, ...]
    tail: str  # body text after the last sentence
    flags: tuple[tuple[Flag, tuple[SentenceLink, ...]], ...]
    n_events: int


@dataclass(frozen=True, slots=True)
class ContradictionView:
    """A contradiction with both sides linked to their sentences."""

    contradiction: Contradiction
    side_a: SentenceLink
    side_b: SentenceLink


@dataclass(frozen=True, slots=True)
class Dossier:
    """Everything the story dossier shows."""

    story: Story
    title: str
    outlets: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]
    contradictions: tuple[ContradictionView, ...]
    places: tuple[MapPoint, ...]  # most mentioned first
    countries: tuple[str, ...]  # ISO alpha-2 codes of the countries named (shaded on the map)
    off_map: tuple[OffMap, ...]
    columns: tuple[OutletColumn, ...]
    claimants: tuple[ClaimantRow, ...]  # most outlets, then most uses first
    naming: tuple[NamingRow, ...]  # rows where the outlets differ first
    framing: Any  # ``crosswire.model.StoryFraming`` from ``framing.compare.compare_story``, or None
    framing_note: str | None  # why there is no framing comparison
    articles: tuple[ArticleView, ...]

    def column(self, outlet: str) -> OutletColumn:
        """RETURNS (OutletColumn): the column of this outlet. Raises KeyError for an outlet not in the story."""
        for c in self.columns:
            if c.outlet == outlet:
                return c
        raise KeyError(outlet)

    def event(self, event_id: str) -> TimelineEntry:
        """RETURNS (TimelineEntry): the timeline entry of a merged event. Raises KeyError when unknown."""
        for t in self.timeline:
            if t.event.id == event_id:
                return t
        raise KeyError(event_id)


def anchor(article_id: str, sentence: int) -> str:
    """The element id of a sentence in the dossier.

    Args:
        article_id (str): the article id.
        sentence (int): the sentence index.
    RETURNS (str): "s-<article id>-<sentence>".
    """
    return f"s-{article_id}-{sentence}"


def outlet_name(article: Article) -> str:
    """RETURNS (str): the article's outlet, or "(unknown outlet of <id>)" as ``linking.corroborate`` names it."""
    return article.outlet or f"(unknown outlet of {article.id})"
