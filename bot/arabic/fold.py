"""Transliteration folding: spellings of one foreign sound written with different letters.

Arabic outlets write a foreign "g" as غ, ج or ق ("بيونغ يانغ", "بيونج يانج") and an
interdental as ظ/ز, ث/س, ذ/ز. Folding them (after :func:`normalize`) lets a name typed one
way find the other. For matching only, never for display.
"""

from __future__ import annotations

from functools import lru_cache

from bot.arabic.normalize import normalize

#: Letters that transliterations of one foreign sound alternate between (g: غ/ج/ق).
TRANSLIT = str.maketrans({"غ": "ج", "ق": "ج", "ظ": "ز", "ث": "س", "ذ": "ز"})


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """One word normalised, with transliteration variants folded ("جونغ" → "جونج")."""
    return normalize(word).translate(TRANSLIT)


def fold(text: str) -> str:
    """A whole text normalised and folded (same rule as :func:`fold_word`)."""
    return normalize(text).translate(TRANSLIT)
