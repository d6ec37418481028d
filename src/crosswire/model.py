"""The records that travel through crosswire.

Each stage takes one record type and returns the next (see DESIGN.md):

    RawArticle --clean--> Article --nlp+extract--> Analysis --store--> tables

All records are frozen dataclasses. Character spans are half-open ``[start, end)``
offsets: segment spans index ``RawArticle.text`` (the original text), mention and
sentence spans index ``Article.body`` (the clean text).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class SegmentKind(str, Enum):
    """What a piece of an article's original text is."""

    TITLE = "title"
    BODY = "body"
    HEADING = "heading"  # an in-text subheading; part of the body
    CAPTION = "caption"  # a photo caption that belongs to the story
    BREADCRUMB = "breadcrumb"
    PROMO = "promo"
    BOILERPLATE = "boilerplate"
    UNRELATED = "unrelated"  # e.g. a caption of a photo from another story


#: Segment kinds whose text forms ``Article.body``.
BODY_KINDS = frozenset({SegmentKind.BODY, SegmentKind.HEADING})
#: Segment kinds that are not the article's own text and are removed (kept with a reason).
REMOVED_KINDS = frozenset(
    {SegmentKind.BREADCRUMB, SegmentKind.PROMO, SegmentKind.BOILERPLATE, SegmentKind.UNRELATED}
)


class Precision(str, Enum):
    """How precisely a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class Provenance(str, Enum):
    """Where a date (or another inferred value) came from."""

    METADATA = "metadata"  # given with the article (JSONL field, HTML meta, sidecar)
    TEXT = "text"  # stated in the article's own text (a dateline, "Published ...")
    INFERRED = "inferred"  # reasoned from indirect evidence (latest date mentioned, "earlier in October")
    NONE = "none"


@dataclass(frozen=True, slots=True)
class RawArticle:
    """One article as read from its source, before cleaning.

    Exactly one of ``text`` and ``html`` is set; readers convert HTML to text in
    ``ingest.html`` so that ``text`` is always set after reading.
    """

    text: str
    source: str  # file path, "<stdin>" or "<api>"
    line: int | None = None  # 1-based line number inside a JSON Lines file
    format: str = "text"  # text | html | jsonl
    encoding: str | None = None
    url: str | None = None
    outlet: str | None = None  # given as metadata
    title: str | None = None  # given as metadata (or found by the HTML extractor)
    author: str | None = None
    published: str | None = None  # as given (ISO date or free text), parsed by ingest.dates
    language: str | None = None
    sitename: str | None = None  # the site name an HTML page declares


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the original text with what it is and, when removed, why."""

    kind: SegmentKind
    text: str
    start: int
    end: int
    reason: str | None = None

    @property
    def removed(self) -> bool:
        """RETURNS (bool): True when this segment is not the article's own text."""
        return self.kind in REMOVED_KINDS


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A publication date with how precisely it is known and where it came from.

    ``year``/``month``/``day`` are each optional: "earlier in October" with no year gives
    ``month=10, year=None`` and precision ``unknown`` (the year is never invented).
    ``not_before`` is a lower bound when one is known (the latest date the text mentions).
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    provenance: Provenance = Provenance.NONE
    confidence: float = 0.0
    evidence: str | None = None
    not_before: date | None = None

    @property
    def precision(self) -> Precision:
        """RETURNS (Precision): day, month or year when those parts are known with a year."""
        if self.year is None:
            return Precision.UNKNOWN
        if self.month is None:
            return Precision.YEAR
        if self.day is None:
            return Precision.MONTH
        return Precision.DAY

    @property
    def iso(self) -> str | None:
        """RETURNS (str | None): "2017-10", "2017-10-19", "2017" or None when no year is known."""
        if self.year is None:
            return None
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def as_date(self) -> date | None:
        """RETURNS (date | None): the first day the date can denote, or None without a year."""
        if self.year is None:
            return None
        return date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True, slots=True)
class OutletGuess:
    """Which outlet published an article, how sure we are, and why."""

    name: str | None
    confidence: float
    method: str  # metadata | url | sitename | self-reference | text-mention | none
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: its segments, its clean body and its metadata."""

    id: str
    source: str
    line: int | None
    format: str
    encoding: str | None
    outlet: str | None  # the outlet credited: the guess when it is sure enough, else None
    outlet_guess: OutletGuess
    url: str | None
    title: str | None
    author: str | None
    published: PublishedDate
    language: str
    original: str
    segments: tuple[Segment, ...]
    body: str

    @property
    def removed(self) -> tuple[Segment, ...]:
        """RETURNS (tuple[Segment, ...]): the segments that are not the article's own text."""
        return tuple(s for s in self.segments if s.removed)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence span in ``Article.body``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: a span of ``Article.body`` with its label and canonical id."""

    start: int
    end: int
    text: str
    label: str
    sentence: int
    canonical_id: str | None = None


class PlacePrecision(str, Enum):
    """How precise a resolved place is."""

    COUNTRY = "country"
    ADMIN1 = "admin1"
    ADMIN2 = "admin2"
    CITY = "city"
    SITE = "site"  # a camp, base, crossing, oil field, building
    REGION = "region"  # a continent, a river valley, "eastern Syria"


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: a GeoNames place or a curated supplement entry.

    ``id`` is the GeoNames id as a string ("173480"), or "sup:<slug>" for a supplement entry.
    """

    id: str
    name: str
    feature_class: str  # GeoNames feature class: A (admin), P (populated place), S (site), L, H, T …
    feature_code: str  # e.g. PPL, PPLA, ADM1, PCLI, CMP, MILB
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None  # the admin1 name ("Deir ez-Zor")
    lat: float
    lon: float
    population: int = 0
    source: str = "geonames"  # geonames | supplement
    citation: str | None = None  # where a supplement entry's facts come from


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in ``Article.body``, resolved to a gazetteer entry or left open with a reason."""

    start: int
    end: int
    text: str
    place: Place | None
    precision: PlacePrecision | None
    confidence: float
    sentence: int
    reason: str | None = None  # why unresolved or why this candidate (the evidence an analyst can check)


class ActorType(str, Enum):
    """What kind of actor an actor is."""

    STATE_MILITARY = "state military"
    POLICE = "police"
    GOVERNMENT = "government"
    ARMED_GROUP = "armed group"
    JIHADIST_GROUP = "jihadist group"
    MILITIA = "militia"
    CIVILIANS = "civilians"
    PROTESTERS = "protesters"
    MEDIA = "media"
    NGO = "NGO"
    INTERNATIONAL_BODY = "international body"
    PERSON = "person"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor from the actor dictionary (or generated by a pattern)."""

    id: str  # e.g. "IS", "SY-MIL", "RU-MOD", "person:igor-konashenkov", "mil:TR" (generated)
    name: str
    type: ActorType
    country: str | None = None  # ISO 3166-1 alpha-2
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # a stable affiliation: "US-backed"
    parent: str | None = None  # the id of the organisation it belongs to (a spokesman → his ministry)


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A span of ``Article.body`` that names an actor, with how it was resolved."""

    start: int
    end: int
    text: str
    actor: Actor
    sentence: int
    method: str  # alias | title | pattern | coreference | metonymy
    confidence: float
    role: str | None = None  # e.g. "spokesman" for "Konashenkov, the spokesman for the Russian military"


class Modality(str, Enum):
    """How the text presents an event."""

    ASSERTED = "asserted"  # the outlet states it as fact
    CLAIMED = "claimed"  # someone says it happened ("X said", "according to X")
    DENIED = "denied"  # someone denies it
    PLANNED = "planned"  # planned, expected, threatened: not (yet) happened
    NEGATED = "negated"  # the text says it did not happen


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of ``Article.body`` that is the evidence for a field."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened, as far as the text says, resolved against the publication date.

    ``year`` is None when the publication year is unknown ("Friday" in an undated article): the
    weekday or month is kept in ``expression`` and the date stays open.
    """

    year: int | None
    month: int | None
    day: int | None
    expression: Span  # "on Friday", "earlier in October", "on June 6"
    resolution: str  # how it was resolved: "explicit", "weekday before publication", "month of publication" …

    @property
    def precision(self) -> Precision:
        """RETURNS (Precision): day, month or year when known with a year, else unknown."""
        return PublishedDate(self.year, self.month, self.day).precision

    @property
    def iso(self) -> str | None:
        """RETURNS (str | None): "2017-10-13", "2017-10" … or None without a year."""
        return PublishedDate(self.year, self.month, self.day).iso


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number an event reports: fatalities, people, distance, share."""

    kind: str  # fatalities | injured | people | distance_km | percent | count
    value: float
    span: Span
    approximate: bool = False  # "some 60,000", "more than 200", "less than eight percent"


@dataclass(frozen=True, slots=True)
class Claim:
    """Who says an event happened, and through whom the outlet got it.

    ``chain`` lists the intermediaries from the original source to the outlet: "a military source told
    SANA" gives speaker None (an anonymous "military source"), ``speaker_label`` "a military source"
    and chain (SANA). The outlet itself is the last link and is not repeated here.
    """

    speaker: Actor | None  # a person or an organisation that makes the statement
    organisation: Actor | None  # the speaker's organisation (Konashenkov → Russian MoD)
    speaker_label: str | None  # as written: "a military source", "Major General Igor Konashenkov"
    chain: tuple[Actor, ...]  # agencies/outlets it came through: SANA, Reuters
    kind: str  # quote | paraphrase | report | unattributed
    span: Span  # the attribution ("Konashenkov said", "according to the spokesman")
    quote: Span | None = None  # the quoted words, when quoted


@dataclass(frozen=True, slots=True)
class Event:
    """One event an article reports, with the evidence for every field."""

    id: str  # unique within the article: "e1", "e2" …
    acled_type: str | None  # "Battles"
    acled_subtype: str | None  # "Government regains territory"
    plover_root: str | None  # "ASSAULT", "ACCUSE" …
    plover_mode: str | None
    actor: ActorMention | None
    target: ActorMention | None
    place: PlaceMention | None
    date: EventDate | None
    quantities: tuple[Quantity, ...]
    modality: Modality
    claim: Claim | None
    trigger: Span  # the word(s) that express the event: "captured", "shelled"
    evidence: tuple[Span, ...]  # the sentence(s); two sentences about one capture merge into one event
    confidence: float
    reliable: bool = True  # False when the type classifier is unsure or the class is one it learns poorly
    claims: tuple[Claim, ...] = ()  # every attribution of the merged sentences; ``claim`` is the primary one


@dataclass(frozen=True, slots=True)
class Flag:
    """An internal inconsistency an analyst should check, with both sides' evidence."""

    kind: str  # e.g. "attribution-conflict"
    message: str
    evidence: tuple[Span, ...]


# --- framing: naming choices, labels, loaded language, attribution profile -------------------------


@dataclass(frozen=True, slots=True)
class FrameSpan:
    """A framing device in ``Article.body``: a label, a loaded word, a scare quote or a hedge.

    ``kind`` is one of ``label`` ("terrorists", "so-called", "US-backed"), ``loaded`` (loaded
    language: "carpet bombings", "liberate"), ``name_calling`` (a tagger span labelling someone),
    ``scare_quote`` (a quoted word that is not speech: 'liberated'), ``hedge`` ("reportedly") and
    ``gloss`` (a name the outlet explains: "Daesh [Arabic pejorative term for Islamic State]", label
    ``pejorative`` or ``gloss``).
    ``label`` is the canonical lexicon entry (``"terrorist"``) or the tagger's technique
    (``"Loaded_Language"``, ``"Name_Calling,Labeling"``). ``target_id`` is the canonical actor the
    device applies to, when it can be found (``"IS"`` for "Daesh terrorists").
    """

    kind: str  # label | loaded | name_calling | scare_quote | hedge | gloss
    start: int
    end: int
    text: str
    sentence: int
    label: str
    category: str | None = None  # the lexicon category: delegitimising, legitimising, affiliation, …
    target_id: str | None = None
    target_name: str | None = None
    source: str = "lexicon"  # lexicon | tagger | pattern
    score: float = 1.0
    in_quote: bool = False  # inside a quotation: the speaker's word, not the outlet's


@dataclass(frozen=True, slots=True)
class NamingChoice:
    """How an article names one canonical actor or place: one surface form and how often."""

    kind: str  # actor | place
    canonical_id: str
    canonical_name: str
    surface: str  # as written, whitespace collapsed, a leading "The" lower-cased
    count: int
    method: str | None = None  # how the actor stage resolved it (alias, coreference, …); None for places


@dataclass(frozen=True, slots=True)
class AttributionShare:
    """Whose statements an article carries: one claimant (or no one) and the sentences it sources.

    ``key`` follows ``linking.origin_key`` ("actor:RU-MOD", "actor:SANA", "label:military source")
    so a spokesman and "the Russian military" count as one claimant; ``unattributed`` is the
    outlet's own voice, ``vague`` an anonymous "reportedly" / "reports said", and ``unresolved`` a
    speaker the text names but the actor stage did not resolve ("Cornyn said").
    """

    key: str
    label: str
    side: str  # "state: Russia", "armed group: Hezbollah", "NGO: Syrian Observatory…", "unnamed source", "none"
    country: str | None
    actor_type: str | None
    attributed: bool
    sentences: tuple[int, ...]  # indices into ``Analysis.sentences``
    share: float  # of the article's sentences
    speakers: tuple[str, ...] = ()  # the speaker labels as written ("Major General Igor Konashenkov")
    speaker_ids: tuple[str, ...] = ()  # canonical speaker ids ("person:igor-konashenkov")
    evidence: tuple[Span, ...] = ()  # the attribution spans ("Konashenkov said")


@dataclass(frozen=True, slots=True)
class Framing:
    """How one article frames its story: naming, labels, loaded language, hedges, whom it quotes."""

    naming: tuple[NamingChoice, ...] = ()
    spans: tuple[FrameSpan, ...] = ()
    attribution: tuple[AttributionShare, ...] = ()
    sentences: int = 0
    unattributed_share: float = 0.0  # sentences with no named source (own voice + vague), of all sentences
    tagger: str | None = None  # the span tagger's name/version when it ran, None for lexicon only
    skipped: str | None = None  # why the lexicon, tagger and attribution did not run (a non-English article)
    title_spans: tuple[FrameSpan, ...] = ()  # labels, loaded words, hedges, scare quotes of ``Article.title``
    # (offsets into the title, ``sentence`` -1; lexicon only)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything crosswire knows about one article."""

    article: Article
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    actors: tuple[ActorMention, ...] = ()
    events: tuple[Event, ...] = ()
    flags: tuple[Flag, ...] = ()
    framing: Framing | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be turned into an article, with where and why."""

    source: str
    line: int | None
    stage: str  # read | clean | nlp | store
    code: str  # the error class name, e.g. "BinaryInput"
    reason: str

    @property
    def where(self) -> str:
        """RETURNS (str): "path:line" or "path"."""
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one run of the pipeline did."""

    analyses: tuple[Analysis, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # ids already in the store


_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Normalise text for identity: NFKC, collapsed whitespace, stripped.

    Args:
        text (str): any text.
    RETURNS (str): the normalised text.
    """
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def article_id(outlet: str | None, body: str) -> str:
    """The stable id of an article: a hash of its outlet and normalised clean text.

    Args:
        outlet (str | None): the outlet name, or None when unknown.
        body (str): the clean body text.
    RETURNS (str): 16 hex characters.
    """
    key = f"{(outlet or '').casefold()}\x1f{normalise_text(body)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# --- linking: stories, merged events, corroboration, contradictions -------------------------------


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """Which story an article joined (or started), with the score and the reasons.

    ``merged`` lists the ids of stories folded into ``story_id`` by this assignment, when the
    article's evidence tied two stories together.
    """

    article_id: str
    story_id: str
    score: float
    reasons: tuple[str, ...]
    new: bool = False
    merged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventMention:
    """One article's report of an event: the article, its outlet and the extracted event."""

    article_id: str
    outlet: str | None
    event: Event
    published: date | None = None  # the article's publication date (first day it can denote)


@dataclass(frozen=True, slots=True)
class Origin:
    """An independent origin of a claim: everything that goes back to one claimant.

    ``key`` names the claimant: "actor:RU-MOD" (a speaker and their organisation count once),
    "actor:SANA" (an agency quoted, or in the claim chain), "label:a military source" (an anonymous source).
    """

    key: str
    label: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    speakers: tuple[str, ...] = ()  # the speaker labels as written, to show who exactly


@dataclass(frozen=True, slots=True)
class Corroboration:
    """How well a merged event (or a story) is supported: articles, outlets, independent origins."""

    articles: int
    outlets: tuple[str, ...]
    origins: tuple[Origin, ...]
    unattributed_outlets: tuple[str, ...]  # outlets that report it without naming a source

    @property
    def independent(self) -> int:
        """RETURNS (int): the number of independent origins (attributed origins + unattributed outlets)."""
        return len(self.origins) + len(self.unattributed_outlets)


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One real-world event as several articles report it, with every mention kept."""

    id: str
    story_id: str
    acled_type: str | None
    acled_subtype: str | None
    plover_root: str | None
    stage: str | None  # approach | capture | None: stages of one process stay separate events
    actor_id: str | None
    target_id: str | None
    place: Place | None
    date_from: date | None
    date_to: date | None
    date_reason: str  # how the date range was found, or why the event stays outside the timeline
    mentions: tuple[EventMention, ...]
    corroboration: Corroboration


@dataclass(frozen=True, slots=True)
class ContradictionSide:
    """One side of a contradiction: which article says what, with the evidence."""

    article_id: str
    outlet: str | None
    evidence: Span
    value: str


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two articles that disagree about one event (or one quote)."""

    kind: str  # numbers | status | perpetrator | quote-speaker
    message: str
    side_a: ContradictionSide
    side_b: ContradictionSide
    event_id: str | None = None  # the merged event concerned, when there is one


@dataclass(frozen=True, slots=True)
class Story:
    """Articles that tell the same story, with their merged events in timeline order."""

    id: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first_seen: date | None
    last_seen: date | None
    places: tuple[Place, ...]  # the main places, most mentioned first
    events: tuple[MergedEvent, ...]  # dated events in date order, then undated ones
    contradictions: tuple[Contradiction, ...]
    corroboration: Corroboration  # origins over every claim in the story
    notes: tuple[str, ...] = ()  # e.g. articles kept outside the timeline, and why


# --- framing across a story: the side-by-side comparison of outlets -------------------------------


@dataclass(frozen=True, slots=True)
class SentenceEvidence:
    """A span shown in its sentence: the sentence text and the span's offsets within it."""

    article_id: str
    sentence: int  # index into the article's sentences; -1 for the title
    text: str  # the whole sentence (or the title)
    start: int  # the span within ``text``
    end: int


@dataclass(frozen=True, slots=True)
class EventReport:
    """One merged event of a story as one outlet reports it."""

    event_id: str  # the MergedEvent id
    description: str  # one line: who did what to whom, where
    acled_type: str | None
    acled_subtype: str | None
    plover_root: str | None
    stage: str | None
    outlets: tuple[str, ...]  # every outlet of the story that reports it
    evidence: tuple[SentenceEvidence, ...]  # this outlet's sentences, the trigger marked


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """The statements an outlet carries from one claimant (keyed like ``linking.origin_key``)."""

    key: str
    label: str
    side: str
    count: int  # sentences
    speakers: tuple[str, ...]
    speaker_ids: tuple[str, ...]
    evidence: tuple[SentenceEvidence, ...]  # the attribution span in its sentence


@dataclass(frozen=True, slots=True)
class LabelUse:
    """One use of a label (or hedge, or scare quote) by an outlet, with its target and sentence."""

    label: str
    kind: str  # label | hedge | scare_quote | gloss
    category: str | None
    target_id: str | None
    target_name: str | None
    in_quote: bool
    evidence: SentenceEvidence


@dataclass(frozen=True, slots=True)
class OutletFraming:
    """One outlet's side of a story."""

    outlet: str
    article_ids: tuple[str, ...]
    events: tuple[EventReport, ...]
    only_here: tuple[str, ...]  # ids of the merged events no other outlet of the story reports
    claims: tuple[ClaimGroup, ...]
    attribution: tuple[AttributionShare, ...]  # over all the outlet's articles (sentence indices dropped)
    unattributed_share: float
    labels: tuple[LabelUse, ...]
    hedges: tuple[LabelUse, ...]
    scare_quotes: tuple[LabelUse, ...]
    sentences: int
    glosses: tuple[LabelUse, ...] = ()  # names the outlet explains ("Daesh [Arabic pejorative term …]")


@dataclass(frozen=True, slots=True)
class SurfaceCount:
    """A surface form and how often it is used."""

    surface: str
    count: int


@dataclass(frozen=True, slots=True)
class OutletForms:
    """The forms one outlet uses for one entity (or the targets of one label)."""

    outlet: str
    forms: tuple[SurfaceCount, ...]
    notes: tuple[str, ...] = ()  # what the outlet says about its naming: 'explains "Daesh" as a pejorative'


@dataclass(frozen=True, slots=True)
class NamingRow:
    """How each outlet names one canonical actor or place."""

    kind: str  # actor | place
    canonical_id: str
    canonical_name: str
    outlets: tuple[OutletForms, ...]  # in the story's outlet order; an outlet that never names it is left out
    differs: bool  # the outlets' most used forms differ


@dataclass(frozen=True, slots=True)
class LabelRow:
    """One label and whom each outlet applies it to (``forms`` are target names, "(no target)" when unknown)."""

    label: str
    category: str | None
    outlets: tuple[OutletForms, ...]


@dataclass(frozen=True, slots=True)
class Highlight:
    """A framing span (loaded language, name calling, label, scare quote, hedge) in its sentence."""

    article_id: str
    outlet: str
    kind: str
    label: str  # lexicon label or tagger technique
    text: str
    source: str  # lexicon | tagger | pattern
    score: float
    target_id: str | None
    in_quote: bool
    evidence: SentenceEvidence


@dataclass(frozen=True, slots=True)
class StoryFraming:
    """A side-by-side comparison of how the outlets of one story tell it."""

    story_id: str
    outlets: tuple[str, ...]
    per_outlet: tuple[OutletFraming, ...]
    shared_events: tuple[str, ...]  # merged events two or more outlets report
    shared_claimants: tuple[str, ...]  # claimant keys two or more outlets carry ("actor:RU-MOD")
    naming: tuple[NamingRow, ...]
    labels: tuple[LabelRow, ...]
    highlights: tuple[Highlight, ...]
    notes: tuple[str, ...] = ()  # e.g. articles analysed before framing existed
