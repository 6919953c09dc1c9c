"""End to end through the emulator: search paging, language defaults, /cmd@botname."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from telegram.ext import Application
from test_telegram_e2e import ask, assert_all_calls_ok, make_settings, start_bot, stop_bot
from test_telegram_support import sample_cache

from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore, create_store_engine
from bot.telegram import handlers as h
from bot.telegram.app import build_application
from bot.telegram.context import BotData
from bot.telegram.i18n import lang_of, set_lang, t

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 5151
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[App]:
    app = build_application(
        make_settings(tmp_path),
        sample_cache(n_events=30),
        token=emulator.token,
        base_url=emulator.base_url,
    )
    await start_bot(app)
    yield app
    await stop_bot(app)


async def test_search_pages_and_a_forgotten_query_asks_to_search_again(
    emulator: BotAPIEmulator, bot: App
) -> None:
    (first,) = await ask(emulator, "/search اتفاقية", chat=CHAT)
    assert "1–10 من" in first.text and "صفحة 1/" in first.text
    assert [b.text for b in first.buttons] == [t("ar", "btn_next")]
    emulator.press_button(CHAT, first.message_id, t("ar", "btn_next"))
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    second = emulator.message(CHAT, first.message_id)
    assert "11–20 من" in second.text and "صفحة 2/" in second.text
    assert second.buttons[0].text == t("ar", "btn_prev")
    bot.bot_data.views._queries.clear()  # as after many other searches
    pressed = emulator.press_button(CHAT, first.message_id, t("ar", "btn_prev"))
    for _ in range(200):
        if (answer := emulator.callback_answer(pressed)) is not None:
            break
        await asyncio.sleep(0.05)
    assert answer is not None and answer.params["text"] == t("ar", "search_expired")
    assert "11–20 من" in emulator.message(CHAT, first.message_id).text
    assert_all_calls_ok(emulator)


async def test_english_client_gets_english_until_it_chooses(
    emulator: BotAPIEmulator, bot: App
) -> None:
    emulator.user_sends(CHAT, "/help", language_code="en-GB")
    (english,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert english.text.startswith(t("en", "help_title"))
    emulator.user_sends(CHAT, "/lang ar", language_code="en")
    await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    emulator.user_sends(CHAT, "/help", language_code="en")
    (arabic,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert t("ar", "help_title") in arabic.text
    # other languages get English (issue 12); Arabic clients and clients without a
    # language get Arabic
    emulator.user_sends(CHAT + 1, "/help", language_code="fr")
    (other,) = await emulator.wait_for_bot_messages(CHAT + 1, 1, timeout=10)
    assert other.text.startswith(t("en", "help_title"))
    emulator.user_sends(CHAT + 2, "/help", language_code="ar-EG")
    (arabic_client,) = await emulator.wait_for_bot_messages(CHAT + 2, 1, timeout=10)
    assert t("ar", "help_title") in arabic_client.text


async def test_command_addressed_by_username_is_answered(
    emulator: BotAPIEmulator, bot: App
) -> None:
    (menu,) = await ask(emulator, f"/digest@{emulator.bot_username}", chat=CHAT)
    assert len(menu.buttons) == 3
    (one,) = await ask(emulator, f"/digest@{emulator.bot_username} 1", chat=CHAT)
    assert "hura7.com" in one.text
    emulator.user_sends(CHAT, "/digest@some_other_bot")
    (after,) = await ask(emulator, "/about", chat=CHAT)  # the other bot's command: no reply
    assert "ℹ️" in after.text
    assert_all_calls_ok(emulator)


# --- the subscription's saved language (no Telegram needed) ---------------------------


class CountingStore(SubscriptionStore):
    """The real SQLite store, counting how often the language is looked up."""

    calls = 0

    def chat_lang(self, chat_id: int) -> str | None:
        self.calls += 1
        return super().chat_lang(chat_id)


def counting_store(tmp_path: Path) -> CountingStore:
    store = CountingStore(create_store_engine(f"sqlite:///{tmp_path / 'subs.sqlite3'}"))
    store.migrate()
    return store


def bot_data_with(store: SubscriptionStore) -> BotData:
    data = BotData()
    data.store = store
    return data


def _update(language_code: str | None) -> Any:
    return SimpleNamespace(
        effective_chat=SimpleNamespace(id=7, type="private"),
        effective_user=SimpleNamespace(language_code=language_code),
    )


async def test_subscription_language_wins_over_the_client_and_is_read_once(
    tmp_path: Path,
) -> None:
    store = counting_store(tmp_path)
    store.subscribe(7, Preferences(hour=8, minute=0, tz="UTC", frequency="daily"), NOW)
    store.set_lang(7, "en")
    context: Any = SimpleNamespace(bot_data=bot_data_with(store), user_data={})
    await h.resolve_lang(_update("ar"), context)
    await h.resolve_lang(_update("ar"), context)
    assert lang_of(context.user_data) == "en" and store.calls == 1
    set_lang(context.user_data, "ar")  # an explicit /lang still wins
    assert lang_of(context.user_data) == "ar"
    empty = counting_store(tmp_path / "other")
    nobody: Any = SimpleNamespace(bot_data=bot_data_with(empty), user_data={})
    await h.resolve_lang(_update("en-US"), nobody)
    assert lang_of(nobody.user_data) == "en" and empty.calls == 1


async def test_a_chosen_language_wins_over_the_subscription_and_the_client(
    tmp_path: Path,
) -> None:
    store = counting_store(tmp_path)
    store.subscribe(7, Preferences(hour=8, minute=0, tz="UTC", frequency="daily"), NOW)
    store.remember_lang(7, "en", NOW)
    assert store.get(7).lang == "en"  # type: ignore[union-attr]  # digests follow it
    store.set_lang(7, "ar")  # e.g. settings saved from an Arabic panel later
    assert store.chat_lang(7) == "en"  # the explicit choice still wins
    store.remember_lang(8, "en", NOW)  # not subscribed: remembered all the same
    store.remember_lang(8, "ar", NOW)
    assert store.chat_lang(8) == "ar" and store.get(8) is None
    assert store.chat_lang(9) is None


async def test_lang_choice_survives_a_restart_without_a_subscription(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    def fresh() -> App:
        return build_application(
            make_settings(tmp_path),
            sample_cache(),
            token=emulator.token,
            base_url=emulator.base_url,
        )

    chat = 6161
    app = fresh()
    await start_bot(app)
    try:
        await ask(emulator, "/lang en", chat=chat)
    finally:
        await stop_bot(app)
    app = fresh()  # a restart: user_data is gone, the database is not
    await start_bot(app)
    try:
        [reply] = await ask(emulator, "/help", chat=chat)
    finally:
        await stop_bot(app)
    assert t("en", "help_title") in reply.text and t("ar", "help_title") not in reply.text
    assert_all_calls_ok(emulator)


async def test_unknown_party_and_language_words_get_an_answer(
    emulator: BotAPIEmulator, bot: App
) -> None:
    (nobody,) = await ask(emulator, "/reactions xyz", chat=CHAT)
    assert "لم أجد طرفًا باسم «xyz»" in nobody.text and nobody.buttons
    (china,) = await ask(emulator, "/reactions صين", chat=CHAT)
    assert "🗣 الصين" in china.text
    (english,) = await ask(emulator, "/lang English", chat=CHAT)
    assert english.text == t("en", "lang_set")
    (arabic,) = await ask(emulator, "/lang العربية", chat=CHAT)
    assert t("ar", "lang_set") in arabic.text
    assert_all_calls_ok(emulator)
