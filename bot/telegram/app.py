"""Build the PTB :class:`~telegram.ext.Application`: every handler is wired here, in one place.

``build_application`` is shared by ``digestbot run``, ``digestbot chat``, the tests and
the benchmarks, so they all serve exactly the same bot. The cache is loaded by the
caller once; handlers read it (and the search index built from it) from ``bot_data``.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.model import Cache
from bot.telegram import handlers as h
from bot.telegram import intake, memory, reach, subscribe
from bot.telegram.client import file_url, make_bot
from bot.telegram.i18n import LANGS, catalogue, t
from bot.telegram.ratelimit import SharedRateLimiter

log = logging.getLogger(__name__)

#: command → handler, in the order /help and the command menu list them.
CORE_COMMANDS: dict[str, h.Handler] = {
    "start": h.start,
    "help": h.show_help,
    "digest": h.digest,
    "timeline": h.timeline,
    "treaty_articles": h.treaty_articles,
    "reactions": h.reactions,
    "sources": intake.sources,  # the core screen plus the dossier's freshness
    "search": h.search,
    "lang": h.choose_lang,
    "about": intake.about,
}

#: callback kind (see bot.telegram.callbacks) → handler
BUTTONS: dict[str, h.Handler] = {
    "tl": h.on_timeline_button,
    "ty": h.on_year_menu_button,
    "rx": h.on_reactions_button,
    "dg": h.on_digest_button,
    "dl": h.on_digest_list_button,
    "lg": h.on_lang_button,
    "sr": h.on_search_button,
}

BOT_DATA_STORE = subscribe.BOT_DATA_STORE


def registered_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> list[str]:
    """Commands with a description in the catalogue: ours first, then added features'."""
    found: list[str] = []
    for group in sorted(application.handlers):
        for handler in application.handlers[group]:
            if isinstance(handler, CommandHandler):
                found.extend(sorted(handler.commands))
    described = [c for c in dict.fromkeys(found) if f"cmd_{c}" in catalogue()]
    core = [c for c in CORE_COMMANDS if c in described]
    return core + [c for c in described if c not in CORE_COMMANDS]


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the command menu in Arabic (also the default) and English (post_init)."""
    commands: list[str] = application.bot_data.get(h.BOT_DATA_COMMANDS, [])
    for lang in LANGS:
        menu = [BotCommand(c, t(lang, f"cmd_{c}")[:256]) for c in commands]
        await application.bot.set_my_commands(menu, language_code=lang)
        if lang == "ar":
            await application.bot.set_my_commands(menu)
    log.info("bot ready: %d commands registered in %s", len(commands), "/".join(LANGS))


def build_application(
    settings: Settings,
    cache: Cache,
    *,
    token: str,
    base_url: str | None = None,
    store: object | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot for ``cache``, talking to ``base_url`` (a Bot API ending in ``/bot``)."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        do_quote=False,
    )
    api = base_url or settings.telegram_api_url or "https://api.telegram.org/bot"
    # one client, one rate budget: replies and scheduled sends share it (bot.telegram.client)
    client = make_bot(
        token,
        base_url=api,
        base_file_url=file_url(api),
        defaults=defaults,
        limiter=SharedRateLimiter(settings.send_rate),
    )
    builder = (
        Application.builder().bot(client).concurrent_updates(True).post_init(register_commands)
    )
    application = builder.build()
    memory.install(application, settings.max_chats_in_memory)

    views = h.prepare_bot_data(application.bot_data, cache)
    if store is not None:
        application.bot_data[BOT_DATA_STORE] = store

    for name, handler in CORE_COMMANDS.items():
        application.add_handler(CommandHandler(name, h.instrumented("command", name)(handler)))
    for kind, handler in BUTTONS.items():
        application.add_handler(
            CallbackQueryHandler(
                h.instrumented("callback", kind)(handler), pattern=h.callback_pattern(kind)
            )
        )
    # Subscriptions add their own commands and buttons; the catch-alls must come after.
    subscribe.install(application, settings)
    reach.install(application, settings, cache)
    intake.install(application, settings)  # /latest, /add, /feeds, live cache reload, polling
    intake.on_cache_swap(application.bot_data, functools.partial(reach.rebind, settings))
    application.add_handler(
        CallbackQueryHandler(h.instrumented("callback", "unknown")(h.on_bad_button))
    )
    # UpdateType.MESSAGES: a channel post is never answered as a chat (channels: reach.py)
    application.add_handler(
        MessageHandler(
            filters.COMMAND & filters.UpdateType.MESSAGES,
            h.instrumented("command", "unknown")(h.unknown_command),
        ),
    )
    application.add_handler(
        MessageHandler(
            filters.TEXT
            & ~filters.COMMAND
            & filters.UpdateType.MESSAGES
            & (filters.ChatType.PRIVATE | filters.REPLY),
            h.instrumented("text", "text")(h.free_text),
        )
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.TEXT,
            h.instrumented("text", "other")(h.other_message),
        )
    )
    application.add_error_handler(h.on_error)
    commands = registered_commands(application)
    application.bot_data[h.BOT_DATA_COMMANDS] = commands
    views.commands = commands
    views.warm()  # first visits are served from memory too
    return application
