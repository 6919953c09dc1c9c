"""What ``digestbot run`` really logs: never the token or the webhook secret (at any
level), never what a user wrote at INFO or above. The bot runs as a process against the
emulator; its stderr is the evidence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botapi_emulator import BotAPIEmulator
from test_shutdown_support import BotProcess, free_port, until

pytestmark = pytest.mark.slow

CHAT = 4242
#: What the user writes: distinctive enough never to occur by chance.
PRIVATE_TEXT = "رسالتي الخاصة زمرد٧٣١"
PRIVATE_QUERY = "ياقوتة٩٠٤"
SECRET = "webhook_secret-Zq8v1"


async def converse(emulator: BotAPIEmulator, bot: BotProcess) -> None:
    """A free-text message, a search and a button press, each answered."""
    emulator.user_sends(CHAT, "/help")
    await until(
        lambda: bool([m for m in emulator.messages(CHAT) if m.from_bot]),
        90,
        "the bot to answer /help",
        bot,
    )
    before = len(emulator.messages(CHAT))
    emulator.user_sends(CHAT, PRIVATE_TEXT)
    emulator.user_sends(CHAT, f"/search {PRIVATE_QUERY}")
    emulator.user_sends(CHAT, "/digest")
    await until(
        lambda: len([m for m in emulator.messages(CHAT)[before:] if m.from_bot]) >= 3,
        30,
        "answers to the private messages",
        bot,
    )
    digest_menu = [m for m in emulator.messages(CHAT) if m.from_bot and m.reply_markup][-1]
    emulator.press_button(CHAT, digest_menu.message_id, 1)
    await emulator.wait_until_quiet(idle=0.5, timeout=15)


def json_records(text: str) -> list[dict[str, str]]:
    records = []
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)  # every line is one JSON object
            assert {"time", "level", "logger", "message"} <= record.keys()
            records.append(record)
    return records


def assert_private_text_not_at_info(records: list[dict[str, str]]) -> None:
    for record in records:
        if record["level"] != "DEBUG":
            assert PRIVATE_TEXT not in record["message"], record
            assert PRIVATE_QUERY not in record["message"], record


async def run_and_converse(emulator: BotAPIEmulator, tmp_path: Path, **env: str) -> str:
    bot = await BotProcess(tmp_path, emulator, **env).start()
    try:
        await converse(emulator, bot)
    finally:
        code = await bot.stop()
    logs = bot.logs()
    assert code == 0, logs[-3000:]
    return logs


async def test_debug_json_logs_hide_token_and_user_text_above_debug(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    logs = await run_and_converse(
        emulator, tmp_path, LOG_LEVEL="DEBUG", DIGESTBOT_LOG_FORMAT="json"
    )
    assert emulator.token not in logs
    records = json_records(logs)
    assert any(r["level"] == "DEBUG" for r in records)  # DEBUG really was on
    assert_private_text_not_at_info(records)


async def test_info_plain_logs_hold_neither_token_nor_user_text(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    logs = await run_and_converse(emulator, tmp_path, LOG_LEVEL="INFO")
    assert "INFO" in logs  # something was logged, in the plain format
    assert not logs.lstrip().startswith("{")
    assert emulator.token not in logs
    assert PRIVATE_TEXT not in logs and PRIVATE_QUERY not in logs
    assert " DEBUG " not in logs


async def test_webhook_debug_logs_hide_the_webhook_secret(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    port = free_port()
    logs = await run_and_converse(
        emulator,
        tmp_path,
        LOG_LEVEL="DEBUG",
        DIGESTBOT_LOG_FORMAT="json",
        DIGESTBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/tg",
        DIGESTBOT_WEBHOOK_PORT=str(port),
        DIGESTBOT_WEBHOOK_SECRET=SECRET,
    )
    assert emulator.webhook_url == f"http://127.0.0.1:{port}/tg"
    assert emulator.token not in logs
    assert SECRET not in logs
    assert_private_text_not_at_info(json_records(logs))


@pytest.mark.parametrize("failure", ["rejected_token", "unreachable_api"])
async def test_start_up_failures_are_one_line_without_the_token(
    tmp_path: Path, failure: str
) -> None:
    """A revoked token (PTB's own message quotes it) or a Bot API that cannot be reached:
    exit 2 with one readable line, not a traceback carrying the token."""
    async with BotAPIEmulator(valid_tokens=["111111:" + "A" * 35]) as emulator:
        env = {"LOG_LEVEL": "DEBUG"}
        if failure == "unreachable_api":
            env["TELEGRAM_API_URL"] = f"http://127.0.0.1:{free_port()}/bot"
        bot = await BotProcess(tmp_path, emulator, **env).start()
        try:
            code = await bot.wait(90)
        finally:
            await bot.stop()
        logs = bot.logs()
    assert code == 2, logs[-3000:]
    assert emulator.token not in logs
    assert "Traceback" not in logs
    last = logs.strip().splitlines()[-1]
    assert last.startswith("digestbot run: ")
    assert ("rejected" in last) if failure == "rejected_token" else ("reach" in last)
