"""First contact with subscriptions (issue 12, point 13), through the emulator: a time
zone typed as a city, and fast "next digest" presses."""
# ruff: noqa: F811

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from botapi_emulator import BotAPIEmulator
from test_subscriptions_bot import CACHE, CHAT, App, bot, say  # noqa: F401
from test_subscriptions_support import Clock, clock  # noqa: F401

from bot.subscriptions.store import SubscriptionStore
from bot.telegram.i18n import t


async def test_time_zone_typed_as_a_city_in_arabic_or_english(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore]
) -> None:
    _app, store = bot
    (ok,) = await say(emulator, "/subscribe 07:30 القاهرة")
    assert "اشتركت" in ok.text
    sub = store.get(CHAT)
    assert sub is not None and sub.prefs.tz == "Africa/Cairo"
    (saved,) = await say(emulator, "/settings riyadh")
    assert "حُفظت" in saved.text
    sub = store.get(CHAT)
    assert sub is not None and sub.prefs.tz == "Asia/Riyadh"


async def test_fast_next_presses_never_announce_the_end_before_the_last_digest(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], clock: Clock
) -> None:
    await say(emulator, "/subscribe 08:00 daily UTC")
    clock.set(datetime(2026, 3, 1, 8, 0, 5, tzinfo=UTC))
    (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    remaining = len(CACHE.articles) - 1
    # the next digest's send is slow: a press right behind it must wait for it
    emulator.inject_fault("sendMessage", kind="slow", times=1, delay=0.6, chat_id=CHAT)
    for _ in range(remaining + 2):  # more presses than digests, all at once
        emulator.user_presses(CHAT, digest.message_id, "sub:next")
    await asyncio.sleep(0.5)
    await emulator.wait_until_quiet(idle=1.0, timeout=10)
    texts = [m.text for m in emulator.messages(CHAT)]
    done = t("ar", "sub_queue_empty")[2:20]
    ends = [i for i, text in enumerate(texts) if done in text]
    digests = [i for i, text in enumerate(texts) if "📰" in text]
    assert len(digests) == len(CACHE.articles)
    assert ends and min(ends) > max(digests)
