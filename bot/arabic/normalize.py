"""Arabic normalisation for matching (search, dedup, stop words), never for display.

Spelling of the same word varies between outlets: hamza seats, alef maqsura vs ya, ta
marbuta vs ha, optional diacritics, tatweel stretching, Persian look-alike letters and
Arabic-Indic digits. Folding these lets "أوكرانيا" match "اوكرانيا" while the original
text is always kept for what users see.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: harakat, tanwin, shadda, sukun, superscript alef, Quranic marks (a regex class body).
DIACRITICS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
TATWEEL = "\u0640"
#: diacritics plus tatweel: marks that live inside a written word.
MARKS = DIACRITICS + TATWEEL
DIACRITICS_RE = re.compile(f"[{DIACRITICS}]")
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u061c]")
_SPACE_RE = re.compile(r"\s+")
#: text made only of these is already a fixed point of every folding step (the fast path).
_STABLE_RE = re.compile(
    "[ !-@\\[-~"  # printable ASCII without upper case
    "\u0621\u0627\u0628\u062a-\u063a\u0641-\u0648\u064a"  # Arabic letters no step rewrites
    "\u060c\u061b\u061f]*"  # ، ؛ ؟
)

#: Arabic-Indic and Eastern Arabic-Indic digits → ASCII
_DIGITS = {
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
_ASCII_DIGITS = str.maketrans(_DIGITS)

#: the one Arabic fold table: every spelling variant → the form used for matching
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ې": "ي",
        "ک": "ك",  # Persian keheh
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **_DIGITS,
        "٫": ".",  # Arabic decimal separator
        "٬": ",",  # Arabic thousands separator
    }
)


def ascii_digits(text: str) -> str:
    """Arabic-Indic digits (٠-٩, ۰-۹) as ASCII, nothing else changed: "٠٧:٣٠" → "07:30"."""
    return text.translate(_ASCII_DIGITS)


def strip_diacritics(text: str) -> str:
    """Remove harakat and tatweel but keep every letter as written."""
    return DIACRITICS_RE.sub("", text).replace(TATWEEL, "")


def normalize(text: str) -> str:
    """Fold ``text`` to its matching form; idempotent: ``normalize(normalize(t)) == normalize(t)``.

    Steps: Unicode NFKC of presentation forms, drop invisible marks, diacritics and tatweel,
    unify alef/hamza forms (أإآٱ→ا, ؤ→و, ئ→ي), ى→ي, ة→ه, Persian ی/ک, Arabic-Indic digits →
    Western, lower-case Latin, collapse whitespace.
    """
    if len(text) <= _WORD_CACHE_MAX_LEN:
        return _normalize_word(text)
    return _normalize(text)


#: words are folded millions of times in a large build (stop-word tests, stems, keys);
#: short strings are memoised, long texts are not (they would fill the memory)
_WORD_CACHE_MAX_LEN = 40


@lru_cache(maxsize=1 << 17)
def _normalize_word(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    # One pass can expose new foldable sequences (e.g. a diacritic removed between a letter
    # and a combining accent); iterate to the fixed point so the result is idempotent.
    for _ in range(8):
        folded = _fold_once(text)
        if folded == text or _STABLE_RE.fullmatch(folded):
            return folded
        text = folded
    return text


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.lower())
    text = _INVISIBLE_RE.sub("", text)
    text = strip_diacritics(text)
    text = text.translate(_FOLD)
    return _SPACE_RE.sub(" ", text).strip()
