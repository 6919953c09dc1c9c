"""The fault scenarios of issue 15, measured: replies lost and digests duplicated.

    .venv/bin/python bench/fault_scenarios.py [--json] [--only NAME ...]

Runs the real bot (PTB Application polling) or the real fan-out against the Bot API
emulator in this process, each scenario on a fresh SQLite store:

* ``flood5``: a global 5/s flood limit, 40 users send /about at once → replies lost.
* ``subscribe30`` / ``subscribe15``: 200 ``/subscribe 08:00 UTC`` at 100/s against a 30/s
  (15/s) global limit with 1/s per chat → confirmations lost (and users subscribed).
* ``slowapi``: 200 scheduled sends against an API that answers after 2 s while the client
  gives up after 1.5 s (Telegram at 20 s against ``deliver``'s 15 s, scaled by 10) —
  Telegram delivers every message → duplicates.
* ``poison``: one undecodable update, then 10 users send /about → replies within 10 s.
* ``storm``: 200 scheduled sends at 25/s against a 10/s limit → 429 answers.

The script imports ``bot`` from wherever Python finds it, so the same file measures an
older checkout too (``PYTHONPATH=<old tree>:<old tree>/emulator``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botapi_emulator import BotAPIEmulator
from botapi_emulator.injection import inject_raw_update
from telegram import Bot
from telegram.request import HTTPXRequest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_telegram_support import sample_cache

from bot.config import Settings
from bot.delivery.scheduler import DeliveryService, article_refs
from bot.lifecycle import start_polling, stop_polling
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.app import build_application
from bot.telegram.delivery_message import compose_delivery

CACHE = sample_cache()
PAST = datetime(2020, 1, 1, tzinfo=UTC)


def store_in(tmp: Path) -> SubscriptionStore:
    return SubscriptionStore.from_url(f"sqlite:///{tmp / 'subs.sqlite3'}")


def count_429(emu: BotAPIEmulator) -> int:
    return sum(1 for c in emu.calls_of("sendMessage") if c.status == 429)


async def until(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():  # noqa: ASYNC110 - polling a predicate
        await asyncio.sleep(0.05)


async def with_bot(
    emu: BotAPIEmulator, tmp: Path, body: Callable[[SubscriptionStore], Awaitable[None]]
) -> None:
    store = store_in(tmp)
    settings = Settings(
        DIGESTBOT_DATA_DIR=tmp, DIGESTBOT_TICK_SECONDS=5, DIGESTBOT_PER_CHAT_INTERVAL=0
    )
    app = build_application(settings, CACHE, token=emu.token, base_url=emu.base_url, store=store)
    await start_polling(app, poll_timeout=1)
    try:
        await body(store)
    finally:
        try:
            await stop_polling(app)
        except Exception as exc:  # an old checkout chokes on the poisoned update here too
            print(f"  (stopping failed: {type(exc).__name__})", file=sys.stderr)
        store.close()


async def flood5(emu: BotAPIEmulator, tmp: Path) -> dict[str, Any]:
    emu.set_flood_limits(global_per_second=5.0, per_chat_per_second=None)
    chats = range(3000, 3040)

    async def body(_store: SubscriptionStore) -> None:
        for chat in chats:
            emu.user_sends(chat, "/about")
        await until(lambda: all(emu.messages(c) for c in chats), 40)
        await emu.wait_until_quiet(idle=1.0, timeout=30)

    await with_bot(emu, tmp, body)
    lost = sum(1 for c in chats if not emu.messages(c))
    return {"users": len(chats), "replies_lost": lost, "429": count_429(emu)}


async def subscribe(emu: BotAPIEmulator, tmp: Path, limit: float) -> dict[str, Any]:
    emu.set_flood_limits(global_per_second=limit, per_chat_per_second=1.0)
    chats = range(4000, 4200)
    subscribed = 0

    async def body(store: SubscriptionStore) -> None:
        nonlocal subscribed
        for chat in chats:
            emu.user_sends(chat, "/subscribe 08:00 UTC")
            if chat % 2:
                await asyncio.sleep(0.02)
        await until(lambda: all(emu.messages(c) for c in chats), 60)
        await emu.wait_until_quiet(idle=1.0, timeout=40)
        subscribed = sum(1 for c in chats if (s := store.get(c)) is not None and s.active)

    await with_bot(emu, tmp, body)
    lost = sum(1 for c in chats if not emu.messages(c))
    return {
        "users": len(chats),
        "subscribed": subscribed,
        "confirmations_lost": lost,
        "429": count_429(emu),
    }


async def fanout(
    emu: BotAPIEmulator,
    tmp: Path,
    *,
    read_timeout: float,
    rate: float | None,
    concurrency: int,
    limiter: bool,
) -> dict[str, Any]:
    store = store_in(tmp)
    chats = range(6000, 6200)
    store.sync_articles(article_refs(CACHE), PAST)
    for chat in chats:
        emu.add_chat(chat)
        store.subscribe(chat, Preferences(hour=8, tz="UTC"), PAST, start="latest_only")
    request = HTTPXRequest(connection_pool_size=concurrency + 4, read_timeout=read_timeout)
    bot: Bot = Bot(emu.token, base_url=emu.base_url, request=request)
    if limiter:
        try:  # the shared client, where this checkout has one (as `deliver` builds it)
            from bot.delivery.ratelimit import SharedRateLimiter
            from bot.telegram.client import make_bot

            bot = make_bot(
                emu.token,
                base_url=emu.base_url,
                base_file_url=emu.base_url,
                defaults=None,
                limiter=None if rate is None else SharedRateLimiter(rate),
                pool_size=concurrency + 4,
                read_timeout=read_timeout,
            )
        except ImportError:
            pass
    started = time.monotonic()
    async with bot:
        svc = DeliveryService(
            store, bot, lambda: CACHE, compose=compose_delivery, rate=rate, concurrency=concurrency
        )
        result = await svc.run_round(force=True)
    await emu.wait_until_quiet(idle=max(0.5, read_timeout), timeout=60)
    store.close()
    got = [len(emu.messages(c)) for c in chats]
    return {
        "digests": len(chats),
        "lost": sum(1 for n in got if n == 0),
        "duplicates": sum(n - 1 for n in got if n > 1),
        "429": count_429(emu),
        "seconds": round(time.monotonic() - started, 1),
        "sent": result.sent,
        "deferred": result.deferred,
    }


async def slowapi(emu: BotAPIEmulator, tmp: Path) -> dict[str, Any]:
    emu.inject_fault("sendMessage", kind="slow", times=None, delay=2.0)
    return await fanout(emu, tmp, read_timeout=1.5, rate=None, concurrency=50, limiter=False)


async def storm(emu: BotAPIEmulator, tmp: Path) -> dict[str, Any]:
    emu.set_flood_limits(global_per_second=10.0, per_chat_per_second=None)
    return await fanout(emu, tmp, read_timeout=5.0, rate=25.0, concurrency=8, limiter=True)


async def poison(emu: BotAPIEmulator, tmp: Path) -> dict[str, Any]:
    chats = range(7000, 7010)

    async def body(_store: SubscriptionStore) -> None:
        inject_raw_update(emu, {"message": {"message_id": 1, "text": "x", "from": {"id": 1}}})
        for chat in chats:
            emu.user_sends(chat, "/about")
        await until(lambda: all(emu.messages(c) for c in chats), 10)

    LOG_LINES.clear()
    LOG_BYTES[0] = 0
    await with_bot(emu, tmp, body)
    polls = len(emu.calls_of("getUpdates"))
    return {
        "users": len(chats),
        "replies_lost": sum(1 for c in chats if not emu.messages(c)),
        "getUpdates_calls": polls,
        "log_records_warning_or_above": sum(LOG_LINES.values()),
        "log_bytes": LOG_BYTES[0],
    }


SCENARIOS: dict[str, Callable[[BotAPIEmulator, Path], Awaitable[dict[str, Any]]]] = {
    "flood5": flood5,
    "subscribe30": lambda e, t: subscribe(e, t, 30.0),
    "subscribe15": lambda e, t: subscribe(e, t, 15.0),
    "slowapi": slowapi,
    "poison": poison,
    "storm": storm,
}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for name in args.only or SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            async with BotAPIEmulator() as emu:
                results[name] = await SCENARIOS[name](emu, Path(tmp))
        if not args.json:
            print(f"{name}: {results[name]}", flush=True)
    if args.json:
        print(json.dumps(results))


LOG_LINES: Counter[str] = Counter()
LOG_BYTES = [0]


class _Counting(logging.Handler):
    """Counts what the bot logs at WARNING and above (and its size) instead of printing."""

    def emit(self, record: logging.LogRecord) -> None:
        LOG_LINES[record.levelname] += 1
        LOG_BYTES[0] += len(self.format(record))


if __name__ == "__main__":
    counting = _Counting(logging.WARNING)
    counting.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[counting])
    asyncio.run(main())
