"""Inline mode and share links end to end: ``@bot words`` answers through the emulator, a
picked result posts a cited message with a link back, /start <code> opens the item, and
«مشاركة» types the item's code into inline mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from botapi_emulator.models import SentMessage
from telegram.ext import Application
from test_telegram_support import REAL_CACHE, sample_cache

from bot.cache.store import load_cache
from bot.config import Settings
from bot.lifecycle import start_polling, stop_polling
from bot.telegram import inline, render
from bot.telegram.app import build_application
from bot.telegram.i18n import t
from bot.telegram.share import CODE, ShareIndex, event_code, share_query

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 6161
USER = 777


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator, tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(DIGESTBOT_DATA_DIR=tmp_path, DIGESTBOT_CACHE=tmp_path / "none.json")
    app = build_application(
        settings, sample_cache(), token=emulator.token, base_url=emulator.base_url
    )
    await start_polling(app, poll_timeout=5)
    yield app
    await stop_polling(app)


def raw_buttons(message: SentMessage) -> list[dict[str, Any]]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]


def test_every_item_of_the_seeds_has_a_valid_unique_code() -> None:
    cache = load_cache(REAL_CACHE)
    share = ShareIndex(cache)
    codes = [item.code for item in share.items]
    assert all(CODE.fullmatch(c) and len(c.encode()) <= 64 for c in codes)
    expected = (
        len(cache.articles)
        + len(cache.timeline)
        + len(cache.treaty_articles)
        + len(cache.reactions)
    )
    assert len(codes) == expected
    # distinct items get distinct codes; identical items may share one
    assert len(set(codes)) == len(share.by_code)
    for code, item in share.by_code.items():
        assert share.get(code) == item
    assert share.get("e_<script>") is None and share.get("x" * 65) is None


def test_event_codes_survive_a_rebuild_that_reorders_events() -> None:
    cache = sample_cache()
    reordered = cache.model_copy(update={"timeline": list(reversed(cache.timeline))})
    code = event_code(cache.timeline[3])
    item = ShareIndex(reordered).get(code)
    assert item is not None and reordered.timeline[item.index] == cache.timeline[3]


def test_paging_offsets() -> None:
    share = ShareIndex(sample_cache(n_events=120))
    items = [i for i in share.items if i.kind == "timeline"]
    first, nxt = inline.page(items, "")
    assert len(first) == 50 and nxt == "50"
    second, nxt = inline.page(items, nxt)
    third, last = inline.page(items, nxt)
    assert len(second) == 50 and len(third) == 20 and last == ""
    assert {i.code for i in first + second + third} == {i.code for i in items}


async def test_inline_query_answers_with_cited_items(emulator: BotAPIEmulator, bot: App) -> None:
    query_id = emulator.user_inline_query(USER, "الاتفاقية")
    answer = await emulator.wait_for_inline_answer(query_id, timeout=10)
    results = answer["results"]
    assert 1 <= len(results) <= 50
    assert answer["cache_time"] == inline.CACHE_TIME and answer["is_personal"]
    kinds = {r["title"].split(" · ")[0] for r in results}
    assert {t("ar", "kind_digest"), t("ar", "kind_timeline"), t("ar", "kind_reaction")} <= kinds
    assert all(CODE.fullmatch(r["id"]) for r in results)
    event = next(r for r in results if r["title"].startswith(t("ar", "kind_timeline")))
    posted = emulator.user_picks_inline_result(query_id, event["id"], CHAT)
    assert "📅" in posted.text and "المصادر:" in posted.text  # cited, footnotes included
    link = f"https://t.me/{emulator.bot_username}?start={event['id']}"
    assert link in [e.url for e in posted.entities if e.url]
    assert [b.get("url") for row in posted.reply_markup["inline_keyboard"] for b in row] == [link]  # type: ignore[index]
    assert await emulator.wait_until_quiet()
    assert all(c.ok for c in emulator.calls if c.method != "getUpdates")


async def test_empty_query_offers_latest_digests(emulator: BotAPIEmulator, bot: App) -> None:
    query_id = emulator.user_inline_query(USER, "")
    answer = await emulator.wait_for_inline_answer(query_id, timeout=10)
    ids = [r["id"] for r in answer["results"]]
    assert ids == ["d_000", "d_002", "d_001"]  # newest publication first


async def test_code_query_and_english_reader(emulator: BotAPIEmulator, bot: App) -> None:
    code = event_code(sample_cache().timeline[2])
    query_id = emulator.user_inline_query(USER + 1, code, language_code="en")
    answer = await emulator.wait_for_inline_answer(query_id, timeout=10)
    (result,) = answer["results"]
    assert result["id"] == code and result["title"].startswith("event · ")
    assert "Sources:" in result["input_message_content"]["message_text"]


async def test_nothing_found_offers_the_bot(emulator: BotAPIEmulator, bot: App) -> None:
    query_id = emulator.user_inline_query(USER, "كلمةلاتوجد")
    answer = await emulator.wait_for_inline_answer(query_id, timeout=10)
    assert answer["results"] == [] and answer["button"]["start_parameter"] == "help"


async def test_deep_links_open_items_with_a_share_button(
    emulator: BotAPIEmulator, bot: App
) -> None:
    cache = sample_cache()
    code = event_code(cache.timeline[4])
    emulator.user_sends(CHAT, f"/start {code}")
    (item,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "حدث رقم 4" in item.text and "المصادر:" in item.text
    assert raw_buttons(item) == [{"text": "مشاركة", "switch_inline_query": code}]
    emulator.user_sends(CHAT, "/start e_0000000000")
    (gone,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "لم يعد" in gone.text
    for kind in ("treaty", "reaction"):
        share = ShareIndex(cache)
        some = next(i for i in share.items if i.kind == kind)
        emulator.user_sends(CHAT, f"/start {some.code}")
        (shown,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
        assert "المصادر:" in shown.text
    # the digest screen carries «مشاركة» with its code
    emulator.user_sends(CHAT, "/start d_001")
    (digest,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    assert "hura7.com" in digest.text
    emulator.user_sends(CHAT, "/digest 000")  # one numbering: the article's own number
    (screen,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    share_buttons = [b for b in raw_buttons(screen) if "switch_inline_query" in b]
    assert share_buttons == [{"text": "مشاركة", "switch_inline_query": "d_000"}]


async def test_share_under_list_screens_offers_their_items(
    emulator: BotAPIEmulator, bot: App
) -> None:
    cache = sample_cache()
    for command, kind, count in (
        ("/timeline", "timeline", 6),
        ("/treaty_articles", "treaty", 2),
    ):
        emulator.user_sends(CHAT, command)
        (screen,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
        (button,) = [b for b in raw_buttons(screen) if "switch_inline_query" in b]
        assert button["text"] == "مشاركة"
        codes = button["switch_inline_query"].split()
        assert len(codes) == count and len(button["switch_inline_query"]) <= 256
        query_id = emulator.user_inline_query(USER, button["switch_inline_query"])
        answer = await emulator.wait_for_inline_answer(query_id, timeout=10)
        assert [r["id"] for r in answer["results"]] == codes
        assert all(r["title"].startswith(t("ar", f"kind_{kind}")) for r in answer["results"])
    # reactions: the glance lists parties; a stance's statements carry «مشاركة»
    emulator.user_sends(CHAT, "/reactions")
    (glance,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=10)
    emulator.press_button(CHAT, glance.message_id, "🔴 منتقد")
    await emulator.wait_for_call("editMessageText", timeout=10, chat_id=CHAT)
    critical = emulator.message(CHAT, glance.message_id)
    (button,) = [b for b in raw_buttons(critical) if "switch_inline_query" in b]
    codes = button["switch_inline_query"].split()
    assert len(codes) == sum(1 for r in cache.reactions if r.stance == "critical")
    query_id = emulator.user_inline_query(USER, button["switch_inline_query"])
    answer = await emulator.wait_for_inline_answer(query_id, timeout=10)
    assert [r["id"] for r in answer["results"]] == codes
    # the first timeline page's codes are its events, oldest first
    first_page = sorted(cache.timeline, key=render.chronological)[:6]
    assert codes_of_first_page(emulator) == [event_code(e) for e in first_page]


def codes_of_first_page(emulator: BotAPIEmulator) -> list[str]:
    screen = next(m for m in emulator.messages(CHAT) if "الخط الزمني" in m.text)
    (button,) = [b for b in raw_buttons(screen) if "switch_inline_query" in b]
    return str(button["switch_inline_query"]).split()


def test_share_query_keeps_whole_codes_within_256() -> None:
    codes = [f"e_{i:010d}" for i in range(40)]  # 12 characters each
    query = share_query(codes)
    assert len(query) <= 256 and query.split() == codes[: len(query.split())]
    assert len(query.split()) == 19  # 19 × 12 + 18 spaces = 246; one more would be 259
