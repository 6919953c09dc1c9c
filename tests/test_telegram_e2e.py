"""End to end: the real PTB Application polling the emulator over loopback HTTP.

Every command and every button path, bad input, and Bot API faults (429, 5xx, 403).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from botapi_emulator.models import SentMessage
from telegram import Update
from telegram.ext import Application, CommandHandler
from test_telegram_support import REAL_CACHE, sample_cache

from bot.cache.store import load_cache
from bot.config import Settings
from bot.lifecycle import start_polling, stop_polling
from bot.model import Cache, TreatyArticle
from bot.telegram.app import build_application
from bot.telegram.context import Context
from bot.telegram.i18n import t

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 4242


def make_settings(tmp_path: Path) -> Settings:
    return Settings(DIGESTBOT_DATA_DIR=tmp_path, DIGESTBOT_CACHE=tmp_path / "none.json")


async def start_bot(app: App) -> None:
    await start_polling(app, poll_timeout=5)


async def stop_bot(app: App) -> None:
    await stop_polling(app)


async def _boom(update: Update, context: Context) -> None:
    raise RuntimeError("handler failed on purpose")


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[App]:
    app = build_application(
        make_settings(tmp_path),
        sample_cache(),
        token=emulator.token,
        base_url=emulator.base_url,
    )
    app.add_handler(CommandHandler("boom", _boom), group=-5)
    await start_bot(app)
    yield app
    await stop_bot(app)


async def ask(
    emu: BotAPIEmulator, text: str, count: int = 1, chat: int = CHAT
) -> list[SentMessage]:
    emu.user_sends(chat, text)
    return await emu.wait_for_bot_messages(chat, count, timeout=10)


def assert_all_calls_ok(emu: BotAPIEmulator) -> None:
    failed = [
        (c.method, c.description)
        for c in emu.calls
        if not c.ok and c.method.lower() != "getupdates"
    ]
    assert failed == []


def button_texts(message: SentMessage) -> list[str]:
    return [b.text for b in message.buttons]


# --- start-up -------------------------------------------------------------------------


async def test_commands_registered_in_both_languages(emulator: BotAPIEmulator, bot: App) -> None:
    ar = emulator.commands(language_code="ar")
    en = emulator.commands(language_code="en")
    default = emulator.commands()
    names = [c["command"] for c in ar]
    assert names[:3] == ["start", "help", "digest"]
    assert {"timeline", "search", "lang", "about", "subscribe"} <= set(names)
    assert [c["command"] for c in en] == names == [c["command"] for c in default]
    assert ar[1]["description"] == t("ar", "cmd_help")
    assert en[1]["description"] == t("en", "cmd_help")


# --- commands -------------------------------------------------------------------------


async def test_start_help_about_sources_treaty(emulator: BotAPIEmulator, bot: App) -> None:
    (welcome,) = await ask(emulator, "/start")
    assert "أهلًا مستخدم" in welcome.text and welcome.parse_mode == "HTML"
    (helptext,) = await ask(emulator, "/help")
    for name in ("/digest", "/timeline", "/reactions", "/search", "/subscribe", "/about"):
        assert name in helptext.text
    (about,) = await ask(emulator, "/about")
    assert "3 مقالات" in about.text  # for a reader; the technical details behind a button
    emulator.press_button(CHAT, about.message_id, "تفاصيل تقنية")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    technical = emulator.message(CHAT, about.message_id)
    assert "3fa2b9c0d1e2f3a4" in technical.text and "المقالات: 3" in technical.text
    (sources,) = await ask(emulator, "/sources")
    assert "NATO & Seoul react <b>" in sources.text  # escaped on the way, shown as written
    (treaty,) = await ask(emulator, "/treaty_articles")
    assert "المادة 4" in treaty.text and "المصادر:" in treaty.text
    assert_all_calls_ok(emulator)


async def test_deep_links(emulator: BotAPIEmulator, bot: App) -> None:
    (digest,) = await ask(emulator, "/start digest_000")
    assert digest.text.splitlines()[0].endswith("(معاهدة الدفاع المشترك)")
    (timeline,) = await ask(emulator, "/start timeline")
    assert "الخط الزمني" in timeline.text
    (reactions,) = await ask(emulator, "/start reactions")
    assert "ردود الفعل" in reactions.text
    (unknown,) = await ask(emulator, "/start whatever")
    assert "أهلًا" in unknown.text


async def test_digest_menu_article_button_and_back(emulator: BotAPIEmulator, bot: App) -> None:
    (menu,) = await ask(emulator, "/digest")
    # newest first, each with the number /digest takes; full titles in the message
    assert [b.text.lstrip("\u200f")[:3] for b in menu.buttons] == ["000", "002", "001"]
    assert "000 · القادم مخيف.. دخلت حيز التنفيذ (معاهدة الدفاع المشترك)" in menu.text
    assert "الأول · 5 ديسمبر 2024" in menu.text
    emulator.press_button(CHAT, menu.message_id, 1)
    (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "📰" in digest.text and "الأول · 5 ديسمبر 2024" in digest.text
    # the link to the original is on the footnote's outlet name, once
    assert [e.url for e in digest.entities if e.url] == ["https://example.com/a?x=1&y=<2>"]
    assert digest.link_preview_disabled
    assert any(e.url and e.url.startswith("https://example.com/a") for e in digest.entities)
    # each line has its own superscript, resolved at the bottom with a /source command
    assert re.search(r"الأول — «.+»\n\u200f?¹ الجملة 1 /source_000_1", digest.text)
    # back: the menu is sent below; the digest just read stays as it was
    emulator.press_button(CHAT, digest.message_id, t("ar", "btn_all_articles"))
    (again,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert len(again.buttons) == 3 and "📰" in emulator.message(CHAT, digest.message_id).text
    # one numbering: 1, 001, ١ and the full id open the same article
    for ref in ("1", "001", "١", "001_bbbb"):
        (direct,) = await ask(emulator, f"/digest {ref}")
        assert "hura7.com" in direct.text, ref
    # a wrong number shows the menu
    for missing_ref in ("/digest 99", "/digest 4", "/digest x"):
        (missing,) = await ask(emulator, missing_ref)
        assert "لا يوجد مقال بهذا الرقم" in missing.text and len(missing.buttons) == 3
    assert_all_calls_ok(emulator)


async def test_timeline_paging_order_and_year(emulator: BotAPIEmulator, bot: App) -> None:
    (page1,) = await ask(emulator, "/timeline")
    assert "1/2" in page1.text and "حدث رقم 0:" in page1.text
    assert button_texts(page1) == ["التالي ›", "⇅ الأحدث أولًا", "حسب السنة", "🖼 صورة", "مشاركة"]
    emulator.press_button(CHAT, page1.message_id, "التالي ›")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    page2 = emulator.message(CHAT, page1.message_id)
    assert "2/2" in page2.text and "حدث رقم 8:" in page2.text
    assert button_texts(page2)[0] == "‹ السابق"
    emulator.press_button(CHAT, page1.message_id, "⇅ الأحدث أولًا")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    newest = emulator.message(CHAT, page1.message_id)
    assert "الأحدث أولًا" in newest.text
    assert newest.text.index("حدث رقم 8:") < newest.text.index("حدث رقم 7:")
    emulator.press_button(CHAT, page1.message_id, "حسب السنة")
    await emulator.wait_for_call("editMessageReplyMarkup", timeout=10, chat_id=CHAT)
    years = emulator.message(CHAT, page1.message_id)
    assert button_texts(years) == ["2023", "2024", "كل السنوات"]
    emulator.press_button(CHAT, page1.message_id, "2023")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    only = emulator.message(CHAT, page1.message_id)
    assert re.findall(r"حدث رقم (\d)", only.text) == ["1", "0"]  # newest first kept
    (by_arg,) = await ask(emulator, "/timeline 2024 oldest")
    assert "سنة 2024" in by_arg.text and "حدث رقم 2:" in by_arg.text
    (no_year,) = await ask(emulator, "/timeline 1999")
    assert "1999" in no_year.text and "2023 2024" in no_year.text
    assert_all_calls_ok(emulator)


async def test_reactions_by_party(emulator: BotAPIEmulator, bot: App) -> None:
    (msg,) = await ask(emulator, "/reactions")
    assert "بلينكن" in msg.text and "الصين" in button_texts(msg)
    emulator.press_button(CHAT, msg.message_id, "الصين")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    china = emulator.message(CHAT, msg.message_id)
    assert "وزارة الخارجية الصينية" in china.text and "بلينكن" not in china.text
    assert "‹ كل الأطراف" in button_texts(china)
    emulator.press_button(CHAT, msg.message_id, "وزارة الخارجية الصينية")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    assert "رفضت التعليق" in emulator.message(CHAT, msg.message_id).text
    emulator.press_button(CHAT, msg.message_id, "‹ رجوع إلى الصين")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    emulator.press_button(CHAT, msg.message_id, "‹ كل الأطراف")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    assert "بلينكن" in emulator.message(CHAT, msg.message_id).text
    (by_arg,) = await ask(emulator, "/reactions كوريا الجنوبية")
    assert "يون سوك يول" in by_arg.text and "بلينكن" not in by_arg.text


async def test_search(emulator: BotAPIEmulator, bot: App) -> None:
    (found,) = await ask(emulator, "/search الإتفاقيه")
    assert "نتائج البحث" in found.text and "المصادر:" in found.text
    (usage,) = await ask(emulator, "/search")
    assert usage.text.endswith(t("ar", "search_usage")[-20:])
    (special,) = await ask(emulator, "/search <b> & \u200f 😀")
    assert "<b> &" in special.text  # echoed safely
    (none,) = await ask(emulator, "/search كلمةغيرموجودة")
    assert "لا نتائج" in none.text
    assert_all_calls_ok(emulator)


async def test_language_switch(emulator: BotAPIEmulator, bot: App) -> None:
    (done,) = await ask(emulator, "/lang en")
    assert done.text == t("en", "lang_set")
    (helptext,) = await ask(emulator, "/help")
    assert helptext.text.startswith("Commands")
    (menu,) = await ask(emulator, "/lang")
    assert button_texts(menu) == ["العربية", "English"]
    emulator.press_button(CHAT, menu.message_id, "العربية")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    assert "بالعربية" in emulator.message(CHAT, menu.message_id).text
    (helptext,) = await ask(emulator, "/help")
    assert "الأوامر المتاحة" in helptext.text


# --- bad input ------------------------------------------------------------------------


async def test_unknown_command_and_free_text(emulator: BotAPIEmulator, bot: App) -> None:
    (unknown,) = await ask(emulator, "/frobnicate")
    assert "/frobnicate" in unknown.text and "/help" in unknown.text
    (hint,) = await ask(emulator, "مرحبا يا بوت")
    assert "/search" in hint.text
    (search,) = await ask(emulator, "بلينكن")
    assert "نتائج البحث" in search.text
    (long,) = await ask(emulator, "ب" * 5000)
    assert "/search" in long.text
    (special,) = await ask(emulator, "<b>&amp; & </b> \u200f\u200e 🇸🇦👍🏽")
    assert "/search" in special.text
    assert_all_calls_ok(emulator)


async def test_stale_and_forged_buttons_get_polite_answers(
    emulator: BotAPIEmulator, bot: App
) -> None:
    (page,) = await ask(emulator, "/timeline")
    stale = emulator.user_presses(CHAT, page.message_id, "1:ffffff:tl:1:o:")
    await emulator.wait_for_call("answerCallbackQuery", timeout=10)
    forged = emulator.user_presses(CHAT, page.message_id, "<b>&</b>")
    await emulator.wait_for_call("answerCallbackQuery", timeout=10)
    tag = str(page.buttons[0].callback_data).split(":")[1]
    wrong = emulator.user_presses(CHAT, page.message_id, f"1:{tag}:dg:99")  # no such article
    await emulator.wait_for_call("answerCallbackQuery", timeout=10)
    stale_answer = emulator.callback_answer(stale)
    forged_answer = emulator.callback_answer(forged)
    assert stale_answer is not None and stale_answer.params["text"] == t("ar", "stale_button")
    assert forged_answer is not None and forged_answer.params["text"] == t("ar", "forged_button")
    wrong_answer = emulator.callback_answer(wrong)
    assert wrong_answer is not None and wrong_answer.params["text"] == t("ar", "forged_button")
    assert "1/2" in emulator.message(CHAT, page.message_id).text  # untouched by stale presses


async def test_handler_error_is_reported_and_logged_without_token(
    emulator: BotAPIEmulator, bot: App, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        # /boom fails in its own group; group 0 still answers it as an unknown command
        replies = await ask(emulator, "/boom", count=2)
    assert any(r.text.endswith(t("ar", "error")[-30:]) for r in replies)
    assert "handler failed on purpose" in caplog.text
    (still,) = await ask(emulator, "/about")
    assert "المقالات" in still.text


# --- Bot API faults -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["429", "500", "502"])
async def test_survives_transient_faults(emulator: BotAPIEmulator, bot: App, kind: str) -> None:
    emulator.inject_fault("sendMessage", kind=kind, times=1, retry_after=1)  # type: ignore[arg-type]
    (reply,) = await ask(emulator, "/about")
    assert "المقالات" in reply.text
    (again,) = await ask(emulator, "/help")
    assert "/digest" in again.text


async def test_survives_403_and_long_429(emulator: BotAPIEmulator, bot: App) -> None:
    emulator.inject_fault("sendMessage", kind="403", times=1, chat_id=CHAT)
    emulator.user_sends(CHAT, "/about")
    await emulator.wait_for_call("sendMessage", timeout=10, chat_id=CHAT)
    await emulator.wait_until_quiet(idle=0.3)
    assert emulator.messages(CHAT) == []
    (reply,) = await ask(emulator, "/about")
    assert "المقالات" in reply.text
    # a 429 longer than the bot waits: that reply is dropped, the next one works
    emulator.inject_fault("sendMessage", kind="429", times=1, retry_after=60)
    emulator.user_sends(CHAT, "/help")
    await emulator.wait_until_quiet(idle=0.5)
    assert len(emulator.messages(CHAT)) == 1
    (later,) = await ask(emulator, "/sources")
    assert "المقالات المصدرية" in later.text


async def test_survives_getupdates_fault(emulator: BotAPIEmulator, bot: App) -> None:
    emulator.inject_fault("getUpdates", kind="500", times=1)
    (reply,) = await ask(emulator, "/about")
    assert "المقالات" in reply.text


# --- long content and the real cache --------------------------------------------------


async def test_long_reply_is_split_into_valid_messages(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    base = sample_cache()
    long_items = [
        TreatyArticle(number=i, title=f"بند {i}", text="نص طويل & <مهم>. " * 60, sources=[])
        for i in range(1, 13)
    ]
    cache = base.model_copy(update={"treaty_articles": long_items})
    app = build_application(
        make_settings(tmp_path), cache, token=emulator.token, base_url=emulator.base_url
    )
    await start_bot(app)
    try:
        emulator.user_sends(CHAT, "/treaty_articles")
        await emulator.wait_for_bot_messages(CHAT, 3, timeout=10)
        await emulator.wait_until_quiet(idle=0.3)
        parts = emulator.messages(CHAT)
        assert len(parts) >= 3
        assert all(len(p.text.encode("utf-16-le")) // 2 <= 4096 for p in parts)
        joined = "".join(p.text for p in parts)
        assert joined.count("نص طويل & <مهم>.") == 12 * 60
        assert_all_calls_ok(emulator)
    finally:
        await stop_bot(app)


@pytest.mark.skipif(not REAL_CACHE.exists(), reason="summaries/cache.json not built yet")
async def test_real_committed_cache(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    cache: Cache = load_cache(REAL_CACHE)
    app = build_application(
        make_settings(tmp_path), cache, token=emulator.token, base_url=emulator.base_url
    )
    await start_bot(app)
    try:
        for command in ("/about", "/sources", "/timeline", "/reactions", "/treaty_articles"):
            emulator.user_sends(CHAT, command)
            assert await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
        (menu,) = await ask(emulator, "/digest")
        for index in range(1, len(menu.buttons) + 1):
            label = menu.buttons[index - 1].text
            if label.startswith(("‹", "التالي")):
                continue
            emulator.press_button(CHAT, menu.message_id, index)
            (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
            number = label.lstrip("\u200f").split(" · ", 1)[0]
            (article,) = [a for a in cache.articles if a.id.split("_")[0] == number]
            assert article.title in digest.text
            expected = cache.digest(article.id)
            assert expected is not None and 3 <= len(expected.sentences) <= 5
            assert all(sentence in digest.text for sentence in expected.sentences)
        (timeline,) = await ask(emulator, "/timeline")
        if len(timeline.buttons) > 2:
            emulator.press_button(CHAT, timeline.message_id, 1)
            await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        await emulator.wait_until_quiet(idle=0.3)
        assert_all_calls_ok(emulator)
    finally:
        await stop_bot(app)


async def test_group_chat_answers_only_what_is_addressed_to_it(
    emulator: BotAPIEmulator, bot: App
) -> None:
    group = -1001234
    emulator.user_sends(group, "كلام عادي بين الأعضاء")
    emulator.user_sends(group, "/frobnicate@some_other_bot")
    await emulator.wait_until_quiet(idle=0.3)
    assert emulator.messages(group) == []
    (about,) = await ask(emulator, f"/about@{emulator.bot_username}", chat=group)
    assert "المقالات" in about.text
    (unknown,) = await ask(emulator, "/frobnicate", chat=group)
    assert "/help" in unknown.text


async def test_metrics_count_updates_and_time_commands(emulator: BotAPIEmulator, bot: App) -> None:
    from bot.observability.metrics import REGISTRY

    def sample(name: str, labels: dict[str, str]) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = sample("digestbot_command_latency_seconds_count", {"command": "sources"})
    handled = sample("digestbot_updates_handled_total", {"kind": "command"})
    await ask(emulator, "/sources")
    await emulator.wait_until_quiet(idle=0.2)  # the timer stops after the reply is sent
    after = sample("digestbot_command_latency_seconds_count", {"command": "sources"})
    assert after == before + 1
    assert sample("digestbot_updates_handled_total", {"kind": "command"}) == handled + 1


async def test_every_paging_button_on_a_large_cache(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    base = sample_cache(n_events=20)
    articles = [
        a.model_copy(update={"id": f"{i:03d}_x{i}", "title": f"عنوان المقال {i}"})
        for i, a in enumerate(base.articles * 4)
    ]
    reactions = [  # one person per party, 15 statements each: three pages of statements
        r.model_copy(update={"actor": f"{r.actor} {i}"}) for i, r in enumerate(base.reactions * 15)
    ]
    cache = base.model_copy(update={"articles": articles, "reactions": reactions})
    app = build_application(
        make_settings(tmp_path), cache, token=emulator.token, base_url=emulator.base_url
    )
    await start_bot(app)
    try:
        (menu,) = await ask(emulator, "/digest")
        assert len(menu.buttons) == 9 and menu.buttons[-1].text == "التالي ›"
        first_page = {b.text for b in menu.buttons}
        emulator.press_button(CHAT, menu.message_id, "التالي ›")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        page2 = emulator.message(CHAT, menu.message_id)
        assert "2/2" in page2.text
        assert [b.text for b in page2.buttons][-1] == "‹ السابق"
        assert not first_page & {b.text for b in page2.buttons[:-1]}
        emulator.press_button(CHAT, menu.message_id, "‹ السابق")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        assert "1/2" in emulator.message(CHAT, menu.message_id).text

        (timeline,) = await ask(emulator, "/timeline")
        for expected in ("2/4", "3/4", "4/4"):
            emulator.press_button(CHAT, timeline.message_id, "التالي ›")
            await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
            assert expected in emulator.message(CHAT, timeline.message_id).text
        assert "التالي ›" not in button_texts(emulator.message(CHAT, timeline.message_id))
        emulator.press_button(CHAT, timeline.message_id, "‹ السابق")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        assert "3/4" in emulator.message(CHAT, timeline.message_id).text

        (rx,) = await ask(emulator, "/reactions")
        emulator.press_button(CHAT, rx.message_id, "الولايات المتحدة")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        emulator.press_button(CHAT, rx.message_id, 1)  # the party's one person
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        assert "1/3" in emulator.message(CHAT, rx.message_id).text
        emulator.press_button(CHAT, rx.message_id, "التالي ›")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        assert "2/3" in emulator.message(CHAT, rx.message_id).text
        emulator.press_button(CHAT, rx.message_id, "‹ السابق")
        await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
        assert "1/3" in emulator.message(CHAT, rx.message_id).text
        assert_all_calls_ok(emulator)
    finally:
        await stop_bot(app)


async def test_button_on_a_message_that_cannot_be_edited_sends_a_new_one(
    emulator: BotAPIEmulator, bot: App
) -> None:
    (page,) = await ask(emulator, "/timeline")
    await bot.bot.delete_message(CHAT, page.message_id)  # e.g. the user cleared the chat
    emulator.user_presses(CHAT, page.message_id, str(page.buttons[0].callback_data))
    (fresh,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "2/2" in fresh.text and fresh.message_id != page.message_id
