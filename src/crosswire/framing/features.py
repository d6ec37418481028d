"""Token features of the propaganda span tagger, identical at training and run time.

Each token of a spaCy ``Doc`` gets a list of named features (its word, lemma, shape, part of
speech, dependency, entity type, affixes; the words and tags around it; where it sits: inside
quotes, in the title line, in a sentence with "!" or "?"). Names are hashed with CRC-32 (stable
across processes, unlike ``hash``) into ``2**HASH_BITS`` buckets, so a model is a weight vector
per technique indexed by bucket, and scoring a token is a sum of weights.

Only numpy and the ``Doc`` are needed; no model is loaded here.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["HASH_BITS", "FEATURE_VERSION", "token_features", "doc_buckets", "bucket", "word_key"]

HASH_BITS = 20
#: Bumped whenever the features change: a model trained on other features is refused at load.
FEATURE_VERSION = 2
_MASK = (1 << HASH_BITS) - 1
_QUOTES = frozenset('"“”«»„')


def bucket(name: str) -> int:
    """RETURNS (int): the hash bucket of one feature name."""
    return zlib.crc32(name.encode("utf-8")) & _MASK


def word_key(word: str) -> int:
    """RETURNS (int): the 32-bit key under which a lower-cased word is stored in a word lexicon."""
    return zlib.crc32(("lex:" + word).encode("utf-8"))


def _quoted(doc) -> list[bool]:
    """Whether each token lies between an opening and a closing double quote of its sentence."""
    inside = [False] * len(doc)
    for sent in doc.sents:
        state = False
        for tok in sent:
            if tok.text in _QUOTES or (tok.text == "''" or tok.text == "``"):
                state = not state
                continue
            inside[tok.i] = state
    return inside


def token_features(doc, lexicon: Mapping[int, str] | None = None) -> list[list[str]]:
    """Named features of every token.

    Args:
        doc (Doc): a spaCy document parsed by the tagger, parser, lemmatizer and NER of
            ``en_core_web_sm`` (missing annotations only make features blank).
        lexicon (Mapping[int, str] | None): ``word_key(lower-cased word)`` -> class name of a
            word lexicon (how often annotators of other corpora marked the word as biased); a
            word found gets the feature ``lex=<class>``, and its neighbours ``lex±1=<class>``.
    RETURNS (list[list[str]]): one list of feature names per token, in token order.
    """
    n = len(doc)
    lower = [t.lower_ for t in doc]
    pos = [t.pos_ or "-" for t in doc]
    sent_start = [False] * n
    sent_end = [False] * n
    sent_mark: list[str] = [""] * n
    title_end = doc.text.find("\n")
    for sent in doc.sents:
        sent_start[sent.start] = True
        sent_end[sent.end - 1] = True
        text = sent.text
        mark = ("!" if "!" in text else "") + ("?" if "?" in text else "")
        for i in range(sent.start, sent.end):
            sent_mark[i] = mark
    quoted = _quoted(doc)
    lex = [lexicon.get(word_key(w), "") for w in lower] if lexicon else [""] * n

    def word(i: int) -> str:
        return lower[i] if 0 <= i < n else "<pad>"

    def tag(i: int) -> str:
        return pos[i] if 0 <= i < n else "<pad>"

    out: list[list[str]] = []
    for tok in doc:
        i = tok.i
        w = lower[i]
        if tok.is_space:
            out.append(["space"])
            continue
        prev_w = "<s>" if sent_start[i] else word(i - 1)
        next_w = "</s>" if sent_end[i] else word(i + 1)
        prev2 = "<s>" if sent_start[i] or (i >= 1 and sent_start[i - 1]) else word(i - 2)
        next2 = "</s>" if sent_end[i] or (i + 1 < n and sent_end[i + 1]) else word(i + 2)
        head = tok.head
        f = [
            "bias",
            "w=" + w,
            "l=" + tok.lemma_.lower(),
            "s=" + tok.shape_,
            "p=" + pos[i],
            "t=" + tok.tag_,
            "d=" + tok.dep_,
            "e=" + (tok.ent_iob_ + tok.ent_type_ if tok.ent_type_ else "-"),
            "suf=" + w[-3:],
            "pre=" + w[:3],
            "w-1=" + prev_w,
            "w+1=" + next_w,
            "w-2=" + prev2,
            "w+2=" + next2,
            "b-=" + prev_w + "|" + w,
            "b+=" + w + "|" + next_w,
            "p-1=" + tag(i - 1),
            "p+1=" + tag(i + 1),
            "pp-=" + tag(i - 1) + "|" + pos[i],
            "pp+=" + pos[i] + "|" + tag(i + 1),
            "hl=" + head.lemma_.lower(),
            "dh=" + tok.dep_ + "|" + head.pos_,
            "dl=" + tok.dep_ + "|" + tok.lemma_.lower(),
            "q=" + str(quoted[i]),
            "sm=" + sent_mark[i],
        ]
        if 0 <= title_end and tok.idx < title_end:
            f.append("title")
            f.append("title|p=" + pos[i])
        if lex[i]:
            f.append("lex=" + lex[i])
            f.append("lex=" + lex[i] + "|p=" + pos[i])
        if i > 0 and lex[i - 1]:
            f.append("lex-1=" + lex[i - 1])
        if i + 1 < n and lex[i + 1]:
            f.append("lex+1=" + lex[i + 1])
        if tok.is_title and not sent_start[i]:
            f.append("midcap")
        if tok.is_upper and len(w) > 1:
            f.append("allcaps")
        if "-" in w and len(w) > 3:
            f.append("hyphen")
        out.append(f)
    return out


def doc_buckets(doc, lexicon: Mapping[int, str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hashed features of every token as a flat array with offsets.

    Args:
        doc (Doc): a parsed document.
        lexicon (Mapping[int, str] | None): the word lexicon (see ``token_features``).
    RETURNS (tuple[np.ndarray, np.ndarray]): ``buckets`` (int64, all tokens' features one after
        the other) and ``offsets`` (int64, len(doc) + 1): token i's buckets are
        ``buckets[offsets[i]:offsets[i + 1]]``.
    """
    feats = token_features(doc, lexicon)
    # many names repeat within a document ("bias", tags, frequent words): hash each once
    cache: dict[str, int] = {}
    rows = []
    for f in feats:
        row = []
        for name in f:
            b = cache.get(name)
            if b is None:
                b = cache[name] = bucket(name)
            row.append(b)
        rows.append(row)
    return flatten(rows)


def flatten(rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """RETURNS (tuple[np.ndarray, np.ndarray]): rows of ints as (values, offsets)."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    values = np.fromiter((b for r in rows for b in r), dtype=np.int64, count=int(offsets[-1]))
    return values, offsets
