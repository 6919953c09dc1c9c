"""End to end (issue 12): the real bot on the committed cache, through the emulator.

Each test drives one point a reader meets: exact party lookup, whole-dossier search,
checkable citations, reactions at a glance, English mode, first contact.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from botapi_emulator.models import SentMessage
from telegram.ext import Application
from test_telegram_e2e import ask, assert_all_calls_ok, button_texts, make_settings
from test_telegram_support import REAL_CACHE

from bot.cache.store import load_cache
from bot.lifecycle import start_polling, stop_polling
from bot.telegram.app import build_application

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 5151

pytestmark = pytest.mark.skipif(not REAL_CACHE.exists(), reason="summaries/ not built")


@pytest_asyncio.fixture
async def real_bot(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[App]:
    app = build_application(
        make_settings(tmp_path),
        load_cache(REAL_CACHE),
        token=emulator.token,
        base_url=emulator.base_url,
    )
    await start_polling(app, poll_timeout=5)
    yield app
    await stop_polling(app)


async def one(emu: BotAPIEmulator, text: str) -> SentMessage:
    (message,) = await ask(emu, text, chat=CHAT)
    return message


def heading(message: SentMessage) -> str:
    return message.text.split("\n", 1)[0]


# --- point 4: exact party lookup -------------------------------------------------------


async def test_party_names_and_aliases_resolve_exactly(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    expected = {
        "us": "الولايات المتحدة",
        "USA": "الولايات المتحدة",
        "أمريكا": "الولايات المتحدة",
        "UK": "بريطانيا",
        "DPRK": "كوريا الشمالية",
        "بيونج يانج": "كوريا الشمالية",
        "الناتو": "حلف شمال الأطلسي",
        "Russia": "روسيا",
    }
    for typed, party in expected.items():
        message = await one(emulator, f"/reactions {typed}")
        assert party in heading(message), (typed, heading(message))
    # a substring of another party's name is not that party
    ukraine = await one(emulator, "/reactions UK")
    assert "أوكرانيا" not in heading(ukraine)
    assert_all_calls_ok(emulator)


async def test_ambiguous_party_asks_with_buttons(emulator: BotAPIEmulator, real_bot: App) -> None:
    question = await one(emulator, "/reactions كوريا")
    assert "أكثر من طرف" in question.text
    assert sorted(button_texts(question)) == ["كوريا الجنوبية", "كوريا الشمالية"]
    emulator.press_button(CHAT, question.message_id, "كوريا الجنوبية")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    chosen = emulator.message(CHAT, question.message_id)
    assert "كوريا الجنوبية" in heading(chosen)
    missing = await one(emulator, "/reactions المريخ")
    assert "لم أجد طرفًا" in missing.text
    assert_all_calls_ok(emulator)


# --- point 9: search the whole dossier -------------------------------------------------


def hit_lines(message: SentMessage) -> list[str]:
    return [line for line in message.text.splitlines() if line.lstrip("\u200f").startswith("•")]


async def test_search_reads_full_text_folds_spellings_and_plurals(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    kursk = await one(emulator, "/search كورسك")  # in article 001, quoted by no view
    assert "كورسك" in kursk.text and "لم أجد" not in kursk.text
    ghain = await one(emulator, "/search بيونغ يانغ")
    jim = await one(emulator, "/search بيونج يانج")
    assert heading(ghain).split("»")[-1] == heading(jim).split("»")[-1]  # same count
    # the spelling typed comes first; the other spelling follows on the next page
    assert "بيونغ" in hit_lines(ghain)[0] and "بيونج" in hit_lines(jim)[0]
    emulator.press_button(CHAT, ghain.message_id, 1)
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    assert "بيونج" in emulator.message(CHAT, ghain.message_id).text
    plural = await one(emulator, "/search سلاح")
    assert "أسلحة" in plural.text or "الأسلحة" in plural.text
    english = await one(emulator, "/search Russia")
    assert "روسيا" in english.text or "موسكو" in english.text
    assert_all_calls_ok(emulator)


async def test_search_gives_one_hit_per_sentence_best_first(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    found = await one(emulator, "/search بيونغ")
    lines = hit_lines(found)
    sentences = [line.split(" — ", 1)[1].rstrip(" ⁰¹²³⁴⁵⁶⁷⁸⁹") for line in lines]
    assert len(sentences) == len(set(sentences))
    # a sentence that spells the word as typed comes before one that spells it otherwise
    assert "بيونغ" in sentences[0]


# --- point 2: citations a reader can check --------------------------------------------


async def test_source_shows_the_cited_sentence_in_its_paragraph(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    cache = load_cache(REAL_CACHE)
    body = cache.text("004")
    assert body is not None
    shown = await one(emulator, "/source 004 17")
    sentence = body.sentences[body.index_of(17) or 0]
    assert sentence in shown.text and "الجملة 17 من" in shown.text
    assert any(e.type == "bold" and sentence.startswith(e_text) for e, e_text in bolds(shown))
    # the tappable form from a footnote, and the deep link, open the same screen
    tapped = await one(emulator, "/source_004_17")
    linked = await one(emulator, "/start src_004_17")
    assert tapped.text == linked.text == shown.text
    # an article with a URL offers «فتح المصدر»
    with_url = await one(emulator, "/source 003 2")
    assert [b.url for b in with_url.buttons if b.url] == ["https://hura7.com/?p=36884"]
    assert "فتح المصدر" in button_texts(with_url)
    missing = await one(emulator, "/source 004 999")
    assert "لا توجد الجملة 999" in missing.text
    usage = await one(emulator, "/source")
    assert "/source 004 17" in usage.text
    assert_all_calls_ok(emulator)


def bolds(message: SentMessage) -> list[tuple[Any, str]]:
    """(entity, its text) for each entity, offsets in UTF-16 as Telegram counts them."""
    raw = message.text.encode("utf-16-le")
    return [
        (e, raw[2 * e.offset : 2 * (e.offset + e.length)].decode("utf-16-le"))
        for e in message.entities
    ]


async def test_footnotes_cite_per_line_with_tappable_sentences(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    cache = load_cache(REAL_CACHE)
    digest = await one(emulator, "/digest 1")
    expected = cache.digest("001")
    assert expected is not None
    body = digest.text.split("المصادر:")[0]
    lines = [line for line in body.splitlines() if line.lstrip("\u200f").startswith("•")]
    assert len(lines) == len(expected.sentences)
    for n, line in enumerate(lines, 1):  # one superscript per line, in order
        assert line.endswith(" " + "⁰¹²³⁴⁵⁶⁷⁸⁹"[n])
    footer = digest.text.split("المصادر:")[1]
    commands = [w for w in footer.split() if w.startswith("/source_001_")]
    assert len(commands) == len(expected.sentences)
    # tapping the first one shows the digest's first sentence
    (checked,) = await ask(emulator, commands[0], chat=CHAT)
    assert expected.sentences[0] in checked.text
    assert_all_calls_ok(emulator)


async def test_sentence_numbers_skip_headings() -> None:
    cache = load_cache(REAL_CACHE)
    body = cache.text("002")
    assert body is not None and body.headings  # article 002 has section headings
    first_heading = body.headings[0]
    assert body.reader_number(first_heading) is None
    assert body.reader_number(first_heading + 1) == first_heading + 1  # heading not counted
    assert body.index_of(first_heading + 1) == first_heading + 1


# --- point 10: digest menu -----------------------------------------------------------


async def test_digest_menu_lists_full_titles_newest_first_with_one_numbering(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    cache = load_cache(REAL_CACHE)
    menu = await one(emulator, "/digest")
    for article in cache.articles:
        assert article.title in menu.text  # in full, not cut as in the buttons
    numbers = [b.text.lstrip("\u200f").split(" · ")[0] for b in menu.buttons]
    dates = [next(a.published for a in cache.articles if a.id == n) for n in numbers]
    assert dates == sorted(dates, reverse=True)
    four = await one(emulator, "/digest 4")
    zero_four = await one(emulator, "/digest 004")
    assert four.text == zero_four.text and "بوتين وكيم يوقعان" in four.text
    wrong = await one(emulator, "/digest 12")
    assert "لا يوجد مقال بهذا الرقم" in wrong.text and len(wrong.buttons) == len(menu.buttons)
    assert_all_calls_ok(emulator)


# --- point 8: reactions at a glance --------------------------------------------------


async def test_reactions_first_screen_is_one_line_per_party(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    cache = load_cache(REAL_CACHE)
    glance = await one(emulator, "/reactions")
    parties = {r.party for r in cache.reactions}
    lines = hit_lines(glance)
    assert len(lines) == len(parties)  # one line per party (and one for no party)
    assert "محللون" in lines[-1]  # analysts and unnamed sources come last
    assert lines[0].count("فلاديمير بوتين") <= 1  # one voice among others, not pages of it
    us = next(line for line in lines if "الولايات المتحدة —" in line)
    voices = us.split(" — ")[-1]
    assert not voices.startswith("الولايات المتحدة")  # named officials before the country
    # party → people → statements
    emulator.press_button(CHAT, glance.message_id, "الولايات المتحدة")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    people = emulator.message(CHAT, glance.message_id)
    first_person = people.buttons[0].text
    assert first_person in hit_lines(people)[0]
    emulator.press_button(CHAT, glance.message_id, first_person)
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    statements = emulator.message(CHAT, glance.message_id)
    assert first_person in heading(statements) and "المصادر:" in statements.text
    assert_all_calls_ok(emulator)


async def test_reactions_filter_by_stance(emulator: BotAPIEmulator, real_bot: App) -> None:
    cache = load_cache(REAL_CACHE)
    glance = await one(emulator, "/reactions")
    emulator.press_button(CHAT, glance.message_id, "🔴 منتقد")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    critical = emulator.message(CHAT, glance.message_id)
    shown = hit_lines(critical)
    assert shown and all("🔴" in line for line in shown)
    pages = -(-sum(1 for r in cache.reactions if r.stance == "critical") // 6)
    assert f"1/{pages}" in heading(critical)
    assert_all_calls_ok(emulator)


# --- point 1: a citation supports its line --------------------------------------------


async def test_every_treaty_citation_opens_a_sentence_that_carries_its_provision(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    from bot.cache.support import supports_provision

    cache = load_cache(REAL_CACHE)
    treaty = await one(emulator, "/treaty_articles")
    commands = [w for w in treaty.text.split("المصادر:")[1].split() if w.startswith("/source_")]
    assert commands
    for command in commands:
        (shown,) = await ask(emulator, command, chat=CHAT)
        cited = max((text for e, text in bolds(shown) if e.type == "bold"), key=len)
        assert any(supports_provision(cited, p.text) for p in cache.treaty_articles), command
    assert_all_calls_ok(emulator)


# --- point 7 and point 11: honest treaty header, honest month-only dates ---------------


async def test_treaty_screen_says_what_it_is(emulator: BotAPIEmulator, real_bot: App) -> None:
    cache = load_cache(REAL_CACHE)
    reporting = len({ev.article_id for p in cache.treaty_articles for ev in p.sources})
    treaty = await one(emulator, "/treaty_articles")
    assert f"كما نقلتها {reporting} من المقالات" in heading(treaty)
    assert "ليست نص المعاهدة الكامل" in heading(treaty)


async def test_month_only_event_follows_the_dated_days_of_its_month(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    lines: list[str] = []
    timeline = await one(emulator, "/timeline 2024")
    lines += hit_lines(timeline)
    while "التالي ›" in button_texts(emulator.message(CHAT, timeline.message_id)):
        emulator.press_button(CHAT, timeline.message_id, "التالي ›")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        page = emulator.message(CHAT, timeline.message_id)
        lines += [line for line in hit_lines(page) if line not in lines]
    november = [i for i, line in enumerate(lines) if "نوفمبر 2024" in line.split(" — ")[0]]
    bare = [i for i in november if "(اليوم غير مذكور)" in lines[i]]
    dated = [i for i in november if "أواخر" not in lines[i] and i not in bare]
    assert bare and dated and min(bare) > max(dated)
    assert_all_calls_ok(emulator)


# --- point 13: first contact -----------------------------------------------------------


async def test_descriptions_in_both_languages_and_a_readers_about(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    cache = load_cache(REAL_CACHE)
    await emulator.wait_until_quiet(idle=0.3)
    for method, limit in (("setMyDescription", 512), ("setMyShortDescription", 120)):
        calls = [c for c in emulator.calls_of(method) if c.ok]
        by_lang = {c.params.get("language_code") or "": c.params for c in calls}
        assert {"ar", "en", ""} <= set(by_lang), method
        key = "description" if method == "setMyDescription" else "short_description"
        assert by_lang[""][key] == by_lang["ar"][key]  # Arabic is the default
        for params in by_lang.values():
            assert 0 < len(params[key]) <= limit
            assert str(len(cache.articles)) in params[key]
        assert "Arabic" in by_lang["en"][key] and "عربي" in by_lang["ar"][key]
    about = await one(emulator, "/about")
    assert f"{len(cache.articles)} مقالات" in about.text and "آخر تحديث" in about.text
    assert "sha256" not in about.text and "بصمة" not in about.text  # no jargon up front
    emulator.press_button(CHAT, about.message_id, "تفاصيل تقنية")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    assert "بصمة المصدر" in emulator.message(CHAT, about.message_id).text
    assert_all_calls_ok(emulator)


# --- point 12: a real English mode ----------------------------------------------------


async def test_english_mode_names_roles_outlets_and_marks_direction(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    # a client in another language (French) gets English, not Arabic
    emulator.user_sends(CHAT, "/reactions", language_code="fr")
    (glance,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "Reactions by party" in glance.text
    assert (
        "Russia" in glance.text and "Analysts" in glance.text and "محللون ومصادر" not in glance.text
    )
    emulator.press_button(CHAT, glance.message_id, "United States")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    people = emulator.message(CHAT, glance.message_id)
    assert "(Foreign Minister)" in people.text and "Defence Ministry" in people.text
    # every line that would start right-to-left in an English message carries an LRM
    for message in (glance, people):
        for line in message.text.splitlines():
            stripped = line.lstrip("•· 0123456789")
            if stripped and "\u0600" <= stripped[0] <= "\u06ff":
                assert line.startswith("\u200e"), line
    digest = await one(emulator, "/digest 4")
    assert "Oman Daily" in digest.text and "shown in Arabic" in digest.text
    search = await one(emulator, "/search Pyongyang")  # an English alias of a party
    assert "Nothing found" not in search.text
    assert "بيونغ" in search.text or "بيونج" in search.text
    assert_all_calls_ok(emulator)


async def test_english_mode_names_people_in_english(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    emulator.user_sends(CHAT, "/reactions", language_code="en")
    (glance,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    # known people by the spelling English-language news uses, not in Arabic
    assert "Vladimir Putin (22)" in glance.text and "Kim Jong Un" in glance.text
    assert "Mark Rutte" in glance.text and "Grant Shapps" in glance.text
    for arabic in ("فلاديمير بوتين", "كيم جونغ أون", "مارك روته", "جون كيربي"):
        assert arabic not in glance.text
    emulator.press_button(CHAT, glance.message_id, "Russia")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    russia = emulator.message(CHAT, glance.message_id)
    assert "Vladimir Putin (President)" in russia.text
    # a name the table does not know: transliterated, with the Arabic original beside it
    assert "Aratyum Lukin (أرتيوم لوكين)" in russia.text
    emulator.press_button(CHAT, glance.message_id, "Vladimir Putin")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    putin = emulator.message(CHAT, glance.message_id)
    assert "Vladimir Putin" in putin.text and "فلاديمير بوتين" not in putin.text.split("«")[0]
    # English search finds a person by their English name
    search = await one(emulator, "/search Putin")
    assert "Nothing found" not in search.text and "Vladimir Putin" in search.text
    # the Arabic UI keeps the names as written
    emulator.user_sends(CHAT, "/lang ar", language_code="en")
    await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    in_arabic = await one(emulator, "/reactions")
    assert "فلاديمير بوتين" in in_arabic.text and "Vladimir Putin" not in in_arabic.text
    assert_all_calls_ok(emulator)


# --- point 6: no dangling antecedents ---------------------------------------------------


async def test_digest_does_not_end_on_a_reference_to_another_visit(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    digest = await one(emulator, "/digest 002")
    body = digest.text.split("المصادر:")[0]
    assert "هذه الزيارة" not in body  # «this visit» with no visit named before it
    assert_all_calls_ok(emulator)


async def test_a_year_alone_in_its_period_is_not_labelled(
    emulator: BotAPIEmulator, real_bot: App
) -> None:
    """«(الشهر غير مذكور)» only where finer dates of that year are listed before it."""
    cache = load_cache(REAL_CACHE)
    alone = [
        e.date
        for e in cache.timeline
        if e.granularity == "year"
        and not e.end
        and not e.qualifier
        and not any(o.date.startswith(e.date + "-") for o in cache.timeline)
    ]
    assert alone  # the seeds date 1948 and 1961 only by year
    timeline = await one(emulator, "/timeline")
    for line in hit_lines(timeline):
        if line.split(" — ")[0].strip("‏• ").split(" ")[0] in alone:
            assert "غير مذكور" not in line.split(" — ")[0]
    assert_all_calls_ok(emulator)
