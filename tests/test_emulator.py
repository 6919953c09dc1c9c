"""The emulator driven by a real PTB ``Bot``: PTB's own HTTP client and error mapping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from botapi_emulator import BotAPIEmulator
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

CHAT = 4242


@pytest_asyncio.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    async with Bot(emulator.token, base_url=emulator.base_url) as ptb_bot:
        yield ptb_bot


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


async def test_get_me_reports_the_fake_bot(bot: Bot, emulator: BotAPIEmulator) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == emulator.bot_username
    assert me.id == emulator.bot_id


async def test_user_message_reaches_the_bot_with_command_entity(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    sent_id = emulator.user_sends(CHAT, "/search معاهدة", language_code="en")
    updates = await bot.get_updates(timeout=2)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.message_id == sent_id
    assert message.text == "/search معاهدة"
    assert message.chat.id == CHAT
    assert message.from_user is not None and message.from_user.language_code == "en"
    assert message.parse_entities(["bot_command"]) != {}
    assert list(message.parse_entities(["bot_command"]).values()) == ["/search"]


async def test_long_poll_waits_for_an_update_then_returns(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    async def later() -> None:
        await asyncio.sleep(0.3)
        emulator.user_sends(CHAT, "hello")

    started = time.monotonic()
    task = asyncio.create_task(later())
    updates = await bot.get_updates(timeout=5)
    await task
    elapsed = time.monotonic() - started
    assert [u.message.text for u in updates if u.message] == ["hello"]
    assert 0.25 <= elapsed < 3


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_offsets_confirm_updates(bot: Bot, emulator: BotAPIEmulator) -> None:
    for text in ("a", "b", "c"):
        emulator.user_sends(CHAT, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    again = await bot.get_updates()  # nothing confirmed yet: the same updates again
    assert [u.update_id for u in again][:2] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["c"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert emulator.pending_updates == 0


async def test_negative_offset_keeps_only_the_last_updates(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    for text in ("a", "b", "c"):
        emulator.user_sends(CHAT, text)
    updates = await bot.get_updates(offset=-1)
    assert [u.message.text for u in updates if u.message] == ["c"]


async def test_a_second_long_poll_ends_the_first_with_conflict(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)  # the first long poll is waiting on the server
    async with Bot(emulator.token, base_url=emulator.base_url) as other:
        second = asyncio.create_task(other.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await first
        assert await second == ()


async def test_send_message_records_html_plain_text_and_entities(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    emulator.add_chat(CHAT)
    message = await bot.send_message(
        CHAT,
        "<b>الخط الزمني</b>\n‏• 19 يونيو 2024 &amp; <a href='https://example.com'>المصدر</a>",
        parse_mode="HTML",
        reply_markup=keyboard("tl:2", "ty"),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert message.text == "الخط الزمني\n‏• 19 يونيو 2024 & المصدر"
    assert message.reply_markup == keyboard("tl:2", "ty")
    [stored] = await emulator.wait_for_bot_messages(CHAT)
    assert stored.message_id == message.message_id
    assert stored.text == message.text
    assert stored.raw_text.startswith("<b>الخط الزمني</b>")
    assert [e.type for e in stored.entities] == ["bold", "text_link"]
    assert stored.link_preview_disabled
    assert [b.callback_data for b in stored.buttons] == ["tl:2", "ty"]
    assert emulator.messages(CHAT) == [stored]


async def test_message_ids_are_per_chat_and_shared_with_the_user(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    first = emulator.user_sends(CHAT, "hi")
    reply = await bot.send_message(CHAT, "hello", reply_to_message_id=first)
    assert reply.message_id == first + 1
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "hi"
    emulator.add_chat(CHAT + 1)
    other = await bot.send_message(CHAT + 1, "x")
    assert other.message_id == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "x" * 4097}, "Message is too long"),
        ({"text": "😀" * 2049}, "Message is too long"),
        ({"text": "<b>x</b>" * 4096, "parse_mode": "HTML"}, None),
        ({"text": "<b>x</b>" * 4097, "parse_mode": "HTML"}, "Message is too long"),
        ({"text": "a < b", "parse_mode": "HTML"}, "Can't parse entities: unsupported start tag"),
        ({"text": "<b>x", "parse_mode": "HTML"}, "Can't parse entities: can't find end tag"),
        (
            {"text": "<br>", "parse_mode": "HTML"},
            'Can\'t parse entities: unsupported start tag "br"',
        ),
        ({"text": "a & b", "parse_mode": "HTML"}, "Can't parse entities"),
        ({"text": "   \n "}, "Message text is empty"),
        ({"text": "<b></b>", "parse_mode": "HTML"}, "Message text is empty"),
        ({"text": "x", "reply_markup": keyboard("x" * 65)}, "Button_data_invalid"),
        ({"text": "x", "reply_markup": keyboard("ع" * 33)}, "Button_data_invalid"),
        ({"text": "x", "reply_markup": keyboard("ع" * 32)}, None),
    ],
)
async def test_validation_like_telegram(
    bot: Bot, emulator: BotAPIEmulator, kwargs: dict[str, object], message: str | None
) -> None:
    emulator.add_chat(CHAT)
    if message is None:
        await bot.send_message(CHAT, **kwargs)  # type: ignore[arg-type]
        return
    with pytest.raises(BadRequest) as info:
        await bot.send_message(CHAT, **kwargs)  # type: ignore[arg-type]
    assert info.value.message.lower().startswith(message.lower())
    assert emulator.messages(CHAT) == []
    call = await emulator.wait_for_call("sendMessage")
    assert call.status == 400 and not call.ok


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "x")


async def test_edit_text_and_markup(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "page 1", reply_markup=keyboard("p:2"))
    edited = await bot.edit_message_text(
        "page <b>2</b>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=keyboard("p:1")
    )
    assert not isinstance(edited, bool)
    assert edited.text == "page 2" and edited.edit_date is not None
    stored = emulator.message(CHAT, sent.message_id)
    assert stored.history == ["page 1"]
    assert stored.buttons[0].callback_data == "p:1"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "page <b>2</b>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=keyboard("p:1")
        )
    # Editing the text without a keyboard removes it, as Telegram does.
    await bot.edit_message_text("page <b>2</b>", CHAT, sent.message_id, parse_mode="HTML")
    assert emulator.message(CHAT, sent.message_id).reply_markup is None
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("p:3"))
    assert emulator.message(CHAT, sent.message_id).buttons[0].callback_data == "p:3"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("p:3"))
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)
    kinds = [e.kind for e in emulator.events]
    assert kinds == ["message", "edit", "edit", "edit"]


async def test_edit_validates_like_send_with_edit_wording(
    bot: Bot, emulator: BotAPIEmulator
) -> None:
    emulator.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "short")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.edit_message_text("x" * 4097, CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.edit_message_text("<b>x", CHAT, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.edit_message_text(" ", CHAT, sent.message_id)
    assert emulator.message(CHAT, sent.message_id).text == "short"


async def test_user_messages_cannot_be_edited(bot: Bot, emulator: BotAPIEmulator) -> None:
    mine = emulator.user_sends(CHAT, "hi")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", CHAT, mine)


async def test_delete_message(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "bye")
    assert await bot.delete_message(CHAT, sent.message_id)
    assert emulator.messages(CHAT) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


async def test_button_press_and_answer(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "choose", reply_markup=keyboard("a", "b"))
    query_id = emulator.press_button(CHAT, sent.message_id, 2)
    [update] = await bot.get_updates(timeout=2)
    query = update.callback_query
    assert query is not None and query.id == query_id
    assert query.data == "b"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await query.answer("تم", show_alert=True)
    answer = emulator.callback_answer(query_id)
    assert answer is not None and answer.params["text"] == "تم"
    assert emulator.events[-1].kind == "callback_answer"
    assert emulator.events[-1].show_alert
    with pytest.raises(BadRequest, match="Query is too old"):
        await query.answer()


async def test_chat_action(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    assert await bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")


async def test_commands_per_scope_and_language(bot: Bot, emulator: BotAPIEmulator) -> None:
    arabic = [BotCommand("timeline", "الخط الزمني"), BotCommand("help", "مساعدة")]
    english = [BotCommand("timeline", "Timeline")]
    assert await bot.set_my_commands(arabic)
    assert await bot.set_my_commands(english, language_code="en")
    assert await bot.set_my_commands(english, scope=BotCommandScopeAllPrivateChats())
    assert await bot.get_my_commands() == tuple(arabic)
    assert await bot.get_my_commands(language_code="en") == tuple(english)
    assert await bot.get_my_commands(language_code="fr") == ()
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == tuple(english)
    assert emulator.commands(language_code="en") == [
        {"command": "timeline", "description": "Timeline"}
    ]
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.set_my_commands(english, scope=BotCommandScopeChat(12345))
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_webhook_info_and_conflict(bot: Bot, emulator: BotAPIEmulator) -> None:
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.delete_webhook(drop_pending_updates=True)
    emulator.user_sends(CHAT, "queued")
    assert (await bot.get_webhook_info()).pending_update_count == 1


async def test_fault_429_gives_retry_after(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    emulator.inject_fault("sendMessage", kind="429", retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "x")
    assert "Retry in 7" in str(info.value)
    assert emulator.calls_of("sendMessage")[0].response["parameters"] == {"retry_after": 7}
    assert (await bot.send_message(CHAT, "x")).text == "x"  # only once


async def test_fault_403_per_chat(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(1)
    emulator.add_chat(2)
    fault = emulator.inject_fault("sendMessage", kind="403", chat_id=2, times=None)
    await bot.send_message(1, "ok")
    for _ in range(3):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(2, "x")
    assert fault.fired == 3
    emulator.clear_faults()
    await bot.send_message(2, "x")


async def test_blocked_user_until_they_write_again(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.user_blocks_bot(CHAT)
    with pytest.raises(Forbidden):
        await bot.send_message(CHAT, "x")
    emulator.user_sends(CHAT, "/start")
    await bot.send_message(CHAT, "welcome back")


async def test_fault_500_and_502(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    emulator.inject_fault("*", kind="500", times=2)
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "x")
    with pytest.raises(NetworkError):
        await bot.send_chat_action(CHAT, "typing")
    emulator.inject_fault("sendMessage", kind="502")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(CHAT, "x")
    await bot.send_message(CHAT, "fine")


async def test_fault_slow(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    emulator.inject_fault("sendMessage", kind="slow", delay=0.4)
    started = time.monotonic()
    await bot.send_message(CHAT, "x")
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    await bot.send_message(CHAT, "y")
    assert time.monotonic() - started < 0.4


async def test_unknown_token_is_unauthorized() -> None:
    async with BotAPIEmulator(valid_tokens=["111111:" + "A" * 35]) as emu:
        stranger = Bot("222222:" + "B" * 35, base_url=emu.base_url)
        with pytest.raises(InvalidToken):
            await stranger.initialize()  # PTB checks the token with getMe
        await stranger.shutdown()
        async with Bot("111111:" + "A" * 35, base_url=emu.base_url) as known:
            assert (await known.get_me()).id == emu.bot_id


async def test_wait_for_bot_messages_times_out_clearly(emulator: BotAPIEmulator) -> None:
    with pytest.raises(TimeoutError, match="1 new bot message"):
        await emulator.wait_for_bot_messages(CHAT, timeout=0.1)


async def test_allowed_updates_filters_kinds(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "pick", reply_markup=keyboard("a"))
    emulator.user_sends(CHAT, "text")
    emulator.press_button(CHAT, sent.message_id, "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["a"]
    assert all(u.message is None for u in updates)


async def test_press_button_by_text_and_unknown_buttons(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "pick", reply_markup=keyboard("yes", "no"))
    emulator.press_button(CHAT, sent.message_id, "no")
    [update] = await bot.get_updates()
    assert update.callback_query is not None and update.callback_query.data == "no"
    with pytest.raises(KeyError):
        emulator.press_button(CHAT, sent.message_id, 3)
    with pytest.raises(KeyError):
        emulator.user_presses(CHAT, 999, "yes")


async def test_wait_helpers(bot: Bot, emulator: BotAPIEmulator) -> None:
    emulator.add_chat(1)
    emulator.add_chat(2)

    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(1, "one")
        await bot.send_message(2, "two")

    task = asyncio.create_task(later())
    call = await emulator.wait_for_call("sendMessage", chat_id=2)
    assert call.params["text"] == "two"
    first = await emulator.wait_for_call("sendmessage")  # case-insensitive, own cursor
    assert first.params["text"] == "one"
    await task
    assert await emulator.wait_until_quiet(idle=0.1, timeout=2)
    emulator.user_sends(1, "pending")
    assert not await emulator.wait_until_quiet(idle=0.05, timeout=0.3)  # nobody polled it
    [message] = await emulator.wait_for_bot_messages(1)
    assert message.text == "one"
    assert await emulator.wait_for_bot_messages(2, count=1) == emulator.messages(2)
