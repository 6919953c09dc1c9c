"""The intake through the real PTB Application and the Bot API emulator: a page ingested
by another process reaches /latest without a restart; /add and /feeds for admins; the
freshness line of /about; an old button after the swap gets the polite stale answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from botapi_emulator.models import SentMessage
from ingest_support import body, page
from pytest_httpserver import HTTPServer
from test_subscriptions_support import open_store

from bot.cache.store import load_cache
from bot.config import Settings
from bot.ingest.fetch import Fetcher
from bot.ingest.intake import Intake
from bot.ingest.store import ArticleStore
from bot.lifecycle import start_polling, stop_polling
from bot.subscriptions.schedule import Preferences
from bot.subscriptions.store import SubscriptionStore
from bot.telegram.app import build_application
from bot.telegram.context import App
from bot.telegram.i18n import t

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CHAT = 901
ADMIN = 4243
TITLE = "لجنة مشتركة لمتابعة المعاهدة بين موسكو وبيونغ يانغ"


def plain(text: str) -> str:
    return (
        text.replace("\u200f", "").replace("\u200e", "").replace("\u2066", "").replace("\u2069", "")
    )


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest_asyncio.fixture
async def bot(
    emulator: BotAPIEmulator, tmp_path: Path
) -> AsyncIterator[tuple[App, SubscriptionStore]]:
    store, _url, _schema = open_store("sqlite", tmp_path)
    settings = Settings(
        DIGESTBOT_DATA_DIR=tmp_path / "data",
        DIGESTBOT_ADMINS=str(ADMIN),
        DIGESTBOT_SEEDS=SEEDS,
        DIGESTBOT_TICK_SECONDS=0.2,
        DIGESTBOT_RELOAD_SECONDS=0.2,
        DIGESTBOT_POLL_SECONDS=0,
    )
    cache = load_cache(ROOT / "summaries" / "cache.json")
    app = build_application(
        settings, cache, token=emulator.token, base_url=emulator.base_url, store=store
    )
    intake = app.bot_data.intake
    assert isinstance(intake, Intake)
    intake.new_fetcher = lambda: Fetcher(delay=0.0, read_timeout=2, deadline=5)
    await start_polling(app, poll_timeout=1)
    try:
        yield app, store
    finally:
        await stop_polling(app)
        store.close()


async def say(emu: BotAPIEmulator, text: str, chat: int = CHAT) -> SentMessage:
    emu.user_sends(chat, text, user_id=chat)
    (msg,) = await emu.wait_for_bot_messages(chat, 1, timeout=20)
    return msg


async def test_an_ingested_file_reaches_latest_without_a_restart(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], tmp_path: Path
) -> None:
    app, store = bot
    store.subscribe(CHAT, Preferences(hour=8), datetime.now(UTC))
    share_before = app.bot_data.share
    before = await say(emulator, "/latest")
    assert TITLE not in plain(before.text)
    menu = await say(emulator, "/digest")
    assert menu.reply_markup is not None

    # another process (`digestbot ingest FILE.html`) with its own connection to the database
    other = SubscriptionStore.from_url(str(store.engine.url))
    article = tmp_path / "report.html"
    article.write_text(page(TITLE, body([6, 7, 0, 1, 12, 13, 3, 8])), encoding="utf-8")
    intake = Intake(ArticleStore(other), seeds_dir=SEEDS, data_dir=tmp_path / "data")
    (outcome,) = await intake.ingest([str(article)])
    other.close()
    assert outcome.status == "accepted", outcome

    for _ in range(100):
        latest = await say(emulator, "/latest")
        if TITLE in plain(latest.text):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the new article never reached /latest")
    assert plain(latest.text).index(TITLE) < plain(latest.text).index("/digest")
    assert app.bot_data.share is not share_before  # reach follows the new cache
    # it was queued once for the subscriber
    queued = [a for c, a, _s, _n in store.delivery_log() if c == CHAT]
    assert outcome.id is not None and queued.count(outcome.id) == 1

    # a button from the cache served before the swap answers politely
    button = menu.reply_markup["inline_keyboard"][0][0]["callback_data"]
    query = emulator.user_presses(CHAT, menu.message_id, button)
    for _ in range(200):
        if (answer := emulator.callback_answer(query)) is not None:
            break
        await asyncio.sleep(0.02)
    assert answer is not None and answer.params["text"] == t("ar", "stale_button")


async def test_admins_add_a_url_and_see_the_feeds(
    emulator: BotAPIEmulator, bot: tuple[App, SubscriptionStore], server: HTTPServer
) -> None:
    server.expect_request("/story").respond_with_data(
        page("خبر جديد عن المعاهدة", body([9, 10, 11, 14, 15, 2, 4, 5])),
        content_type="text/html; charset=utf-8",
    )
    server.expect_request("/english").respond_with_data(
        page("A bridge", ["An English text about a bridge. " * 30], lang="en"),
        content_type="text/html; charset=utf-8",
    )
    accepted = plain((await say(emulator, f"/add {server.url_for('/story')}", chat=ADMIN)).text)
    assert "✅" in accepted and "خبر جديد عن المعاهدة" in accepted
    refused = plain((await say(emulator, f"/add {server.url_for('/english')}", chat=ADMIN)).text)
    assert "⛔" in refused and t("ar", "reason_not_arabic") in refused
    # not an admin: the command is unknown to them
    stranger = plain((await say(emulator, f"/add {server.url_for('/story')}")).text)
    assert "✅" not in stranger and "⛔" not in stranger
    feeds = plain((await say(emulator, "/feeds", chat=ADMIN)).text)
    assert t("ar", "feeds_empty").split(".")[0] in feeds
    about = plain((await say(emulator, "/about")).text)
    assert "آخر مقال أضيف" in about and t("ar", "freshness_never") in about
