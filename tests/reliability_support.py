"""Shared pieces of the reliability tests: the real bot polling the emulator, with a store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from botapi_emulator import BotAPIEmulator
from telegram.ext import Application
from test_subscriptions_support import open_store
from test_telegram_support import sample_cache

from bot.config import Settings
from bot.lifecycle import start_polling, stop_polling
from bot.observability.metrics import REGISTRY
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.app import build_application

App = Application[Any, Any, Any, Any, Any, Any]
CACHE = sample_cache()


def settings_for(tmp_path: Path, **env: Any) -> Settings:
    base: dict[str, Any] = {
        "DIGESTBOT_DATA_DIR": tmp_path,
        "DIGESTBOT_CACHE": tmp_path / "none.json",
        "DIGESTBOT_TICK_SECONDS": 0.2,
        "DIGESTBOT_PER_CHAT_INTERVAL": 0,
    }
    return Settings(**{**base, **env})


@asynccontextmanager
async def running_bot(
    emulator: BotAPIEmulator, tmp_path: Path, **env: Any
) -> AsyncIterator[tuple[App, SubscriptionStore]]:
    """The full bot (subscriptions included) on a fresh SQLite store, polling ``emulator``."""
    store, _url, _schema = open_store("sqlite", tmp_path)
    app = build_application(
        settings_for(tmp_path, **env),
        CACHE,
        token=emulator.token,
        base_url=emulator.base_url,
        store=store,
    )
    await start_polling(app, poll_timeout=1)
    try:
        yield app, store
    finally:
        await stop_polling(app)
        store.close()


def metric(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


async def eventually(check: Any, timeout: float = 10.0, step: float = 0.05) -> bool:  # noqa: ASYNC109
    """Poll ``check()`` until it is truthy or ``timeout`` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if check():
            return True
        await asyncio.sleep(step)
    return bool(check())
