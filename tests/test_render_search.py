"""The reviewer's presentation and search defects, pinned: each test fails on the old code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from botapi_emulator.html_entities import parse_html
from test_telegram_support import REAL_CACHE, ev, sample_cache

from bot.arabic.normalize import normalize
from bot.cache.search import SearchIndex, query_words, word_forms
from bot.model import ABSOLUTE, Cache, TimelineEvent
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.views import RECENT_QUERIES, Views


def plain(text: str) -> str:
    return parse_html(text)[0]


# --- 1. search: hits are the matching sentences themselves ---------------------------


def test_a_title_word_does_not_make_every_sentence_a_hit() -> None:
    index = SearchIndex(sample_cache())
    # "مخيف" is only in article 000's title, in none of its sentences
    assert index.search_all(query_words("مخيف")) == []
    hits = index.search_all(query_words("بيونغ"))
    assert [h.text for h in hits] == [
        "وقّع البلدان الاتفاقية في يونيو/حزيران الماضي خلال زيارة بوتين إلى بيونغ يانغ."
    ]
    assert hits[0].sources[0].article_id == "000_aaaa" and hits[0].sources[0].sentence_index == 3


def test_matching_rule_prefixes_and_clitics() -> None:
    forms = word_forms("ووقّع البلدان والاتفاقية بالاتفاق")
    assert {"اتفاقيه", "وقع", "بلدان"} <= forms
    for query in ("الاتفاقية", "اتفاقيه", "والإتفاقية", "الاتفاق", "وقع البلدان"):
        assert all(any(f.startswith(w) for f in forms) for w in query_words(query)), query
    index = SearchIndex(sample_cache())
    # every query word must be present: one missing word, no hit
    assert index.search_all(query_words("بيونغ واشنطن")) == []


def test_quoted_source_sentences_are_searchable_too() -> None:
    cache = sample_cache()
    event = cache.timeline[0].model_copy(
        update={"sources": [ev("002_cccc", 40, "نشرت كوريا الشمالية جنودا في منطقة كورسك.")]}
    )
    cache = cache.model_copy(update={"timeline": [event]})
    hits = SearchIndex(cache).search_all(query_words("كورسك"))
    assert [(h.kind, h.text) for h in hits] == [
        ("sentence", "نشرت كوريا الشمالية جنودا في منطقة كورسك.")
    ]


@pytest.mark.skipif(not REAL_CACHE.exists(), reason="summaries/cache.json not built yet")
@pytest.mark.parametrize("query", ["الاتفاقية", "الدفاع المشترك", "بوتين", "أوكرانيا", "الصين"])
def test_real_cache_every_hit_contains_every_query_word(query: str) -> None:
    from bot.cache.store import load_cache

    index = SearchIndex(load_cache(Path(REAL_CACHE)))
    words = query_words(query)
    hits = index.search_all(words)
    assert hits
    for hit in hits:
        text = normalize(hit.text + " " + hit.label if hit.kind == "reaction" else hit.text)
        text += " " + (normalize(hit.label) if hit.kind in ("treaty", "reaction") else "")
        text += " " + normalize(hit.party or "")
        for word in words:
            assert word in text, (word, hit.text)
    if query == "الاتفاقية":  # the reviewer's example: a sentence without the word
        assert not any("آلاف الجنود" in h.text and "اتفاق" not in h.text for h in hits)


def test_search_pages_with_buttons_and_a_bounded_memory() -> None:
    cache = sample_cache(n_events=30)  # 30 events say "اتفاقية"
    views = Views(cache)
    screen, total = views.search("ar", "اتفاقية")
    assert total > 20
    text = plain(screen.parts[0])
    assert f"1–10 من {total}" in text and "صفحة 1/" in text
    assert screen.markup is not None
    (next_button,) = [b for row in screen.markup.inline_keyboard for b in row]
    data = str(next_button.callback_data)
    assert len(data.encode()) <= cb.MAX_BYTES
    action = cb.decode(data, views.tag)
    assert isinstance(action, cb.SearchPage) and action.page == 1
    second = views.search_page("ar", action.key, 1)
    assert second is not None and f"11–20 من {total}" in plain(second.parts[0])
    assert views.search_page("ar", "0123456789", 0) is None  # forgotten → ask again
    for i in range(RECENT_QUERIES + 50):
        views.search("ar", f"كلمة{i}")
    assert len(views._queries) == RECENT_QUERIES
    assert views.search_page("ar", action.key, 1) is None


def test_one_page_of_hits_has_no_buttons_and_none_found_explains_the_rule() -> None:
    views = Views(sample_cache())
    screen, total = views.search("en", "بيونغ")
    assert total == 1 and screen.markup is None
    none, _ = views.search("en", "كلمةغيرموجودة")
    assert "every search word" in plain(none.parts[0])


# --- 2–7. labels, outlets, links, citations, digits, superscripts --------------------


def test_no_comment_stance_is_not_declined() -> None:
    cache = sample_cache()
    china = render.reaction_parties(cache).index("الصين")
    assert "🤐 لم يعلّق بعد" in render.render_reactions("ar", cache, china, 0).text
    english = render.render_reactions("en", cache, china, 0).text
    assert "no comment yet" in english and "declined" not in english


def test_a_digest_link_appears_once_on_the_footnote() -> None:
    cache = sample_cache()
    for lang in ("ar", "en"):
        html = render.render_digest(lang, cache, cache.articles[1])
        assert html.count("https://www.hura7.com/news/1") == 1
        assert re.search(r'<a href="https://www\.hura7\.com/news/1">hura7\.com</a> — «', html)


def test_each_cited_sentence_is_numbered_with_its_source_command() -> None:
    cache = sample_cache()
    one = render.Citations(cache, "ar")
    one.cite([ev("000_aaaa", 4, "x")])
    assert "¹ الجملة 5 /source_000_5" in plain(one.footer())
    many = render.Citations(cache, "en")
    many.cite([ev("000_aaaa", 4, "x"), ev("000_aaaa", 8, "x"), ev("000_aaaa", 10, "x")])
    assert (
        "¹ sentence 5 /source_000_5 · sentence 9 /source_000_9 · sentence 11 /source_000_11"
        in plain(many.footer())
    )


def test_one_superscript_per_line_reused_for_the_same_sentences() -> None:
    cites = render.Citations(sample_cache(), "ar")
    assert cites.cite([ev("002_cccc", 1, "x")]) == " ¹"
    assert cites.cite([ev("001_bbbb", 1, "x")]) == " ²"
    assert cites.cite([ev("000_aaaa", 1, "x"), ev("001_bbbb", 2, "x")]) == " ³"
    assert cites.cite([ev("001_bbbb", 2, "x"), ev("000_aaaa", 1, "x")]) == " ³"
    footer = plain(cites.footer())
    assert footer.count("³") == 2  # under each article the line cites


def test_one_digit_system_per_message() -> None:
    cache = sample_cache(n_events=30)
    views = Views(cache)
    screens = [
        render.render_timeline("ar", cache, 1, "o", None).text,
        render.render_reactions("ar", cache, None, 0).text,
        render.render_digest_menu("ar", cache, 0),
        render.render_sources("ar", cache),
        views.search("ar", "اتفاقية")[0].parts[0],
    ]
    for screen in screens:
        assert not re.search("[٠-٩]", plain(screen)), screen[:80]
    assert "الخط الزمني — 2/5" in plain(screens[0])


# --- 8. range events under every year they cover --------------------------------------


def test_range_event_is_listed_under_each_year() -> None:
    war = TimelineEvent(
        date="1950",
        end="1953",
        granularity="year",
        text="الحرب الكورية",
        resolution=ABSOLUTE,
        sources=[ev("000_aaaa", 20, "x")],
    )
    cache: Cache = sample_cache().model_copy(update={"timeline": [war]})
    assert render.timeline_years(cache) == [1950, 1951, 1952, 1953]
    for year in (1950, 1951, 1952, 1953):
        assert "الحرب الكورية" in render.render_timeline("ar", cache, 0, "o", year).text
    assert "الحرب الكورية" not in render.render_timeline("ar", cache, 0, "o", 1954).text
    absurd = war.model_copy(update={"end": "9999"})
    assert render.event_years(absurd) == range(1950, 1951)


def test_search_header_shows_the_query_as_this_user_typed_it() -> None:
    views = Views(sample_cache(n_events=30))
    first, _ = views.search("ar", "اتفاقيه")
    second, total = views.search("ar", "اتفاقية")  # same normalised key, other spelling
    assert "«اتفاقية»" in plain(second.parts[0]) and "«اتفاقيه»" not in plain(second.parts[0])
    assert "«اتفاقيه»" in plain(first.parts[0])
    assert total > 20 and len(views._queries) == 1  # the hits were not searched twice


def test_reaction_hits_name_the_party_in_the_readers_language() -> None:
    from bot.cache.store import load_cache

    cache = load_cache(Path(REAL_CACHE))
    index = SearchIndex(cache)
    hits = [h for h in index.search_all(query_words("كوليبا")) if h.kind == "reaction"]
    assert hits
    en = plain(render.render_search("en", cache, "كوليبا", hits).text)
    ar = plain(render.render_search("ar", cache, "كوليبا", hits).text)
    assert "(Ukraine)" in en and "(أوكرانيا)" in ar
    # and an English party name finds the reaction too
    assert any(h.kind == "reaction" for h in index.search_all(query_words("Ukraine")))
