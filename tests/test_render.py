"""Pure rendering: escaping, citations, RTL marks, paging and filters, all valid Telegram HTML."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botapi_emulator.html_entities import MAX_MESSAGE_LENGTH, parse_html, utf16_len
from test_telegram_support import REAL_CACHE, sample_cache

from bot.cache.search import SearchIndex, query_words
from bot.model import ABSOLUTE, Cache, DateResolution
from bot.telegram import render
from bot.telegram.i18n import Lang
from bot.telegram.rtl import RLM, needs_rlm, rtl_lines

LANGS: list[Lang] = ["ar", "en"]
SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"


@pytest.fixture
def cache() -> Cache:
    return sample_cache()


def valid(text: str) -> str:
    """Plain text of ``text``; raises if Telegram could not parse it."""
    plain, _ = parse_html(text)
    return plain


def all_screens(cache: Cache, lang: Lang) -> list[str]:
    index = SearchIndex(cache)
    hits = index.search_all(query_words("اتفاقية"))
    return [
        render.render_welcome(lang, "<Ali & Co>"),
        render.render_help(lang, ["start", "help", "digest"]),
        render.render_about(lang, cache),
        render.render_sources(lang, cache),
        render.render_treaty(lang, cache),
        render.render_digest_menu(lang, cache, 0),
        *(render.render_digest(lang, cache, a) for a in cache.articles),
        render.render_timeline(lang, cache, 0, "o", None).text,
        render.render_timeline(lang, cache, 1, "n", 2024).text,
        render.render_reactions(lang, cache, None, 0).text,
        render.render_reactions(lang, cache, 0, 0).text,
        render.render_search(lang, cache, "اتفاقية <b>&", hits).text,
        render.render_search(lang, cache, "اتفاقية <b>&", hits * 3, 1).text,
        render.render_search(lang, cache, "<b>&", []).text,
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_screen_is_valid_html_within_the_limit(cache: Cache, lang: Lang) -> None:
    for screen in all_screens(cache, lang):
        plain = valid(screen)
        assert plain.strip()
        assert utf16_len(plain) <= MAX_MESSAGE_LENGTH


def test_dynamic_text_is_escaped(cache: Cache) -> None:
    sources = render.render_sources("ar", cache)
    assert "NATO &amp; Seoul react &lt;b&gt;" in sources
    assert "NATO & Seoul react <b>" in valid(sources)
    assert "&lt;Ali &amp; Co&gt;" in render.render_welcome("en", "<Ali & Co>")
    timeline = render.render_timeline("ar", cache, 0, "o", None).text
    assert "&lt;شراكة&gt; &amp; تعاون" in timeline


def test_urls_are_attribute_escaped(cache: Cache) -> None:
    text = render.render_digest("ar", cache, cache.articles[0])
    assert 'href="https://example.com/a?x=1&amp;y=&lt;2&gt;"' in text
    _, entities = parse_html(text)
    assert any(e.url == "https://example.com/a?x=1&y=<2>" for e in entities)


def test_digest_has_title_outlet_date_sentences_and_link(cache: Cache) -> None:
    article = cache.articles[0]
    plain = valid(render.render_digest("ar", cache, article))
    assert article.title in plain
    assert "الأول" in plain and "5 ديسمبر 2024" in plain
    digest = cache.digest(article.id)
    assert digest is not None
    for sentence in digest.sentences:
        assert sentence in plain
    # each line traceable: its own footnote gives the sentence number and a /source command
    assert re.search(r"الأول — «.+»\n\u200f?¹ الجملة 1 /source_000_1\n\u200f?² الجملة 4", plain)


def test_digest_without_url_or_digest_says_so(cache: Cache) -> None:
    article = cache.articles[2]  # no url, no digest
    plain = valid(render.render_digest("en", cache, article))
    assert "no digest" in plain
    assert "Read the original" not in plain


def test_citations_number_lines_in_order_and_resolve_at_bottom(cache: Cache) -> None:
    plain = valid(render.render_timeline("ar", cache, 0, "o", None).text)
    body, footer = plain.split("المصادر:")
    # one number per line, each resolved under every article it cites
    assert [n for n in "¹²³⁴⁵⁶" if n in body] == list("¹²³⁴⁵⁶")
    assert footer.index("الأول") < footer.index("hura7.com")
    # sentence indices are counted from 1 in the footnote: evidence 0 → 1, 1 → 2
    assert "¹ الجملة 1 /source_000_1" in footer and "¹ الجملة 2 /source_001_2" in footer


def test_arabic_lines_starting_with_digits_or_latin_get_rlm(cache: Cache) -> None:
    for screen in all_screens(cache, "ar"):
        for line in valid(screen).split("\n"):
            if line and not line[0].isspace():
                assert not needs_rlm(line), line


def test_rtl_lines() -> None:
    assert rtl_lines("2024 سنة\nسنة\nNATO قال\n<b>19</b> يونيو") == (
        f"{RLM}2024 سنة\nسنة\n{RLM}NATO قال\n{RLM}<b>19</b> يونيو"
    )
    assert rtl_lines(rtl_lines("1 ا")) == rtl_lines("1 ا")


def test_english_ui_keeps_latin_lines_plain(cache: Cache) -> None:
    assert RLM not in render.render_help("en", ["start"])


def test_timeline_orders_pages_and_filters(cache: Cache) -> None:
    oldest = render.render_timeline("en", cache, 0, "o", None)
    newest = render.render_timeline("en", cache, 0, "n", None)
    assert oldest.pages == newest.pages == 2
    assert "حدث رقم 0:" in oldest.text and "حدث رقم 0:" not in newest.text
    assert "حدث رقم 8:" in newest.text
    last = render.render_timeline("en", cache, 99, "o", None)
    assert last.page == 1 and "حدث رقم 8:" in last.text
    only_2023 = render.render_timeline("en", cache, 0, "o", 2023)
    assert only_2023.pages == 1
    assert re.findall(r"حدث رقم (\d)", only_2023.text) == ["0", "1"]
    assert "January 2023" in only_2023.text  # month precision: no day invented
    assert "«الخميس», counted from the article's publication date (5 December 2024)" in (
        only_2023.text
    )


def test_empty_cache_screens_are_polite() -> None:
    empty = Cache(source_digest="x", digest_algorithm="none", articles=[], digests=[])
    for lang in LANGS:
        for screen in all_screens(empty, lang):
            assert valid(screen).strip()


def test_reactions_filter_by_party(cache: Cache) -> None:
    parties = render.reaction_parties(cache)
    assert parties == sorted({"الولايات المتحدة", "الصين", "كوريا الجنوبية"})
    china = render.render_reactions("ar", cache, parties.index("الصين"), 0)
    plain = valid(china.text)
    assert "وزارة الخارجية الصينية" in plain and "بلينكن" not in plain
    assert "🤐 لم يعلّق بعد" in plain and "امتنع" not in plain
    everyone = valid(render.render_reactions("ar", cache, None, 0).text)
    assert "«هذا التعاون يشكل تهديدًا خطيرًا»" in everyone  # quotes in guillemets
    assert render.render_reactions("ar", cache, 99, 0).party is None


def test_treaty_numbers_and_unnumbered(cache: Cache) -> None:
    plain = valid(render.render_treaty("en", cache))
    assert "Article 4 — الدفاع المشترك" in plain
    assert "Provision — التعاون الاقتصادي" in plain
    assert plain.index("Article 4") < plain.index("Provision —")


def test_about_shows_schema_digest_and_counts(cache: Cache) -> None:
    plain = valid(render.render_about("en", cache))
    assert f"Schema version: {cache.schema_version}" in plain
    assert cache.source_digest[:16] in plain
    assert "Articles: 3" in plain and "Timeline events: 9" in plain


def test_search_is_arabic_normalised(cache: Cache) -> None:
    index = SearchIndex(cache)
    # hamza/alef, ta marbuta, diacritics and tatweel in the query all fold away
    for query in ["الاتفاقيه", "الإتفاقية", "الاتّفاقـية", "اتفاقيه"]:
        hits, total = index.search(query_words(query))
        assert total > 0, query
    # the article is optional on either side: "التهديد" finds "تهديدًا"
    assert index.search(query_words("التهديد"))[1] == 1
    assert query_words("والاتفاقية ال لل") == ["اتفاقيه", "ال", "لل"]
    hits, total = index.search(query_words("بلينكن تهديدا"))
    assert [h.kind for h in hits] == ["reaction"]
    assert index.search(query_words("كلمةغيرموجودة"))[1] == 0
    assert index.search([]) == ([], 0)


def test_search_results_are_cited(cache: Cache) -> None:
    index = SearchIndex(cache)
    hits = index.search_all(query_words("الطرفين"))
    plain = valid(render.render_search("ar", cache, "الطرفين", hits).text)
    assert "[ملخص]" in plain and "[بند]" in plain
    assert "المصادر:" in plain and re.search(f"[{SUP}]", plain)


def test_query_words_are_bounded() -> None:
    words = query_words("كلمة " * 5000 + "ا" * 500)
    assert len(words) <= 12 and all(len(w) <= 64 for w in words)


def test_outlet_falls_back_to_host_then_unnamed_never_the_id(cache: Cache) -> None:
    assert render.outlet(cache.articles[1]) == "hura7.com"
    bare = cache.articles[2].model_copy(update={"source": None, "url": None})
    assert render.outlet(bare, "ar") == "مصدر غير مسمّى"
    assert render.outlet(bare, "en") == "unnamed outlet"
    nameless = cache.model_copy(update={"articles": [bare]})
    for lang in LANGS:
        for plain in (
            valid(render.render_sources(lang, nameless)),
            valid(render.render_digest(lang, nameless, bare)),
            render.article_button_label(bare, lang),
        ):
            assert "002" not in plain and "المقال 0" not in plain
            assert render.outlet(bare, lang) in plain and bare.title[:12] in plain


def test_reaction_details_do_not_repeat_the_actor(cache: Cache) -> None:
    r = cache.reactions[1].model_copy(update={"actor": "الصين", "role": "الصين"})
    text = render.render_reactions("ar", cache.model_copy(update={"reactions": [r]}), None, 0)
    assert "<b>الصين</b> —" in text.text


@pytest.mark.skipif(not REAL_CACHE.exists(), reason="summaries/cache.json not built yet")
@pytest.mark.parametrize("lang", LANGS)
def test_real_cache_every_page_is_valid(lang: Lang) -> None:
    from bot.cache.store import load_cache

    real = load_cache(REAL_CACHE)
    screens = all_screens(real, lang)
    first = render.render_timeline(lang, real, 0, "o", None)
    screens += [render.render_timeline(lang, real, p, "o", None).text for p in range(first.pages)]
    for y in render.timeline_years(real):
        screens.append(render.render_timeline(lang, real, 0, "n", y).text)
    parties = render.reaction_parties(real)
    for party in [None, *range(len(parties))]:
        view = render.render_reactions(lang, real, party, 0)
        screens += [render.render_reactions(lang, real, party, p).text for p in range(view.pages)]
    for screen in screens:
        plain = valid(screen)
        assert plain.strip() and utf16_len(plain) <= MAX_MESSAGE_LENGTH
    # every timeline event appears exactly once across the pages
    shown = "".join(
        valid(render.render_timeline(lang, real, p, "o", None).text) for p in range(first.pages)
    )
    for event in real.timeline:
        assert event.text in shown


def test_relative_dates_say_how_they_were_resolved() -> None:
    how = DateResolution(
        kind="relative",
        phrase="الخميس",
        value="2024-12-05",
        rule="latest such weekday not after",
        published="2024-12-05",
    )
    assert render.resolution_note("ar", how) == (
        "التاريخ مستنتج من «الخميس» بالنسبة إلى تاريخ نشر المقال (5 ديسمبر 2024)"
    )
    assert "counted from the article's publication date (5 December 2024)" in (
        render.resolution_note("en", how)
    )
    assert render.resolution_note("ar", ABSOLUTE) == ""


def test_dates_are_never_more_precise_than_known(cache: Cache) -> None:
    assert render.format_date("ar", "2024-06-19") == "19 يونيو 2024"
    assert render.format_date("ar", "2024-06-01", "month") == "يونيو 2024"
    assert render.format_date("en", "2024-06-01", "year") == "2024"
    assert render.format_date("en", "2024-06") == "June 2024"
    assert render.format_date("en", "sometime") == "sometime"
    article = cache.articles[0].model_copy(
        update={"published": "2024-06-01", "published_precision": "month"}
    )
    digest = valid(render.render_digest("ar", cache, article))
    assert "الأول · يونيو 2024" in digest and "1 يونيو" not in digest


def test_relative_note_respects_the_articles_date_precision(cache: Cache) -> None:
    how = DateResolution(
        kind="relative", phrase="سبتمبر الماضي", value="2023-09", published="2024-06-01"
    )
    monthly = cache.articles[0].model_copy(
        update={"published": "2024-06-01", "published_precision": "month"}
    )
    assert render.resolution_note("ar", how, [monthly]).endswith("(يونيو 2024)")
    assert render.resolution_note("ar", how).endswith("(1 يونيو 2024)")


def test_article_buttons_read_right_to_left(cache: Cache) -> None:
    assert render.article_button_label(cache.articles[1], "ar").startswith(RLM + "hura7.com: ")
    assert render.article_button_label(cache.articles[0], "ar").startswith("الأول: ")
    assert render.article_button_label(cache.articles[1], "en").startswith("hura7.com: ")


def test_provision_whose_title_opens_its_text_is_not_repeated(cache: Cache) -> None:
    same = cache.treaty_articles[1].model_copy(
        update={"title": "تنسيق المواقف", "text": "تنسيق المواقف في الأمم المتحدة"}
    )
    plain = valid(render.render_treaty("ar", cache.model_copy(update={"treaty_articles": [same]})))
    assert plain.count("تنسيق المواقف") == 1
    assert "بند — تنسيق المواقف في الأمم المتحدة ¹" in plain


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ar", "أواخر نوفمبر 2024"), ("en", "late November 2024")],
)
def test_timeline_keeps_the_part_of_the_month_the_text_names(
    cache: Cache, lang: Lang, expected: str
) -> None:
    event = cache.timeline[0].model_copy(
        update={"date": "2024-11", "granularity": "month", "end": None, "qualifier": "late"}
    )
    only = cache.model_copy(update={"timeline": [event]})
    shown = valid(render.render_timeline(lang, only, 0, "o", None).text)
    assert expected in shown
    plain = cache.model_copy(update={"timeline": [event.model_copy(update={"qualifier": None})]})
    assert expected not in valid(render.render_timeline(lang, plain, 0, "o", None).text)


def test_english_reactions_name_parties_in_english(cache: Cache) -> None:
    from bot.telegram.keyboards import reactions_keyboard

    named = cache.model_copy(update={"party_names_en": {"الولايات المتحدة": "United States"}})
    parties = render.reaction_parties(named)
    us = parties.index("الولايات المتحدة")
    en = valid(render.render_reactions("en", named, us, 0).text)
    assert "United States" in en and "الولايات المتحدة" not in en
    ar = valid(render.render_reactions("ar", named, us, 0).text)
    assert "الولايات المتحدة" in ar and "United States" not in ar
    labels = [
        b.text
        for row in reactions_keyboard("en", "t", named, None, 0, 1).inline_keyboard
        for b in row
    ]
    assert "United States" in labels
    # a party without an English name falls back to its Arabic name rather than vanishing
    assert "الصين" in labels


@pytest.mark.parametrize(
    ("resolution", "ar", "en"),
    [
        (
            DateResolution(
                kind="offset", phrase="بعد يوم من", value="2024-06-21", anchor="يوم 22 يونيو"
            ),
            "التاريخ مستنتج من «بعد يوم من …» بالنسبة إلى «يوم 22 يونيو» في النص نفسه",
            "counted from «يوم 22 يونيو» in the same text",
        ),
        (
            DateResolution(kind="undated", value="2024-11", published="2024-11-10"),
            "لم يذكر النص تاريخًا؛ أُرِّخ الخبر بتاريخ نشر المقال (10 نوفمبر 2024)",
            "the text gives no date; dated by the article's publication (10 November 2024)",
        ),
        (
            DateResolution(kind="anaphor", phrase="أيام", value="2024-06-18", anchor="الخميس"),
            "التاريخ مستنتج من «أيام» بالنسبة إلى «الخميس» في النص نفسه",
            "counted from «الخميس» in the same text",
        ),
    ],
)
def test_every_kind_of_resolution_reads_as_prose(
    resolution: DateResolution, ar: str, en: str
) -> None:
    assert render.resolution_note("ar", resolution) == ar
    assert en in render.resolution_note("en", resolution)


@pytest.mark.parametrize("lang", LANGS)
def test_real_cache_resolution_notes_show_no_pipeline_notation(lang: Lang) -> None:
    from bot.cache.store import load_cache

    real = load_cache(REAL_CACHE)
    for event in real.timeline:
        note = render.resolution_note(lang, event.resolution)
        assert not re.search(r"relative:|→|published|day\(s\)|undated news", note), note


def test_qualified_periods_sort_inside_their_month_and_year(cache: Cache) -> None:
    base = cache.timeline[0]

    def event(date: str, granularity: str, qualifier: str | None, text: str) -> Any:
        return base.model_copy(
            update={
                "date": date,
                "granularity": granularity,
                "qualifier": qualifier,
                "end": None,
                "text": text,
            }
        )

    events = [
        event("2024-11", "month", "late", "late-nov"),
        event("2024-11-09", "day", None, "9-nov"),
        event("2024-11", "month", None, "nov"),
        event("2024-12-05", "day", None, "5-dec"),
        event("2024-11-26", "day", None, "26-nov"),
        event("2024", "year", "late", "late-2024"),
        event("2024-11", "month", "early", "early-nov"),
    ]
    ordered = [e.text for e in sorted(events, key=render.chronological)]
    assert ordered == [
        "late-2024",
        "early-nov",
        "9-nov",
        "late-nov",
        "26-nov",
        "nov",
        "5-dec",
    ]  # a qualified year sits in its last third; a bare month after its dated days
    only = cache.model_copy(update={"timeline": events})
    newest = [e.text for e in render.timeline_events(only, "n", None)]
    assert newest == list(reversed(ordered))
