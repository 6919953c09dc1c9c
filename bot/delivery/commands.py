"""``digestbot deliver``: one fan-out round of whatever is due, then exit (cron, operators).

Needs ``TELEGRAM_BOT_TOKEN`` (and ``TELEGRAM_API_URL`` for a local Bot API server or the
emulator). ``--force`` treats every active subscriber as due. SIGTERM/SIGINT cancel the
round cleanly: what was sent is recorded, what was claimed but not sent is released.
Safe to run beside a serving bot: claims are leased, so nothing is sent twice on purpose.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from pathlib import Path

from bot.config import load_settings
from bot.delivery.fanout import RoundResult
from bot.delivery.ratelimit import SharedRateLimiter
from bot.delivery.scheduler import DeliveryService
from bot.ingest.serving import serving_cache
from bot.observability.logs import configure_logging
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.client import file_url, make_bot
from bot.telegram.delivery_message import compose_delivery


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="treat every active subscriber as due")
    parser.add_argument(
        "--cache", type=Path, default=None, help="cache file (default: $DIGESTBOT_CACHE)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="messages per second (default: $DIGESTBOT_SEND_RATE)",
    )
    parser.add_argument(
        "--no-rate-limit", action="store_true", help="no global rate (benchmarks, local servers)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="parallel senders (default 8: enough to hide latency; httpx's pool costs grow "
        "with the number of connections)",
    )
    parser.add_argument("--json", action="store_true", help="print the round's numbers as JSON")


async def run_round(args: argparse.Namespace) -> RoundResult:
    settings = load_settings()
    token = settings.require_token()
    configure_logging(settings.log_level, settings.log_format, secrets=(token,))
    # the live cache (seeds + ingested articles) when the intake has written one
    cache = serving_cache(
        args.cache or settings.cache_path, settings.data_dir, explicit=args.cache is not None
    )
    store = SubscriptionStore.from_url(settings.effective_database_url)
    rate = None if args.no_rate_limit else (args.rate or settings.send_rate)
    api = settings.telegram_api_url or "https://api.telegram.org/bot"
    bot = make_bot(
        token,
        base_url=api,
        base_file_url=file_url(api),
        defaults=None,
        # the bot's own budget: adaptive, shared by every sender task of this run
        limiter=None if rate is None else SharedRateLimiter(rate),
        pool_size=max(8, args.concurrency),
        read_timeout=15,
    )
    service = DeliveryService(
        store,
        bot,
        lambda: cache,
        compose=compose_delivery,
        rate=rate,
        per_chat_interval=settings.per_chat_interval,
        concurrency=args.concurrency,
    )
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, task.cancel)
    try:
        async with bot:
            await service.start()
            return await service.run_round(force=args.force)
    finally:
        store.close()


def main(args: argparse.Namespace) -> int:
    try:
        result = asyncio.run(run_round(args))
    except asyncio.CancelledError:
        print("digestbot deliver: stopped; unsent deliveries were released", file=sys.stderr)
        return 130
    numbers = {
        "sent": result.sent,
        "deferred": result.deferred,
        "ambiguous": result.ambiguous,
        "deactivated": result.deactivated,
        "failed": result.failed,
        "rate_limited": result.rate_limited,
        "retried": result.retried,
        "seconds": round(result.elapsed, 3),
        "rate": round(result.rate, 2),
    }
    if args.json:
        print(json.dumps(numbers))
    else:
        print(" · ".join(f"{k}: {v}" for k, v in numbers.items()))
    return 0 if not result.failed else 1
