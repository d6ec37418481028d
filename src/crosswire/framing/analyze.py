"""Per-article framing: naming choices, labels, loaded language, scare quotes, hedges, attribution.

``frame`` is the pipeline's "frame" stage. It reads the clean body and what earlier stages found
(sentences, actor and place mentions) and returns a ``Framing``:

1. **naming**: for each canonical actor and place, the surface forms the outlet used and how often
   (pronouns are left out: "he" is not a naming choice; demonyms and places inside actor names too);
2. **labels** (``labels.json``) with the actor each applies to, found in this order: an actor mention
   the label is part of ("the terrorists", "the Takfiri group", "Syrian regime"); for a modifier
   ("so-called", "US-backed"), the actor right after it; for a noun, the actor right before it
   ("Daesh terrorists", "Daesh Takfiri terrorists", "Hezbollah resistance fighters"), or the actor it
   is in apposition to ("the SDF, a US-backed alliance"); for a delegitimising label still without one,
   the nearest armed non-state actor earlier in the same or the previous sentence (score 0.5);
3. **loaded language** (``loaded.json``) and, when a span tagger is loaded, its ``Loaded_Language``
   and ``Name_Calling,Labeling`` spans (source "tagger");
4. **scare quotes**: a quoted word or two that is not speech: in single quotes ('liberated'), or in
   double quotes after a determiner ("the “stupor” of the US-coalition"); a quoted clause or a partial
   quote with its own punctuation ("“tonight.”") is speech;
5. **hedges** (``hedges.json``): "reportedly", "alleged", "so-called" …;
6. **glosses**: a name followed by the outlet's explanation of it, in brackets or parentheses
   ("Daesh [Arabic pejorative term for Islamic State]", "Hashd (a term for the PMU)"): the outlet
   tells its readers what a name means and, when the gloss says so, that it is pejorative. Label
   ``pejorative`` or ``gloss``; the target is the actor the name (or the gloss) refers to. Square
   brackets inside a quotation are the editor's insertion, so such a gloss is the outlet's voice;
7. **attribution profile**: each sentence's source, found by ``events.attribution.attribute`` (the
   same rules the event stage uses) and keyed like ``linking.origin_key``, grouped by claimant with
   the claimant's side (the state it belongs to, or the kind of non-state actor it is). Two
   corrections: "X, a professor, told RT" credits X with RT as the channel; a speech verb whose
   speaker the actor stage did not resolve ("Cornyn said") counts under ``unresolved``. Sentences
   with no source are ``unattributed`` (the outlet's own voice), anonymous ones ``vague``
   ("reportedly", "reports said"); their share is ``unattributed_share``.

Every span says whether it lies inside a quotation (``in_quote``): a word in Konashenkov's quote is
his framing, carried by the outlet; a word outside is the outlet's own.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from ..events.attribution import _REPORTEDLY, _SPEECH, attribute, find_quotes
from ..linking.corroboration import origin_key
from ..model import (
    Actor,
    ActorMention,
    ActorType,
    AttributionShare,
    Claim,
    FrameSpan,
    Framing,
    NamingChoice,
    PlaceMention,
    Sentence,
    Span,
)
from .lexicon import Lexicon, LexiconMatch, Words

__all__ = ["frame", "frame_analysis", "glosses", "name_hits", "scare_quotes", "side_of", "tag_spans", "title_spans"]

#: Technique names of the span tagger, mapped to FrameSpan kinds.
TAGGER_KINDS = {"Loaded_Language": "loaded", "Name_Calling,Labeling": "name_calling"}
#: Actor types a delegitimising label may fall back to when nothing names its target.
_ARMED_NON_STATE = frozenset({ActorType.JIHADIST_GROUP, ActorType.ARMED_GROUP, ActorType.MILITIA})
_STATE_TYPES = frozenset({ActorType.GOVERNMENT, ActorType.STATE_MILITARY, ActorType.POLICE})
_PRONOUNS = frozenset(
    "he she it they him her them his hers its their theirs we us our i me my you your who whom which this that these those".split()
)
_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|this|that|these|those|its|their|his|her|our|such|so-called|alleged|supposed|what they call|"
    r"what it calls|so called)\s*)$",
    re.IGNORECASE,
)
_NAME_FUNCTION_WORDS = frozenset({"of", "the", "and", "in", "on", "for", "a", "an", "de", "al", "to"})
_SINGLE_QUOTED = re.compile(r"(?<![\w’'])[‘'](?P<inner>[^\W\d_][\w\-’ ]{0,40}?[\w])[’'](?![\w])")
_WORD = re.compile(r"[^\W\d_][\w\-’']*")
_NAME_SURFACE = re.compile(r"(?:^|[\s\-])[A-Z]")
_GAP_BEFORE_NOUN = re.compile(r"^\s*(?:[’']s\s*)?$")
_GAP_AFTER_PRE = re.compile(r"^\s*(?:the\s+)?[“\"‘']?$", re.IGNORECASE)
#: What an attributed sentence contains at least (a superset of ``events.attribution``'s cues).
_CUE = re.compile(rf"{_SPEECH.pattern}|{_REPORTEDLY.pattern}|\s[–—-]\s")
_NOT_THE_LAST_GROUP = re.compile(
    r"(?:-(?:backed|led|sponsored|funded|supported|allied|aligned)\s+(?:\S+\s+)?|\b(?:[Aa]n?|[Oo]ne)\s+(?:[a-z][\w-]*\s+)?"
    r"|\b[A-Z][a-z]+(?:ish|ian|an|i|ese)\s+)$"
)
#: "Name [gloss]" / "Name (gloss)": up to four words of a name, then a bracketed explanation.
_GLOSSED = re.compile(
    r"(?P<term>[A-Z][\w’'-]*(?:\s+(?:(?:of|the|bin|ibn|al|el)\s+|(?:al|el|ad|ar|as|at|az|ez|an|ash)-)?[A-Z][\w’'-]*){0,3})"
    r"\s*(?P<open>[\[(])(?P<gloss>[^\[\]()\n]{4,160})[\])]"
)
#: What makes a bracket a gloss rather than an aside: it says what the name is or means.
_GLOSS_CUE = re.compile(
    r"\b(?:term|word|name|acronym|abbreviation|label|epithet|slur|nickname|moniker|byword|euphemism)s?\s+"
    r"(?:for|of|used\s+(?:for|by|to\s+describe))\b|^\s*(?:meaning|literally|i\.\s?e\.|lit\.)\s"
    r"|^\s*(?:also\s+|otherwise\s+|better\s+|formerly\s+)?(?:known|called|referred\s+to)\s+as\b|^\s*a\.?k\.?a\.?\s",
    re.IGNORECASE,
)
#: The bracket every gloss has: a body without one has no gloss, and is not scanned name by name.
_GLOSS_BRACKET = re.compile(r"[\[(][^\[\]()\n]{4,160}[\])]")
_LEADING_ARTICLE = re.compile(r"(?:The|A|An)\s+(?=[A-Z])")
_PEJORATIVE = re.compile(r"\b(?:pejorative|derogatory|disparaging|insulting|slur|dismissive|abusive|offensive|contemptuous)", re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w")
_WORD_OR_HYPHEN = re.compile(r"[\w-]")
_APPOSITION = re.compile(r"^\s*\)?\s*,\s*(?:an?|the|one)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def frame(
    body: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[PlaceMention],
    lexicon: Lexicon,
    *,
    tagged: Sequence[Any] = (),
    tagger_name: str | None = None,
    parent_of: Callable[[str], Actor | None] | None = None,
    country_name: Callable[[str], str | None] | None = None,
    title: str | None = None,
) -> Framing:
    """Find how one article frames its story.

    Args:
        body (str): ``Article.body``.
        sentences (Sequence[Sentence]): its sentence spans.
        actors (Sequence[ActorMention]): canonical actor mentions (``resolve_actors``).
        places (Sequence[PlaceMention]): place mentions (``geoparse``).
        lexicon (Lexicon): the compiled framing lexicons.
        tagged (Sequence[TaggedSpan]): spans from the span tagger (``start``, ``end``, ``technique``,
            ``score``), char offsets into ``body``; empty when no tagger is loaded.
        tagger_name (str | None): the tagger's name, recorded in ``Framing.tagger``.
        parent_of (Callable[[str], Actor | None] | None): an actor id -> the Actor (the dictionary):
            a spokesman's organisation, and the root organisation that gives a claimant's side.
        country_name (Callable[[str], str | None] | None): ISO code -> country name, for sides.
        title (str | None): ``Article.title``: its labels, loaded words, hedges and scare quotes go to
            ``Framing.title_spans`` (targets from the names the body's actor mentions use).
    RETURNS (Framing): naming choices, framing spans, attribution profile.
    """
    parent_of = parent_of or (lambda _id: None)
    sents = list(sentences) or [Sentence(0, len(body))]
    s_starts = [s.start for s in sents]

    def sentence_of(pos: int) -> int:
        return max(bisect.bisect_right(s_starts, pos) - 1, 0)

    quotes = find_quotes(body)
    q_starts = [q.start for q in quotes]

    def in_quote(start: int, end: int) -> bool:
        k = bisect.bisect_right(q_starts, start) - 1
        return k >= 0 and quotes[k].start < start and end <= quotes[k].end

    ordered = sorted(actors, key=lambda m: (m.start, -m.end))
    a_starts = [m.start for m in ordered]
    spans: list[FrameSpan] = []

    # labels (and the labels' own spans, which a noun label may skip over to reach its actor)
    words = Words.of(body)
    label_matches = lexicon.find(body, "label", words=words)
    label_ranges = [(m.start, m.end) for m in label_matches]
    for m in label_matches:
        target, score = _target(body, m.start, m.end, m.entry.position, m.entry.category, ordered, a_starts, label_ranges, sents, sentence_of)
        spans.append(_span("label", m, sentence_of(m.start), target, score, in_quote(m.start, m.end)))
    for m in lexicon.find(body, "hedge", words=words):
        target, score = (None, 1.0)
        if m.entry.position == "pre" or m.entry.label == "so-called":
            target, score = _target(body, m.start, m.end, "pre", None, ordered, a_starts, label_ranges, sents, sentence_of)
        spans.append(_span("hedge", m, sentence_of(m.start), target, score, in_quote(m.start, m.end)))
    for m in lexicon.find(body, "loaded", words=words):
        if any(s < m.end and m.start < e for s, e in label_ranges):
            continue  # "terror group" is a label, not also loaded language
        spans.append(_span("loaded", m, sentence_of(m.start), None, 1.0, in_quote(m.start, m.end)))
    for start, end, label in scare_quotes(body, quotes):
        spans.append(
            FrameSpan("scare_quote", start, end, body[start:end], sentence_of(start), label, None, source="pattern",
                      in_quote=in_quote(start, end))  # a quotation around the quoted word, not itself
        )  # fmt: skip
    spans.extend(glosses(body, ordered, sentence_of, in_quote))
    for t in tagged:
        kind = TAGGER_KINDS.get(t.technique)
        if kind is None or not (0 <= t.start < t.end <= len(body)):
            continue
        target, _ = (None, 0.0)
        if kind == "name_calling":
            target, _ = _target(body, t.start, t.end, "noun", None, ordered, a_starts, label_ranges, sents, sentence_of)
        spans.append(
            FrameSpan(kind, t.start, t.end, body[t.start : t.end], sentence_of(t.start), t.technique, None,
                      target.id if target else None, target.name if target else None, "tagger", float(t.score),
                      in_quote(t.start, t.end))
        )  # fmt: skip
    spans.sort(key=lambda s: (s.start, s.end, s.kind))

    attribution, unattributed = _attribution(body, sents, ordered, quotes, parent_of, country_name)
    return Framing(
        naming=naming_choices(body, actors, places),
        spans=tuple(spans),
        attribution=attribution,
        sentences=len(sentences),
        unattributed_share=unattributed,
        tagger=tagger_name if tagged or tagger_name else None,
        title_spans=title_spans(title, actors, lexicon) if title else (),
    )


def title_spans(title: str, actors: Sequence[ActorMention], lexicon: Lexicon) -> tuple[FrameSpan, ...]:
    """Labels, loaded words, hedges and scare quotes of a title ("Syrian forces draw close to
    Daesh-held al-Mayadin"), with the label targets found from the names the body uses.

    Args:
        title (str): ``Article.title``.
        actors (Sequence[ActorMention]): the body's actor mentions (their names, found again in the title).
        lexicon (Lexicon): the compiled framing lexicons.
    RETURNS (tuple[FrameSpan, ...]): spans with offsets into the title, ``sentence`` -1.
    """
    names: dict[str, Actor] = {}
    for m in actors:
        if m.method not in ("coreference",) and m.text.casefold() not in _PRONOUNS:
            names.setdefault(m.text, m.actor)
    found: list[ActorMention] = []
    for text, actor in names.items():
        for start, end in name_hits(title, text):
            found.append(ActorMention(start, end, text, actor, 0, "title", 1.0))
    found.sort(key=lambda m: (m.start, -m.end))
    a_starts = [m.start for m in found]
    sents = [Sentence(0, len(title))]
    quotes = find_quotes(title)
    q_starts = [q.start for q in quotes]

    def in_quote(start: int, end: int) -> bool:
        k = bisect.bisect_right(q_starts, start) - 1
        return k >= 0 and quotes[k].start < start and end <= quotes[k].end

    words = Words.of(title)
    labels = lexicon.find(title, "label", words=words)
    ranges = [(m.start, m.end) for m in labels]
    out: list[FrameSpan] = []
    for m in labels:
        target, score = _target(title, m.start, m.end, m.entry.position, m.entry.category, found, a_starts, ranges, sents, lambda _p: 0)
        out.append(_span("label", m, -1, target, score, in_quote(m.start, m.end)))
    for kind in ("hedge", "loaded"):
        for m in lexicon.find(title, kind, words=words):
            if kind == "loaded" and any(s < m.end and m.start < e for s, e in ranges):
                continue
            target, score = None, 1.0
            if kind == "hedge" and (m.entry.position == "pre" or m.entry.label == "so-called"):
                target, score = _target(title, m.start, m.end, "pre", None, found, a_starts, ranges, sents, lambda _p: 0)
            out.append(_span(kind, m, -1, target, score, in_quote(m.start, m.end)))
    for start, end, label in scare_quotes(title, quotes):
        out.append(FrameSpan("scare_quote", start, end, title[start:end], -1, label, None, source="pattern"))
    out.sort(key=lambda s: (s.start, s.end, s.kind))
    return tuple(out)


def name_hits(text: str, name: str) -> list[tuple[int, int]]:
    r"""Where a name occurs in a text as whole words: ``(?<![\w-])name(?!\w)``, matched without
    compiling a pattern per name (the names of every article's actors would churn ``re``'s cache).

    Args:
        text (str): the text searched (a title).
        name (str): the name, matched as written (case-sensitive).
    RETURNS (list[tuple[int, int]]): (start, end) of each non-overlapping occurrence, in order.
    """
    if not name:
        return [m.span() for m in re.finditer(r"(?<![\w-])(?!\w)", text)]
    out: list[tuple[int, int]] = []
    i = text.find(name)
    while i >= 0:
        end = i + len(name)
        if (i == 0 or not _WORD_OR_HYPHEN.match(text, i - 1)) and not _WORD_CHAR.match(text, end):
            out.append((i, end))
            i = text.find(name, end)
        else:
            i = text.find(name, i + 1)
    return out


def frame_analysis(analysis, lexicon: Lexicon, *, dictionary=None, tagged: Sequence[Any] = (), tagger_name: str | None = None) -> Framing:
    """``frame`` over an ``Analysis`` (the pipeline's entry point).

    Args:
        analysis (Analysis): the article with its sentences, actors and places.
        lexicon (Lexicon): the compiled framing lexicons.
        dictionary (ActorDictionary | None): the actor dictionary (sides of claimants).
        tagged (Sequence[TaggedSpan]): span tagger output for the body.
        tagger_name (str | None): the tagger's name.
    RETURNS (Framing): the framing.
    """
    language = (analysis.article.language or "en").split("-")[0].lower()
    if language != "en":
        # the lexicons, the tagger and the attribution rules are English: naming is all that holds
        return Framing(
            naming=naming_choices(analysis.article.body, analysis.actors, analysis.places),
            sentences=len(analysis.sentences),
            skipped=f"labels, loaded language, hedges and sources are found in English text only; the article language is {analysis.article.language!r}",
        )
    by_id = {m.actor.id: m.actor for m in analysis.actors}

    def parent_of(aid: str) -> Actor | None:
        if dictionary is not None and aid in dictionary.actors:
            return dictionary.actors[aid]
        return by_id.get(aid)

    def country_name(iso: str) -> str | None:
        if dictionary is not None and iso in dictionary.countries:
            return dictionary.countries[iso].name
        return None

    return frame(
        analysis.article.body, analysis.sentences, analysis.actors, analysis.places, lexicon,
        tagged=tagged, tagger_name=tagger_name, parent_of=parent_of, country_name=country_name,
        title=analysis.article.title,
    )  # fmt: skip


def tag_spans(tagger, nlp, body: str, sentences: Sequence[Sentence], *, doc=None) -> list:
    """Run the span tagger over a body.

    The tagger gets the NLP stage's parsed Doc when the pipeline kept it; otherwise a Doc is rebuilt
    from the tokenizer alone (``nlp.make_doc``, cheap: no second parse) with the NLP stage's sentence
    starts, and the tagger's tag and dependency features are empty.

    Args:
        tagger (SpanTagger): the loaded tagger.
        nlp (Language): the spaCy pipeline (its tokenizer is used when ``doc`` is None).
        body (str): ``Article.body``.
        sentences (Sequence[Sentence]): its sentence spans.
        doc (Doc | None): the parsed Doc of ``body``, when available.
    RETURNS (list[TaggedSpan]): the tagger's spans, char offsets into ``body``.
    """
    if doc is None or doc.text != body:
        doc = nlp.make_doc(body)
        starts = {s.start for s in sentences}
        for tok in doc:
            tok.is_sent_start = tok.i == 0 or tok.idx in starts
    return list(tagger.tag(doc))


def _span(kind: str, m: LexiconMatch, sentence: int, target: Actor | None, score: float, quoted: bool) -> FrameSpan:
    return FrameSpan(
        kind, m.start, m.end, m.text, sentence, m.entry.label, m.entry.category,
        target.id if target else None, target.name if target else None, "lexicon", score, quoted,
    )  # fmt: skip


def _target(
    body: str,
    start: int,
    end: int,
    position: str,
    category: str | None,
    actors: list[ActorMention],
    a_starts: list[int],
    label_ranges: list[tuple[int, int]],
    sents: list[Sentence],
    sentence_of: Callable[[int], int],
) -> tuple[Actor | None, float]:
    """The actor a label at ``[start, end)`` applies to, and how sure that is."""
    k = bisect.bisect_left(a_starts, end)
    # 1. an actor mention the label is part of ("the terrorists", "Syrian regime", "US-led coalition")
    for m in actors[max(0, bisect.bisect_left(a_starts, start - 200)) : k]:
        if m.start < end and start < m.end:
            inside = start <= m.start and m.end <= end and (m.end - m.start) < (end - start)
            if position == "pre" and inside:
                continue  # "US" in "US-backed" is the backer, not the backed
            return m.actor, 0.9
    if position == "pre":
        # 2a. the actor right after a modifier ("so-called Syrian Observatory", "US-backed SDF")
        for m in actors[k : k + 3]:
            if _GAP_AFTER_PRE.match(body[end : m.start]):
                return m.actor, 0.9
            break
    else:
        # 2b. the actor right before a noun, over other labels ("Daesh Takfiri terrorists")
        pos = start
        while True:
            j = bisect.bisect_left(label_ranges, (pos, -1)) - 1
            if j >= 0 and label_ranges[j][1] <= pos and re.fullmatch(r"\s*", body[label_ranges[j][1] : pos]):
                pos = label_ranges[j][0]
                continue
            break
        for m in reversed(actors[max(0, bisect.bisect_left(a_starts, pos - 200)) : bisect.bisect_left(a_starts, pos)]):
            if m.end <= pos:
                if _GAP_BEFORE_NOUN.match(body[m.end : pos]):
                    return m.actor, 0.85
                break
    # 3. apposition: "the Syrian Democratic Forces (SDF), a US-backed alliance"
    lo = max(0, start - 60)
    for m in reversed(actors[max(0, bisect.bisect_left(a_starts, lo - 100)) : bisect.bisect_left(a_starts, start)]):
        if m.end <= start:
            if _APPOSITION.match(body[m.end : start]):
                return m.actor, 0.8
            break
    # 4. a delegitimising label with no named target: the nearest armed non-state actor just before
    if category == "delegitimising" and position == "noun":
        before = body[max(0, start - 40) : start]
        if _NOT_THE_LAST_GROUP.search(before):
            # "US-backed militants", "Turkish-backed Syrian militiamen", "an exiled Islamist cleric":
            # another group, or one person, not the armed group just named
            return None, 0.0
        s = sentence_of(start)
        lo = sents[max(0, s - 1)].start
        for m in reversed(actors[bisect.bisect_left(a_starts, lo) : bisect.bisect_left(a_starts, start)]):
            if m.actor.type in _ARMED_NON_STATE:
                return m.actor, 0.5
    return None, 0.0


def glosses(
    body: str,
    actors: Sequence[ActorMention],
    sentence_of: Callable[[int], int],
    in_quote: Callable[[int, int], bool],
) -> list[FrameSpan]:
    """Names the outlet explains in brackets: "Daesh [Arabic pejorative term for Islamic State]".

    Args:
        body (str): ``Article.body``.
        actors (Sequence[ActorMention]): actor mentions, sorted by start.
        sentence_of (Callable[[int], int]): a character offset -> its sentence index.
        in_quote (Callable[[int, int], bool]): whether a span lies inside a quotation.
    RETURNS (list[FrameSpan]): one ``gloss`` span per glossed name, over the name and its bracket;
        label ``pejorative`` when the gloss calls the name so, else ``gloss``; the target is the
        actor mention on the name, else the first actor named inside the gloss.
    """
    out: list[FrameSpan] = []
    if not _GLOSS_BRACKET.search(body):
        return out
    for m in _GLOSSED.finditer(body):
        gloss = m.group("gloss")
        if not _GLOSS_CUE.search(gloss):
            continue
        t0, t1 = m.span("term")
        lead = _LEADING_ARTICLE.match(body, t0, t1)
        if lead:  # "The Hashd al-Shaabi (…)": the name starts after the sentence's article
            t0 = lead.end()
        on_term = [a for a in actors if a.start < t1 and t0 < a.end]
        in_gloss = [a for a in actors if m.start("gloss") <= a.start and a.end <= m.end("gloss")]
        target = (on_term or in_gloss or [None])[0]
        pejorative = bool(_PEJORATIVE.search(gloss))
        # square brackets inside a quotation are the editor's words, not the speaker's
        quoted = m.group("open") == "(" and in_quote(t0, m.end())
        out.append(
            FrameSpan("gloss", t0, m.end(), body[t0 : m.end()], sentence_of(t0), "pejorative" if pejorative else "gloss",
                      "pejorative" if pejorative else "explanatory", target.actor.id if target else None,
                      target.actor.name if target else None, "pattern", 1.0, quoted)
        )  # fmt: skip
    return out


def scare_quotes(body: str, quotes: Sequence | None = None) -> list[tuple[int, int, str]]:
    """Quoted words that are not speech: 'liberated', the “stupor” of the coalition.

    A quotation counts when it holds one or two words with no punctuation of its own, is not a
    proper name (every word capitalised), and is either in single quotes or in double quotes right
    after a determiner or "so-called".

    Args:
        body (str): ``Article.body``.
        quotes (Sequence[Quote] | None): ``find_quotes(body)``, when already computed.
    RETURNS (list[tuple[int, int, str]]): (start, end, the quoted word(s) lower-cased), marks included.
    """
    quotes = find_quotes(body) if quotes is None else quotes
    out: list[tuple[int, int, str]] = []
    for q in quotes:
        if not q.closed:
            continue
        inner = body[q.start + 1 : q.end - 1].strip()
        if _short_term(inner) and _DETERMINER_BEFORE.search(body[max(0, q.start - 30) : q.start]):
            out.append((q.start, q.end, inner.casefold()))
    for m in _SINGLE_QUOTED.finditer(body):
        inner = m.group("inner").strip()
        if _short_term(inner, max_words=3):
            out.append((m.start(), m.end(), inner.casefold()))
    out.sort()
    return out


def _short_term(inner: str, *, max_words: int = 2) -> bool:
    words = inner.split()
    if not 1 <= len(words) <= max_words or len(inner) > 40:
        return False
    if not all(_WORD.fullmatch(w) for w in words):
        return False  # "tonight." has its own punctuation: a partial quote of speech
    content = [w for w in words if w.lower() not in _NAME_FUNCTION_WORDS]
    return not (content and all(w[0].isupper() for w in content))  # “Operation Inherent Resolve”, ‘Hart of Dixie’ are names


def naming_choices(body: str, actors: Sequence[ActorMention], places: Sequence[PlaceMention]) -> tuple[NamingChoice, ...]:
    """How the article names each canonical actor and place, with counts.

    Args:
        body (str): ``Article.body`` (unused today; kept for the stage contract).
        actors (Sequence[ActorMention]): actor mentions.
        places (Sequence[PlaceMention]): place mentions.
    RETURNS (tuple[NamingChoice, ...]): actors then places, most mentioned canonical entity first,
        then its forms by count.
    """
    counts: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    methods: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
    for m in actors:
        surface = _surface(m.text)
        if not surface or surface.casefold() in _PRONOUNS:
            continue
        key = ("actor", m.actor.id, m.actor.name)
        counts[key][surface] += 1
        methods[(m.actor.id, surface, "")][m.method] += 1
    spans = sorted((m.start, m.end) for m in actors)
    starts = [s for s, _ in spans]
    for p in places:
        if p.place is None or (p.reason and "demonym" in p.reason):
            continue
        k = bisect.bisect_right(starts, p.end)
        if any(s < p.end and p.start < e for s, e in spans[max(0, k - 4) : k]):
            continue  # "Raqqa" in "the Raqqa Civil Council" is part of a name
        surface = _surface(p.text)
        if not _NAME_SURFACE.search(surface):
            continue  # "the provincial capital of the same name" is a description, not a name
        counts[("place", p.place.id, p.place.name)][surface] += 1
    out: list[NamingChoice] = []
    for (kind, cid, name), c in sorted(counts.items(), key=lambda kv: (kv[0][0] != "actor", -sum(kv[1].values()), kv[0][1])):
        for surface, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
            method = methods[(cid, surface, "")].most_common(1)[0][0] if kind == "actor" else None
            out.append(NamingChoice(kind, cid, name, surface, n, method))
    return tuple(out)


def _surface(text: str) -> str:
    s = " ".join(text.split())
    if s.startswith("The "):
        s = "the " + s[4:]
    return s


def side_of(actor: Actor | None, parent_of: Callable[[str], Actor | None], country_name: Callable[[str], str | None] | None = None) -> tuple[str, str | None, str | None]:
    """The side a claimant speaks for: the state it belongs to, or what kind of non-state actor it is.

    The actor's parents are followed to its root organisation (Konashenkov → Russian MoD → Government
    of Russia; SANA → Government of Syria; Hezbollah Military Media Center → Hezbollah).

    Args:
        actor (Actor | None): the claimant (an organisation or a person).
        parent_of (Callable[[str], Actor | None]): actor id -> Actor.
        country_name (Callable[[str], str | None] | None): ISO code -> country name.
    RETURNS (tuple[str, str | None, str | None]): (side, country ISO code, root actor type).
    """
    if actor is None:
        return "unnamed source", None, None
    root, seen = actor, {actor.id}
    while root.parent and root.parent not in seen:
        parent = parent_of(root.parent)
        if parent is None:
            break
        seen.add(parent.id)
        root = parent
    country = root.country or actor.country
    cname = (country_name(country) if country_name and country else None) or country
    if root.affiliation:  # "US-backed government: Raqqa Civil Council" is not the Syrian state
        return f"{root.affiliation} {root.type.value}: {root.name}", country, root.type.value
    if root.type in _STATE_TYPES or (root.id.startswith(("gov:", "mil:", "pol:"))):
        return f"state: {cname or root.name}", country, root.type.value
    if root.type is ActorType.PERSON:
        return "individual" + (f" ({cname})" if cname else ""), country, root.type.value
    if root.type is ActorType.MEDIA:
        return f"media: {root.name}" + (f" ({cname})" if cname else ""), country, root.type.value
    return f"{root.type.value}: {root.name}", country, root.type.value


_TOLD = re.compile(r"(?:told|tells)\b")
_SAID = re.compile(
    r"\b(?:said|says|told|tells|added|adds|stressed|stated|noted|explained|insisted|warned|declared|"
    r"acknowledged|argued|wrote|[Aa]ccording\s+to)\b"
)
_NAME = r"(?:[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|of|the|for|al|bin|de|van|von)){0,4})"
# (searched with pos/endpos: "^" would not match at pos, a lookbehind does)
_SUBJECT_BEFORE = re.compile(rf"(?<![\w.'’-])(?P<who>{_NAME}|[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\s+(?:(?:has|have|had|also|later|then|previously)\s+)*$")
_SUBJECT_AFTER = re.compile(rf"\s+(?:the\s+)?(?P<who>{_NAME})")


def _unresolved_speaker(body: str, s: Sentence, quotes: list, q_starts: list[int]) -> Claim | None:
    """A sentence with a speech verb whose speaker the actor stage did not resolve ("Cornyn said",
    "“…,” she said", "according to Carter"): a claim with the speaker as written, or with no label
    when the text does not say who (its verb is still outside every quotation)."""
    for m in _SAID.finditer(body, s.start, s.end):
        k = bisect.bisect_right(q_starts, m.start()) - 1
        if k >= 0 and quotes[k].start < m.start() < quotes[k].end:
            continue  # a speech verb inside a quotation is the speaker's words
        who = None
        if not m.group(0).lower().startswith("according"):
            before = _SUBJECT_BEFORE.search(body, max(s.start, m.start() - 80), m.start())
            if before is not None:
                who = (before.start("who"), before.end("who"))
        if who is None:
            after = _SUBJECT_AFTER.match(body, m.end(), s.end)
            if after is not None:
                who = (after.start("who"), after.end("who"))
        if who is None:
            if m.group(0).lower().startswith("according"):
                continue  # "according to the terms of the bill": no speaker
            return Claim(None, None, None, (), "paraphrase", Span(m.start(), m.end(), m.group(0)))
        who = (who[0], who[0] + len(body[who[0] : who[1]].rstrip(".,;:’'")))  # "according to Carter."
        lo, hi = min(who[0], m.start()), max(who[1], m.end())
        return Claim(None, None, body[who[0] : who[1]], (), "paraphrase", Span(lo, hi, body[lo:hi]))
    return None


def _told_channel(body: str, claim: Claim, near: list[ActorMention], lo: int, parent_of: Callable[[str], Actor | None]) -> Claim:
    """ "Jamal Wakeem, a Lebanese professor …, told RT": the outlet after "told" is the channel, and
    the speaker is the subject before the verb (the attribution rules read "…, told RT" as an inverted
    "…, said X" and credit RT)."""
    channel = claim.speaker
    subject = next(
        (m for m in reversed(near) if lo <= m.start and m.end <= claim.span.start and m.actor.type is not ActorType.MEDIA
         and claim.span.start - m.end <= 150),
        None,
    )  # fmt: skip
    if subject is None:
        return Claim(None, None, claim.speaker_label, (channel,), claim.kind, claim.span, claim.quote)
    speaker = subject.actor
    org = (parent_of(speaker.parent) if speaker.parent else None) if speaker.type is ActorType.PERSON else speaker
    span = Span(subject.start, claim.span.end, body[subject.start : claim.span.end])
    return Claim(speaker, org, subject.text, (channel,), claim.kind, span, claim.quote)


def _attribution(
    body: str,
    sents: list[Sentence],
    actors: list[ActorMention],
    quotes: list,
    parent_of: Callable[[str], Actor | None],
    country_name: Callable[[str], str | None] | None,
) -> tuple[tuple[AttributionShare, ...], float]:
    s_starts = [s.start for s in sents]
    a_starts = [m.start for m in actors]

    def sentence_end(pos: int) -> int:
        return sents[max(bisect.bisect_right(s_starts, pos) - 1, 0)].end

    def sentence_start(pos: int) -> int:
        return sents[max(bisect.bisect_right(s_starts, pos) - 1, 0)].start

    # Only sentences with a cue can carry an attribution (a speech verb, "reportedly", a dash credit,
    # or a quotation): the others are the outlet's own voice without running the attribution rules.
    cued = {max(bisect.bisect_right(s_starts, m.start()) - 1, 0) for m in _CUE.finditer(body)}
    for q in quotes:
        cued.update(range(max(bisect.bisect_right(s_starts, q.start) - 1, 0), max(bisect.bisect_right(s_starts, max(q.end - 1, q.start)) - 1, 0) + 1))
    q_starts = [q.start for q in quotes]
    groups: dict[str, dict] = {}
    previous: Claim | None = None
    for i, s in enumerate(sents):
        att = None
        if i in cued:
            near = actors[bisect.bisect_left(a_starts, s.start - 300) : bisect.bisect_left(a_starts, s.end + 300)]
            att = attribute(
                body, s.start, s.end, near, quotes,
                sentence_end=sentence_end, sentence_start=sentence_start, previous=previous, parent_of=parent_of,
            )  # fmt: skip
        claim = att.claim if att is not None else None
        if claim is not None and claim.speaker is not None and claim.speaker.type is ActorType.MEDIA and _TOLD.match(claim.span.text):
            claim = _told_channel(body, claim, near, s.start, parent_of)
        unresolved = None
        if claim is None and i in cued:
            unresolved = _unresolved_speaker(body, s, quotes, q_starts)
        if claim is not None:
            previous = claim
        if unresolved is not None:
            key, label, side, country, atype, attributed = "unresolved", "speakers crosswire did not resolve", "unresolved speaker", None, None, True
            claim = unresolved
        elif claim is None:
            key, label, side, country, atype, attributed = "unattributed", "no source named (the outlet's own voice)", "none", None, None, False
        else:
            ok = origin_key(claim)
            if ok is None:
                key, label, side, country, atype, attributed = "vague", "vague attribution (reportedly, reports)", "unnamed source", None, None, False
            else:
                key, label = ok
                who = claim.organisation or claim.speaker or (claim.chain[0] if claim.chain else None)
                side, country, atype = side_of(who, parent_of, country_name)
                attributed = True
        g = groups.setdefault(
            key, {"label": label, "side": side, "country": country, "type": atype, "attributed": attributed,
                  "sentences": [], "speakers": [], "ids": [], "evidence": []}
        )  # fmt: skip
        g["sentences"].append(i)
        if claim is not None:
            if claim.speaker_label and claim.speaker_label not in g["speakers"]:
                g["speakers"].append(claim.speaker_label)
            if claim.speaker is not None and claim.speaker.id not in g["ids"]:
                g["ids"].append(claim.speaker.id)
            if len(g["evidence"]) < 20:
                g["evidence"].append(Span(claim.span.start, claim.span.end, claim.span.text))
    n = len(sents) or 1
    shares = []
    for key, g in sorted(groups.items(), key=lambda kv: (-len(kv[1]["sentences"]), kv[0])):
        shares.append(
            AttributionShare(
                key, g["label"], g["side"], g["country"], g["type"], g["attributed"], tuple(g["sentences"]),
                round(len(g["sentences"]) / n, 4), tuple(g["speakers"]), tuple(g["ids"]), tuple(g["evidence"]),
            )
        )  # fmt: skip
    unattributed = sum(len(g["sentences"]) for g in groups.values() if not g["attributed"]) / n
    return tuple(shares), round(unattributed, 4)
