"""Property: whatever the cache holds (Arabic, Latin, emoji, HTML specials, RTL marks,
huge texts), every reply splits into parts Telegram can parse, each within 4096 units,
and the parts together show the whole reply."""

from __future__ import annotations

import re

from botapi_emulator.html_entities import MAX_MESSAGE_LENGTH, parse_html, utf16_len
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_telegram_support import ev, sample_cache

from bot.cache.search import SearchIndex, query_words
from bot.model import ABSOLUTE, Cache, DateResolution, Reaction, TimelineEvent, TreatyArticle
from bot.telegram import render
from bot.telegram.i18n import LANGS, Lang
from bot.telegram.split import plain_text, split_html

_pieces = st.sampled_from(
    [
        "معاهدة",
        "الشراكة",
        " ",
        " ",
        "، ",
        ". ",
        "؟ ",
        "\n",
        "NATO",
        "Kim",
        "2024",
        "١٩",
        "😀",
        "🇰🇵",
        "\u200f",
        "\u200e",
        "<b>",
        "</i>",
        "&",
        "&amp;",
        "<",
        ">",
        '"',
        "'",
        "«",
        "»",
    ]
)
texts = st.lists(_pieces, min_size=1, max_size=60).map("".join)
long_texts = st.lists(_pieces, min_size=1, max_size=3000).map("".join)


@st.composite
def caches(draw: st.DrawFn) -> Cache:
    base = sample_cache(n_events=2)
    events = [
        TimelineEvent(
            date=draw(st.sampled_from(["2024", "2024-06", "2024-06-19", "1950"])),
            granularity="day",
            end=draw(st.none() | st.just("2024-07")),
            text=draw(long_texts if i == 0 else texts),
            resolution=draw(
                st.sampled_from(
                    [
                        ABSOLUTE,
                        DateResolution(
                            kind="relative",
                            phrase=draw(texts),
                            value="2024-06",
                            published="2024-06-19",
                        ),
                    ]
                )
            ),
            sources=[ev("000_aaaa", i, "x"), ev(draw(texts), 3, "y")],
        )
        for i in range(draw(st.integers(0, 8)))
    ]
    treaty = [
        TreatyArticle(
            number=draw(st.none() | st.integers(1, 30)),
            title=draw(texts),
            text=draw(long_texts),
            sources=[ev("001_bbbb", 1, "z")],
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    reactions = [
        Reaction(
            actor=draw(texts),
            actor_key="k",
            role=draw(st.none() | texts),
            party=draw(st.none() | texts),
            stance=draw(st.sampled_from(["critical", "supportive", "neutral", "no_comment"])),
            quote=draw(texts),
            kind=draw(st.sampled_from(["quote", "paraphrase", "no_comment"])),
            sources=[ev("002_cccc", 2, "w")],
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    articles = [a.model_copy(update={"title": draw(texts)}) for a in base.articles]
    return base.model_copy(
        update={
            "articles": articles,
            "timeline": events,
            "treaty_articles": treaty,
            "reactions": reactions,
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caches(), texts, st.sampled_from(LANGS))
def test_every_reply_splits_into_valid_parts(cache: Cache, query: str, lang: Lang) -> None:
    index = SearchIndex(cache)
    hits = index.search_all(query_words(query))
    screens = [
        render.render_sources(lang, cache),
        render.render_treaty(lang, cache),
        render.render_timeline(lang, cache, 0, "o", None).text,
        render.render_reactions(lang, cache, 0, 0).text,
        render.render_search(lang, cache, query, hits).text,
        *(render.render_digest(lang, cache, a) for a in cache.articles),
    ]
    for screen in screens:
        parts = split_html(screen)
        assert parts
        shown = []
        for part in parts:
            plain, _ = parse_html(part)  # raises if Telegram could not parse it
            assert utf16_len(plain) <= MAX_MESSAGE_LENGTH
            assert plain.strip()
            shown.append(plain)
        assert re.sub(r"\s", "", "".join(shown)) == re.sub(r"\s", "", plain_text(screen))
