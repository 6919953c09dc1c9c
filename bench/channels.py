"""Channel fan-out through the Bot API emulator: N channels, every digest of the seeds.

    .venv/bin/python bench/channels.py [--channels 100] [--rate 25]

In one process: the emulator with Telegram's flood limits on (30/s per bot, and a channel's
20 messages a minute), a SQLite store with N registered channels (the bot an
administrator of each), and the bot's :class:`DeliveryService` with the production pacing
(``--rate`` messages/s overall, 1 s per private chat, 3 s per channel). Rounds run back to
back, as scheduler ticks would, until every channel has every digest. Reports messages
sent, rounds, the overall rate, the 429s the emulator answered (target 0), the most
messages any channel got in one minute (must stay ≤ 20), duplicates and order errors
(target 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from botapi_emulator import BotAPIEmulator
from telegram import Bot

from bot.cache.store import load_cache
from bot.delivery.scheduler import DeliveryService
from bot.subscriptions.channels import ChannelRegistry
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.delivery_message import compose_delivery

CACHE = Path(__file__).resolve().parent.parent / "summaries" / "cache.json"
FIRST = -1_001_000_000_000


async def run(channels: int, rate: float) -> dict[str, object]:
    cache = load_cache(CACHE)
    with tempfile.TemporaryDirectory() as tmp:
        store = SubscriptionStore.from_url(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        registry = ChannelRegistry(store)
        async with BotAPIEmulator() as emu:
            emu.set_flood_limits(global_per_second=30.0, per_chat_per_second=None)
            ids = [FIRST - i for i in range(channels)]
            for chat_id in ids:
                emu.add_channel(chat_id, title=f"قناة {chat_id}")
                emu.reach.bot_status[chat_id] = "administrator"
            async with Bot(emu.token, base_url=emu.base_url) as bot:
                service = DeliveryService(
                    store, bot, lambda: cache, compose=compose_delivery, rate=rate
                )
                await service.sync()
                for chat_id in ids:
                    registry.add(chat_id, datetime.now(UTC))
                started = time.perf_counter()
                rounds = 0
                while rounds == 0 or any(store.pending_count(c) for c in ids):
                    await service.run_round()
                    rounds += 1
                    if rounds > 10 * len(cache.articles):
                        break
                elapsed = time.perf_counter() - started
        per_chat: dict[int, list[tuple[float, str]]] = {}
        for call in emu.calls_of("sendMessage"):
            if call.ok:
                chat = int(call.params["chat_id"])
                per_chat.setdefault(chat, []).append((call.time, str(call.params["text"])))
        sent = sum(len(v) for v in per_chat.values())
        busiest = 0
        for times in per_chat.values():
            stamps = [t for t, _ in times]
            for i, t0 in enumerate(stamps):
                busiest = max(busiest, sum(1 for t in stamps[i:] if t - t0 < 60))
        order = [a.id for a in sorted(cache.articles, key=lambda a: (a.published, a.id))]
        order_errors = duplicates = 0
        for texts in per_chat.values():
            titles = [next((a for a in cache.articles if a.title in x), None) for _, x in texts]
            got = [a.id for a in titles if a is not None]
            duplicates += sum(n - 1 for n in Counter(got).values())
            order_errors += got != [i for i in order if i in got]
        limited = sum(1 for c in emu.calls if c.status == 429)
        store.close()
    return {
        "channels": channels,
        "digests_each": len(cache.articles),
        "messages_sent": sent,
        "rounds": rounds,
        "seconds": round(elapsed, 2),
        "messages_per_second": round(sent / elapsed, 1) if elapsed else None,
        "http_429": limited,
        "max_messages_one_channel_one_minute": busiest,
        "duplicates": duplicates,
        "order_errors": order_errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.channels, args.rate)), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
