"""Telegram's HTML parse mode as the emulator (and the renderer's length check) apply it."""

from __future__ import annotations

import html

import pytest
from botapi_emulator.html_entities import (
    HTMLParseError,
    MessageEntity,
    entity_text,
    parse_html,
    trim_text,
    utf16_len,
)
from hypothesis import given
from hypothesis import strategies as st


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("مرحبا") == 5
    assert utf16_len("😀") == 2
    assert utf16_len("a😀b") == 4


def test_tags_become_entities_with_utf16_offsets() -> None:
    plain, entities = parse_html("😀 <b>عاجل</b> <i>x</i>")
    assert plain == "😀 عاجل x"
    assert entities == [MessageEntity("bold", 3, 4), MessageEntity("italic", 8, 1)]
    assert entity_text(plain, entities[0]) == "عاجل"


def test_every_supported_tag_and_its_entity_type() -> None:
    source = (
        "<b>1</b><strong>2</strong><i>3</i><em>4</em><u>5</u><ins>6</ins><s>7</s>"
        "<strike>8</strike><del>9</del><tg-spoiler>a</tg-spoiler>"
        '<span class="tg-spoiler">b</span><code>c</code>'
        '<pre><code class="language-python">d</code></pre><pre>e</pre>'
        '<a href="https://example.com/x?a=1&amp;b=2">f</a><blockquote>g</blockquote>'
        "<blockquote expandable>h</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    plain, entities = parse_html(source)
    assert plain == "123456789abcdefgh👍"
    types = [e.type for e in entities]
    assert types == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
        "strikethrough", "strikethrough", "spoiler", "spoiler", "code", "pre", "pre",
        "text_link", "blockquote", "expandable_blockquote", "custom_emoji",
    ]  # fmt: skip
    pre_python = entities[12]
    assert pre_python.language == "python"
    assert entities[14].url == "https://example.com/x?a=1&b=2"
    assert entities[17].custom_emoji_id == "5368324170671202286"


def test_nested_entities_sorted_outer_first() -> None:
    plain, entities = parse_html("<b>a <i>b</i></b>")
    assert plain == "a b"
    assert entities == [MessageEntity("bold", 0, 3), MessageEntity("italic", 2, 1)]


def test_entities_and_case_insensitive_tags() -> None:
    plain, entities = parse_html("<B>&lt;x&gt; &quot;&#1604;&#x0644;&amp;</B> > ok")
    assert plain == '<x> "لل& > ok'
    assert entities == [MessageEntity("bold", 0, 8)]


def test_empty_tags_produce_no_entity() -> None:
    assert parse_html("a<b></b>c") == ("ac", [])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("مرحبا <p>x</p>", 'Unsupported start tag "p" at byte offset 11'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=http://x>y</a>", "Unexpected end of name token at byte offset 8"),
        ("<b x>y</b>", 'Expected equal sign in declaration of an attribute of the tag "b"'),
        ("fish & chips", "Unsupported HTML entity at byte offset 5"),
        ("&nbsp;", "Unsupported HTML entity at byte offset 0"),
    ],
)
def test_markup_telegram_cannot_parse(source: str, message: str) -> None:
    with pytest.raises(HTMLParseError) as info:
        parse_html(source)
    assert info.value.description.startswith(message)


def test_bare_ampersand_allowed_when_not_strict() -> None:
    assert parse_html("fish & chips", strict_ampersand=False) == ("fish & chips", [])


def test_trim_clips_entities() -> None:
    plain, entities = parse_html("\n <b> عنوان </b>\n")
    text, clipped = trim_text(plain, entities)
    assert text == "عنوان"
    assert clipped == [MessageEntity("bold", 0, 5)]


@given(st.text(max_size=200))
def test_escaped_text_round_trips(text: str) -> None:
    """Whatever the bot escapes with html.escape parses back to itself, entity-free."""
    plain, entities = parse_html(html.escape(text, quote=False))
    assert plain == text
    assert entities == []


@given(st.lists(st.tuples(st.sampled_from(["b", "i", "u", "s", "code"]), st.text(max_size=20))))
def test_wrapped_segments_give_matching_entities(parts: list[tuple[str, str]]) -> None:
    source = "".join(f"<{tag}>{html.escape(t, quote=False)}</{tag}>" for tag, t in parts)
    plain, entities = parse_html(source)
    assert plain == "".join(t for _tag, t in parts)
    non_empty = [t for _tag, t in parts if t]
    assert [entity_text(plain, e) for e in entities] == non_empty
    assert utf16_len(plain) == sum(utf16_len(t) for t in non_empty)


_MARKUP_ALPHABET = [*"<>/&;=\"' \nabiuscodepr#x019-ع😀", "tg-spoiler", "span", "class", "href"]


@given(st.lists(st.sampled_from(_MARKUP_ALPHABET), max_size=40).map("".join))
def test_any_input_parses_or_fails_with_a_description(source: str) -> None:
    """Malformed markup is a clean HTMLParseError, never a crash; results are consistent."""
    try:
        plain, entities = parse_html(source)
    except HTMLParseError as exc:
        assert exc.description
        return
    total = utf16_len(plain)
    for e in entities:
        assert e.length > 0 and e.offset >= 0 and e.offset + e.length <= total
