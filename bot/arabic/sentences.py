"""Paragraph and sentence splitting for Arabic news prose, keeping the text exactly as written.

Why not sumy's/pyarabic's splitter: it cuts at every Arabic comma "،" and inside
quotations, so its "sentences" are fragments. Here a sentence ends at . ! ? ؟ … (or a run
of dots) followed by a space or the end of the line, and at every line break, except

* inside a matched quotation or bracket: “…” «…» "…" (…) […];
* at a decimal point or any dot not followed by a space ("1.7", "أ.ف.ب", "1950-53");
* after a single letter or initials ("د. غادة", "U.S. forces") and a few Latin titles;
* after a list number at the start of a line ("1. ...");
* at "،" or "؛" (never sentence ends).

A terminal glued to the next Arabic word ("…الاتفاق.وأضاف", pages that lost the space)
ends the sentence too when an Arabic word or a number precedes it.

A bullet (•, ▪, ●, ◦) after a space also starts a new sentence. Every piece is an exact
substring of the input with only surrounding whitespace stripped, so nothing is lost or
invented except whitespace.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from bot.arabic.normalize import MARKS, strip_diacritics

TERMINALS = frozenset(".!?؟…")
BULLETS = frozenset("•▪●◦‣∙·")
#: glyph → closing glyph for quotes/brackets whose role the glyph itself tells.
_PAIRS = {"«": "»", "(": ")", "[": "]", "‹": "›"}
_CLOSERS_OF = {v: k for k, v in _PAIRS.items()}
#: double quotes whose role (open or close) depends on context: writers mix them freely.
_QUOTES = frozenset('"“”„‟″')
_TRAILING_CLOSERS = frozenset("\"“”»)]’›'")
_LATIN_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "mt",
        "ft",
        "no",
        "nos",
        "fig",
        "vol",
        "pp",
        "approx",
    }
)
_CANDIDATE_RE = re.compile(
    "[" + re.escape("".join(sorted(TERMINALS | BULLETS | _QUOTES | set(_CLOSERS_OF)))) + "]"
)
_QUOTE_OR_BRACKET_RE = re.compile(
    "[" + re.escape("".join(sorted(set(_PAIRS) | set(_CLOSERS_OF) | _QUOTES))) + "]"
)
_LIST_NUMBER_RE = re.compile(r"\s*(?:\d+|[٠-٩]+|[A-Za-z])\.$")
_TOKEN_BEFORE_RE = re.compile(rf"(?:[^\W\d_]|[{MARKS}])+$")
_NUMBER_THEN_SPACE_RE = re.compile(r"\d\s+$")
_ARABIC_WORD_RE = re.compile(rf"[\u0621-\u064a][{MARKS}\u0640]*[\u0621-\u064a]")
_ARABIC_BEFORE_RE = re.compile(rf"(?:[\u0621-\u064a{MARKS}\u0640]+|\d+)$")
_INITIALS_TAIL_RE = re.compile(r"(?:[^\W\d_]\u0640?\.)+$")


def split_paragraphs(text: str) -> list[str]:
    """Split at line breaks (any number of them); each non-blank line is a paragraph.

    Scraped articles mark headings and paragraphs with single or double newlines alike,
    so every line is its own unit. Pieces are stripped, blank lines dropped.
    """
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into whole sentences, each an exact (stripped) substring."""
    return [paragraph[start:end] for start, end in sentence_spans(paragraph)]


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character offsets ``(start, end)`` of each sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in paragraph.splitlines(keepends=True):
        cut = line_start
        for boundary in _boundaries(line):
            spans.extend(_trimmed(paragraph, cut, line_start + boundary))
            cut = line_start + boundary
        spans.extend(_trimmed(paragraph, cut, line_start + len(line)))
        line_start += len(line)
    return spans


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def _boundaries(line: str) -> Iterator[int]:
    """Offsets in ``line`` after which a sentence ends (exclusive end positions).

    Only candidate characters (terminals, bullets, closing quotes) are visited, found by a
    regex, so long paragraphs cost little Python-level work.
    """
    spans = protected_spans(line)
    closes_at = {close for _, close in spans}
    n = len(line)
    resume = 0
    for match in _CANDIDATE_RE.finditer(line):
        i = match.start()
        if i < resume or _inside(spans, i):
            continue
        ch = line[i]
        if ch in BULLETS:
            if i > 0 and line[i - 1].isspace():
                yield i
        elif ch in TERMINALS:
            j = i
            while j < n and line[j] in TERMINALS:
                j += 1
            k = j
            while k < n and line[k] in _TRAILING_CLOSERS:
                k += 1
            if ((k == n or line[k].isspace()) and _ends_sentence(line, i, j)) or (
                k < n and _glued(line, i, k)
            ):
                yield k
            resume = k
        elif i in closes_at and _quote_ends_sentence(line, i):
            yield i + 1


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether ``position`` lies strictly inside one of the sorted, disjoint ``spans``."""
    k = bisect.bisect_left(spans, (position, position)) - 1
    return k >= 0 and spans[k][0] < position < spans[k][1]


def _ends_sentence(line: str, start: int, end: int) -> bool:
    """Whether the terminal run ``line[start:end]`` (followed by a space) closes a sentence."""
    if line[start:end] != ".":
        return True  # ! ? ؟ … and dot runs ("..", "...") end sentences
    before = line[:start]
    if _LIST_NUMBER_RE.fullmatch(before + "."):
        return False  # "1. " list numbering at line start
    token = _TOKEN_BEFORE_RE.search(before)
    if token is None:
        return True
    word = strip_diacritics(token.group())
    if len(word) == 1:
        # "د. غادة", "U.S. forces", "أ.ف.ب. " — but "1445 هـ.", "2024 م.", "500 ق.م." mark a year.
        head = _INITIALS_TAIL_RE.sub("", before[: token.start()])
        return _NUMBER_THEN_SPACE_RE.search(head) is not None
    return word.lower() not in _LATIN_TITLES


def _glued(line: str, start: int, after: int) -> bool:
    """A sentence end with no space after it: «…الاتفاق.وأضاف» (pages that lost the space).

    Only between Arabic words: the word before has two letters or more, or is a number
    ("عام 2024.وقال"), so initials ("أ.ف.ب"), decimals ("1.7"), Latin abbreviations and
    web addresses ("aljazeera.net") are left alone; the next word has two Arabic letters.
    """
    if not _ARABIC_WORD_RE.match(line, after):
        return False
    while start > 0 and line[start - 1] in _TRAILING_CLOSERS:
        start -= 1  # «…في العصر الجديد”.واكد»: a closing quote before the full stop
    token = _ARABIC_BEFORE_RE.search(line, 0, start)
    if token is None:
        return False
    word = strip_diacritics(token.group())
    return len(word) >= 2 or word.isdigit()


def _quote_ends_sentence(line: str, close: int) -> bool:
    """A quotation closing right after its own full stop ends the sentence: «… جيد.» ثم.

    Not after a question mark: a quoted question is usually embedded in the sentence.
    """
    if (
        close + 1 < len(line)
        and not line[close + 1].isspace()
        and not _ARABIC_WORD_RE.match(line, close + 1)
    ):
        return False  # glued to the next Arabic word («…جيد.»وأضاف) it still ends
    inner = line[:close].rstrip()
    if not inner or inner[-1] not in TERMINALS or inner[-1] in "?؟":
        return False  # a quoted question often sits inside a sentence: وتساءل «لماذا؟» في إشارة
    start = len(inner)
    while start > 0 and inner[start - 1] in TERMINALS:
        start -= 1
    return _ends_sentence(line, start, len(inner))


def protected_spans(line: str) -> list[tuple[int, int]]:
    """Matched quotation/bracket pairs ``(open, close)`` in one line; unmatched marks are ignored.

    Double quotes are classed by context (a quote after a space and before a letter opens,
    one after a letter and before a space or punctuation closes), because outlets mix “ ”
    and " freely and sometimes use ” to open. A closing mark with nothing open is dropped,
    and so is an opener never closed, so one stray quote cannot swallow a whole paragraph.
    """
    stack: list[tuple[str, int]] = []  # (kind, position); kind is the closing glyph or '"'
    pairs: list[tuple[int, int]] = []
    n = len(line)
    for match in _QUOTE_OR_BRACKET_RE.finditer(line):
        i, ch = match.start(), match.group()
        if ch in _PAIRS:
            stack.append((_PAIRS[ch], i))
        elif ch in _CLOSERS_OF:
            _close(stack, pairs, ch, i)
        elif ch in _QUOTES:
            role = _quote_role(line, i, n)
            top_is_quote = any(kind == '"' for kind, _ in stack)
            if role == "close" or (role == "either" and top_is_quote):
                if top_is_quote:
                    _close(stack, pairs, '"', i)
                elif _opens_text(line, i, n):
                    stack.append(('"', i))  # a lone ” used as an opening quote: أن” روسيا …
            else:
                stack.append(('"', i))
    pairs.sort()
    top: list[tuple[int, int]] = []
    for open_, close in pairs:
        if not top or open_ > top[-1][1]:
            top.append((open_, close))
    return top


def _close(stack: list[tuple[str, int]], pairs: list[tuple[int, int]], kind: str, i: int) -> None:
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0] == kind:
            pairs.append((stack[depth][1], i))
            del stack[depth:]
            return


def _quote_role(line: str, i: int, n: int) -> str:
    before_space = i == 0 or line[i - 1].isspace() or line[i - 1] in "(«[:—–-"
    after_space = i + 1 >= n or line[i + 1].isspace() or _is_punct(line[i + 1])
    if before_space and not after_space:
        return "open"
    if after_space and not before_space:
        return "close"
    ch = line[i]
    if ch in "“„‟":
        return "open" if not after_space else "either"
    if ch == "”":
        return "close" if not before_space else "either"
    return "either"


def _opens_text(line: str, i: int, n: int) -> bool:
    """A stray closer followed by a space and a letter reads as an opening quote."""
    rest = line[i + 1 :].lstrip()
    return i + 1 < n and line[i + 1].isspace() and bool(rest) and rest[0].isalpha()


def _is_punct(ch: str) -> bool:
    return ch in TERMINALS or ch in "،؛,;:)]»”\"'"
