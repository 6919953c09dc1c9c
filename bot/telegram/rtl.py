"""Right-to-left helpers: keep Arabic lines reading right-to-left in Telegram clients.

Clients pick a paragraph's direction from its first strong character, so a line that
starts with a digit, a bullet or Latin text would be laid out left-to-right. A leading
RIGHT-TO-LEFT MARK (U+200F) fixes the direction without showing anything.
"""

from __future__ import annotations

import re
import unicodedata

RLM = "\u200f"
_TAG = re.compile(r"<[^>]*>")


def _first_visible(line: str) -> str | None:
    """First character of the line's text, ignoring HTML tags."""
    for ch in _TAG.sub("", line):
        if not ch.isspace():
            return ch
    return None


def needs_rlm(line: str) -> bool:
    """True when the line's first character is not a right-to-left letter."""
    ch = _first_visible(line)
    if ch is None or ch == RLM:
        return False
    return unicodedata.bidirectional(ch) not in ("R", "AL")


def rtl_lines(text: str) -> str:
    """Prefix U+200F to every line whose first character would make it read left-to-right."""
    return "\n".join(RLM + line if needs_rlm(line) else line for line in text.split("\n"))


LRM = "\u200e"


def needs_lrm(line: str) -> bool:
    """True when the line's first *strong* character (skipping bullets, digits, spaces
    and punctuation) is right-to-left: a client would lay the whole line out RTL."""
    for ch in _TAG.sub("", line):
        kind = unicodedata.bidirectional(ch)
        if kind == "L" or ch == LRM:
            return False
        if kind in ("R", "AL"):
            return True
    return False


def ltr_lines(text: str) -> str:
    """Prefix U+200E to every line that starts with Arabic, so an English screen's lines
    (an Arabic quote after a bullet, a date range) all read left-to-right."""
    return "\n".join(LRM + line if needs_lrm(line) else line for line in text.split("\n"))
