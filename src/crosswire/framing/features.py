"""Token features of the propaganda span tagger, identical at training and run time.

Each token of a spaCy ``Doc`` gets a set of features from fixed templates: its word, lemma, shape,
part of speech, fine tag, dependency, entity type and affixes; the words and tags around it (the
sentence boundary as padding for words); its head's lemma; where it sits (inside double quotes, in
the title line, in a sentence with "!" or "?"); capitalisation; and, with a word lexicon, the bias
class of the word and of its neighbours. Whitespace tokens get the single feature ``space``.

A feature is a template and a 64-bit value (spaCy's string hashes where the ``Doc`` has them, CRC-32
of the string otherwise; pairs are mixed into one value). Template and value are mixed with the
SplitMix64 finaliser and cut to ``HASH_BITS`` bits, all in numpy over whole token arrays: the
features of a document cost a few numpy passes, not a Python loop over tokens. A model is a
weight vector per technique indexed by bucket, and scoring a token is a sum of weights.

Only numpy and the ``Doc`` are needed; no model is loaded here.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, IS_SPACE, IS_TITLE, IS_UPPER, LEMMA, LOWER, POS, SENT_START, SHAPE, TAG

__all__ = [
    "HASH_BITS", "FEATURE_VERSION", "MAX_PIECES", "TEMPLATES", "FeatureTable", "WordClasses", "feature_table", "doc_buckets",
    "word_key", "sentence_chunks", "token_vectors",
]  # fmt: skip

HASH_BITS = 20
#: Bumped whenever the features change: a model trained on other features is refused at load.
FEATURE_VERSION = 3
_MASK = np.uint64((1 << HASH_BITS) - 1)
_QUOTES = frozenset('"“”«»„') | {"''", "``"}
_ATTRS = [LOWER, LEMMA, SHAPE, POS, TAG, DEP, ENT_IOB, ENT_TYPE, HEAD, IS_SPACE, IS_TITLE, IS_UPPER, IDX, SENT_START]

#: Feature templates, in column order of ``FeatureTable.values``.
TEMPLATES = (
    "bias", "w", "l", "s", "p", "t", "d", "e", "suf", "pre",
    "w-1", "w+1", "w-2", "w+2", "b-", "b+", "p-1", "p+1", "pp-", "pp+",
    "hl", "dh", "dl", "q", "sm",
    "title", "title|p", "lex", "lex|p", "lex-1", "lex+1", "midcap", "allcaps", "hyphen",
)  # fmt: skip
_COL = {name: k for k, name in enumerate(TEMPLATES)}


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


#: Template salts and the padding values (sentence start/end for words, document edge for tags).
_SALT = np.array([_crc("tpl:" + name) for name in TEMPLATES], dtype=np.uint64) << np.uint64(32)
_SPACE_BUCKET = _crc("tpl:space") & int(_MASK)
PAD_S, PAD_E, PAD = (np.uint64(_crc(x)) for x in ("<s>", "</s>", "<pad>"))


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a well-spread 64-bit hash of each uint64 (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One value for an ordered pair of values."""
    return _mix(a) ^ b


def word_key(word: str) -> int:
    """RETURNS (int): the 32-bit key under which a lower-cased word is stored in a word lexicon."""
    return zlib.crc32(("lex:" + word).encode("utf-8"))


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """The features of every token: ``values[i, k]`` is template ``TEMPLATES[k]``'s value for token i,
    present where ``present[i, k]``; whitespace tokens have none (they get ``space`` alone)."""

    values: np.ndarray  # uint64, (n_tokens, len(TEMPLATES))
    present: np.ndarray  # bool, same shape
    space: np.ndarray  # bool, (n_tokens,)

    def column(self, template: str) -> np.ndarray:
        """RETURNS (np.ndarray): one template's values for every token."""
        return self.values[:, _COL[template]]


@dataclass(frozen=True, slots=True)
class WordClasses:
    """A word lexicon as the features read it: each word key's class code, numbered from 1 in the
    sorted order of the class names. Build it once per lexicon (``WordClasses.of``); the span
    tagger keeps its own from load time, so no document sorts the lexicon again."""

    codes: Mapping[int, int]  # word_key(word) -> class code
    missing: int = 0  # the code of a word not in the lexicon (that of a class named "", else 0)

    @classmethod
    def of(cls, lexicon: Mapping[int, str] | WordClasses | None) -> WordClasses:
        """Number a lexicon's classes.

        Args:
            lexicon (Mapping[int, str] | WordClasses | None): ``word_key(word)`` -> class name (or
                classes already numbered, returned as they are).
        RETURNS (WordClasses): the codes; none for an empty or missing lexicon.
        """
        if isinstance(lexicon, WordClasses):
            return lexicon
        if not lexicon:
            return cls({})
        code = {c: k + 1 for k, c in enumerate(sorted(set(lexicon.values())))}
        return cls({key: code[c] for key, c in lexicon.items()}, code.get("", 0))


#: CRC-32 of "lex:": continued over a word's UTF-8 bytes, it is the word's ``word_key``.
_LEX_CRC = zlib.crc32(b"lex:")


def _word_props(w: str, classes: WordClasses) -> tuple[int, ...]:
    """Word, suffix and prefix hashes, flags and lexicon class code of one lower-cased word.

    This runs for every distinct word of every document, so the word is encoded once for its hash
    and its lexicon key (``word_key(w)`` is ``crc32(w bytes, _LEX_CRC)``) and ``_crc`` is inlined.
    """
    crc, b = zlib.crc32, w.encode("utf-8")
    flags = (w in _QUOTES) | ("!" in w) << 1 | ("?" in w) << 2 | ("-" in w and len(w) > 3) << 3 | (len(w) > 1) << 4
    lex = classes.codes.get(crc(b, _LEX_CRC), classes.missing) if classes.codes else 0
    return crc(b), crc(w[-3:].encode("utf-8")), crc(w[:3].encode("utf-8")), flags, lex


def _title_end(doc, words: list[str], inverse: np.ndarray) -> int:
    """The character offset of the document's first newline (``len(text)`` + 1 when none), found
    without building ``doc.text`` or a ``Token`` per token.

    A token's text holds a newline exactly when its lower-cased form does (its trailing whitespace
    is one space at most), so the distinct lower-cased words say which tokens to look at.

    Args:
        doc (Doc): a document with at least one token.
        words (list[str]): its distinct lower-cased words.
        inverse (np.ndarray): each token's index into ``words``.
    RETURNS (int): the offset.
    """
    with_newline = [k for k, w in enumerate(words) if "\n" in w]
    if with_newline:
        tok = doc[min(int(np.argmax(inverse == k)) for k in with_newline)]  # argmax: the first True
        return tok.idx + tok.text_with_ws.index("\n")
    return doc[-1].idx + len(doc[-1].text_with_ws) + 1


def feature_table(doc, lexicon: Mapping[int, str] | WordClasses | None = None) -> FeatureTable:
    """Template values of every token of a document.

    Args:
        doc (Doc): a spaCy document parsed by the tagger, parser, lemmatizer and NER of
            ``en_core_web_sm`` (missing annotations only make features blank).
        lexicon (Mapping[int, str] | WordClasses | None): ``word_key(lower-cased word)`` -> class
            name of a word lexicon (how often annotators of other corpora marked the word as
            biased), or its ``WordClasses`` numbered once at load; a word found gets the features
            ``lex`` and ``lex|p``, and its neighbours ``lex±1``.
    RETURNS (FeatureTable): the values and where they are present.
    """
    n = len(doc)
    if n == 0:
        empty = np.zeros((0, len(TEMPLATES)), dtype=np.uint64)
        return FeatureTable(empty, empty.astype(bool), np.zeros(0, dtype=bool))
    a = doc.to_array(_ATTRS).astype(np.uint64)
    lower, lemma, shape, pos, tag, dep, iob, ent, head_rel = (a[:, k] for k in range(9))
    space, is_title, is_upper = a[:, 9] == 1, a[:, 10] == 1, a[:, 11] == 1
    idx = a[:, 12].astype(np.int64)
    strings = doc.vocab.strings
    classes = WordClasses.of(lexicon)
    # once per distinct word (and lemma) of the document, then spread to the tokens
    uniq, inverse = np.unique(lower, return_inverse=True)
    words = [strings[h] for h in uniq.tolist()]
    props = np.array([_word_props(w, classes) for w in words], dtype=np.uint64)[inverse]
    title_end = _title_end(doc, words, inverse)
    word, suf, pre, flags, lex = (props[:, k] for k in range(5))
    uniq, inverse = np.unique(lemma, return_inverse=True)
    lem = np.array([_crc(strings[h].lower()) for h in uniq.tolist()], dtype=np.uint64)[inverse]
    quote = (flags & np.uint64(1)) > 0

    starts = a[:, 13].view(np.int64) == 1
    starts[0] = True
    ends = np.zeros(n, dtype=bool)
    ends[:-1] = starts[1:]
    ends[-1] = True
    sid = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    # inside double quotes: an odd number of quote tokens before it in its sentence (quotes excluded)
    cq = np.cumsum(quote) - quote
    inside = ((cq - cq[first][sid]) % 2 == 1) & ~quote
    # sentence marks: "!" / "?" anywhere in the sentence
    excl = np.maximum.reduceat((flags >> np.uint64(1)) & np.uint64(1), first)[sid]
    ques = np.maximum.reduceat((flags >> np.uint64(2)) & np.uint64(1), first)[sid]
    mark = excl | (ques << np.uint64(1))

    def shift(x: np.ndarray, k: int, pad: np.uint64, edge: np.ndarray | None = None) -> np.ndarray:
        out = np.full(n, pad, dtype=np.uint64)
        if k > 0 and n > k:
            out[k:] = x[:-k]
        elif k < 0 and n > -k:
            out[:k] = x[-k:]
        if edge is not None:
            out[edge] = pad
        return out

    prev_w = shift(word, 1, PAD_S, starts)
    next_w = shift(word, -1, PAD_E, ends)
    prev2 = shift(word, 2, PAD_S, starts | shift(starts.astype(np.uint64), 1, np.uint64(1)).astype(bool))
    next2 = shift(word, -2, PAD_E, ends | shift(ends.astype(np.uint64), -1, np.uint64(1)).astype(bool))
    p_prev, p_next = shift(pos, 1, PAD), shift(pos, -1, PAD)
    head = np.arange(n, dtype=np.int64) + head_rel.view(np.int64)
    head = np.clip(head, 0, n - 1)
    in_title = idx < title_end
    lex_prev, lex_next = shift(lex, 1, np.uint64(0)), shift(lex, -1, np.uint64(0))

    cols = {
        "bias": np.zeros(n, dtype=np.uint64),
        "w": word,
        "l": lem,
        "s": shape,
        "p": pos,
        "t": tag,
        "d": dep,
        "e": np.where(ent > 0, _pair(iob, ent), np.uint64(0)),
        "suf": suf,
        "pre": pre,
        "w-1": prev_w,
        "w+1": next_w,
        "w-2": prev2,
        "w+2": next2,
        "b-": _pair(prev_w, word),
        "b+": _pair(word, next_w),
        "p-1": p_prev,
        "p+1": p_next,
        "pp-": _pair(p_prev, pos),
        "pp+": _pair(pos, p_next),
        "hl": lem[head],
        "dh": _pair(dep, pos[head]),
        "dl": _pair(dep, lem),
        "q": inside.astype(np.uint64),
        "sm": mark,
        "title": np.zeros(n, dtype=np.uint64),
        "title|p": pos,
        "lex": lex,
        "lex|p": _pair(lex, pos),
        "lex-1": lex_prev,
        "lex+1": lex_next,
        "midcap": np.zeros(n, dtype=np.uint64),
        "allcaps": np.zeros(n, dtype=np.uint64),
        "hyphen": np.zeros(n, dtype=np.uint64),
    }
    values = np.stack([cols[name] for name in TEMPLATES], axis=1)
    present = np.ones((n, len(TEMPLATES)), dtype=bool)
    optional = {
        "title": in_title,
        "title|p": in_title,
        "lex": lex > 0,
        "lex|p": lex > 0,
        "lex-1": lex_prev > 0,
        "lex+1": lex_next > 0,
        "midcap": is_title & ~starts,
        "allcaps": is_upper & ((flags & np.uint64(16)) > 0),
        "hyphen": (flags & np.uint64(8)) > 0,
    }
    for name, mask in optional.items():
        present[:, _COL[name]] = mask
    present[space] = False
    return FeatureTable(values, present, space)


def doc_buckets(doc, lexicon: Mapping[int, str] | WordClasses | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hashed features of every token as a flat array with offsets.

    Args:
        doc (Doc): a parsed document.
        lexicon (Mapping[int, str] | WordClasses | None): the word lexicon (see ``feature_table``).
    RETURNS (tuple[np.ndarray, np.ndarray]): ``buckets`` (int64, all tokens' features one after
        the other) and ``offsets`` (int64, len(doc) + 1): token i's buckets are
        ``buckets[offsets[i]:offsets[i + 1]]``. Every token has at least one feature.
    """
    table = feature_table(doc, lexicon)
    buckets = (_mix(table.values ^ _SALT) & _MASK).astype(np.int64)
    present = table.present.copy()
    # whitespace tokens: the single feature "space" (in the bias column)
    buckets[table.space, 0] = _SPACE_BUCKET
    present[table.space, 0] = True
    offsets = np.zeros(len(buckets) + 1, dtype=np.int64)
    np.cumsum(present.sum(axis=1), out=offsets[1:])
    return buckets[present], offsets


#: Word pieces per text given to the sentence encoder, [CLS] and [SEP] included (the model's limit).
MAX_PIECES = 256


def sentence_chunks(doc, *, max_pieces: int = MAX_PIECES, count_pieces=None) -> list[tuple[int, int]]:
    """The token ranges the encoder reads: one per sentence, a sentence too long for the encoder cut
    into halves (at token boundaries) until each part fits.

    Args:
        doc (Doc): a parsed document (sentence boundaries set).
        max_pieces (int): word pieces per text, [CLS] and [SEP] included.
        count_pieces (Callable[[str], int] | None): word pieces of a text (without the two
            specials); None: every token counts as 3 pieces (an upper bound used by tests).
    RETURNS (list[tuple[int, int]]): (first token, end token) of each chunk, in order; chunks made
        only of whitespace are left out.
    """
    count = count_pieces or (lambda text: 3 * len(text.split()))
    out: list[tuple[int, int]] = []
    stack = [(s.start, s.end) for s in reversed(list(doc.sents))]
    while stack:
        a, b = stack.pop()
        span = doc[a:b]
        if not span.text.strip():
            continue
        if b - a > 1 and count(span.text) > max_pieces - 2:
            mid = (a + b) // 2
            stack.extend([(mid, b), (a, mid)])
            continue
        out.append((a, b))
    return out


def token_vectors(doc, encoder, *, max_pieces: int = MAX_PIECES) -> np.ndarray:
    """Contextual vectors of a document's tokens: each token gets the mean of the last-layer vectors
    of the word pieces that start inside it, the encoder reading one sentence at a time.

    Args:
        doc (Doc): a parsed document.
        encoder (SentenceEncoder): the loaded all-MiniLM-L6-v2 encoder (``encode_tokens``).
        max_pieces (int): word pieces per encoded text (a longer sentence is cut in parts).
    RETURNS (np.ndarray): float32, (len(doc), encoder width); whitespace tokens, and tokens the
        encoder's tokenizer drops (control characters), get zeros.
    """
    n = len(doc)
    width = int(getattr(encoder, "dim", 384))
    out = np.zeros((n, width), dtype=np.float32)
    if n == 0:
        return out
    tok = encoder.tokenizer

    def count(text: str) -> int:
        return len(tok.encode(text, add_special_tokens=False).ids)

    chunks = sentence_chunks(doc, max_pieces=max_pieces, count_pieces=count)
    if not chunks:
        return out
    starts = doc.to_array([IDX]).astype(np.int64).reshape(n)
    texts = [doc[a:b].text for a, b in chunks]
    encoded = encoder.encode_tokens(texts)
    counts = np.zeros(n, dtype=np.float32)
    for (a, b), tv in zip(chunks, encoded):
        if len(tv.offsets) == 0:
            continue
        base = starts[a]
        # the token that holds each piece's first character
        tid = a + np.searchsorted(starts[a:b] - base, tv.offsets[:, 0], side="right") - 1
        tid = np.clip(tid, a, b - 1)
        np.add.at(out, tid, tv.vectors)
        np.add.at(counts, tid, 1.0)
    hit = counts > 0
    out[hit] /= counts[hit, None]
    return out
