"""Channel mode end to end: /channel from inside a channel, every digest posted once in
publication order, my_chat_member pause/resume, 403, restarts, the CLI, and pacing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from telegram.ext import Application
from test_subscriptions_support import open_store
from test_telegram_support import sample_cache

from bot import cli
from bot.config import Settings
from bot.delivery.pacing import Pacer
from bot.lifecycle import start_polling, stop_polling
from bot.subscriptions.channels import ChannelRegistry, is_channel_id
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.app import build_application

App = Application[Any, Any, Any, Any, Any, Any]
CHANNEL = -1001234567890
OTHER = -1009876543210
CACHE = sample_cache()
#: the sample articles in publication order: 001 (June), 002 (November), 000 (December)
IN_ORDER = ["روسيا وكوريا الشمالية", "NATO & Seoul react", "القادم مخيف"]


def settings(tmp_path: Path) -> Settings:
    return Settings(
        DIGESTBOT_DATA_DIR=tmp_path, DIGESTBOT_TICK_SECONDS=0.2, DIGESTBOT_PER_CHAT_INTERVAL=0
    )


async def start(emulator: BotAPIEmulator, tmp_path: Path, store: SubscriptionStore) -> App:
    app = build_application(
        settings(tmp_path), CACHE, token=emulator.token, base_url=emulator.base_url, store=store
    )
    await start_polling(app, poll_timeout=1)
    return app


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[SubscriptionStore]:
    s, _url, _schema = open_store("sqlite", tmp_path)
    yield s
    s.close()


def now() -> datetime:
    return datetime.now(UTC)


async def test_channel_gets_every_digest_once_in_order(
    emulator: BotAPIEmulator, tmp_path: Path, store: SubscriptionStore
) -> None:
    emulator.add_channel(CHANNEL, username="digest_news", title="موجز")
    emulator.set_bot_status(CHANNEL, "administrator")
    app = await start(emulator, tmp_path, store)
    try:
        emulator.channel_post(CHANNEL, "/help")  # channel content: never answered
        emulator.channel_post(CHANNEL, "/channel")
        posts = await emulator.wait_for_bot_messages(CHANNEL, 4, timeout=20)
        assert "✅" in posts[0].text
        digests = posts[1:]
        for post, title in zip(digests, IN_ORDER, strict=True):
            assert title in post.text.splitlines()[0]
        # a link to the digest in the bot, never the reader's callback buttons
        for post in digests:
            assert [b.callback_data for b in post.buttons] == [None]
            assert (post.buttons[0].url or "").startswith("https://t.me/digest_test_bot?start=d_")
        assert await emulator.wait_until_quiet(idle=1.0)
        assert len(emulator.messages(CHANNEL)) == 4
        channel = ChannelRegistry(store).get(CHANNEL)
        assert channel is not None and channel.username == "digest_news" and channel.active
    finally:
        await stop_polling(app)
    # a restart posts nothing again
    app = await start(emulator, tmp_path, store)
    try:
        await asyncio.sleep(1.0)
        assert await emulator.wait_until_quiet(idle=0.5)
        assert len(emulator.messages(CHANNEL)) == 4
    finally:
        await stop_polling(app)


async def test_removal_pauses_and_readding_resumes(
    emulator: BotAPIEmulator, tmp_path: Path, store: SubscriptionStore
) -> None:
    emulator.add_channel(CHANNEL, username="digest_news")
    registry = ChannelRegistry(store)
    registry.add(CHANNEL, now(), username="digest_news")
    app = await start(emulator, tmp_path, store)
    try:
        emulator.set_bot_status(CHANNEL, "kicked")  # removed before anything was posted
        for _ in range(100):
            channel = registry.get(CHANNEL)
            if channel is not None and not channel.active:
                break
            await asyncio.sleep(0.05)
        assert channel is not None and not channel.active
        assert channel.inactive_reason in ("removed", "blocked")  # my_chat_member or a 403
        assert await emulator.wait_until_quiet(idle=0.6)
        assert emulator.messages(CHANNEL) == []
        emulator.set_bot_status(CHANNEL, "administrator")
        posts = await emulator.wait_for_bot_messages(CHANNEL, 3, timeout=20)
        assert [IN_ORDER[i] in p.text for i, p in enumerate(posts)] == [True] * 3
        assert registry.get(CHANNEL).active  # type: ignore[union-attr]
    finally:
        await stop_polling(app)


async def test_a_channel_without_the_bot_is_paused_on_403(
    emulator: BotAPIEmulator, tmp_path: Path, store: SubscriptionStore
) -> None:
    emulator.add_channel(OTHER, title="ليست لنا")  # the bot was never made an admin
    ChannelRegistry(store).add(OTHER, now())
    app = await start(emulator, tmp_path, store)
    try:
        for _ in range(100):
            channel = ChannelRegistry(store).get(OTHER)
            if channel is not None and not channel.active:
                break
            await asyncio.sleep(0.05)
        assert channel is not None and channel.inactive_reason == "blocked"
        assert store.pending_count(OTHER) == 3  # nothing lost: the queue waits
    finally:
        await stop_polling(app)


async def test_channel_off_from_inside(
    emulator: BotAPIEmulator, tmp_path: Path, store: SubscriptionStore
) -> None:
    emulator.add_channel(CHANNEL, username="digest_news")
    emulator.set_bot_status(CHANNEL, "administrator")
    ChannelRegistry(store).add(CHANNEL, now(), lang="en")
    app = await start(emulator, tmp_path, store)
    try:
        await emulator.wait_for_bot_messages(CHANNEL, 1, timeout=20)
        emulator.channel_post(CHANNEL, "/channel off")
        for _ in range(100):
            if ChannelRegistry(store).get(CHANNEL) is None:
                break
            await asyncio.sleep(0.05)
        assert ChannelRegistry(store).get(CHANNEL) is None
        assert any("no longer posted" in m.text for m in emulator.messages(CHANNEL))
    finally:
        await stop_polling(app)


def test_channel_ids(store: SubscriptionStore) -> None:
    assert is_channel_id(CHANNEL) and not is_channel_id(-4242) and not is_channel_id(42)
    with pytest.raises(ValueError, match="not a channel"):
        ChannelRegistry(store).add(-4242, now())  # a basic group is not a channel
    assert store.get(-4242) is None


async def test_cli_add_list_remove(
    emulator: BotAPIEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emulator.token)
    monkeypatch.setenv("TELEGRAM_API_URL", emulator.base_url)
    emulator.add_channel(CHANNEL, username="digest_news", title="موجز")
    assert await asyncio.to_thread(cli.main, ["channels", "add", "@digest_news"]) == 0
    assert await asyncio.to_thread(cli.main, ["channels", "add", str(OTHER)]) == 0
    assert await asyncio.to_thread(cli.main, ["channels", "add", "-4242"]) == 2
    assert await asyncio.to_thread(cli.main, ["channels", "add", "@nobody_here"]) == 1
    capsys.readouterr()
    assert await asyncio.to_thread(cli.main, ["channels", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:3] for line in listed] == [
        [str(CHANNEL), "@digest_news", "active"],
        [str(OTHER), str(OTHER), "active"],
    ]
    assert await asyncio.to_thread(cli.main, ["channels", "remove", "@DIGEST_news"]) == 0
    assert await asyncio.to_thread(cli.main, ["channels", "remove", "@digest_news"]) == 1
    capsys.readouterr()
    await asyncio.to_thread(cli.main, ["channels", "list"])
    assert capsys.readouterr().out.count("\n") == 1


async def test_pacer_spaces_channel_messages() -> None:
    pacer = Pacer(None, per_chat_interval=0.01, group_interval=0.3)
    started = time.monotonic()
    for _ in range(3):
        await pacer.acquire(CHANNEL)
    channel_time = time.monotonic() - started
    started = time.monotonic()
    for _ in range(3):
        await pacer.acquire(42)
    private_time = time.monotonic() - started
    assert channel_time >= 0.55 and private_time < 0.2
