"""Arabic stop words, shipped offline with sumy (751 entries), in normalised form.

Normalising the list lets "إلى"/"الى" or "التي"/"التى" match whatever spelling an article
uses. Nothing is downloaded: the list is read from sumy's package data.
"""

from __future__ import annotations

from sumy.utils import get_stop_words

from bot.arabic.normalize import normalize

#: sumy's list plus a few function words of news prose it lacks (conjunction-prefixed forms).
_EXTRA = frozenset({"وقال", "وقالت", "واضاف", "واضافت", "كما", "ايضا", "حيث", "وفق", "وفقا"})

STOP_WORDS: frozenset[str] = (
    frozenset(
        w
        for w in (normalize(s) for s in get_stop_words("arabic"))
        if w and any(c.isalpha() for c in w)
    )
    | _EXTRA
)


def is_stop_word(word: str) -> bool:
    """True when ``word`` (any spelling) is a function word not worth scoring or searching."""
    return normalize(word) in STOP_WORDS
