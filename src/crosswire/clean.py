"""Cleaning: split an article into segments and keep only its own text as the body.

The cascade, per paragraph (a line, or a block of wrapped lines):

1. **breadcrumb**: a short leading line of path parts ("News / Syria", "Home › World › Middle East");
2. **promo**: the outlet advertising itself ("X's website can also be accessed at …", "Follow us on …",
   an outlet name next to an app platform);
3. **boilerplate**: short page furniture ("Advertisement", "Share this article", "© 2017 …", "Tags: …");
   a long paragraph that merely ends in a copyright line is text, not furniture;
4. **title**: the metadata title where it appears, else a short unpunctuated first line;
5. **caption**: a photo caption (a photo credit in brackets, "This photo released …");
6. **heading**: a short unpunctuated line inside the body (kept in the body);
7. everything else is **body**.

Then each caption is checked against the rest of the article. A caption is **unrelated** (removed)
when its date lies far from the article's other dates, or when the names in it are found nowhere
else in the article: a photo of another story that the page layout put next to this one. The words of
a caption never decide this on their own.

Removed segments are kept, with their reason, in ``Article.segments``; they never count as evidence
for the date or the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import Config
from .dates import find_dates, infer_published, parse_metadata_date
from .ingest.outlets import OutletDirectory, guess_outlet
from .model import (
    BODY_KINDS,
    Article,
    RawArticle,
    Segment,
    SegmentKind,
    article_id,
)

_SEPARATORS = re.compile(r"\s+[/>»›|•→]\s+|\s+-\s+(?=[A-Z])")
_WORD = re.compile(r"[\w’'-]+")
_TERMINAL = re.compile(r"[.!?:;,…]['\"’”)\]]*$")

_PROMO = re.compile(
    r"website can (?:also )?be accessed|alternate (?:web )?addresses|\b(?:follow|like|find) us on\b|"
    r"\bsubscribe (?:to|for|now)\b|\bsign up (?:for|to)\b|\bnewsletter\b|\bdownload (?:our|the) app\b|"
    r"\bget (?:our|the) app\b|\bsupport (?:our|independent) journalism\b|\bclick here\b|"
    r"^\s*(?:read|see) (?:more|also)\s*:|^\s*(?:related|recommended|more on this)\s*:|"
    r"\bshare this (?:article|story)\b|\bjoin (?:us|our channel) on\b",
    re.I,
)
_PLATFORM = re.compile(
    r"\b(?:Roku|App Store|Google Play|Apple TV|Android TV|Fire TV|Telegram|Twitter|Facebook|"
    r"Instagram|YouTube|WhatsApp|VK|TikTok|RSS|Podcast|Shortwave|Satellite|Live)\b",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^\s*(?:advertisement|advert|sponsored(?: content)?|skip to (?:main )?content|print|email|comments?|"
    r"share(?: on)?|tags?\s*:.*|filed under\s*:.*|copyright\b.*|©.*|.*\ball rights reserved\b.*|"
    r"(?:published|updated|posted|last updated)\s*(?:on|at)?\s*:?.{0,40}|\(?image (?:source|caption)\)?.*|"
    r"loading\W*|you might also like.*|most (?:read|popular).*)\s*$",
    re.I,
)
_CREDIT = re.compile(
    r"\((?=[^()]{0,60}\b(?:photo|photos|picture|image|file|AFP|AP|Reuters|Getty|EPA|SANA|Xinhua|AA|"
    r"Anadolu|via|courtesy|handout|screengrab|screenshot)\b)[^()]{1,60}\)\s*$",
    re.I,
)
_CAPTION_START = re.compile(
    r"^\s*(?:(?:this|a|the|in this|file) (?:file )?(?:photo|picture|image|handout photo|video grab|screengrab)\b|"
    r"(?:photo|picture|image|file photo)\s*:)",
    re.I,
)
_CAPTION_END = re.compile(r"(?:Photo|Photograph|Picture|Image)\s*(?:by|:)\s*[\w .,/&'-]{2,60}$")

# Capitalised words that say nothing about what a caption shows.
_NAME_STOP = frozenset(
    """A An The This That These Those In On At Of For From By With And Or But As To Via Photo Photos Picture
    Image File Files Handout AFP AP Reuters Getty Images EPA SANA Xinhua AA Anadolu L R C Left Right Center
    Centre Top Bottom Courtesy Screengrab Screenshot He She They It His Her Their Its I We You Mr Mrs Ms Dr
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec""".split()
)


@dataclass(frozen=True, slots=True)
class _Para:
    text: str
    start: int
    end: int


def paragraphs(text: str) -> list[_Para]:
    """Split text into paragraphs with their spans.

    One paragraph per line, unless the text is hard-wrapped (blank-line separated blocks of
    short lines), in which case a block of lines is one paragraph.

    Args:
        text (str): the original text.
    RETURNS (list[_Para]): paragraphs with whitespace-normalised text and spans into ``text``.
    """
    lines = [(m.group(0), m.start()) for m in re.finditer(r"[^\n]+", text)]
    lines = [(s, i) for s, i in lines if s.strip()]
    blocks = list(re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text))
    # Hard-wrapped text: inside blocks, lines often stop mid-sentence and go on in lower case.
    pairs = continuations = 0
    for b in blocks:
        block_lines = [ln.strip() for ln in b.group(0).splitlines() if ln.strip()]
        for prev, nxt in zip(block_lines, block_lines[1:], strict=False):
            pairs += 1
            if not _TERMINAL.search(prev) and nxt[:1].islower():
                continuations += 1
    wrapped = continuations >= 1 and continuations >= 0.3 * pairs
    out: list[_Para] = []
    if wrapped:
        for b in blocks:
            raw = b.group(0)
            lead = len(raw) - len(raw.lstrip())
            stripped = raw.strip()
            out.append(_Para(_norm(stripped), b.start() + lead, b.start() + lead + len(stripped)))
    else:
        for s, i in lines:
            lead = len(s) - len(s.lstrip())
            stripped = s.strip()
            out.append(_Para(_norm(stripped), i + lead, i + lead + len(stripped)))
    return out


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _is_breadcrumb(p: str) -> bool:
    parts = [x for x in _SEPARATORS.split(p) if x.strip()]
    if len(parts) < 2 or len(_words(p)) > 10 or _TERMINAL.search(p):
        return False
    return all(1 <= len(_words(x)) <= 4 and x.strip()[0].isupper() for x in parts)


def _is_promo(p: str, directory: OutletDirectory) -> bool:
    n = len(_words(p))
    if n <= 40 and _PROMO.search(p):
        return True
    # "Press TV News Roku", "RT on Telegram": an outlet's name beside a platform, in a short line.
    return n <= 8 and bool(_PLATFORM.search(p)) and bool(directory.mentions(p))


def _is_caption(p: str) -> bool:
    return bool(_CREDIT.search(p) or _CAPTION_START.search(p) or _CAPTION_END.search(p))


def _is_heading(p: str) -> bool:
    n = len(_words(p))
    return 1 <= n <= 15 and not _TERMINAL.search(p) and not p.endswith(("“", '"'))


def _ordered_names(text: str) -> list[str]:
    """Capitalised words that are not function words, in order: a cheap proxy for names."""
    out: list[str] = []
    for w in _words(text):
        w = re.sub(r"[’']s$", "", w).strip("-’'")
        if len(w) > 1 and w[0].isupper() and w not in _NAME_STOP and w not in out:
            out.append(w)
    return out


def _names(text: str) -> set[str]:
    return set(_ordered_names(text))


def _classify(paras: list[_Para], raw: RawArticle, directory: OutletDirectory) -> list[tuple[SegmentKind, str | None]]:
    kinds: list[tuple[SegmentKind, str | None]] = []
    seen_body = False
    title_found = False
    meta_title = _norm(raw.title) if raw.title else None
    for i, p in enumerate(paras):
        t = p.text
        if not seen_body and not title_found and _is_breadcrumb(t):
            kinds.append((SegmentKind.BREADCRUMB, "navigation path before the article (breadcrumb)"))
        elif _is_promo(t, directory):
            kinds.append((SegmentKind.PROMO, "the outlet advertising itself or its channels, not article text"))
        elif len(_words(t)) <= 30 and _BOILERPLATE.match(t):
            kinds.append((SegmentKind.BOILERPLATE, "page furniture (sharing, advertising, copyright, tags)"))
        elif not title_found and not seen_body and meta_title and t.casefold() == meta_title.casefold():
            kinds.append((SegmentKind.TITLE, None))
            title_found = True
        elif (
            not title_found
            and not seen_body
            and meta_title is None
            and _is_heading(t)
            and not _is_caption(t)
            and i + 1 < len(paras)
        ):
            kinds.append((SegmentKind.TITLE, None))
            title_found = True
        elif _is_caption(t):
            kinds.append((SegmentKind.CAPTION, None))
        elif seen_body and _is_heading(t) and i + 1 < len(paras):
            kinds.append((SegmentKind.HEADING, None))
        else:
            kinds.append((SegmentKind.BODY, None))
            seen_body = True
    return kinds


def _unrelated_captions(
    segs: list[Segment], cfg: Config
) -> dict[int, str]:
    """Find captions that belong to another story; returns {segment index: reason}."""
    captions = [i for i, s in enumerate(segs) if s.kind is SegmentKind.CAPTION]
    if not captions:
        return {}
    own = " ".join(s.text for s in segs if s.kind in BODY_KINDS or s.kind is SegmentKind.TITLE)
    own_words = {re.sub(r"[’']s$", "", w) for w in _words(own)}
    # Dated evidence: body dates weigh double, each caption's dates count once.
    dated: list[tuple[int | None, object]] = [
        (None, d.as_date) for s in segs if s.kind in BODY_KINDS for d in find_dates(s.text) if d.year
    ]
    cap_dates = {i: [d for d in find_dates(segs[i].text) if d.year] for i in captions}
    for i in captions:
        dated += [(i, d.as_date) for d in cap_dates[i]]
    reasons: dict[int, str] = {}
    for i in captions:
        parts = []
        if cap_dates[i] and len(dated) > len(cap_dates[i]):
            # The densest cluster of all dates is the article's time (body dates weigh double).
            # A caption is out of time only when it lies outside every densest cluster.
            def support(center):
                return sum(2 if j is None else 1 for j, d in dated if abs((d - center).days) <= cfg.caption_max_days)

            best = max(support(d) for _, d in dated)
            centers = [d for _, d in dated if support(d) == best]
            gaps = [min(abs((d.as_date - c).days) for c in centers) for d in cap_dates[i]]
            if min(gaps) > cfg.caption_max_days:
                d = cap_dates[i][gaps.index(min(gaps))]
                around = min(centers, key=lambda c: abs((d.as_date - c).days))
                parts.append(
                    f"dated {d.as_date.isoformat()} ({d.text!r}), {min(gaps)} days from the article's "
                    f"other dates (around {around.isoformat()})"
                )
        names = _names(segs[i].text)
        missing = [n for n in _ordered_names(segs[i].text) if n not in own_words]
        if len(names) >= 3:
            overlap = 1 - len(missing) / len(names)
            if overlap < cfg.caption_min_overlap:
                parts.append(
                    f"shares {overlap:.0%} of its names with the article; found nowhere else: {', '.join(missing[:12])}"
                )
        if parts:
            reasons[i] = "caption unrelated to the article: " + "; ".join(parts)
    return reasons


def detect_language(text: str) -> str:
    """A cheap language guess: "en" when English function words are frequent, else "und".

    Args:
        text (str): the body.
    RETURNS (str): an ISO 639-1 code or "und" (undetermined).
    """
    words = [w.lower() for w in _words(text[:5000])]
    if not words:
        return "und"
    common = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "said", "by", "has"}
    share = sum(w in common for w in words) / len(words)
    return "en" if share >= 0.08 else "und"


def clean(raw: RawArticle, directory: OutletDirectory, cfg: Config) -> Article:
    """Clean one article: classify its segments, build its body, date it and name its outlet.

    Args:
        raw (RawArticle): the article as read.
        directory (OutletDirectory): known outlets (for promo lines and the outlet guess).
        cfg (Config): thresholds for unrelated captions and the outlet.
    RETURNS (Article): the clean article; its ``body`` may be empty when nothing is left.
    """
    paras = paragraphs(raw.text)
    kinds = _classify(paras, raw, directory)
    segs = [Segment(k, p.text, p.start, p.end, r) for p, (k, r) in zip(paras, kinds, strict=True)]
    for i, reason in _unrelated_captions(segs, cfg).items():
        s = segs[i]
        segs[i] = Segment(SegmentKind.UNRELATED, s.text, s.start, s.end, reason)
    body_paras = [s.text for s in segs if s.kind in BODY_KINDS]
    body = "\n\n".join(body_paras)
    title = raw.title or next((s.text for s in segs if s.kind is SegmentKind.TITLE), None)
    published = parse_metadata_date(raw.published) or infer_published(
        body_paras, [s.text for s in segs if s.kind is SegmentKind.CAPTION]
    )
    outlet = guess_outlet(
        directory=directory,
        metadata=raw.outlet,
        url=raw.url,
        sitename=raw.sitename,
        promo_texts=[s.text for s in segs if s.kind in (SegmentKind.PROMO, SegmentKind.BOILERPLATE)],
        body=body,
    )
    stored_outlet = outlet.name if outlet.confidence >= cfg.outlet_min_confidence else None
    return Article(
        id=article_id(stored_outlet, body),
        source=raw.source,
        line=raw.line,
        format=raw.format,
        encoding=raw.encoding,
        outlet=stored_outlet,
        outlet_guess=outlet,
        url=raw.url,
        title=title,
        author=raw.author,
        published=published,
        language=raw.language or detect_language(body),
        original=raw.text,
        segments=tuple(segs),
        body=body,
    )
