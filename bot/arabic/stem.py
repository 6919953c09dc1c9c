"""A light Arabic stemmer for matching word families ("والمعاهدة" ~ "معاهدات").

Uses NLTK's Snowball Arabic stemmer (the one sumy uses), which is pure Python and needs
no downloaded data; NLTK (which imports SciPy: 110 MiB and seconds) is loaded on the first
stem, so a process that never stems — the bot serving a built cache — never loads it.
Words are stemmed before ta-marbuta folding (the stemmer's suffix
rules need "ة") and the stem is then normalised, so equal stems compare equal.

NLTK's ``ArabicStemmer.stem`` does not reset one of its flags
(``suffixes_verb_step1_success``) between words, so one shared instance stems a word
differently depending on the word before it ("موسكو" gave "موسك" or "موس"). Each word
gets a fresh instance (well under a microsecond) and its stem is then cached: the same
word always has the same stem, whatever was stemmed before.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from bot.arabic.normalize import normalize, strip_diacritics

if TYPE_CHECKING:
    from nltk.stem.snowball import ArabicStemmer


@cache
def _stemmer_class() -> type[ArabicStemmer]:
    from nltk.stem.snowball import ArabicStemmer

    stemmer: type[ArabicStemmer] = ArabicStemmer
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the normalised stem of one word; Latin words and numbers are only lower-cased."""
    plain = strip_diacritics(word).strip()
    if not plain:
        return ""
    if not any("\u0600" <= ch <= "\u06ff" for ch in plain):
        return normalize(plain)
    stemmed: str = _stemmer_class()().stem(plain)  # fresh: no state from the last word
    return normalize(stemmed) or normalize(plain)
