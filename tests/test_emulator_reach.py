"""The emulator's photos, inline mode and channels validate as Telegram does (PTB's Bot
talking to it over HTTP, so the requests are exactly what the bot sends)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from botapi_emulator import BotAPIEmulator
from PIL import Image
from telegram import (
    Bot,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
)
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.delivery.pacing import retry_after_seconds

CHANNEL = -1001234567890


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


async def _bot(emulator: BotAPIEmulator) -> Bot:
    bot = Bot(emulator.token, base_url=emulator.base_url)
    await bot.initialize()
    return bot


async def test_send_photo_upload_then_by_file_id(emulator: BotAPIEmulator) -> None:
    emulator.add_chat(10)
    bot = await _bot(emulator)
    sent = await bot.send_photo(
        10,
        InputFile(png(1080, 2000), filename="a.png"),
        caption="<b>خط</b> زمني",
        parse_mode="HTML",
    )
    assert sent.caption == "خط زمني" and sent.caption_entities[0].type == "bold"
    biggest = sent.photo[-1]
    assert (biggest.width, biggest.height) == (1080, 2000)
    assert emulator.photo_bytes(biggest.file_id) == png(1080, 2000)
    again = await bot.send_photo(10, biggest.file_id)
    assert again.photo[-1].file_id == biggest.file_id
    stored = emulator.messages(10)
    assert stored[-1].photo is not None and stored[0].text == "خط زمني"
    # larger photos are stored at most 2560 px on the long side, as Telegram does
    tall = await bot.send_photo(10, InputFile(png(1000, 5000), filename="t.png"))
    assert max(tall.photo[-1].width, tall.photo[-1].height) == 2560


@pytest.mark.parametrize(
    ("photo", "caption", "error"),
    [
        (b"not an image at all", None, "IMAGE_PROCESS_FAILED"),
        (png(10, 400), None, "PHOTO_INVALID_DIMENSIONS"),  # ratio over 20
        (png(6000, 4500), None, "PHOTO_INVALID_DIMENSIONS"),  # width + height over 10000
        (png(100, 100), "x" * 1025, "caption is too long"),
        (png(100, 100), "<b>unclosed", "can't parse entities"),
        ("AgACAgIAAxkDunknown", None, "wrong file identifier"),
    ],
)
async def test_send_photo_rejections(
    emulator: BotAPIEmulator, photo: bytes | str, caption: str | None, error: str
) -> None:
    emulator.add_chat(10)
    bot = await _bot(emulator)
    sent: Any = InputFile(photo, filename="p.png") if isinstance(photo, bytes) else photo
    with pytest.raises(BadRequest, match=f"(?i){re.escape(error)}"):
        await bot.send_photo(10, sent, caption=caption, parse_mode="HTML")


async def test_caption_limit_counts_text_after_parsing(emulator: BotAPIEmulator) -> None:
    emulator.add_chat(10)
    bot = await _bot(emulator)
    caption = "<b>" + "ب" * 1024 + "</b>"  # 1031 characters sent, 1024 shown
    sent = await bot.send_photo(
        10, InputFile(png(50, 50), filename="p.png"), caption=caption, parse_mode="HTML"
    )
    assert len(sent.caption or "") == 1024


def _article(result_id: str, text: str = "نص") -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, "عنوان", InputTextMessageContent(text))


async def test_inline_query_answer_and_pick(emulator: BotAPIEmulator) -> None:
    bot = await _bot(emulator)
    query_id = emulator.user_inline_query(77, "معاهدة")
    updates = await bot.get_updates()
    assert updates[-1].inline_query is not None and updates[-1].inline_query.query == "معاهدة"
    results = [_article("d-1", "<b>ملخص</b> مع مصدر"), _article("e-2")]
    await bot.answer_inline_query(query_id, results, cache_time=60, is_personal=True)
    answer = emulator.inline_answer(query_id)
    assert answer is not None and answer["cache_time"] == 60 and answer["is_personal"]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query_id, results)  # answered already
    msg = emulator.user_picks_inline_result(query_id, "d-1", 55)
    assert msg.params["via_bot"] == emulator.bot_username and msg.text == "<b>ملخص</b> مع مصدر"
    updates = await bot.get_updates(offset=updates[-1].update_id + 1)
    chosen = updates[-1].chosen_inline_result
    assert chosen is not None and chosen.result_id == "d-1" and chosen.query == "معاهدة"


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([_article(f"r{i}") for i in range(51)], "RESULTS_TOO_MUCH"),
        ([_article("x" * 65)], "RESULT_ID_INVALID"),
        ([_article("same"), _article("same")], "RESULT_ID_DUPLICATE"),
        ([InlineQueryResultArticle("a", "t", InputTextMessageContent("<i>x", "HTML"))], "parse"),
    ],
)
async def test_inline_answer_rejections(
    emulator: BotAPIEmulator, results: list[InlineQueryResultArticle], error: str
) -> None:
    bot = await _bot(emulator)
    query_id = emulator.user_inline_query(77, "")
    with pytest.raises(BadRequest, match=f"(?i){re.escape(error)}"):
        await bot.answer_inline_query(query_id, results)
    assert emulator.inline_answer(query_id) is None


async def test_channel_membership_and_flood_limit(emulator: BotAPIEmulator) -> None:
    emulator.add_channel(CHANNEL, username="digest_news", title="موجز")
    bot = await _bot(emulator)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(CHANNEL, "قبل الإضافة")
    emulator.set_bot_status(CHANNEL, "administrator")
    updates = await bot.get_updates()
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "administrator"
    assert member.old_chat_member.status == "left"
    sent = await bot.send_message("@digest_news", "منشور")
    assert sent.chat.type == "channel"
    emulator.channel_post(CHANNEL, "/channel")
    updates = await bot.get_updates(offset=updates[-1].update_id + 1)
    post = updates[-1].channel_post
    assert post is not None and post.text == "/channel" and post.sender_chat is not None
    # with flood control on, a channel takes 20 messages a minute
    emulator.set_flood_limits(global_per_second=None, per_chat_per_second=None)
    for i in range(20):
        await bot.send_message(CHANNEL, f"رسالة {i}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHANNEL, "الحادية والعشرون")
    assert 1 <= retry_after_seconds(caught.value) <= 61
    emulator.set_bot_status(CHANNEL, "kicked")
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(CHANNEL, "بعد الإزالة")
