"""Ambiguous timeouts and concurrent forced rounds never give a chat a digest twice
(issue 15, point 4): the fan-out against the emulator over real HTTP."""
# ruff: noqa: F811  (pytest fixtures imported from test_subscriptions_support)

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from botapi_emulator import BotAPIEmulator
from telegram import Bot
from telegram.request import HTTPXRequest
from test_subscriptions_support import Clock, clock, drop_schema, open_store  # noqa: F401
from test_telegram_support import sample_cache

from bot.delivery.scheduler import DeliveryService, article_refs
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.delivery_message import compose_delivery

CACHE = sample_cache()


def subscribe_all(
    store: SubscriptionStore, emu: BotAPIEmulator, clock: Clock, chats: range
) -> None:
    store.sync_articles(article_refs(CACHE), clock())
    for chat in chats:
        emu.add_chat(chat)
        store.subscribe(chat, Preferences(hour=8, tz="UTC"), clock())


def received(emu: BotAPIEmulator, chats: range) -> Counter[int]:
    return Counter({c: len(emu.messages(c)) for c in chats})


async def test_a_send_that_times_out_is_not_sent_again(
    emulator: BotAPIEmulator, tmp_path: Path, clock: Clock
) -> None:
    """The API answers after 1 s, the client gives up after 0.3 s: Telegram delivered every
    digest, so a retry would be a duplicate (the 20 s API against a 15 s timeout, scaled)."""
    store, _url, _schema = open_store("sqlite", tmp_path)
    chats = range(1000, 1020)
    subscribe_all(store, emulator, clock, chats)
    emulator.inject_fault("sendMessage", kind="slow", times=None, delay=1.0)
    request = HTTPXRequest(connection_pool_size=32, read_timeout=0.3)
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
        svc = DeliveryService(
            store,
            bot,
            lambda: CACHE,
            compose=compose_delivery,
            rate=None,
            clock=clock,
            concurrency=20,
        )
        fan = svc.fanout()
        fan.backoff = 0.01
        await svc.promote(force=True)
        result = await fan.run()
        await asyncio.sleep(1.2)  # the slow answers land
        again = await svc.fanout().run()  # nothing is left to resend in this round
    duplicates = sum(n - 1 for n in received(emulator, chats).values() if n > 1)
    assert received(emulator, chats) == Counter(dict.fromkeys(chats, 1)), duplicates
    assert result.ambiguous == 20 and again.sent == 0
    notes = {status for _c, _a, status, _n in store.delivery_log() if status != "queued"}
    assert notes == {"sent"}
    store.close()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
async def test_two_concurrent_forced_rounds_give_one_digest_per_chat(
    backend: str, emulator: BotAPIEmulator, tmp_path: Path, clock: Clock
) -> None:
    """Two ``deliver --force`` at once (two stores: two processes' connections)."""
    first, url, schema = open_store(backend, tmp_path)
    try:
        if schema:
            second = SubscriptionStore.from_url(
                url, connect_args={"options": f"-csearch_path={schema}"}
            )
        else:
            second = SubscriptionStore.from_url(url)
        chats = range(2000, 2030)
        subscribe_all(first, emulator, clock, chats)
        emulator.inject_fault("sendMessage", kind="slow", times=None, delay=0.05)
        request = HTTPXRequest(connection_pool_size=32)
        async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
            a = DeliveryService(
                first,
                bot,
                lambda: CACHE,
                compose=compose_delivery,
                rate=None,
                clock=clock,
                concurrency=2,
            )
            b = DeliveryService(
                second,
                bot,
                lambda: CACHE,
                compose=compose_delivery,
                rate=None,
                clock=clock,
                concurrency=2,
            )
            round_a = asyncio.create_task(a.run_round(force=True))
            await emulator.wait_for_bot_messages(chats[0], 1, timeout=10)
            await asyncio.sleep(0.2)  # a is mid-round: some chats served, others not yet
            result_b = await b.run_round(force=True)
            result_a = await round_a
        got = received(emulator, chats)
        assert got == Counter(dict.fromkeys(chats, 1)), got
        assert result_a.sent + result_b.sent == len(chats)
        second.close()
    finally:
        first.close()
        if schema:
            drop_schema(schema)
