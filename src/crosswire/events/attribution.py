"""Who says an event happened, and through whom: quotations and attributions in ``Article.body``.

``find_quotes`` pairs quotation marks over the whole body in one pass. A quotation may span several
sentences; one that never closes ends at the paragraph break (or after ``MAX_QUOTE`` characters), so a
stray mark cannot swallow the article.

``attribute`` finds the claim of one clause, strongest evidence first:

1. a speech verb outside quotations with its speaker: "X said", "X has confirmed", "X reported
   Friday that", "X told Y that" (Y, a news agency, is the chain), "according to X", the inverted
   "…,” said X" and "added the report", the appositive "Konashenkov, the spokesman for the Russian
   military, said", and headline credits ("… – Russian military");
2. a quotation the clause lies in, credited by the speech verb right after it ("“…,” he added") or
   right before it ("X said: “…”");
3. an anonymous or impersonal source: "a military source told SANA" (``speaker_label`` "a military
   source", chain SANA), "Reports revealed", "reportedly" (``kind`` "unattributed").

"the report", "the statement" refer to the previous claim; "he", "the spokesman" are resolved by the
actor stage (coreference mentions). A person speaks for their organisation (their parent actor), a
role mention ("a member of the Raqqa Civil Council") for the organisation it names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Actor, ActorMention, ActorType, Claim, Span

__all__ = ["Quote", "Attribution", "find_quotes", "attribute"]

#: Longest quotation considered when its closing mark is missing.
MAX_QUOTE = 3000

_SPEECH = re.compile(
    r"\b(?:said|says|say|added|adds|told|tells|stressed|announced|announces|reported|reports|confirmed|"
    r"confirms|claimed|claims|stated|states|noted|explained|insisted|warned|revealed|declared|"
    r"acknowledged|emphasi[sz]ed|[Aa]ccording\s+to)\b"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# between a speaker and its verb: an apposition, auxiliaries, a date ("on Friday")
_GAP = re.compile(
    rf"(?:\s*,[^,.;“”\"]{{1,90}},)?(?:\s+(?:has|have|had|also|later|earlier|further|previously|officially|then|on|{_WEEKDAY}|in|a|statement))*\s*"
)
_AFTER_VERB = re.compile(
    rf"(?:\s+(?:on\s+)?{_WEEKDAY}|\s+(?:last|this|earlier\s+this)\s+(?:month|week)|\s+in\s+a\s+statement)*(?:\s+that\b)?"
)
_ANON = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Oo]ne|[Tt]wo|[Ss]everal)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:source|sources|official|officials|spokesman|spokeswoman|commander|witness|witnesses|activist|activists|"
    r"resident|residents|diplomat|diplomats|officer|officers)\s*,?\s*$"
)
_REPORTS = re.compile(r"\b(?:[Rr]eports|[Mm]edia reports|[Ss]ources)\s*$")
_PREVIOUS = re.compile(r"^\s*(?:the\s+)?(?:report|statement|agency|ministry|source)\b", re.IGNORECASE)
_REPORTEDLY = re.compile(r"\b(?:reportedly|allegedly|is said to|are said to|were said to|was said to)\b")
_HEADLINE_CREDIT = re.compile(r"\s[–—-]\s*$")
#: What may follow the speaker of an inverted attribution ("…,” said Konashenkov, adding …).
_INVERTED_END = re.compile(
    rf"\s*(?:$|[,.;:)”\"\n]|[–—-]\s|(?:on\s+)?{_WEEKDAY}\b|in\s+a\s+statement\b|(?:on|in|at|to|told|when|while|as)\b)"
)


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``[start, end)`` includes the marks; ``closed`` is False when the closing mark is missing."""

    start: int
    end: int
    closed: bool


@dataclass(frozen=True, slots=True)
class Attribution:
    """The claim of one clause and the body range its attribution occupies.

    ``mentions`` are the speaker's and the chain's actor mentions: they are not the event's actor or
    target. ``region`` is the attribution's span ("Russia's Foreign Ministry has confirmed"), where a
    date is the statement's date, not the event's.
    """

    claim: Claim
    mentions: tuple[ActorMention, ...]
    region: tuple[int, int]


def find_quotes(body: str) -> list[Quote]:
    """Pair the quotation marks of a body in one pass.

    Curly quotes pair “ with ”; straight double quotes alternate. Single quotes are not quotations
    (’ is also the apostrophe). An unclosed quotation ends at the next paragraph break.

    Args:
        body (str): ``Article.body``.
    RETURNS (list[Quote]): quotations in text order.
    """
    out: list[Quote] = []
    open_at: int | None = None
    straight = False
    for m in re.finditer(r"[“”\"]|\n\s*\n", body):
        ch = m.group(0)
        i = m.start()
        if open_at is not None and i - open_at > MAX_QUOTE:
            out.append(Quote(open_at, open_at + MAX_QUOTE, False))
            open_at = None
        if ch.startswith("\n"):
            if open_at is not None:
                out.append(Quote(open_at, i, False))
                open_at = None
            continue
        if ch == "“" or (ch == '"' and open_at is None):
            if open_at is not None and ch == "“":
                out.append(Quote(open_at, i, False))
            open_at, straight = i, ch == '"'
        elif open_at is not None and (ch == "”" or (ch == '"' and straight)):
            out.append(Quote(open_at, i + 1, True))
            open_at = None
    if open_at is not None:
        out.append(Quote(open_at, min(len(body), open_at + MAX_QUOTE), False))
    return out


def quote_at(quotes: list[Quote], starts: list[int], pos: int) -> Quote | None:
    """RETURNS (Quote | None): the quotation that contains ``pos``, if any."""
    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and quotes[k].start <= pos < quotes[k].end:
        return quotes[k]
    return None


def _organisation(m: ActorMention, parent_of: Callable[[str], Actor | None]) -> tuple[Actor | None, Actor | None]:
    """(speaker, organisation) of a speaker mention."""
    a = m.actor
    if a.type is ActorType.PERSON:
        return a, (parent_of(a.parent) if a.parent else None)
    if m.role:
        return None, a  # "a member of the Raqqa Civil Council": an unnamed member speaks for it
    return a, a


def _claim_for(
    m: ActorMention,
    span: Span,
    kind: str,
    chain: tuple[Actor, ...],
    quote: Span | None,
    parent_of: Callable[[str], Actor | None],
) -> Claim:
    speaker, org = _organisation(m, parent_of)
    return Claim(speaker, org, m.text, chain, kind, span, quote)


def _speaker_before(body: str, verb_start: int, lo: int, mentions: list[ActorMention]) -> ActorMention | None:
    """The actor mention that is the subject of a speech verb at ``verb_start`` (searching back to ``lo``)."""
    for m in reversed(mentions):
        if m.end > verb_start or m.start < lo:
            continue
        gap = body[m.end : verb_start]
        if len(gap) > 120:
            return None
        if _GAP.fullmatch(gap):
            return m
    return None


def _chain_after(body: str, pos: int, hi: int, mentions: list[ActorMention]) -> tuple[ActorMention | None, int]:
    for m in mentions:
        if m.start < pos:
            continue
        if m.start > pos + 6 or m.start >= hi:
            break
        if re.fullmatch(r"\s*(?:the\s+)?", body[pos : m.start]) and m.actor.type is ActorType.MEDIA:
            return m, m.end
    return None, pos


def _attribute_range(
    body: str,
    lo: int,
    hi: int,
    mentions: list[ActorMention],
    in_quote: Callable[[int], bool],
    previous: Claim | None,
    parent_of: Callable[[str], Actor | None],
) -> tuple[Claim, tuple[ActorMention, ...], tuple[int, int]] | None:
    text = body[lo:hi]
    for v in _SPEECH.finditer(text):
        vs, ve = lo + v.start(), lo + v.end()
        if in_quote(vs):
            continue
        verb = v.group(0)
        if verb.lower().startswith("according"):
            rest = body[ve:hi]
            after = [m for m in mentions if ve <= m.start < ve + 12]
            if after and re.fullmatch(r"\s*(?:the\s+)?", body[ve : after[0].start]):
                m = after[0]
                span = Span(vs, m.end, body[vs : m.end])
                return _claim_for(m, span, "paraphrase", (), None, parent_of), (m,), (vs, m.end)
            if previous is not None and _PREVIOUS.match(rest):
                end = ve + _PREVIOUS.match(rest).end()
                span = Span(vs, end, body[vs:end])
                return Claim(previous.speaker, previous.organisation, previous.speaker_label, previous.chain, previous.kind, span), (), (vs, end)
            label = re.match(r"\s*((?:an?|the)\s+(?:[\w-]+\s+){0,3}?(?:source|sources|official|officials|report|reports))\b", rest)
            if label:
                end = ve + label.end()
                span = Span(vs, end, body[vs:end])
                return Claim(None, None, label.group(1), (), "paraphrase", span), (), (vs, end)
            continue
        # inverted: "…,” said Konashenkov" / "added the report". Not "told": in "…, the expert told RT"
        # the name after the verb is the outlet addressed, and the speaker comes before it.
        before = body[max(lo, vs - 3) : vs]
        if verb.lower() not in ("told", "tells") and re.search(r"[,”\"]\s*$", before):
            after = [m for m in mentions if ve <= m.start < ve + 6]
            # "…,” said Konashenkov." but not "Konashenkov, the spokesman, said the US is using …":
            # there the name after the verb starts the reported clause
            if after and re.fullmatch(r"\s*(?:the\s+)?", body[ve : after[0].start]) and _INVERTED_END.match(body, after[0].end):
                m = after[0]
                span = Span(vs, m.end, body[vs : m.end])
                return _claim_for(m, span, "paraphrase", (), None, parent_of), (m,), (vs, m.end)
            pm = _PREVIOUS.match(body[ve:hi])
            if pm and previous is not None:
                end = ve + pm.end()
                span = Span(vs, end, body[vs:end])
                return Claim(previous.speaker, previous.organisation, previous.speaker_label, previous.chain, previous.kind, span), (), (vs, end)
        speaker = _speaker_before(body, vs, lo, mentions)
        chain_m, end = (None, ve)
        if verb in ("told", "tells"):
            chain_m, end = _chain_after(body, ve, hi, mentions)
        tail = _AFTER_VERB.match(body, end, hi)
        region_end = tail.end() if tail else end
        used = tuple(x for x in (speaker, chain_m) if x is not None)
        chain = (chain_m.actor,) if chain_m is not None else ()
        kind = "report" if verb in ("reported", "reports") else "paraphrase"
        if speaker is not None:
            span = Span(speaker.start, end, body[speaker.start : end])
            if speaker.actor.type is ActorType.MEDIA and kind == "report":
                return Claim(speaker.actor, speaker.actor, speaker.text, chain, kind, span), used, (speaker.start, region_end)
            return _claim_for(speaker, span, kind, chain, None, parent_of), used, (speaker.start, region_end)
        head = body[max(lo, vs - 80) : vs]
        anon = _ANON.search(head)
        if anon:
            s = vs - len(head) + anon.start()
            label = anon.group(0).strip().rstrip(",").strip()
            span = Span(s, end, body[s:end])
            return Claim(None, None, label, chain, kind, span), used, (s, region_end)
        rep = _REPORTS.search(head)
        if rep:
            s = vs - len(head) + rep.start()
            span = Span(s, end, body[s:end])
            return Claim(None, None, rep.group(0).strip(), chain, "unattributed", span), used, (s, region_end)
    return None


def attribute(
    body: str,
    start: int,
    end: int,
    mentions: list[ActorMention],
    quotes: list[Quote],
    *,
    sentence_end: Callable[[int], int],
    sentence_start: Callable[[int], int],
    previous: Claim | None = None,
    parent_of: Callable[[str], Actor | None] = lambda _id: None,
) -> Attribution | None:
    """Find the claim of the clause ``body[start:end]``.

    Args:
        body (str): ``Article.body``.
        start (int): clause start.
        end (int): clause end.
        mentions (list[ActorMention]): the actor mentions in and around the clause, in text order.
        quotes (list[Quote]): from ``find_quotes``.
        sentence_end (Callable[[int], int]): the end of the sentence containing a position.
        sentence_start (Callable[[int], int]): the start of the sentence containing a position.
        previous (Claim | None): the previous clause's claim ("added the report").
        parent_of (Callable[[str], Actor | None]): an actor id → its Actor (a person's organisation).
    RETURNS (Attribution | None): the claim, or None when the outlet states it itself.
    """
    qstarts = [q.start for q in quotes]

    def in_quote(pos: int) -> bool:
        return quote_at(quotes, qstarts, pos) is not None

    near = mentions
    found = _attribute_range(body, start, end, near, in_quote, previous, parent_of)
    q = None
    k = bisect.bisect_right(qstarts, end) - 1
    while k >= 0 and quotes[k].end > start:
        if quotes[k].start < end:
            q = quotes[k]
            break
        k -= 1
    if found is not None:
        claim, used, region = found
        if q is not None:
            qspan = Span(q.start, q.end, body[q.start : q.end])
            claim = Claim(claim.speaker, claim.organisation, claim.speaker_label, claim.chain, "quote", claim.span, qspan)
        return Attribution(claim, used, region)
    if q is not None:
        qspan = Span(q.start, q.end, body[q.start : q.end])
        # "“…,” he added": the credit follows the quotation, in the sentence where it closes
        if q.closed:
            hi = min(sentence_end(q.end - 1), q.end + 200)
            after = _attribute_range(body, q.end, hi, near, in_quote, previous, parent_of)
            if after is not None:
                c, used, region = after
                return Attribution(Claim(c.speaker, c.organisation, c.speaker_label, c.chain, "quote", c.span, qspan), used, region)
        lo = max(sentence_start(q.start), q.start - 200)
        before = _attribute_range(body, lo, q.start, near, in_quote, previous, parent_of)
        if before is not None:
            c, used, region = before
            return Attribution(Claim(c.speaker, c.organisation, c.speaker_label, c.chain, "quote", c.span, qspan), used, region)
    # a headline credit: "US-led coalition bombards Raqqa residential areas – Russian military"
    last = [m for m in near if start <= m.start and m.end >= end - 2 and m.end <= end]
    if last and _HEADLINE_CREDIT.search(body[max(start, last[-1].start - 4) : last[-1].start]):
        m = last[-1]
        span = Span(m.start - 2, m.end, body[m.start - 2 : m.end])
        return Attribution(_claim_for(m, span, "paraphrase", (), None, parent_of), (m,), (m.start - 3, m.end))
    rep = _REPORTEDLY.search(body, start, end)
    if rep:
        span = Span(rep.start(), rep.end(), rep.group(0))
        return Attribution(Claim(None, None, rep.group(0), (), "unattributed", span), (), (rep.start(), rep.end()))
    return None
