"""/subscribe, /settings, /unsubscribe, /stats and scheduled deliveries through the real
PTB Application polling the emulator (docs/architecture.md)."""
# ruff: noqa: F811

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from botapi_emulator.models import SentMessage
from telegram.ext import Application
from test_subscriptions_support import Clock, clock, open_store  # noqa: F401
from test_telegram_support import sample_cache

from bot.config import Settings
from bot.delivery.scheduler import DeliveryService
from bot.lifecycle import start_polling, stop_polling
from bot.observability.metrics import REGISTRY
from bot.subscriptions.store import SubscriptionStore
from bot.telegram import render
from bot.telegram.app import build_application
from bot.telegram.i18n import t

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 777
ADMIN = 4242
CACHE = sample_cache()
NOTHING = "لم يتغير شيء"  # "nothing was changed" in the default (Arabic) UI
CAIRO = "\u2066Africa/Cairo\u2069"  # an LTR zone isolated inside an Arabic line


def plain(text: str) -> str:
    """Without the direction marks the Arabic UI adds."""
    return text.replace("\u200f", "").replace("\u200e", "")


@pytest_asyncio.fixture
async def bot(
    emulator: BotAPIEmulator, tmp_path: Path, clock: Clock
) -> AsyncIterator[tuple[App, SubscriptionStore]]:
    store, _url, _schema = open_store("sqlite", tmp_path)
    settings = Settings(
        DIGESTBOT_DATA_DIR=tmp_path,
        DIGESTBOT_ADMINS=str(ADMIN),
        DIGESTBOT_TICK_SECONDS=0.2,
        DIGESTBOT_PER_CHAT_INTERVAL=0,
    )
    app = build_application(
        settings, CACHE, token=emulator.token, base_url=emulator.base_url, store=store
    )
    service: DeliveryService = app.bot_data.delivery
    service.clock = clock
    await start_polling(app, poll_timeout=1)
    try:
        yield app, store
    finally:
        await stop_polling(app)
        store.close()


async def say(
    emu: BotAPIEmulator, text: str, chat: int = CHAT, count: int = 1
) -> list[SentMessage]:
    emu.user_sends(chat, text)
    return await emu.wait_for_bot_messages(chat, count, timeout=10)


async def press(emu: BotAPIEmulator, msg: SentMessage, data: str) -> SentMessage:
    """Press a button and wait until the bot has answered the callback query."""
    query = emu.user_presses(msg.chat_id, msg.message_id, data)
    for _ in range(200):
        if emu.callback_answer(query) is not None:
            break
        await asyncio.sleep(0.02)
    assert emu.callback_answer(query) is not None
    # the edit follows the answer; on a loaded machine it can lag the answer by 0.1 s
    await emu.wait_until_quiet(idle=0.3, timeout=5)
    return emu.message(msg.chat_id, msg.message_id)


async def test_subscribe_with_the_panel_and_typed_zone(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    _app, store = bot
    (panel,) = await say(emulator, "/subscribe")
    assert "sub:ok" in [b.callback_data for b in panel.buttons]
    panel = await press(emulator, panel, "sub:t:0600")
    panel = await press(emulator, panel, "sub:f:weekly")
    assert "sub:w:0" in [b.callback_data for b in panel.buttons]
    panel = await press(emulator, panel, "sub:w:2")
    await press(emulator, panel, "sub:z:x")
    (ask,) = await emulator.wait_for_bot_messages(CHAT, 1)
    assert "Asia/Riyadh" in ask.text
    (bad,) = await say(emulator, "Mars/Olympus")
    assert "Mars/Olympus" in bad.text and NOTHING in bad.text
    assert store.get(CHAT) is None
    (again,) = await say(emulator, "+03:00")
    assert "UTC+03:00" in again.text and "06:00" in again.text
    done = await press(emulator, again, "sub:ok")
    assert "اشتركت" in done.text
    sub = store.get(CHAT)
    assert sub is not None and sub.active
    assert (sub.prefs.hour, sub.prefs.frequency, sub.prefs.weekday, sub.prefs.tz) == (
        6,
        "weekly",
        2,
        "UTC+03:00",
    )


async def test_an_english_reader_whose_first_message_is_subscribe_gets_english(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    """The reader's language is worked out before any handler runs, subscriptions' too."""
    _app, store = bot
    emulator.user_sends(CHAT, "/subscribe", language_code="en-GB")
    (panel,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "Subscribe to digests" in panel.text and "الاشتراك" not in panel.text
    done = await press(emulator, panel, "sub:ok")
    assert "اشتركت" not in done.text
    sub = store.get(CHAT)
    assert sub is not None and sub.active and sub.lang == "en"


async def test_subscription_commands_and_buttons_are_timed_for_metrics(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    def count(command: str) -> float:
        value = REGISTRY.get_sample_value(
            "digestbot_command_latency_seconds_count", {"command": command}
        )
        return value or 0.0

    before = {name: count(name) for name in ("subscribe", "sub", "unsubscribe")}
    (panel,) = await say(emulator, "/subscribe")
    await press(emulator, panel, "sub:ok")
    await say(emulator, "/unsubscribe")
    expected = {"subscribe": 1.0, "sub": 1.0, "unsubscribe": 1.0}
    for _ in range(100):  # a handler is timed once its reply is sent
        counted = {name: count(name) - before[name] for name in before}
        if counted == expected:
            break
        await asyncio.sleep(0.02)
    assert counted == expected


async def test_bad_arguments_change_nothing(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    _app, store = bot
    (reply,) = await say(emulator, "/subscribe 25:99")
    assert "25:99" in reply.text and NOTHING in reply.text
    assert store.get(CHAT) is None
    (reply,) = await say(emulator, "/settings 07:00")
    assert plain(reply.text) == plain(t("ar", "sub_not_subscribed"))
    (ok,) = await say(emulator, "/subscribe 07:30 twice Africa/Cairo")
    assert "اشتركت" in ok.text and "07:30" in ok.text
    (reply,) = await say(emulator, "/settings Mars/Olympus")
    assert "Mars/Olympus" in reply.text and NOTHING in reply.text
    sub = store.get(CHAT)
    assert sub is not None and sub.prefs.tz == "Africa/Cairo"
    (saved,) = await say(emulator, "/settings 21:15 daily")
    assert "حُفظت" in saved.text
    sub = store.get(CHAT)
    assert sub is not None and (sub.prefs.time_label, sub.prefs.frequency) == ("21:15", "daily")


async def test_unsubscribe_and_resume_the_same_queue(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    _app, store = bot
    await say(emulator, "/subscribe 08:00 UTC")
    pending = store.pending_count(CHAT)
    assert pending == len(CACHE.articles)
    (bye,) = await say(emulator, "/unsubscribe")
    assert plain(bye.text) == plain(t("ar", "sub_unsubscribed"))
    assert not store.get(CHAT).active  # type: ignore[union-attr]
    (back,) = await say(emulator, "/subscribe")
    back = await press(emulator, back, "sub:ok")
    assert "عاد اشتراكك" in back.text
    assert store.pending_count(CHAT) == pending


async def test_stats_for_admins_only(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    await say(emulator, "/subscribe 08:00", chat=ADMIN)
    (stats,) = await say(emulator, "/stats", chat=ADMIN)
    assert "المشتركون" in stats.text and f"{render.counter('ar', 1)} نشط" in stats.text
    (other,) = await say(emulator, "/stats")
    assert plain(other.text) == plain(t("ar", "unknown_command", command="/stats"))


async def test_scheduled_delivery_then_next_and_unsubscribe_buttons(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    await say(emulator, "/subscribe 08:00 daily UTC")
    clock.set(datetime(2026, 3, 1, 8, 0, 5, tzinfo=UTC))  # the slot has come
    (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    first = sorted(CACHE.articles, key=lambda a: (a.published, a.id))
    assert first[0].title.split()[0] in digest.text
    assert digest.buttons[0].callback_data == "sub:next"
    await press(emulator, digest, "sub:next")
    (nxt,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert first[1].title[:10] in nxt.text
    await press(emulator, nxt, "sub:unsub")
    (bye,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert plain(bye.text) == plain(t("ar", "sub_unsubscribed"))
    clock.set(datetime(2026, 3, 5, 8, 0, 5, tzinfo=UTC))
    await asyncio.sleep(1.0)  # five ticks
    assert emulator.messages(CHAT)[-1].message_id == bye.message_id  # nothing after it


async def test_blocked_chat_comes_back_with_start(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    _app, store = bot
    await say(emulator, "/subscribe 08:00 UTC")
    emulator.user_blocks_bot(CHAT)
    clock.set(datetime(2026, 3, 1, 8, 0, 5, tzinfo=UTC))
    for _ in range(100):
        sub = store.get(CHAT)
        if sub is not None and not sub.active:
            break
        await asyncio.sleep(0.1)
    assert store.get(CHAT).inactive_reason == "blocked"  # type: ignore[union-attr]
    await say(emulator, "/start")  # also unblocks in the emulator, as in Telegram
    assert store.get(CHAT).active  # type: ignore[union-attr]
    clock.set(datetime(2026, 3, 2, 8, 0, 5, tzinfo=UTC))
    (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "sub:next" in [b.callback_data for b in digest.buttons]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_string_has_both_languages(lang: str) -> None:
    assert t(lang, "sub_bad_time", value="x")  # type: ignore[arg-type]


async def test_deliveries_follow_the_chosen_language(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    _app, store = bot
    await say(emulator, "/subscribe 08:00 UTC")
    assert store.get(CHAT).lang == "ar"  # type: ignore[union-attr]
    await say(emulator, "/lang en")
    await emulator.wait_until_quiet(idle=0.2, timeout=5)
    assert store.get(CHAT).lang == "en"  # type: ignore[union-attr]
    clock.set(datetime(2026, 3, 1, 8, 0, 5, tzinfo=UTC))
    (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert digest.buttons[0].text == t("en", "sub_btn_next")


async def test_a_new_cache_is_queued_for_every_subscriber(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    app, store = bot
    await say(emulator, "/subscribe 08:00 UTC")
    before = store.pending_count(CHAT)
    extra = CACHE.articles[0].model_copy(update={"id": "009_new", "published": "2025-01-02"})
    app.bot_data.cache = CACHE.model_copy(update={"articles": [*CACHE.articles, extra]})
    for _ in range(50):
        if store.pending_count(CHAT) > before:
            break
        await asyncio.sleep(0.1)
    assert store.pending_count(CHAT) == before + 1
    assert [a for c, a, _s, _n in store.delivery_log() if c == CHAT][-1] == "009_new"


async def test_subscribe_reply_has_plurals_dates_in_words_and_both_slots(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 1, 11, 0, tzinfo=UTC))  # 13:00 in Cairo: next slot 00:00
    assert len(CACHE.articles) == 3
    (ok,) = await say(emulator, "/subscribe 12:00 twice Africa/Cairo")
    lines = plain(ok.text).split("\n")
    assert lines == [
        f"✅ اشتركت. ستصلك الموجزات مرتين يوميًا الساعة 12:00 و00:00 بتوقيت {CAIRO}.",
        f"📚 في قائمتك {render.counter('ar', 3)} موجزات.",
        f"📬 الموجز التالي: الاثنين 2 مارس 2026، الساعة 00:00 بتوقيت {CAIRO}",
    ]
    assert "2026-03-02" not in ok.text and "(Africa/Cairo)" not in ok.text


async def test_subscribe_reply_in_english(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 1, 11, 0, tzinfo=UTC))
    await say(emulator, "/lang en")
    (ok,) = await say(emulator, "/subscribe 12:00 twice Africa/Cairo")
    assert ok.text.split("\n") == [
        "✅ Subscribed. You'll get digests twice a day at 12:00 and 00:00 (Africa/Cairo).",
        "📚 In your queue: 3 digests.",
        "📬 Next digest: Monday 2 March 2026, 00:00 (Africa/Cairo)",
    ]


async def test_subscribe_again_shows_current_settings_not_a_form(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    _app, store = bot
    clock.set(datetime(2026, 3, 1, 11, 0, tzinfo=UTC))
    await say(emulator, "/subscribe 12:00 twice Africa/Cairo")
    (again,) = await say(emulator, "/subscribe")
    text = plain(again.text)
    assert text.startswith("ℹ️ أنت مشترك بالفعل\n\n⏰ الوقت: 12:00 و00:00\n")
    assert f"📬 الموجز التالي: الاثنين 2 مارس 2026، الساعة 00:00 بتوقيت {CAIRO}" in text
    assert "/settings" in text and "/unsubscribe" in text
    assert [b.callback_data for b in again.buttons] == ["sub:settings", "sub:unsub"]
    panel = await press(emulator, again, "sub:settings")
    assert "إعدادات الاشتراك" in panel.text
    assert "sub:ok" in [b.callback_data for b in panel.buttons]
    done = await press(emulator, panel, "sub:ok")
    assert plain(done.text).startswith(
        f"💾 حُفظت الإعدادات: مرتين يوميًا الساعة 12:00 و00:00 بتوقيت {CAIRO}."
    )
    # with arguments, a subscriber's /subscribe changes the settings (no second "subscribed")
    (saved,) = await say(emulator, "/subscribe 08:00 daily")
    assert plain(saved.text).startswith(f"💾 حُفظت الإعدادات: يوميًا الساعة 08:00 بتوقيت {CAIRO}.")
    sub = store.get(CHAT)
    assert sub is not None and (sub.prefs.time_label, sub.prefs.frequency) == ("08:00", "daily")
    (again,) = await say(emulator, "/subscribe")
    await press(emulator, again, "sub:unsub")
    (bye,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert plain(bye.text) == plain(t("ar", "sub_unsubscribed"))
    assert not store.get(CHAT).active  # type: ignore[union-attr]
