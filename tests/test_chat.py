"""``digestbot chat``: script and interactive modes against a real PTB bot on the emulator."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from botapi_emulator import BotAPIEmulator
from botapi_emulator.html_entities import parse_html
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.cache.store import dumps_cache
from bot.chat import ChatOptions, display_width, layout, run_chat
from bot.cli import main as cli_main
from bot.model import ABSOLUTE, ArticleEntry, Cache, Digest, Evidence, TimelineEvent

AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html(
        "<b>أهلًا</b> بك\nاختر:",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("أ", callback_data="a"),
                    InlineKeyboardButton("ب", callback_data="b"),
                ]
            ]
        ),
    )


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"تم {query.data}")
    await query.edit_message_text(f"اخترت {query.data}")


async def _whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_text(f"you are {update.effective_user.first_name}")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    if message.text == "silence":
        return
    if message.text == "broken":
        await message.reply_html("<p>not telegram html</p>")
        return
    await message.reply_text(f"echo: {message.text}")


def echo_app(emulator: BotAPIEmulator) -> AnyApp:
    """A bare PTB echo bot: stands in for the real bot so chat is tested on its own."""
    app = Application.builder().token(emulator.token).base_url(emulator.base_url).build()
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("whoami", _whoami))
    app.add_handler(CallbackQueryHandler(_pressed))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    return app


def options(**kw: Any) -> ChatOptions:
    defaults: dict[str, Any] = {"width": 40, "reply_timeout": 3.0, "idle": 0.2}
    defaults.update(kw)
    return ChatOptions(**defaults)


async def test_script_mode_prints_replies_and_presses_buttons() -> None:
    out = io.StringIO()
    code = await run_chat(
        echo_app,
        script=["/start", "#2", "# a comment", "", "hello"],
        options=options(),
        out=out,
    )
    text = out.getvalue()
    assert code == 0, text
    lines = text.splitlines()
    assert "› /start" in lines
    # Arabic lines end at the right margin (width 40, no trailing spaces).
    assert any(line.endswith("أهلًا بك") and display_width(line) == 40 for line in lines)
    assert any(line.strip() == "[1] أ   [2] ب" for line in lines)
    assert "  💬 تم b" in lines
    assert any("(edited)" in line for line in lines)
    assert any(line.endswith("اخترت b") for line in lines)
    assert "  echo: hello" in lines
    assert "comment" not in text


async def test_script_reports_missing_button_no_reply_and_api_errors() -> None:
    out = io.StringIO()
    code = await run_chat(
        echo_app,
        script=["#1", "silence", "broken"],
        options=options(reply_timeout=0.6),
        out=out,
    )
    text = out.getvalue()
    assert code == 1
    assert "there is no button 1 on the latest keyboard" in text
    assert "no reply within 0.6s" in text
    assert "⚠ Bot API refused sendMessage: Bad Request: can't parse entities" in text


async def test_interactive_mode_reads_stdin_and_presses_by_number() -> None:
    out = io.StringIO()
    stdin = io.StringIO("/start\n1\n:lang en\nbye\n:q\n")
    code = await run_chat(echo_app, script=None, options=options(), out=out, stdin=stdin)
    text = out.getvalue()
    assert code == 0
    assert "› [أ]" in text
    assert any(line.endswith("اخترت a") for line in text.splitlines())
    assert "your Telegram language is now en" in text
    assert "echo: bye" in text


async def test_bot_start_failure_is_reported() -> None:
    def bad_token_app(emulator: BotAPIEmulator) -> AnyApp:
        emulator.valid_tokens = {emulator.token}
        return Application.builder().token("123456:" + "Z" * 35).base_url(emulator.base_url).build()

    out = io.StringIO()
    code = await run_chat(bad_token_app, script=["/start"], options=options(), out=out)
    assert code == 1
    assert "the bot failed to start" in out.getvalue()


def test_layout_aligns_rtl_right_and_ltr_left() -> None:
    lines = layout("مرحبا\nhello\n\n‏19 يونيو", width=20, indent=2)
    assert lines[0] == " " * 15 + "مرحبا"
    assert lines[1] == "  hello"
    assert lines[2] == ""
    assert display_width(lines[3]) == 20 and lines[3].endswith("يونيو")


def test_layout_wraps_by_display_width() -> None:
    text = "كلمة " * 10
    lines = layout(text.strip(), width=22, indent=2)
    assert len(lines) > 1
    assert all(display_width(line) == 22 for line in lines)


def test_display_width_ignores_marks_and_counts_wide_emoji() -> None:
    assert display_width("وقّع") == 3  # the shadda is a combining mark
    assert display_width("\u200f") == 0
    assert display_width("📅") == 2


def test_layout_styles_from_entities_when_coloured() -> None:
    plain, entities = parse_html("<b>bold</b> plain")
    [line] = layout(plain, entities, width=40, color=True)
    assert line == "  \x1b[0m\x1b[1mbold\x1b[0m plain"


def _tiny_cache() -> Cache:
    source = Evidence(article_id="a1", sentence_index=0, text="وقّع الطرفان الاتفاقية.")
    return Cache(
        source_digest="test",
        digest_algorithm="lexrank",
        articles=[
            ArticleEntry(
                id="a1",
                title="اتفاقية الشراكة",
                source="الأول",
                url="https://example.com/a1",
                published="2024-06-20",
                published_precision="day",
                published_reason="absolute",
            )
        ],
        digests=[
            Digest(
                article_id="a1",
                algorithm="lexrank",
                sentence_indices=[0],
                sentences=["وقّع الطرفان الاتفاقية."],
            )
        ],
        timeline=[
            TimelineEvent(
                date="2024-06-19",
                granularity="day",
                text="وقّع الطرفان الاتفاقية.",
                resolution=ABSOLUTE,
                sources=[source],
            )
        ],
    )


def test_digestbot_chat_runs_the_real_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_path = tmp_path / "cache.json"
    cache_path.write_text(dumps_cache(_tiny_cache()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    script = tmp_path / "script.txt"
    script.write_text("/timeline\n/about\n", encoding="utf-8")
    code = cli_main(
        ["chat", "--cache", str(cache_path), "-c", "/start", "--script", str(script),
         "--width", "60"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("🤖") >= 3
    assert "› /timeline" in out
    assert "يونيو" in out
    assert "Bot API refused" not in out


async def test_default_name_is_neutral_per_language_and_name_option_wins() -> None:
    out = io.StringIO()
    code = await run_chat(
        echo_app, script=["/whoami", ":lang en", "/whoami"], options=options(), out=out
    )
    lines = out.getvalue().splitlines()
    assert code == 0
    assert any(line.endswith("you are ضيف") for line in lines)
    assert "  you are Guest" in lines
    assert "أنت" not in out.getvalue()
    out = io.StringIO()
    await run_chat(echo_app, script=["/whoami"], options=options(first_name="Sara"), out=out)
    assert "  you are Sara" in out.getvalue().splitlines()


async def test_commands_addressed_to_the_bot_by_username_reach_it() -> None:
    out = io.StringIO()
    code = await run_chat(
        echo_app,
        script=["/whoami@digestbot", "/whoami@DigestBot", "/whoami@otherbot"],
        options=options(reply_timeout=0.6),
        out=out,
    )
    text = out.getvalue()
    assert code == 1  # the last one is for another bot: no reply
    assert text.count("you are ضيف") == 2
    assert "(that command is addressed to @otherbot; this bot is @digestbot)" in text


class _CleanupTimesOut(ExtBot[None]):
    """The stop-time getUpdates (timeout 0) fails as it does when the pool is still held."""

    cleanups = 0

    async def get_updates(self, *args: Any, **kw: Any) -> tuple[Update, ...]:
        if kw.get("timeout") in (0, dt.timedelta(0)):
            type(self).cleanups += 1
            raise TimedOut("Pool timeout: All connections in the connection pool are occupied.")
        return await super().get_updates(*args, **kw)


async def test_shutdown_is_quiet_when_the_last_poll_cleanup_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def app(emulator: BotAPIEmulator) -> AnyApp:
        bot = _CleanupTimesOut(emulator.token, base_url=emulator.base_url)
        built: AnyApp = Application.builder().bot(bot).build()
        built.add_handler(MessageHandler(filters.TEXT, _echo))
        return built

    _CleanupTimesOut.cleanups = 0
    out = io.StringIO()
    with caplog.at_level(logging.DEBUG):
        code = await run_chat(app, script=["hello"], options=options(), out=out)
    assert code == 0
    assert _CleanupTimesOut.cleanups == 1  # the failure did happen …
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert noisy == []  # … and nothing was printed about it
    assert "Traceback" not in out.getvalue() and "Pool timeout" not in out.getvalue()
    assert logging.getLogger("telegram.ext.Updater").filters == []  # only during stop


def test_digestbot_chat_plays_an_inline_query_and_a_channel(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    cache = Path(__file__).resolve().parent.parent / "summaries" / "cache.json"
    code = cli_main(
        ["chat", "--cache", str(cache), "-c", ":inline معاهدة", "-c", ":pick 1",
         "-c", ":channel", "-c", ":pick 99", "--width", "80"]
    )  # fmt: skip
    out = capsys.readouterr().out
    # the inline answer, listed best first (any kind of item)
    assert any(f"[1] {kind} · " in out for kind in ("ملخص", "حدث", "بند", "رد فعل"))
    assert "?start=" in out  # the picked result's link back to the bot
    assert "📢 " in out and "✅" in out  # the channel and the bot's confirmation in it
    assert "usage: :inline words, then :pick N" in out
    assert code != 0  # the bad :pick counts as a failure
    assert "Bot API refused" not in out
