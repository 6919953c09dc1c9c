"""The fan-out against the Bot API emulator over real HTTP: pacing, 429, 403, 5xx, cancel."""
# ruff: noqa: F811  (pytest fixtures imported from test_subscriptions_support)

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from telegram import Bot
from telegram.request import HTTPXRequest
from test_subscriptions_support import Clock, clock, store  # noqa: F401
from test_telegram_support import sample_cache

from bot.delivery.pacing import Pacer
from bot.delivery.scheduler import DeliveryService, article_refs
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.delivery_message import compose_delivery

CACHE = sample_cache()
FIRST = sorted(CACHE.articles, key=lambda a: (a.published, a.id))[0]


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    b = Bot(
        emulator.token, base_url=emulator.base_url, request=HTTPXRequest(connection_pool_size=32)
    )
    async with b:
        yield b


def service(
    store: SubscriptionStore, bot: Bot, clock: Clock, rate: float | None = None, **kw: object
) -> DeliveryService:
    return DeliveryService(
        store,
        bot,
        lambda: CACHE,
        compose=compose_delivery,
        rate=rate,
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


def subscribe_all(
    store: SubscriptionStore, emulator: BotAPIEmulator, clock: Clock, chats: range
) -> None:
    store.sync_articles(article_refs(CACHE), clock())
    for chat in chats:
        emulator.add_chat(chat)
        store.subscribe(chat, Preferences(hour=8, tz="UTC"), clock())


def received(emulator: BotAPIEmulator, chats: range) -> Counter[int]:
    return Counter({c: len(emulator.messages(c)) for c in chats})


async def test_round_sends_one_cited_digest_per_subscriber_in_order(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    chats = range(100, 105)
    subscribe_all(store, emulator, clock, chats)
    svc = service(store, bot, clock)
    assert (await svc.run_round()).sent == 0  # 05:00 UTC: nobody is due yet
    clock.advance(hours=3)
    result = await svc.run_round()
    assert result.sent == 5 and result.failed == 0
    for chat in chats:
        (msg,) = emulator.messages(chat)
        assert FIRST.title.split()[0] in msg.text
        assert msg.buttons[0].callback_data == "sub:next"
        assert any("tl" in (b.callback_data or "") for b in msg.buttons)
    assert {s for _c, _a, s, _n in store.delivery_log() if _a == FIRST.id} == {"sent"}
    clock.advance(days=1)
    await svc.run_round()
    second = sorted(CACHE.articles, key=lambda a: (a.published, a.id))[1]
    assert all(second.title[:10] in emulator.messages(c)[-1].text for c in chats)


async def test_429_pauses_and_retries_without_loss(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    chats = range(200, 210)
    subscribe_all(store, emulator, clock, chats)
    fault = emulator.inject_fault("sendMessage", kind="429", times=1, retry_after=1)
    started = time.monotonic()
    result = await service(store, bot, clock).run_round(force=True)
    assert fault.fired == 1 and result.rate_limited == 1
    assert time.monotonic() - started >= 0.9
    assert received(emulator, chats) == Counter(dict.fromkeys(chats, 1))


async def test_403_deactivates_and_keeps_the_digest(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    chats = range(300, 304)
    subscribe_all(store, emulator, clock, chats)
    emulator.user_blocks_bot(301)
    svc = service(store, bot, clock)
    result = await svc.run_round(force=True)
    assert (result.sent, result.deactivated) == (3, 1)
    sub = store.get(301)
    assert sub is not None and not sub.active and sub.inactive_reason == "blocked"
    assert (await svc.run_round(force=True)).sent == 3  # not sent to the blocked chat again
    # the user comes back (/start or /subscribe): the kept digest is the next one
    emulator.user_sends(301, "/start")
    store.subscribe(301, Preferences(), clock())
    await svc.run_round(force=True)
    assert FIRST.title.split()[0] in emulator.messages(301)[0].text


async def test_5xx_is_retried_with_backoff_and_never_dropped(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    chats = range(400, 404)
    subscribe_all(store, emulator, clock, chats)
    emulator.inject_fault("sendMessage", kind="500", times=2)
    emulator.inject_fault("sendMessage", kind="502", times=None, chat_id=403)
    svc = service(store, bot, clock)
    svc_fan = svc.fanout()
    svc_fan.backoff = 0.01
    await svc.promote(force=True)
    result = await svc_fan.run()
    assert result.sent == 3 and result.deferred == 1 and result.retried >= 2
    assert received(emulator, chats)[403] == 0
    # the outage ends; the deferred delivery waits for its backoff, then goes out once
    emulator.clear_faults()
    assert (await svc.fanout().run()).sent == 0
    clock.advance(minutes=1)
    assert (await svc.fanout().run()).sent == 1
    assert received(emulator, chats) == Counter(dict.fromkeys(chats, 1))


async def test_cancelled_round_releases_unsent_claims(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    chats = range(500, 540)
    subscribe_all(store, emulator, clock, chats)
    emulator.inject_fault("sendMessage", kind="slow", times=None, delay=0.05)
    svc = service(store, bot, clock, concurrency=4)
    await svc.promote(force=True)
    task = asyncio.create_task(svc.fanout().run())
    await emulator.wait_for_bot_messages(500, 1, timeout=5)
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    statuses = Counter(s for _c, _a, s, _n in store.delivery_log() if _a == FIRST.id)
    assert statuses["claimed"] == 0 and 0 < statuses["sent"] < 40
    assert statuses["sent"] + statuses["ready"] == 40
    emulator.clear_faults()
    await svc.fanout().run()
    counts = received(emulator, chats)
    assert all(1 <= n <= 2 for n in counts.values())
    assert sum(n - 1 for n in counts.values()) <= 4  # at most the in-flight sends repeat


async def test_global_rate_and_per_chat_interval() -> None:
    pacer = Pacer(rate=50, per_chat_interval=0.5)
    started = time.monotonic()
    for chat in range(60):
        await pacer.acquire(chat)
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed <= 1.6  # 60 messages at 50/s, burst of 10 up front
    t0 = time.monotonic()
    await pacer.acquire(7)
    await pacer.acquire(7)
    assert time.monotonic() - t0 >= 0.45
    pacer.pause(0.3)
    t1 = time.monotonic()
    await pacer.acquire(1000)
    assert time.monotonic() - t1 >= 0.25


async def test_next_button_path_sends_the_queue_head_now(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    subscribe_all(store, emulator, clock, range(600, 601))
    svc = service(store, bot, clock)
    assert await svc.send_next(600)
    assert await svc.send_next(600)
    titles = [m.text for m in emulator.messages(600)]
    ordered = sorted(CACHE.articles, key=lambda a: (a.published, a.id))
    assert ordered[0].title.split()[0] in titles[0] and ordered[1].title[:10] in titles[1]
    assert await svc.send_next(600)
    assert not await svc.send_next(600)  # queue empty


async def test_under_telegrams_flood_control(
    store: SubscriptionStore, emulator: BotAPIEmulator, bot: Bot, clock: Clock
) -> None:
    """At 25/s the emulator's 30/s flood control never fires; unthrottled it does, and every
    429 is waited out so all 60 still arrive exactly once."""
    chats = range(700, 760)
    subscribe_all(store, emulator, clock, chats)
    emulator.set_flood_limits(global_per_second=30.0, per_chat_per_second=1.0)
    paced = await service(store, bot, clock, rate=25.0).run_round(force=True)
    assert (paced.sent, paced.rate_limited) == (60, 0)
    unpaced = await service(store, bot, clock, rate=None).run_round(force=True)
    assert unpaced.sent == 60 and unpaced.rate_limited > 0
    assert received(emulator, chats) == Counter(dict.fromkeys(chats, 2))
