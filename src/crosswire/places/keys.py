"""Transliteration-aware name keys: one string per name that different romanisations share.

A place in Arabic, Persian, Pashto, Kurdish or Russian reaches English text in many spellings:
Deir ez-Zor, Dayr al-Zawr, Deir al-Zour, Dair el-Zor. ``name_key`` folds the differences that
romanisation systems make and the language does not:

1. Unicode: NFKD, combining marks dropped (ā → a, ḩ → h), letters with no decomposition mapped
   (ø → o, ə → a, ł → l), the ayn/hamza marks ʿ ʾ ' ’ ‘ dropped, lowercase.
2. The Arabic article: a token al/el/ad/ar/as/at/az/ez/an/ash/… before another token is dropped,
   wherever it stands ("Deir ez-Zor" → "deir zor"), because writers assimilate it (ar-Raqqa),
   hyphenate it, space it or leave it out.
3. Vowels: Arabic has three vowels and two diphthongs, English spellings show five vowels:
   y → i, ee → i, ou/oo/o → u, aw/au → u, ei/ai/ay/ey → ai, word-final ah/eh → a.
4. Consonants that romanisations render differently: q → k, kh → h, zh → j, dj → j, ph → f.
5. Doubled letters are collapsed (Raqqa → raqa), spaces, hyphens and punctuation removed.

``skeleton_key`` is a weaker key: the consonants only (after the same folding), for the e/a and
i/e ambiguities of vocalisation ("Tell Abyad" / "Tal Abyad"). It collides more and is meant for
candidate generation, not as evidence on its own.

Names in other scripts (Arabic, Cyrillic, Greek …) keep their script: their key is the NFKC
casefolded text without marks, spaces and punctuation, with the Arabic letter variants
(أ إ آ → ا, ى/ی → ي, ة → ه, ک → ك) folded, so an Arabic name in a text matches GeoNames' Arabic
alternate names. ``name_keys`` adds a few variants: the Arabic script without word-initial ال,
and a Latin key for Cyrillic and Greek through a cheap letter table.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["is_latin", "key_info", "name_key", "name_keys", "skeleton_key"]

# Arabic article in its romanised forms (assimilated to a sun letter, or not).
ARTICLES = frozenset(
    ["al", "el", "il", "ul", "ad", "ed", "ud", "ar", "er", "ur", "as", "es", "us", "at", "et", "ut", "az", "ez", "uz", "an", "en", "un", "ash", "esh", "ush", "ath", "eth", "adh", "edh"]
)
# Letters NFKD does not decompose into ASCII.
_LETTERS = str.maketrans(
    {
        "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ł": "l", "Ł": "l",
        "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i", "ə": "a", "Ə": "a",
        "ħ": "h", "Ħ": "h", "ŋ": "ng", "ʃ": "sh", "ɣ": "gh", "ɛ": "e", "ɔ": "o",
    }
)
# Apostrophe-like marks for ayn and hamza, and modifier letters used for them: dropped, not split on.
_MARKS = re.compile("['’‘`´ʿʾʻʼʽˈˀˁ\u02b9\u02ba\u02c8\u02cb]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Consonant pairs first, then vowels; the order matters (y → i before the diphthongs).
_CONSONANTS = (("kh", "h"), ("zh", "j"), ("dj", "j"), ("ph", "f"), ("q", "k"), ("ck", "k"))
_VOWELS = (
    ("y", "i"),
    ("ee", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("aw", "u"),
    ("au", "u"),
    ("o", "u"),
    ("ei", "ai"),
)
_FINAL_H = re.compile(r"(?<=[aeiu])h$")
_FINAL_E = re.compile(r"e$")
_DOUBLE = re.compile(r"(.)\1+")
_VOWEL_CHARS = re.compile(r"[aeiuw]")

# Arabic-script folding: letter variants written interchangeably, tatweel and harakat dropped.
_ARABIC = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ئ": "ي", "ة": "ه", "ۀ": "ه",
        "ک": "ك", "ؤ": "و", "ـ": "",
    }
)
_SCRIPT_DROP = re.compile(r"[\W_]+", re.UNICODE)
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye",
        "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "қ": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "u",
        "ф": "f", "х": "kh", "ҳ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
        "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ғ": "gh", "ә": "a", "ө": "o", "ү": "u",
        "ң": "ng", "һ": "h", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѓ": "g",
        "ќ": "k", "ѕ": "dz",
    }
)
_GREEK = str.maketrans(
    {
        "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
        "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
        "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    }
)


_LETTER = re.compile(r"[^\W\d_]")
# Latin letters: ASCII, Latin-1, Latin Extended-A/B, IPA, Latin Extended Additional, and the
# combining marks NFD leaves after them (which count as "letters" for \w in some names).
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f\u0250-\u02af\u1e00-\u1eff\u0300-\u036f]")


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def is_latin(name: str) -> bool:
    """Whether most letters of a name are Latin (after dropping diacritics).

    Args:
        name (str): a place name.
    RETURNS (bool): True for Latin-script names and for names without letters.
    """
    if name.isascii():
        return True
    letters = len(_LETTER.findall(name))
    return 2 * len(_LATIN_LETTER.findall(name)) >= letters


def _latin_tokens(name: str) -> list[str]:
    text = _MARKS.sub("", _strip_marks(name.translate(_LETTERS))).lower()
    return [t for t in _NON_ALNUM.split(text) if t]


def _fold_token(token: str) -> str:
    for old, new in _CONSONANTS:
        if old in token:
            token = token.replace(old, new)
    for old, new in _VOWELS:
        if old in token:
            token = token.replace(old, new)
    token = _FINAL_H.sub("", token)
    if len(token) > 3:
        token = _FINAL_E.sub("a", token)
    return token


def _drop_articles(tokens: list[str]) -> list[str]:
    # An article only counts before another token: "As" alone, or "Tell As", keep it.
    return [t for i, t in enumerate(tokens) if not (t in ARTICLES and i + 1 < len(tokens))]


def _latin_key(tokens: list[str]) -> str:
    folded = "".join(_fold_token(t) for t in _drop_articles(tokens))
    return _DOUBLE.sub(r"\1", folded)


def _script_key(name: str) -> str:
    # Harakat, tonos and breve go; kana voicing marks stay (they change the sound).
    text = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
        if not unicodedata.combining(ch) or ch in "\u3099\u309a"
    )
    text = unicodedata.normalize("NFKC", text).translate(_ARABIC)
    return _SCRIPT_DROP.sub("", text)


def name_key(name: str) -> str:
    """The transliteration-aware key of a place name.

    Args:
        name (str): a place name in any script ("Deir ez-Zor", "Дамаск", "دير الزور").
    RETURNS (str): the key ("dairzur"); "" when the name has no letters or digits.
    """
    if is_latin(name):
        return _latin_key(_latin_tokens(name))
    return _script_key(name)


def skeleton_key(name: str) -> str:
    """The consonant skeleton of a name's key: a weaker key for vocalisation differences.

    The first letter is kept even when it is a vowel, so "Idlib" and "Dalab" stay apart.

    Args:
        name (str): a place name.
    RETURNS (str): the skeleton ("Tell Abyad" → "tlbd"); "" for non-Latin names and names
        whose skeleton is shorter than 3 letters (too weak to be evidence).
    """
    if not is_latin(name):
        return ""
    key = name_key(name)
    return _skeleton_of(key) if key else ""


def key_info(name: str) -> tuple[tuple[str, ...], str]:
    """All keys of a name at once: ``(name_keys(name), skeleton_key(name))``, computed once.

    Args:
        name (str): a place name.
    RETURNS (tuple[tuple[str, ...], str]): the keys and the skeleton ("" when none).
    """
    keys = name_keys(name)
    if not keys or not is_latin(name):
        return keys, ""
    return keys, _skeleton_of(keys[0])


def _skeleton_of(key: str) -> str:
    skel = _DOUBLE.sub(r"\1", key[0] + _VOWEL_CHARS.sub("", key[1:]))
    return skel if len(skel) >= 3 else ""


def name_keys(name: str) -> tuple[str, ...]:
    """The key of a name and its variants, strongest first, without duplicates or empties.

    Variants: for Arabic script, the key without word-initial ال; for Cyrillic and Greek, the
    Latin key of a letter-by-letter transliteration (so "Дамаск" also gives the key of "Damask").

    Args:
        name (str): a place name.
    RETURNS (tuple[str, ...]): the keys, ``name_key(name)`` first.
    """
    keys = [name_key(name)]
    if not is_latin(name):
        text = unicodedata.normalize("NFKC", name).casefold()
        words = [w for w in re.split(r"[\s\-]+", text) if w]
        if any(w.startswith("ال") for w in words):
            bare = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]
            keys.append(_script_key(" ".join(bare)))
        translit = _strip_marks(text).translate(_CYRILLIC).translate(_GREEK)
        if translit != text and is_latin(translit):
            keys.append(_latin_key(_latin_tokens(translit)))
    out: list[str] = []
    for key in keys:
        if key and key not in out:
            out.append(key)
    return tuple(out)
