"""Updates the bot must survive: a poisoned (undecodable) update, channel posts, button
presses without a message, a slow Bot API, and an unbounded number of chats — all through
the real PTB Application polling the emulator (issue 15, points 2 and 6)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from botapi_emulator import BotAPIEmulator
from botapi_emulator.injection import inject_raw_update
from reliability_support import eventually, metric, running_bot

from bot.telegram.i18n import t

CHAT = 5151
SECRET_TEXT = "my-private-words-4711"
POISONED = "digestbot_updates_poisoned_total"


def poisoned_body() -> dict[str, object]:
    """A message in a shape PTB cannot build (no chat, no date): a newer/older Bot API."""
    return {"message": {"message_id": 9, "text": SECRET_TEXT, "from": {"id": CHAT}}}


async def test_poisoned_update_is_confirmed_logged_once_and_counted(
    emulator: BotAPIEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = metric(POISONED)
    caplog.set_level(logging.INFO)  # the default level; PTB's DEBUG logs echo all traffic
    async with running_bot(emulator, tmp_path):
        poison = inject_raw_update(emulator, poisoned_body())
        emulator.user_sends(CHAT, "/about")
        (reply,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=8)
        assert "المقالات" in reply.text
        # the next poll confirms the offset: Telegram (the emulator) forgets the update
        assert await eventually(
            lambda: all(u["update_id"] != poison for u in emulator._updates), timeout=5
        )
    assert metric(POISONED) == before + 1
    assert SECRET_TEXT not in caplog.text
    lines = [r for r in caplog.records if str(poison) in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    # a restart finds nothing left to choke on
    async with running_bot(emulator, tmp_path / "again"):
        emulator.user_sends(CHAT, "/help")
        (again,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=8)
        assert "/digest" in again.text


async def test_poison_alone_in_a_batch_and_between_good_updates(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    async with running_bot(emulator, tmp_path):
        inject_raw_update(emulator, poisoned_body())
        await asyncio.sleep(0.5)  # a poll whose whole batch is poisoned
        emulator.user_sends(CHAT, "/about")
        inject_raw_update(emulator, poisoned_body())
        emulator.user_sends(CHAT, "/sources")
        replies = await emulator.wait_for_bot_messages(CHAT, 2, timeout=8)
        assert len(replies) == 2


async def test_commands_in_a_channel_are_ignored_quietly(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    channel = -1009876
    emulator.add_chat(channel, chat_type="channel", title="قناة")
    async with running_bot(emulator, tmp_path):
        for text in ("/frobnicate", "/about", "كلام"):
            inject_raw_update(
                emulator,
                {
                    "channel_post": {
                        "message_id": 1,
                        "date": 1700000000,
                        "chat": {"id": channel, "type": "channel", "title": "قناة"},
                        "sender_chat": {"id": channel, "type": "channel", "title": "قناة"},
                        "text": text,
                        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]
                        if text.startswith("/")
                        else [],
                    }
                },
            )
        assert await emulator.wait_until_quiet(idle=0.5)
        assert emulator.calls_of("sendMessage") == []


async def test_button_without_a_message_is_answered_once(
    emulator: BotAPIEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An inline-mode message's button: the query has inline_message_id, no message."""
    emulator.add_chat(CHAT)
    caplog.set_level(logging.ERROR)
    async with running_bot(emulator, tmp_path) as (_app, _store):
        (menu,) = await _ask(emulator, "/timeline")
        for data in (menu.buttons[0].callback_data, "sub:unsub", "sub:t:0600", "junk"):
            query_id = emulator.user_presses(CHAT, menu.message_id, str(data))
            emulator._updates[-1]["callback_query"].pop("message")
            emulator._updates[-1]["callback_query"]["inline_message_id"] = "AAAA-inline"
            assert await eventually(lambda q=query_id: emulator.callback_answer(q) is not None)
        await emulator.wait_until_quiet(idle=0.3)
    answers = [c for c in emulator.calls_of("answerCallbackQuery")]
    assert all(c.ok for c in answers), [c.description for c in answers]
    assert len(answers) == 4
    assert "TypeError" not in caplog.text and "error while handling" not in caplog.text


async def test_slow_api_gives_the_reply_without_an_error_message(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    """7 s for a sendMessage: PTB's 5 s read timeout fires, yet Telegram delivers."""
    async with running_bot(emulator, tmp_path):
        emulator.inject_fault("sendMessage", kind="slow", times=1, delay=7.0)
        emulator.user_sends(CHAT, "/about")
        (reply,) = await emulator.wait_for_bot_messages(CHAT, 1, timeout=12)
        await emulator.wait_until_quiet(idle=1.5, timeout=15)
    texts = [m.text for m in emulator.messages(CHAT)]
    assert len(texts) == 1 and "المقالات" in reply.text
    assert not any(t("ar", "error")[:20] in x for x in texts)


async def test_per_chat_memory_is_bounded(emulator: BotAPIEmulator, tmp_path: Path) -> None:
    async with running_bot(emulator, tmp_path, DIGESTBOT_MAX_CHATS_IN_MEMORY=50) as (app, store):
        chats = range(90_000, 90_200)
        for wave in range(0, len(chats), 20):  # fewer at once than the bound, as in real use
            batch = chats[wave : wave + 20]
            for chat in batch:
                emulator.user_sends(chat, "/lang en")
            # every update handled to its end: the choice is saved for each chat
            assert await eventually(lambda b=batch: all(store.chat_lang(c) == "en" for c in b))
        await asyncio.sleep(0.2)
        # one more chat: PTB's per-chat state is swept back under the bound (+10 %)
        emulator.user_sends(chats[0], "/help")
        *_, helptext = await emulator.wait_for_bot_messages(chats[0], 2, timeout=5)
        assert len(app.chat_data) <= 55 and len(app.user_data) <= 55
        # an evicted chat gets its language back from the database
        assert helptext.text.startswith("Commands")


async def _ask(emu: BotAPIEmulator, text: str) -> list:  # type: ignore[type-arg]
    emu.user_sends(CHAT, text)
    return await emu.wait_for_bot_messages(CHAT, 1, timeout=8)


async def test_webhook_confirms_a_poisoned_update_from_telegram() -> None:
    """Telegram redelivers any update answered with a non-2xx: a poisoned one would block
    the webhook for good. With the right secret it is confirmed (200), counted, skipped."""
    import httpx
    from telegram import Bot

    from bot.observability.health import HealthChecks
    from bot.telegram.webserver import SECRET_HEADER, WebhookRoute, WebServer

    async def ok() -> bool:
        return True

    queue: asyncio.Queue[object] = asyncio.Queue()
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
    route = WebhookRoute(path="/hook", secret="s3cret", bot=Bot(token), queue=queue)
    before = metric(POISONED)
    async with (
        WebServer(HealthChecks(lambda: True, ok), webhook=route) as server,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client,
    ):
        body = {"update_id": 77, **poisoned_body()}
        r = await client.post("/hook", json=body, headers={SECRET_HEADER: "s3cret"})
    assert r.status_code == 200 and queue.empty()
    assert metric(POISONED) == before + 1
