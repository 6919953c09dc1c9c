"""Word tokens as written: runs of letters (with their diacritics and tatweel) or numbers.

Punctuation, quotes and hyphens separate tokens ("إف-16" → "إف", "16"; "1950-53" →
"1950", "53"), while a decimal or grouped number ("1.7", "10,000", "٣٫٥") stays whole.
Tokens keep their original spelling; callers normalise for matching.
"""

from __future__ import annotations

import re

from bot.arabic.normalize import MARKS as _MARKS

#: A number with internal separators, or a run of letters/digits/marks (``[^\W_]`` = \w minus _).
WORD_RE = re.compile(rf"(?:[^\W_]|[{_MARKS}])*?\d+(?:[.,٫٬]\d+)+|(?:[^\W_]|[{_MARKS}])+")


def words(text: str) -> list[str]:
    """Split ``text`` into word tokens in reading order, each an exact substring."""
    return [t for t in WORD_RE.findall(text) if not _ONLY_MARKS_RE.fullmatch(t)]


#: a stray diacritic or tatweel (e.g. "ـ" between words) is not a word by itself.
_ONLY_MARKS_RE = re.compile(f"[{_MARKS}]+")
