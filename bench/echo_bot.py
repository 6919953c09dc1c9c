"""A bare PTB echo bot: the latency baseline, with nothing but python-telegram-bot loaded.

    TELEGRAM_BOT_TOKEN=… TELEGRAM_API_URL=http://127.0.0.1:PORT/bot python bench/echo_bot.py

Kept apart from bench/latency.py so the baseline process imports neither the emulator
nor the bot (a baseline that carries them looks heavier and slower than a bare bot is).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply to a text message with the same text."""
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def run_bare_bot(
    reply: Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]],
) -> int:
    """Poll the Bot API at TELEGRAM_API_URL with a plain PTB Application whose only
    handler is ``reply`` for text: the baseline the benchmarks compare the bot with."""
    app = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_URL"])
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, reply))
    app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0)
    return 0


def main() -> int:
    return run_bare_bot(echo)


if __name__ == "__main__":
    sys.exit(main())
