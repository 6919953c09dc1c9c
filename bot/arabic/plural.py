"""Light matching of broken plurals with their singulars (سلاح ~ أسلحة, جندي ~ جنود).

Arabic forms many plurals by changing the vowels inside the word, which a suffix stemmer
(Snowball, :mod:`bot.arabic.stem`) cannot undo: it stems «سلاح» to «سلاح» and «أسلحة»
to «اسلح». Here a normalised word that fits one of the commonest singular or plural
patterns is reduced to its three root letters, so both sides meet on «سلح». Words that
fit no pattern have no root (``None``): this is deliberately narrow, for search recall,
never for analysis.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.arabic.normalize import normalize

_C = "([^اويه])"  # a root consonant (normalised: ة is ه, hamza seats are ا/و/ي)
_PATTERNS = tuple(
    re.compile(p)
    for p in (
        f"^{_C}{_C}[اوي]{_C}$",  # فعال فعيل فعول: سلاح، سفير، جنود
        f"^ا{_C}{_C}ا{_C}$",  # أفعال: أسلاك، أطراف
        f"^ا{_C}{_C}{_C}ه$",  # أفعلة: أسلحة
        f"^{_C}{_C}{_C}ي$",  # فعلي as a noun: جندي
        f"^{_C}ا{_C}{_C}$",  # فاعل: حاكم (plural حكام)
    )
)


@lru_cache(maxsize=1 << 16)
def pattern_root(word: str) -> str | None:
    """The three root letters of a normalised word of four or more letters that fits a
    common singular/plural pattern; None otherwise."""
    word = normalize(word)
    if len(word) < 4:
        return None
    for pattern in _PATTERNS:
        if (match := pattern.match(word)) is not None:
            return "".join(match.groups())
    return None
