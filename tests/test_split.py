"""The splitter: every part fits Telegram's limit after entity parsing, parses, loses nothing."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from botapi_emulator.html_entities import parse_html
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.split import TELEGRAM_LIMIT, plain_text, split_html, utf16_len

ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}


class _StrictParser(HTMLParser):
    """Telegram-like validation: known tags only, properly nested, nothing left open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(part: str) -> str:
    """Plain text of a part; fails on anything Telegram would reject."""
    assert not re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", part), part[:200]
    parser = _StrictParser()
    parser.feed(part)
    parser.close()
    assert parser.stack == [], parser.stack
    plain = "".join(parser.text)
    assert parse_html(part)[0] == plain  # the emulator's Telegram-faithful parser agrees
    return plain


def check(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    parts = split_html(text, limit)
    plains = [parse(p) for p in parts]
    for plain in plains:
        assert utf16_len(plain) <= limit
        assert plain.strip()
    joined, original = "".join(plains), plain_text(text)
    # Nothing is lost: only parts that would be pure whitespace are dropped.
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", original)
    if not re.search(rf"\s{{{limit},}}", original):
        # exact, except a whitespace tail that could not fit in the last part
        assert original.startswith(joined) and not original[len(joined) :].strip()
    return parts


# Arabic, Latin, digits, emoji (astral: 2 UTF-16 units), RTL marks, HTML specials, breaks.
_alphabet = st.sampled_from(
    list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآةى")
    + list("abcXYZ0123456789")
    + ["😀", "👍🏽", "🇸🇦", "\u200f", "\u200e", "<", ">", "&", '"', "'"]
    + [". ", "؟ ", "\n", "\n\n", " "]
)
_words = st.lists(_alphabet, min_size=1, max_size=400).map("".join)
_tag = st.sampled_from(["b", "i", "u", "s", "code"])


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    chunks = []
    for _ in range(draw(st.integers(1, 12))):
        text = html.escape(draw(_words), quote=False)
        choice = draw(st.integers(0, 3))
        if choice == 1:
            tag = draw(_tag)
            text = f"<{tag}>{text}</{tag}>"
        elif choice == 2:
            text = f'<a href="https://example.com/?a=1&amp;b=2">{text}</a>'
        elif choice == 3:
            outer, inner = draw(_tag), draw(_tag)
            text = f"<{outer}>x<{inner}>{text}</{inner}>y</{outer}>"
        chunks.append(text)
    doc = "".join(chunks)
    if not plain_text(doc).strip():
        doc += "ا"
    return doc


@settings(max_examples=200, deadline=None)
@given(html_documents(), st.integers(8, 300))
def test_random_html_splits_into_valid_parts(doc: str, limit: int) -> None:
    check(doc, limit)


@settings(max_examples=30, deadline=None)
@given(html_documents())
def test_long_documents_respect_telegram_limit(doc: str) -> None:
    check(doc * 20)


def test_short_message_is_one_unchanged_part() -> None:
    text = "<b>مرحبا</b> &amp; hello"
    assert split_html(text) == [text]


def test_cuts_at_paragraph_before_sentence() -> None:
    para1 = "جملة أولى. " * 30
    para2 = "جملة ثانية. " * 30
    parts = check(f"{para1}\n\n{para2}", limit=len(para1) + 50)
    assert plain_text(parts[0]).endswith("\n\n")
    assert plain_text(parts[1]).startswith("جملة ثانية")


def test_cuts_at_sentence_end_when_no_paragraph_fits() -> None:
    text = "هذه جملة طويلة نسبيا. " * 20
    parts = check(text, limit=100)
    assert all(plain_text(p).rstrip().endswith(".") for p in parts)


def test_tag_spanning_a_cut_is_closed_and_reopened() -> None:
    text = "<b>" + "كلمة " * 50 + "</b>"
    parts = check(text, limit=60)
    assert len(parts) > 1
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in parts)


def test_link_spanning_a_cut_keeps_its_href() -> None:
    text = '<a href="https://x.example/?q=1&amp;r=2">' + "رابط " * 40 + "</a>"
    parts = check(text, limit=50)
    assert all(p.startswith('<a href="https://x.example/?q=1&amp;r=2">') for p in parts)


def test_entities_never_cut_and_count_as_one_character() -> None:
    text = "&amp;" * 5000
    parts = check(text)
    assert [len(plain_text(p)) for p in parts] == [4096, 904]


def test_emoji_count_as_two_utf16_units() -> None:
    parts = check("😀" * 3000)
    assert [len(plain_text(p)) for p in parts] == [2048, 952]


def test_text_is_kept_exactly_when_no_part_is_blank() -> None:
    text = "أ. " * 3000 + "\n\n" + "b " * 3000
    assert "".join(plain_text(p) for p in check(text)) == plain_text(text)


def test_whitespace_only_tail_is_dropped() -> None:
    parts = split_html("ا" + " " * 100, limit=10)
    assert [plain_text(p).strip() for p in parts] == ["ا"]
