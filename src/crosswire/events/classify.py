"""Run-time event-type classifier: hashed n-gram TF-IDF features, a linear softmax model, numpy only.

Two heads ship in ``events/models/`` (trained by ``python -m crosswire.events.train``):

* ``case2021``: the 30 CASE 2021 Task 2 labels (25 ACLED sub-event types + 5 extra); a caller that
  wants only the ACLED types passes ``labels=CASE_SUBTASK_LABELS[1]`` and the argmax is taken
  over those labels only.
* ``plover``: the 15 PLOVER roots of the PLV data. The input may carry the source and target
  actors (PLV's ``marked_sentence``); the words between them are then features of their own.

Features (identical at training and run time, see ``Featurizer``): lower-cased word unigrams and
bigrams, character 3-5-grams inside words, and cue-lexicon hits (``CUES``: hand-written patterns
taken from the ACLED and PLOVER codebook definitions, not from the data, so that the model can
generalise from a few hundred examples). Features are hashed with CRC-32 (stable across
processes, unlike ``hash``) into 2^20 buckets; only buckets seen in at least ``min_df`` training
texts are kept, with their IDF. Vectors are sublinear-TF x IDF, L2-normalised.

With sentence encoders (passed in by the caller: ``EventClassifier.load(encoder=enc,
wide_encoder=wide)``), each head also has a **dense part** (``DenseHead``): a linear softmax over the
embedding of the text (and, for PLOVER, the mean and the maximum of the sentence's own word-piece
vectors between the marked source and target, ``DENSE_VIEWS``), trained apart from the sparse
weights. The PLOVER head reads all-MiniLM-L6-v2 (``crosswire.embed.SentenceEncoder``, 384-d), the
CASE head all-mpnet-base-v2 (``crosswire.embed.mpnet.MPNetEncoder``, 768-d; ``DenseHead.encoder``).
The two parts are mixed as a weighted average of their log-probabilities, ``(1 - w) log p_sparse +
w log p_dense``, renormalised (w per head, chosen by CV). Without an
encoder (the package is optional) a head uses its sparse weights alone, which are exactly the
sparse-only model: nothing else changes but the scores (docs/BENCHMARKS.md has both).

Confidence is the softmax probability of the chosen label. ``EventTypePrediction.reliable``
is False when it is under the head's threshold or the label is one the head learns poorly
(``weak_labels``, measured by cross-validation at training time, separately for the sparse-only
and the mixed model): callers must not present those as confident.
"""

from __future__ import annotations

import json
import logging
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ModelError, ModelNotInstalled
from .prefilter import AnchorScan, required_literals
from .types import CASE_TAXONOMY, PLOVER_QUAD, binary_of

if TYPE_CHECKING:
    from ..embed import SentenceEncoder, TokenVectors
    from ..embed.tuned import TunedClassifier

logger = logging.getLogger(__name__)

__all__ = [
    "EventInput",
    "EventTypePrediction",
    "EventTypeHead",
    "DenseHead",
    "EventClassifier",
    "Featurizer",
    "CUES",
    "embed_texts",
    "relation_text",
    "between_span",
    "actor_spans",
    "TunedPart",
]

MODELS_DIR = Path(__file__).resolve().parent / "models"
HASH_BITS = 20
#: Longest text considered, in characters: a 5,000-word sentence is cut, not choked on.
MAX_CHARS = 4000
#: Word pieces per text given to the sentence encoder, [CLS] and [SEP] included. Event clauses are
#: short; the cut bounds the encoder's cost on a run-on sentence (its time grows with length).
EMBED_TOKENS = 128
#: What a dense part can read, 384 columns each:
#:
#: * "text": the sentence embedding of the text (``embed_texts``);
#: * "relation": the sentence embedding of the stretch from the first marked actor to the end of the
#:   second (``relation_text``), encoded on its own (heads of model version 2);
#: * "between" / "between_max": the mean / the element-wise maximum of the text's own last-layer
#:   word-piece vectors that lie strictly between the two marked actors (``between_span``), L2-
#:   normalised. There the event verb sits, read in the context of the whole sentence, so no second
#:   encoding is needed.
#:
#: An input that marks no two actors (as in the pipeline), or nothing between them, reads the text's
#: vector in place of each of the other views, at training and at run time alike.
DENSE_VIEWS = ("text", "relation", "between", "between_max")
#: Views read from the text's word-piece vectors (``SentenceEncoder.encode_tokens``).
TOKEN_VIEWS = ("between", "between_max")
#: Width of one view (all-MiniLM-L6-v2).
EMBED_DIM = 384
#: The encoders a dense part can read (``DenseHead.encoder``), and the width of their vectors.
MINILM, MPNET = "all-MiniLM-L6-v2", "all-mpnet-base-v2"
ENCODER_WIDTHS = {MINILM: EMBED_DIM, MPNET: 768}

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_MARK = re.compile(r"<(/?)([st])>", re.IGNORECASE)

#: Cue name -> pattern (lower-cased text). Written from codebook definitions (ACLED 2019 codebook,
#: PLOVER 2018 codebook, CASE 2021 notes on the unseen types).
CUES: dict[str, str] = {
    # ACLED battles / territory
    "clash": r"\bclash|\bfight(?:ing|s)?\b|\bexchanged? (?:of )?fire|\bgun ?battle|\bfirefight|\bambush",
    "recapture": r"\b(?:re-?captur|re-?took|re-?tak|regain|liberat|retook|reclaim|re-?control)",
    "capture": r"\b(?:captur|seiz|overr[au]n|took control|take control|taken control|stormed|fell to)",
    "government_force": r"\b(?:army|troops|government forces|security forces|military|soldiers|saa|regime forces|pro-government)\b",
    "nonstate": r"\b(?:rebels?|insurgents?|militants?|jihadists?|isis|isil|daesh|islamic state|al-shabaab|boko haram|taliban|al-qaeda|hts|militia|fighters)\b",
    "territory": r"\b(?:village|town|city|district|territory|area|neighbou?rhood|hill|base|checkpoint|province)\b",
    # who takes the place: the actor right before the capture verb
    "nonstate_takes": r"\b(?:rebels?|militants?|jihadists?|isis|isil|daesh|islamic state|al-shabaa?b|boko haram|taliban|insurgents?|fighters|opposition|militias?|terrorists?|hezbollah|houthis?|sdf|ypg)\W+(?:[\w-]+\W+){0,5}?(?:re-?captur|captur|seiz|re-?took|took|overr[au]n|gained|stormed|pushed|advanced|re-?gained|control)",
    "government_takes": r"\b(?:army|troops|government forces|security forces|military|soldiers|saa|regime forces|pro-government forces|forces of the government|national army)\W+(?:[\w-]+\W+){0,5}?(?:re-?captur|captur|seiz|re-?took|took|overr[au]n|gained|stormed|pushed|advanced|re-?gained|liberat|control|cleared)",
    "withdraw_handover": r"\b(?:withdr[ae]w|handed over|hand over|handover|pull(?:ed)? out|evacuat|vacat|transferred control|took over .* without)",
    # explosions / remote violence
    "air": r"\b(?:air ?strikes?|air ?raids?|warplanes?|jets?|drones?|helicopters?|bombers?|aircraft|aerial|uav|air force|bombing raids?|airstrikes)\b",
    "shelling": r"\b(?:shell(?:s|ed|ing)?|artillery|mortars?|rockets?|missiles?|howitzers?|barrage|projectiles?|katyusha|grad)\b",
    "ied": r"\b(?:ied|improvised explosive|roadside bomb|landmines?|land mines?|mines?|car bomb|vbied|explosive device|bomb planted|blast|exploded|detonat)",
    "suicide": r"\bsuicide|\bself-detonat|\bblew (?:himself|herself|themselves) up|\bexplosive (?:vest|belt)",
    "grenade": r"\bgrenades?\b|\bhand grenade|\brpg\b",
    "chemical": r"\b(?:chemical|chlorine|sarin|mustard gas|nerve agent|toxic gas|poison gas|tear gas)\b",
    "tear_gas": r"\btear ?gas|\brubber bullets?|\bwater cannons?|\bbatons?|\blathi|\bpellet",
    # violence against civilians
    "sexual": r"\b(?:rap(?:e|ed|es|ing|ist)|sexual(?:ly)?|molest|gang-?rape)",
    "abduct": r"\b(?:abduct|kidnap|disappear|hostage|taken captive|went missing|seized .* (?:civilian|people))",
    "kill_civilian": r"\b(?:killed|shot dead|murdered|executed|beheaded|massacre|stabbed|hacked|lynched)\b",
    "civilian": r"\b(?:civilians?|villagers?|residents?|women|children|farmers?|worshippers?|students?)\b",
    # protests and riots
    "protest": r"\b(?:protest|demonstrat|rall(?:y|ies|ied)|march(?:ed|es|ing)?|sit-in|picket|strike|vigil|dharna|agitat|chant|placards?|slogans?)",
    "peaceful": r"\b(?:peaceful(?:ly)?|without incident|calm|silent march|candle)",
    "harm_protesters": r"\b(?:excessive force|violently (?:dispers|suppress|broke)|live (?:bullets|fire|ammunition|rounds)|gunfire|(?:protesters?|demonstrators?) (?:were |was )?(?:killed|shot|died|injured|wounded)|(?:killed|injured|wounded) (?:\w+ ){0,3}(?:protesters?|demonstrators?))",
    "intervene": r"\b(?:dispers|detain|suppress|broke up|break up|chase|drag|halt|prevent|stopped|water cannons?|tear ?gas|rubber bullets?|baton|blocked)",
    "dispersed": r"\b(?:dispers|detain(?:ed)? (?:several|some|protesters)|broke up|break up|cordon|stopped the march|prevented)",
    "riot": r"\b(?:riot|torch|set (?:on )?fire|set ablaze|vandali[sz]|pelt|threw stones|stone-?pelting|hurled|clash(?:ed)? with police|burn(?:ed|t|ing) (?:tyres|tires|vehicles)|looted)",
    "mob": r"\b(?:mob|lynch|angry crowd|vigilante|villagers attacked|beat(?:en)? to death)\b",
    "force_protest": r"\b(?:opened fire on (?:protesters|demonstrators|the crowd)|fired (?:on|at) (?:protesters|demonstrators)|killed .* protesters|protesters (?:were )?(?:killed|shot))",
    # strategic developments
    "agreement": r"\b(?:agree(?:d|ment|s)?|ceasefire|cease-fire|truce|deal|accord|treaty|signed|memorandum|peace talks?|reconcil|prisoner exchange|swap)",
    "arrest": r"\b(?:arrest|detain|apprehend|nabbed|taken into custody|held by police|custody|rounded up|booked)",
    "weapons_seized": r"\b(?:defus|seized (?:weapons|arms|ammunition|explosives)|weapons cache|arms cache|ammunition|dismantl|bomb disposal|intercept(?:ed)?|shot down|found (?:an? )?(?:explosive|ied|bomb)|recovered)",
    "hq": r"\b(?:headquarters|established (?:a |an )?(?:base|post|camp|office)|set up (?:a |an )?(?:base|post|camp|checkpoint|office)|new base|outpost|opened (?:an? )?(?:office|base))",
    "group_change": r"\b(?:merg|join(?:ed)? forces|split|defect|recruit|deploy|reinforce|relocat|rebrand|renamed|dissolv|announced (?:the )?formation|formed a new|training camp)",
    "property": r"\b(?:loot|destroy(?:ed)?|demolish|torched|burn(?:ed|t) down|set fire to|vandal|ransack|razed|bulldoz|damag)",
    # CASE unseen types
    "crime": r"\b(?:smuggl|traffick|drug|narcotic|cartel|gang|robb|theft|stole|fraud|counterfeit|corrupt|bribe|money launder|cyber|hack(?:ed|ers?)|ransom|extortion|mafia|contraband|heroin|cocaine|poach)",
    "natural": r"\b(?:earthquake|tsunami|flood|storm|cyclone|hurricane|typhoon|tornado|wildfire|forest fire|volcan|landslide|avalanche|drought|heatwave|epidemic|pandemic|outbreak|covid|coronavirus|virus|cases|infect|rain|snow|quake|magnitude)",
    "manmade": r"\b(?:accident|collapse|derail|crash|collision|collided|capsized|sank|leak|spill|explosion at|factory|fire broke out|blaze|gas cylinder|stampede|poisoning|contamina|short circuit|bridge|building)",
    "diplo": r"\b(?:embassy|ambassador|diplomat|foreign minister|foreign ministry|condemn|sanction|summit|bilateral|envoy|expel|urged|called on|praised|welcomed|visit(?:ed|s)?|talks|minister of foreign|un security council|resolution)",
    "attrib": r"\b(?:claimed responsibility|claims? responsibility|responsibility for|denied (?:any )?(?:involvement|responsibility)|blamed|accused|behind the attack|claimed the attack|took responsibility|deni(?:ed|es) (?:carrying|that))",
    # PLOVER verbal
    "say_accuse": r"\b(?:accus|condemn|criticiz|criticis|denounc|blam|slam|lambast|charg|sued|suing|lawsuit|investigat|probe|alleg|deplor|rebuk)",
    "say_reject": r"\b(?:reject|refus|veto|den(?:y|ied|ies)|dismiss|rebuff|turned down|oppos|declin|boycott|won't|will not|not accept)",
    "say_request": r"\b(?:urg|call(?:ed|s|ing)? (?:on|for)|demand|ask(?:ed|s)?|request|appeal|press(?:ed|ing)? (?:for|to)|plead|seek|sought|push(?:ed|ing)? for)",
    "say_threaten": r"\b(?:threat|warn|ultimatum|vow(?:ed|s)? to|would retaliate|face consequences|menac)",
    "say_support": r"\b(?:support|prais|endors|back(?:ed|s|ing)?|welcom|commend|hail|applaud|congratulat|approv|defend(?:ed)? the|stand with)",
    "say_consult": r"\b(?:met\b|meet|meeting|talks|discuss|visit|host|phone|call(?:ed)? (?:his|her)|consult|summit|negotiat|conferr|spoke with)",
    "say_agree": r"\b(?:agre|sign|accord|deal|pact|treaty|promis|pledg|commit|accept)",
    "do_aid": r"\b(?:aid|assistance|donat|relief|humanitarian|provid|deliver|supplies|fund(?:s|ed|ing)?|grant|loan|shelter|evacuat|rescue|vaccin|food|medical)",
    "do_cooperate": r"\b(?:cooperat|co-operat|joint|partner|collaborat|alliance|exchange|share|jointly)",
    "do_yield": r"\b(?:releas|freed|free(?:d|s)? |withdr[ae]w|pull(?:ed)? out|resign|step(?:ped)? down|lift(?:ed)?|eas(?:e|ed|ing)|concede|concession|surrender|retreat|return(?:ed)? (?:the|to)|allow|pardon|amnesty|apologi|comply|complied|back(?:ed)? down|drop(?:ped)? (?:the|its|charges)|cancel|reopen|ceasefire)",
    "do_coerce": r"\b(?:arrest|detain|jail|imprison|expel|deport|ban(?:ned|s)?|censor|curfew|martial law|seiz|confiscat|raid|crack ?down|restrict|block|shut down|demolish|sentenc|prosecut|fine[ds]? |evict|deny entry|closed)",
    "do_sanction": r"\b(?:sanction|embargo|boycott|suspend|cut (?:off )?ties|sever|recall(?:ed)? (?:its )?ambassador|tariff|freez|halt(?:ed)? (?:aid|talks|cooperation)|downgrad|penalt)",
    "do_mobilize": r"\b(?:mobiliz|mobilis|deploy|troops|reinforc|mass(?:ed|ing)|alert|military exercise|drills?|build-?up|moved (?:troops|tanks|forces)|dispatch|sent (?:troops|warships|forces))",
    "do_assault": r"\b(?:attack|kill|bomb|shoot|shot|wound|injur|assault|strike|struck|shell|fire[ds]? (?:on|at)|stab|beat|massacre|assassinat|torture|explo|clash)",
    "do_protest": r"\b(?:protest|demonstrat|rall(?:y|ied|ies)|march|picket|strike|hunger strike|sit-in|riot)",
    "negation": r"\b(?:not|no|never|n't|without|deny|denied|refus)",
    "future": r"\b(?:will|would|plan(?:s|ned)? to|intend|going to|expected to|could|may)\b",
}
_CUES = [(name, re.compile(pat)) for name, pat in CUES.items()]
#: The literals every match of each cue holds (``prefilter.required_literals``): one scan of a text
#: for all of them tells which cues can match there, and only those run (``_cue_counts``).
_CUE_SCAN = AnchorScan.of({name: required_literals(pat) for name, pat in _CUES})
_HASH_MASK = (1 << HASH_BITS) - 1
#: CRC-32 of the n-gram kinds' prefixes, the start value of their n-grams' checksums.
_CRC_WORD, _CRC_BIGRAM, _CRC_CHAR = (zlib.crc32(prefix) for prefix in (b"w:", b"b:", b"c:"))


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & _HASH_MASK


def _cue_counts(text: str) -> dict[str, int]:
    """Cue name -> number of non-overlapping matches in a lower-cased text, for the cues that match,
    in ``CUES`` order: what ``len(pat.findall(text))`` over every cue gives, with only the cues whose
    literals the text holds run."""
    can = _CUE_SCAN.admitted(text)
    counts: dict[str, int] = {}
    for name, pat in _CUES:
        if name in can and (hits := len(pat.findall(text))):
            counts[name] = hits
    return counts


def _cues_found(text: str) -> list[str]:
    """The names of the cues that match somewhere in a lower-cased text, in ``CUES`` order."""
    can = _CUE_SCAN.admitted(text)
    return [name for name, pat in _CUES if name in can and pat.search(text)]


@dataclass(frozen=True, slots=True)
class EventInput:
    """One text to classify, with the source and target actor strings when known (PLOVER).

    ``marked`` is the sentence with ``<s>…</s>`` around the source and ``<t>…</t>`` around the
    target (the PLV ``marked_sentence`` column); it is used when given.
    """

    text: str
    source: str | None = None
    target: str | None = None
    marked: str | None = None


@dataclass(frozen=True, slots=True)
class Featurizer:
    """Turns a text into hashed, named sparse features (bucket -> raw count).

    ``char`` turns character n-grams on; ``roles`` turns on the words between/after the marked
    source and target (PLOVER).
    """

    char: bool = True
    roles: bool = False
    char_min: int = 3
    char_max: int = 5
    cue_weight: float = 1.0
    role_weight: float = 1.0
    cue_pairs: bool = False

    def raw(self, item: EventInput) -> dict[int, float]:
        """Term weights of one input: 1 + log(count) for n-grams, times ``cue_weight`` for cues.

        Args:
            item (EventInput): the text (and actors).
        RETURNS (dict[int, float]): bucket -> weight (before IDF).
        """
        text = (item.text or "")[:MAX_CHARS].lower()
        words = _WORD.findall(text)
        # Each distinct n-gram is hashed once, its kind's prefix ("w:", "b:", "c:") fed to CRC-32 as a
        # running start value (crc32(prefix + gram) == crc32(gram, crc32(prefix))). Kinds come in the
        # order words, bigrams, characters, and each Counter keeps first-occurrence order, so buckets
        # keep the order in which their first n-gram is met.
        kinds = [(Counter(words), _CRC_WORD), (Counter([f"{a} {b}" for a, b in zip(words, words[1:])]), _CRC_BIGRAM)]
        if self.char:
            padded = [f" {w} " for w in dict.fromkeys(words)]  # first-seen order: the same under any PYTHONHASHSEED
            sizes = range(self.char_min, self.char_max + 1)
            chars = [p[i : i + n] for p in padded for n in sizes for i in range(max(1, len(p) - n + 1))]
            kinds.append((Counter(chars), _CRC_CHAR))
        crc32, mask = zlib.crc32, _HASH_MASK
        buckets: list[int] = []
        counts: list[int] = []
        for grams, start in kinds:
            buckets += [crc32(gram.encode("utf-8"), start) & mask for gram in grams]
            counts += grams.values()
        if len(set(buckets)) == len(buckets):
            feats = dict(zip(buckets, counts))
        else:  # n-grams that share a bucket add up
            feats = {}
            for b, count in zip(buckets, counts):
                feats[b] = feats.get(b, 0) + count
        log = math.log
        out = {b: 1.0 + log(v) if v > 1 else 1.0 for b, v in feats.items()}
        if self.roles:
            # the words between source and target are usually the event verb: weighted up
            role_words = _role_words(item)
            for name, ws in role_words.items():
                for w in ws:
                    out[_bucket(f"{name}:{w}")] = self.role_weight
        # cues are few among thousands of n-grams: their weight is set apart so they are not drowned
        cues: dict[str, float] = {"k:" + name: 1.0 + math.log(hits) for name, hits in _cue_counts(text).items()}
        if self.cue_pairs:
            # co-occurring cues stand for interactions a linear model cannot form itself
            # (a protest + shooting is excessive force, a protest + dispersal an intervention)
            hit = sorted(cues)
            for i, a in enumerate(hit):
                for b in hit[i + 1 :]:
                    cues[f"{a}&{b}"] = 1.0
        if self.roles:
            for name, ws in role_words.items():
                for name2 in _cues_found(" ".join(ws)):
                    cues[f"{name}k:{name2}"] = 1.0
        for name, v in cues.items():
            out[_bucket(name)] = self.cue_weight * v
        return out


def _role_words(item: EventInput) -> dict[str, list[str]]:
    """Words between the two marked actors ("m"), and the 4 words after the second ("a").

    Falls back to finding ``source``/``target`` in the text when no marked sentence is given.
    """
    marked = item.marked
    if not marked and item.source and item.target:
        text = item.text or ""
        i, j = text.find(item.source), text.find(item.target)
        if i >= 0 and j >= 0:
            spans = sorted([(i, i + len(item.source)), (j, j + len(item.target))])
            between = text[spans[0][1] : spans[1][0]]
            after = text[spans[1][1] :]
            return {"m": _WORD.findall(between.lower())[:12], "a": _WORD.findall(after.lower())[:4]}
    if not marked:
        return {}
    parts = _MARK.split(marked[:MAX_CHARS])
    # split gives [text, slash, tag, text, slash, tag, ...]: find the text after the first closing tag
    segs: list[tuple[str, str]] = []
    state = "out"
    for k in range(0, len(parts), 3):
        segs.append((state, parts[k]))
        if k + 2 < len(parts):
            state = "out" if parts[k + 1] == "/" else parts[k + 2].lower()
    closed = [idx for idx, (st, _) in enumerate(segs) if st in ("s", "t")]
    if len(closed) < 2:
        return {}
    first, second = closed[0], closed[-1]
    between = " ".join(t for st, t in segs[first + 1 : second] if st == "out")
    after = " ".join(t for st, t in segs[second + 1 :] if st == "out")
    return {"m": _WORD.findall(between.lower())[:12], "a": _WORD.findall(after.lower())[:4]}


def relation_text(item: EventInput) -> str | None:
    """The stretch of the sentence from the first marked actor to the end of the second, tags removed.

    Uses ``marked`` (``<s>…</s>``, ``<t>…</t>``), else finds ``source`` and ``target`` in the text.
    It holds the event verb between the two actors, without the sentence's other clauses.

    Args:
        item (EventInput): the input.
    RETURNS (str | None): the stretch, or None when the input marks no two actors.
    """
    marked = (item.marked or "")[:MAX_CHARS]
    if marked:
        tags = list(_MARK.finditer(marked))
        opens = [m for m in tags if not m.group(1)]
        closes = [m for m in tags if m.group(1)]
        if len(opens) >= 2 and closes:
            return _MARK.sub("", marked[opens[0].start() : closes[-1].end()]).strip() or None
        return None
    if item.source and item.target:
        text = (item.text or "")[:MAX_CHARS]
        i, j = text.find(item.source), text.find(item.target)
        if i >= 0 and j >= 0:
            return text[min(i, j) : max(i + len(item.source), j + len(item.target))].strip() or None
    return None


def embed_texts(encoder: "SentenceEncoder", texts: Sequence[str], *, max_tokens: int = EMBED_TOKENS) -> np.ndarray:
    """Sentence vectors of texts cut to ``max_tokens`` word pieces ([CLS] and [SEP] included).

    The same function embeds at training and at run time, so a long text is cut the same way in
    both. An encoder loaded with a longer ``max_length`` (the default 256) gets each long text cut
    after the word piece that fills the budget.

    Args:
        encoder (SentenceEncoder): the loaded encoder.
        texts (Sequence[str]): the texts (each first cut to ``MAX_CHARS`` characters).
        max_tokens (int): the word-piece budget per text.
    RETURNS (np.ndarray): float32, shape (len(texts), 384), unit rows.
    """
    cut = _cut_texts(encoder, texts, max_tokens)
    if not cut:
        return np.zeros((0, getattr(encoder, "dim", EMBED_DIM)), dtype=np.float32)
    return encoder.encode(cut)


def _cut_texts(encoder: SentenceEncoder, texts: Sequence[str], max_tokens: int = EMBED_TOKENS) -> list[str]:
    """Each text cut to ``MAX_CHARS`` characters, then after the word piece that fills ``max_tokens``."""
    cut = [(t or "")[:MAX_CHARS] for t in texts]
    if cut and getattr(encoder, "max_length", max_tokens) > max_tokens:
        pieces = encoder.tokenizer.encode_batch(cut, add_special_tokens=False)
        keep = max_tokens - 2
        cut = [t[: e.offsets[keep - 1][1]] if len(e.ids) > keep else t for t, e in zip(cut, pieces)]
    return cut


def actor_spans(item: EventInput) -> dict[str, tuple[int, int]]:
    """Character spans of the input's source ("s") and target ("t") actors in ``item.text``.

    Uses ``marked`` (``<s>…</s>``, ``<t>…</t>``; the text with the tags removed must be ``text``),
    else finds ``source`` and ``target`` in the text (first occurrence).

    Args:
        item (EventInput): the input.
    RETURNS (dict[str, tuple[int, int]]): "s" and/or "t" → [start, end); empty when the input marks
        no actor (or its marks do not fit its text).
    """
    text = (item.text or "")[:MAX_CHARS]
    spans: dict[str, tuple[int, int]] = {}
    if item.marked:
        plain, last, opened = [], 0, {}
        pos = 0
        for m in _MARK.finditer(item.marked):
            plain.append(item.marked[last : m.start()])
            pos += m.start() - last
            last = m.end()
            tag = m.group(2).lower()
            if not m.group(1):
                opened[tag] = pos
            elif tag in opened:
                spans[tag] = (opened.pop(tag), pos)
        plain.append(item.marked[last:])
        if "".join(plain)[:MAX_CHARS] != text:
            spans = {}
    else:
        for tag, actor in (("s", item.source), ("t", item.target)):
            i = text.find(actor) if actor else -1
            if i >= 0:
                spans[tag] = (i, i + len(actor))
    return spans


def between_span(item: EventInput) -> tuple[int, int] | None:
    """Character span of ``item.text`` strictly between its two actors (where the event verb sits).

    Args:
        item (EventInput): the input (its actors as ``actor_spans`` finds them).
    RETURNS (tuple[int, int] | None): [start, end) in ``item.text``, or None when the input marks
        no two actors, or they touch or overlap.
    """
    spans = sorted(actor_spans(item).values())
    if len(spans) < 2:
        return None
    start, end = spans[0][1], spans[-1][0]
    return (start, end) if end > start else None


def _pool_between(tokens: TokenVectors, span: tuple[int, int] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Unit mean and unit maximum of the word-piece vectors inside ``span``; None when none lies there."""
    if span is None or not len(tokens.offsets):
        return None
    off = tokens.offsets
    inside = (off[:, 0] >= span[0]) & (off[:, 1] <= span[1]) & (off[:, 1] > off[:, 0])
    if not inside.any():
        return None
    v = tokens.vectors[inside].astype(np.float64)
    mean, top = v.mean(axis=0), v.max(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-12)
    top /= max(float(np.linalg.norm(top)), 1e-12)
    return mean.astype(np.float32), top.astype(np.float32)


@dataclass(frozen=True, slots=True, eq=False)
class DenseHead:
    """The embedding part of a head: a linear softmax over sentence embeddings, mixed with the sparse part.

    Args:
        views (tuple[str, ...]): the embeddings it reads, in order (``DENSE_VIEWS``), 384 columns each.
        coef (np.ndarray): weights, shape (384 * len(views), number of labels).
        intercept (np.ndarray): bias per label.
        weight (float): w in ``(1 - w) log p_sparse + w log p_dense``.
        threshold (float): confidence under which a mixed prediction is not reliable.
        weak_labels (frozenset[str]): labels whose cross-validated F1 of the mixed model was low.
        encoder (str): the model whose vectors it reads (``ENCODER_WIDTHS``): ``MINILM`` (the
            classifier's ``encoder``) or ``MPNET`` (its ``wide_encoder``).
    """

    views: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    weight: float
    threshold: float = 0.0
    weak_labels: frozenset[str] = frozenset()
    encoder: str = MINILM

    @property
    def width(self) -> int:
        """RETURNS (int): columns of its input, ``ENCODER_WIDTHS[encoder]`` per view."""
        return ENCODER_WIDTHS[self.encoder] * len(self.views)

    def features(
        self, items: Sequence[EventInput], text_vectors: np.ndarray, encoder: "SentenceEncoder | None" = None
    ) -> np.ndarray:
        """The dense input of each item: its views side by side.

        Args:
            items (Sequence[EventInput]): the inputs.
            text_vectors (np.ndarray): (len(items), width) embeddings of their texts by the encoder it reads.
            encoder (SentenceEncoder | None): encodes what the other views need (the relation
                stretches; the word pieces of inputs that mark two actors); without one (or for an
                input that marks no actors) each other view is the text's vector.
        RETURNS (np.ndarray): float32, shape (len(items), ``width``).
        """
        pooled: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        if encoder is not None and any(v in TOKEN_VIEWS for v in self.views):
            # only inputs that mark two actors need their word pieces (one more encoder pass)
            spans = {k: sp for k, it in enumerate(items) if (sp := between_span(it)) is not None}
            if spans:
                keys = list(spans)
                tokens = encoder.encode_tokens(_cut_texts(encoder, [items[k].text for k in keys]))
                for k, tv in zip(keys, tokens):
                    if (got := _pool_between(tv, spans[k])) is not None:
                        pooled[k] = got
        cols = []
        for view in self.views:
            col = np.array(text_vectors, dtype=np.float32, copy=True)
            if view == "relation":
                spans_r = [(k, r) for k, it in enumerate(items) if (r := relation_text(it)) is not None]
                if spans_r and encoder is not None:
                    col[[k for k, _ in spans_r]] = embed_texts(encoder, [r for _, r in spans_r])
            elif view in TOKEN_VIEWS:
                part = 0 if view == "between" else 1
                for k, got in pooled.items():
                    col[k] = got[part]
            cols.append(col)
        return np.hstack(cols).astype(np.float32, copy=False)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Softmax of the dense part alone.

        Args:
            x (np.ndarray): ``features`` of the inputs.
        RETURNS (np.ndarray): shape (len(x), number of labels).
        """
        z = np.asarray(x, dtype=np.float64) @ self.coef + self.intercept
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        return z / z.sum(axis=1, keepdims=True)


#: Settings of the fine-tuned part that the classifier reads from ``<scheme>_tuned.json``.
TUNED_SUFFIX = "_tuned"


@dataclass(frozen=True, slots=True, eq=False)
class TunedPart:
    """The fine-tuned part of a head: all-MiniLM-L6-v2 with the scheme's own low-rank adapter and a
    linear softmax over pooled word pieces (``crosswire.embed.tuned.TunedClassifier``): the whole
    text, and for PLOVER the source and the target actor (``actor_spans``).

    With it, a head mixes three parts: ``(1 - wd - wt) log p_sparse + wd log p_dense + wt log p_tuned``.

    Args:
        model (TunedClassifier): the tuned encoder and head (its labels are the head's labels).
        weight (float): wt.
        dense_weight (float): wd, the dense part's weight in this mix (it replaces ``DenseHead.weight``).
        threshold (float): confidence under which a prediction of the mix is not reliable.
        weak_labels (frozenset[str]): labels whose cross-validated F1 of the mix was low.
    """

    model: "TunedClassifier"
    weight: float
    dense_weight: float
    threshold: float = 0.0
    weak_labels: frozenset[str] = frozenset()

    def log_probabilities(self, items: Sequence[EventInput]) -> np.ndarray:
        """Log-probabilities of the tuned part alone, (len(items), labels)."""
        spans = [[sp.get("s"), sp.get("t")] for sp in map(actor_spans, items)]
        texts = [(it.text or "")[:MAX_CHARS] for it in items]
        return np.log(np.maximum(self.model.probabilities(texts, spans if self.model.spans else None), 1e-300))


@dataclass(frozen=True, slots=True)
class EventTypePrediction:
    """The event type of one text under one scheme.

    ``label`` is a CASE 2021 code (scheme "case2021") or a PLOVER root (scheme "plover").
    ``ranked`` holds the three best labels with their probabilities. ``reliable`` is False when
    the confidence is under the head's threshold or the label is one the head learns poorly.
    """

    scheme: str
    label: str
    confidence: float
    reliable: bool
    ranked: tuple[tuple[str, float], ...]

    @property
    def acled(self) -> tuple[str, str] | None:
        """RETURNS (tuple[str, str] | None): (ACLED event type, sub-event type), when the label has one."""
        c = CASE_TAXONOMY.get(self.label) if self.scheme == "case2021" else None
        if c is None or c.acled_type is None or c.acled_sub_type is None:
            return None
        return c.acled_type, c.acled_sub_type

    @property
    def plover_root(self) -> str | None:
        """RETURNS (str | None): the PLOVER root of the label (itself under scheme "plover")."""
        if self.scheme == "plover":
            return self.label
        c = CASE_TAXONOMY.get(self.label)
        return c.plover_root if c else None

    @property
    def quad(self) -> int | None:
        """RETURNS (int | None): PLOVER quad class 1-4 of the root, when there is one."""
        root = self.plover_root
        q = PLOVER_QUAD.get(root) if root else None
        return int(q) if q is not None else None

    @property
    def binary(self) -> str | None:
        """RETURNS (str | None): "cooperation" or "conflict", when there is a root."""
        root = self.plover_root
        return binary_of(root) if root else None


class EventTypeHead:
    """One trained head: featurizer settings, kept buckets with IDF, weights per label.

    Args:
        scheme (str): "case2021" or "plover".
        labels (Sequence[str]): the label of each weight row.
        cols (np.ndarray): sorted kept bucket ids (int64).
        idf (np.ndarray): IDF of each kept bucket.
        coef (np.ndarray): weights, shape (len(cols), len(labels)).
        intercept (np.ndarray): bias per label.
        featurizer (Featurizer): the feature settings used at training.
        threshold (float): confidence under which a sparse-only prediction is not reliable.
        weak_labels (frozenset[str]): labels whose cross-validated F1 (sparse only) was low.
        dense (DenseHead | None): the embedding part, used when embeddings are given.
        tuned_meta (dict | None): the mix settings of the fine-tuned part, when one was trained
            (its model is loaded by ``EventClassifier.load`` with an encoder: ``attach_tuned``).
    """

    def __init__(
        self,
        scheme: str,
        labels: Sequence[str],
        cols: np.ndarray,
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        featurizer: Featurizer,
        *,
        threshold: float = 0.0,
        weak_labels: frozenset[str] = frozenset(),
        dense: DenseHead | None = None,
        tuned_meta: dict | None = None,
    ) -> None:
        self.scheme = scheme
        self.tuned_meta = tuned_meta
        self.tuned: TunedPart | None = None
        self.labels = tuple(labels)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.featurizer = featurizer
        self.threshold = threshold
        self.weak_labels = frozenset(weak_labels)
        self.dense = dense
        if dense is not None and dense.coef.shape != (dense.width, len(self.labels)):
            raise ModelError(
                f"The {scheme} head's dense weights have shape {dense.coef.shape}, expected "
                f"({dense.width}, {len(self.labels)}). Rebuild it with `make train`."
            )
        self._index = {lab: i for i, lab in enumerate(self.labels)}

    def vector(self, item: EventInput) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF vector of one input over the kept buckets.

        Args:
            item (EventInput): the input.
        RETURNS (tuple[np.ndarray, np.ndarray]): positions into ``cols`` and L2-normalised values.
        """
        return vectorize(self.featurizer.raw(item), self.cols, self.idf)

    def attach_tuned(self, directory: Path | None = None, *, shared: Sequence["SentenceEncoder"] = ()) -> TunedPart | None:
        """Load the fine-tuned part named in the head's settings and use it from now on. The adapter
        is applied to the loaded encoder of its class in ``shared``, whose untouched weights the part
        then shares; without one, to a fresh copy of the encoder (about 0.4 s for MiniLM).

        Args:
            directory (Path | None): the models folder (default: the shipped one).
            shared (Sequence[SentenceEncoder]): base encoders already loaded.
        RETURNS (TunedPart | None): the part, or None when the head has none.
        Raises:
            ModelError: when its files are missing or do not fit the head.
        """
        if not self.tuned_meta:
            return None
        from ..embed.tuned import TunedClassifier

        model = TunedClassifier.load((directory or MODELS_DIR) / f"{self.scheme}{TUNED_SUFFIX}", shared=shared)
        if model.labels != self.labels:
            raise ModelError(f"The {self.scheme} tuned model's labels differ from the head's. Rebuild both with `make train`.")
        m = self.tuned_meta
        self.tuned = TunedPart(
            model,
            float(m["weight"]),
            float(m["dense_weight"]),
            threshold=float(m.get("threshold", 0.0)),
            weak_labels=frozenset(m.get("weak_labels", ())),
        )
        return self.tuned

    def scores(
        self, items: Sequence[EventInput], *, dense: np.ndarray | None = None, tuned: np.ndarray | None = None
    ) -> np.ndarray:
        """Softmax probabilities, shape (len(items), len(labels)).

        Args:
            items (Sequence[EventInput]): the inputs.
            dense (np.ndarray | None): ``DenseHead.features`` of the inputs; None for the sparse
                part alone (also when the head has no dense part).
            tuned (np.ndarray | None): ``TunedPart.log_probabilities`` of the inputs; None without
                the fine-tuned part. With it, the three parts mix with the weights of ``self.tuned``.
        RETURNS (np.ndarray): one probability row per input.
        Raises:
            ValueError: when ``dense`` or ``tuned`` does not have one row of the right width per input.
        """
        out = np.tile(self.intercept, (len(items), 1)).astype(np.float64)
        for r, item in enumerate(items):
            pos, val = self.vector(item)
            if len(pos):
                out[r] += val @ self.coef[pos]
        use_tuned = tuned is not None and self.tuned is not None
        if use_tuned and tuned.shape != (len(items), len(self.labels)):
            raise ValueError(f"tuned log-probabilities of shape {tuned.shape}; expected ({len(items)}, {len(self.labels)})")
        if dense is not None and self.dense is not None:
            if dense.shape != (len(items), self.dense.coef.shape[0]):
                raise ValueError(f"dense features of shape {dense.shape}; expected ({len(items)}, {self.dense.coef.shape[0]})")
            # a weighted average of log-probabilities is, up to a constant per row, the same
            # average of the logits: softmax of it renormalises the mix
            w = self.tuned.dense_weight if use_tuned else self.dense.weight
            wt = self.tuned.weight if use_tuned else 0.0
            out = (1.0 - w - wt) * out + w * (dense.astype(np.float64) @ self.dense.coef + self.dense.intercept)
            if use_tuned:
                out += wt * tuned
        elif use_tuned:
            wt = self.tuned.weight
            out = (1.0 - wt) * out + wt * tuned
        out -= out.max(axis=1, keepdims=True)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def predict(
        self,
        items: Sequence[EventInput],
        *,
        labels: Iterable[str] | None = None,
        dense: np.ndarray | None = None,
        tuned: np.ndarray | None = None,
    ) -> list[EventTypePrediction]:
        """Classify inputs, choosing among ``labels`` only when given.

        Args:
            items (Sequence[EventInput]): the inputs.
            labels (Iterable[str] | None): the allowed labels (e.g. one CASE subtask's set).
            dense (np.ndarray | None): ``DenseHead.features`` of the inputs, for the mixed model;
                None for the sparse part alone.
            tuned (np.ndarray | None): ``TunedPart.log_probabilities`` of the inputs; None without.
        RETURNS (list[EventTypePrediction]): one per input.
        Raises:
            ValueError: when ``labels`` names no label of this head, or ``dense``/``tuned`` has the wrong shape.
        """
        mixed = dense is not None and self.dense is not None
        if tuned is not None and self.tuned is not None:
            threshold, weak = self.tuned.threshold, self.tuned.weak_labels
        elif mixed:
            threshold, weak = self.dense.threshold, self.dense.weak_labels
        else:
            threshold, weak = self.threshold, self.weak_labels
        probs = self.scores(items, dense=dense, tuned=tuned)
        if labels is not None:
            keep = np.zeros(len(self.labels), dtype=bool)
            for lab in labels:
                if lab in self._index:
                    keep[self._index[lab]] = True
            if not keep.any():
                raise ValueError(f"none of the labels {sorted(labels)} belongs to the {self.scheme} head")
            probs = np.where(keep, probs, 0.0)
            probs /= probs.sum(axis=1, keepdims=True)
        out = []
        for row, item in zip(probs, items):
            order = np.argsort(-row, kind="stable")[:3]
            best = self.labels[order[0]]
            conf = float(row[order[0]])
            empty = not _WORD.search((item.text or "").lower())
            out.append(
                EventTypePrediction(
                    scheme=self.scheme,
                    label=best,
                    confidence=conf,
                    reliable=(not empty) and conf >= threshold and best not in weak,
                    ranked=tuple((self.labels[k], float(row[k])) for k in order),
                )
            )
        return out

    # --- persistence ----------------------------------------------------------------------------

    def save(self, directory: Path) -> tuple[Path, Path]:
        """Write ``<scheme>.npz`` (arrays, float16 weights) and ``<scheme>.json`` (the rest).

        Args:
            directory (Path): where to write.
        RETURNS (tuple[Path, Path]): the two files.
        """
        directory.mkdir(parents=True, exist_ok=True)
        npz, meta = directory / f"{self.scheme}.npz", directory / f"{self.scheme}.json"
        arrays = {
            "cols": self.cols.astype(np.int32),
            "idf": self.idf.astype(np.float16),
            "coef": self.coef.astype(np.float16),
            "intercept": self.intercept.astype(np.float32),
        }
        dense = None
        if self.dense is not None:
            arrays["dense_coef"] = self.dense.coef.astype(np.float16)
            arrays["dense_intercept"] = self.dense.intercept.astype(np.float32)
            dense = {
                "encoder": self.dense.encoder,
                "max_tokens": EMBED_TOKENS,
                "views": list(self.dense.views),
                "weight": self.dense.weight,
                "threshold": self.dense.threshold,
                "weak_labels": sorted(self.dense.weak_labels),
            }
        np.savez_compressed(npz, **arrays)
        f = self.featurizer
        meta.write_text(
            json.dumps(
                {
                    "version": 3,
                    "scheme": self.scheme,
                    "labels": list(self.labels),
                    "hash_bits": HASH_BITS,
                    "featurizer": {
                        "char": f.char,
                        "roles": f.roles,
                        "char_min": f.char_min,
                        "char_max": f.char_max,
                        "cue_weight": f.cue_weight,
                        "role_weight": f.role_weight,
                        "cue_pairs": f.cue_pairs,
                    },
                    "threshold": self.threshold,
                    "weak_labels": sorted(self.weak_labels),
                    "dense": dense,
                    "tuned": self.tuned_meta,
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        return npz, meta

    @classmethod
    def load(cls, scheme: str, directory: Path | None = None) -> "EventTypeHead":
        """Read a head written by ``save``.

        Args:
            scheme (str): "case2021" or "plover".
            directory (Path | None): the models folder (default: the shipped one).
        RETURNS (EventTypeHead): the head.
        Raises:
            ModelError: when the files are missing or do not match this code.
        """
        directory = directory or MODELS_DIR
        npz, meta_path = directory / f"{scheme}.npz", directory / f"{scheme}.json"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(npz) as arrays:
                cols, idf, coef, intercept = (arrays[k] for k in ("cols", "idf", "coef", "intercept"))
                dense_meta = meta.get("dense")
                dense = None
                if dense_meta:
                    views = tuple(dense_meta["views"])
                    model = dense_meta.get("encoder", MINILM)
                    if not set(views) <= set(DENSE_VIEWS) or dense_meta.get("max_tokens", EMBED_TOKENS) != EMBED_TOKENS or model not in ENCODER_WIDTHS:
                        raise ValueError(
                            f"dense views {views} / max_tokens {dense_meta.get('max_tokens')} / encoder {model} are not what this code reads"
                        )
                    dense = DenseHead(
                        views,
                        arrays["dense_coef"].astype(np.float32),
                        arrays["dense_intercept"].astype(np.float32),
                        float(dense_meta["weight"]),
                        threshold=float(dense_meta.get("threshold", 0.0)),
                        weak_labels=frozenset(dense_meta.get("weak_labels", ())),
                        encoder=model,
                    )
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(
                f"Can't read the {scheme} event-type model from {directory}: {exc}. "
                "Rebuild it with `make train` (python -m crosswire.events.train)."
            ) from exc
        if meta.get("hash_bits") != HASH_BITS or coef.shape != (len(cols), len(meta["labels"])):
            raise ModelError(
                f"The {scheme} event-type model in {directory} does not match this code "
                f"(hash bits {meta.get('hash_bits')} vs {HASH_BITS}). Rebuild it with `make train`."
            )
        return cls(
            scheme,
            meta["labels"],
            cols,
            idf,
            coef,
            intercept,
            Featurizer(**meta["featurizer"]),
            threshold=float(meta.get("threshold", 0.0)),
            weak_labels=frozenset(meta.get("weak_labels", ())),
            dense=dense,
            tuned_meta=meta.get("tuned"),
        )


def vectorize(raw: dict[int, float], cols: np.ndarray, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Term weight x IDF over the kept buckets, L2-normalised.

    Args:
        raw (dict[int, float]): bucket -> term weight, from ``Featurizer.raw``.
        cols (np.ndarray): sorted kept buckets.
        idf (np.ndarray): their IDF.
    RETURNS (tuple[np.ndarray, np.ndarray]): positions into ``cols`` and values.
    """
    if not raw:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    keys = np.fromiter(raw.keys(), dtype=np.int64, count=len(raw))
    vals = np.fromiter(raw.values(), dtype=np.float64, count=len(raw))
    pos = np.searchsorted(cols, keys)
    pos = np.minimum(pos, len(cols) - 1)
    hit = cols[pos] == keys
    pos, vals = pos[hit], vals[hit]
    vals = vals * idf[pos]
    norm = float(np.sqrt((vals * vals).sum()))
    if norm > 0:
        vals = vals / norm
    return pos, vals.astype(np.float32)


class EventClassifier:
    """Both heads, loaded once (put it in ``Resources``), with the sentence encoder when there is one.

    The encoders are resources of their own, loaded once by the caller and passed in: ``encoder``
    (all-MiniLM-L6-v2) for the dense parts that read its vectors and for the fine-tuned parts, and
    ``wide_encoder`` (all-mpnet-base-v2, ``crosswire.embed.mpnet``) for a dense part trained on
    its vectors (the CASE head's). A head whose encoder is missing uses its sparse weights only
    (logged once, at load).

    Example:
        clf = EventClassifier.load(encoder=SentenceEncoder.load())   # or EventClassifier.load()
        clf.classify(["An airstrike hit the village"])[0].acled
        # ('Explosions/Remote violence', 'Air/drone strike')
        vecs = clf.embed(texts)                  # encode once, classify under both schemes
        clf.classify(texts, scheme="case2021", embeddings=vecs)
        clf.classify(texts, scheme="plover", embeddings=vecs)
    """

    def __init__(
        self, heads: dict[str, EventTypeHead], *, encoder: "SentenceEncoder | None" = None, wide_encoder: "SentenceEncoder | None" = None
    ) -> None:
        self.heads = dict(heads)
        self.encoder = encoder
        self.wide_encoder = wide_encoder

    @classmethod
    def load(
        cls,
        directory: Path | None = None,
        *,
        schemes: Sequence[str] = ("case2021", "plover"),
        encoder: "SentenceEncoder | None" = None,
        wide_encoder: "SentenceEncoder | None" = None,
    ) -> "EventClassifier":
        """Load the trained heads.

        Args:
            directory (Path | None): the models folder (default: the shipped one).
            schemes (Sequence[str]): which heads to load.
            encoder (SentenceEncoder | None): the loaded all-MiniLM-L6-v2 encoder; None for the
                sparse weights only.
            wide_encoder (SentenceEncoder | None): the loaded all-mpnet-base-v2 encoder
                (``MPNetEncoder``), for the heads whose dense part reads it.
        RETURNS (EventClassifier): the classifier.
        Raises:
            ModelError: when a head is missing or broken.
        """
        clf = cls({s: EventTypeHead.load(s, directory) for s in schemes}, encoder=encoder, wide_encoder=wide_encoder)
        clf.attach_tuned(directory)
        blind = [s for s, h in clf.heads.items() if h.dense is not None and clf._encoder_of(h.dense) is None]
        if blind:
            logger.info(
                "event types: the %s head(s) use their sparse-only weights, because the encoder their dense part "
                "reads was not given (lower cross-validated scores; see EventClassifier.load)",
                "/".join(blind),
            )
        return clf

    def _encoder_of(self, dense: DenseHead) -> "SentenceEncoder | None":
        """The loaded encoder whose vectors a dense part reads, or None when it was not given."""
        return self.wide_encoder if dense.encoder == MPNET else self.encoder

    @property
    def uses_embeddings(self) -> bool:
        """RETURNS (bool): True when a head's dense part has the all-MiniLM-L6-v2 encoder it reads
        (``embed`` vectors are then worth computing once for both heads)."""
        return self.encoder is not None and any(h.dense is not None and h.dense.encoder == MINILM for h in self.heads.values())

    def attach_tuned(self, directory: Path | None = None) -> None:
        """Load the fine-tuned part of each head that has one and whose dense part can run (the
        classifier has the encoder it reads): the part's mixing weights were fitted together with the
        dense part, so a head without it keeps its sparse-only weights. ``load`` calls this; call it
        again after setting ``wide_encoder``. Each part shares the weights its adapter leaves alone
        with the classifier's encoder of its class. A part whose encoder package is not installed is
        left out, and the reason logged.

        Args:
            directory (Path | None): the models folder (default: the shipped one).
        """
        if self.encoder is None:
            return
        shared = tuple(e for e in (self.wide_encoder, self.encoder) if e is not None)
        for head in self.heads.values():
            if head.tuned is not None or (head.dense is not None and self._encoder_of(head.dense) is None):
                continue
            try:
                head.attach_tuned(directory, shared=shared)
            except ModelNotInstalled as exc:  # the part's encoder is an optional package: go on without it
                logger.warning("event types: the %s head's fine-tuned part is not used: %s", head.scheme, exc)

    @property
    def uses_wide_embeddings(self) -> bool:
        """RETURNS (bool): True when a head's dense part has the all-mpnet-base-v2 encoder it reads."""
        return self.wide_encoder is not None and any(h.dense is not None and h.dense.encoder == MPNET for h in self.heads.values())

    def head(self, scheme: str) -> EventTypeHead:
        """RETURNS (EventTypeHead): the head of ``scheme``. Raises ModelError when it is not loaded."""
        try:
            return self.heads[scheme]
        except KeyError as exc:
            raise ModelError(f"No event-type head '{scheme}'. Available: {sorted(self.heads)}") from exc

    def embed(self, texts: Sequence[str | EventInput]) -> np.ndarray:
        """Sentence vectors of the texts, cut to ``EMBED_TOKENS`` word pieces, in one batched call.

        Args:
            texts (Sequence[str | EventInput]): the texts (of an ``EventInput``, its ``text``).
        RETURNS (np.ndarray): float32, shape (len(texts), 384).
        Raises:
            ModelError: when the classifier has no encoder.
        """
        if self.encoder is None:
            raise ModelError("This EventClassifier has no sentence encoder: load it with EventClassifier.load(encoder=SentenceEncoder.load())")
        return embed_texts(self.encoder, [t.text if isinstance(t, EventInput) else t for t in texts])

    def classify(
        self,
        texts: Sequence[str | EventInput],
        *,
        scheme: str = "case2021",
        labels: Iterable[str] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> list[EventTypePrediction]:
        """Classify texts (or ``EventInput`` with actors) under one scheme.

        The mixed model (sparse + embeddings) is used when ``embeddings`` are given or the
        classifier has an encoder; otherwise the sparse weights alone.

        Args:
            texts (Sequence[str | EventInput]): sentences or snippets.
            scheme (str): "case2021" (ACLED-style, 30 labels) or "plover" (15 roots).
            labels (Iterable[str] | None): restrict the choice to these labels.
            embeddings (np.ndarray | None): (len(texts), 384) vectors of the texts from ``embed``
                (so that one encoding serves both schemes); None to encode here when there is an
                encoder. A PLOVER input that marks its actors has the stretch between them encoded
                as well when there is an encoder (else its text vector stands in). A dense part that
                reads all-mpnet-base-v2 ignores them and encodes with ``wide_encoder``.
        RETURNS (list[EventTypePrediction]): one per text.
        Raises:
            ModelError: when the scheme's head is not loaded.
            ValueError: when ``embeddings`` does not have one 384-wide row per text.
        """
        items = [t if isinstance(t, EventInput) else EventInput(t) for t in texts]
        head = self.head(scheme)
        dense, tuned = self._parts(head, items, embeddings)
        return head.predict(items, labels=labels, dense=dense, tuned=tuned)

    def scores(self, texts: Sequence[str | EventInput], *, scheme: str = "case2021", embeddings: np.ndarray | None = None) -> np.ndarray:
        """Probabilities over all of the head's labels (its ``labels`` order), as ``classify`` mixes them.

        Args:
            texts (Sequence[str | EventInput]): sentences or snippets.
            scheme (str): "case2021" or "plover".
            embeddings (np.ndarray | None): as for ``classify``.
        RETURNS (np.ndarray): shape (len(texts), len(labels)).
        """
        items = [t if isinstance(t, EventInput) else EventInput(t) for t in texts]
        head = self.head(scheme)
        dense, tuned = self._parts(head, items, embeddings)
        return head.scores(items, dense=dense, tuned=tuned)

    def _parts(
        self, head: EventTypeHead, items: Sequence[EventInput], embeddings: np.ndarray | None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The dense features and tuned log-probabilities of the items, each None when the head lacks
        that part or the classifier lacks the encoder it reads."""
        dense = None
        if head.dense is not None and head.dense.encoder == MPNET:
            if items and self.wide_encoder is not None:
                vecs = embed_texts(self.wide_encoder, [it.text for it in items])
                dense = head.dense.features(items, vecs, self.wide_encoder)
        elif head.dense is not None and items and (embeddings is not None or self.encoder is not None):
            vecs = self.embed(items) if embeddings is None else np.asarray(embeddings, dtype=np.float32)
            if vecs.shape != (len(items), EMBED_DIM):
                raise ValueError(f"embeddings of shape {vecs.shape}; expected ({len(items)}, {EMBED_DIM}), one row per text")
            dense = head.dense.features(items, vecs, self.encoder)
        tuned = head.tuned.log_probabilities(items) if head.tuned is not None and items and self.encoder is not None else None
        return dense, tuned
