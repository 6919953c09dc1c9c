"""Build the PTB :class:`~telegram.ext.Application`: every handler is wired here, in one place.

``build_application`` is shared by ``digestbot run``, ``digestbot chat``, the tests and
the benchmarks, so they all serve exactly the same bot. The cache is loaded by the
caller once; handlers read it (and the search index built from it) from the typed
``bot_data`` (:class:`~bot.telegram.context.BotData`).

Groups: :data:`BEFORE_ALL` runs the per-update work (the reader's language) for every
update; -1 holds the subscriptions' interceptors (typed input, a returning /start); 0 the
commands, the buttons (routed by action type through :mod:`bot.telegram.callbacks`) and
the catch-alls; 1 what follows a /lang choice. Every handler of group 0 is timed for
/metrics.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.delivery.ratelimit import SharedRateLimiter
from bot.model import Cache
from bot.subscriptions.store import SubscriptionStore
from bot.telegram import callbacks as cb
from bot.telegram import first_contact, intake, memory, reach, source, subscribe
from bot.telegram import handlers as h
from bot.telegram.client import file_url, make_bot
from bot.telegram.context import CONTEXT_TYPES, App
from bot.telegram.i18n import LANGS, catalogue, t

log = logging.getLogger(__name__)

#: seconds after start-up before the search index is built in the background
INDEX_DELAY = 1.0

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
    "source": source.source,
}

#: subscription commands, listed after the core ones (/stats only for Settings.admins)
SUBSCRIPTION_COMMANDS: dict[str, h.Handler] = {
    "subscribe": subscribe.subscribe_command,
    "settings": subscribe.settings_command,
    "unsubscribe": subscribe.unsubscribe_command,
}

#: action type (see bot.telegram.callbacks) → handler
BUTTONS: dict[type[object], h.Handler] = {
    cb.TimelinePage: h.on_timeline_button,
    cb.YearMenu: h.on_year_menu_button,
    cb.ReactionsParty: h.on_reactions_button,
    cb.DigestOf: h.on_digest_button,
    cb.DigestList: h.on_digest_list_button,
    cb.SetLang: h.on_lang_button,
    cb.SearchPage: h.on_search_button,
    cb.ListPage: h.on_list_page_button,
    cb.SubscriptionAction: subscribe.on_button,
    cb.TimelinePicture: reach.on_picture_button,
    cb.ReactionsView: h.on_reactions_view_button,
    cb.AboutPage: h.on_about_button,
}

#: the group of the per-update work: before every other handler
BEFORE_ALL = -100


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


async def register_commands(application: App) -> None:
    """Register the command menu in Arabic (also the default) and English (post_init)."""
    commands = application.bot_data.commands
    for lang in LANGS:
        menu = [BotCommand(c, t(lang, f"cmd_{c}")[:256]) for c in commands]
        await application.bot.set_my_commands(menu, language_code=lang)
        if lang == "ar":
            await application.bot.set_my_commands(menu)
    await first_contact.register_descriptions(application)
    log.info("bot ready: %d commands registered in %s", len(commands), "/".join(LANGS))
    # once polling has started: the first replies come first
    views = application.bot_data.views
    asyncio.get_running_loop().call_later(INDEX_DELAY, views.index_in_background)


def build_application(
    settings: Settings,
    cache: Cache,
    *,
    token: str,
    base_url: str | None = None,
    store: SubscriptionStore | None = None,
) -> App:
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
        Application.builder()
        .bot(client)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(True)
        .post_init(register_commands)
    )
    # the client is our ExtBot subclass (ResilientBot); App names the ExtBot it extends
    application = cast(App, builder.build())
    memory.install(application, settings.max_chats_in_memory)

    views = h.prepare_bot_data(application.bot_data, cache)
    application.bot_data.store = store
    subscribe.install(application, settings)
    reach.install(application, settings, cache)
    intake.install(application, settings)  # /latest, /add, /feeds, live cache reload, polling
    intake.on_cache_swap(
        application.bot_data, lambda _data, new: reach.install(application, settings, new)
    )
    add_handlers(application, settings)
    application.add_error_handler(h.on_error)
    commands = registered_commands(application)
    application.bot_data.commands = commands
    views.commands = commands
    views.warm()  # first visits are served from memory too
    return application


def add_handlers(application: App, settings: Settings) -> None:
    """Every handler of the bot, in its group; the one place they are registered."""
    _add_before_handlers(application)
    _add_commands_and_buttons(application, settings)
    _add_reach(application)
    _add_catch_alls(application)
    # After /lang (command or button) stored the choice: save it for the chat.
    application.add_handler(CommandHandler("lang", subscribe.follow_lang), group=1)
    application.add_handler(
        CallbackQueryHandler(subscribe.follow_lang, pattern=cb.pattern(cb.SetLang)), group=1
    )


def _add_before_handlers(application: App) -> None:
    """Per-update work first; then what may stop an update before the commands see it."""
    application.add_handler(TypeHandler(Update, h.before_every_update), group=BEFORE_ALL)
    # A channel post is never answered as a chat: /channel inside it, else nothing.
    channel_post = h.instrumented("channel", "post")(reach.on_channel_post)
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, channel_post), group=-3)
    # Subscriptions' interceptors: a chat back after blocking us; a time or zone typed
    # after "other…" (stops the update only when it consumed it).
    application.add_handler(CommandHandler("start", subscribe.reactivate_on_start), group=-1)
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND, subscribe.typed_input), group=-1
    )


def _add_commands_and_buttons(application: App, settings: Settings) -> None:
    for name, handler in {**CORE_COMMANDS, **SUBSCRIPTION_COMMANDS}.items():
        application.add_handler(CommandHandler(name, h.instrumented("command", name)(handler)))
    if settings.admins:
        stats = h.instrumented("command", "stats")(subscribe.stats_command)
        admins = filters.User(user_id=settings.admins)
        application.add_handler(CommandHandler("stats", stats, filters=admins))
    for action, handler in BUTTONS.items():
        timed = h.instrumented("callback", cb.KINDS[action])(handler)
        application.add_handler(CallbackQueryHandler(timed, pattern=cb.pattern(action)))
    tapped = h.instrumented("command", "source")(source.source)  # /source_004_17
    application.add_handler(MessageHandler(filters.Regex(source.TAPPABLE), tapped))


def _add_reach(application: App) -> None:
    """The bot's membership of channels, inline queries and the results posted from them."""
    member = h.instrumented("member", "my_chat_member")(reach.on_my_chat_member)
    application.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(
        InlineQueryHandler(h.instrumented("inline", "inline")(reach.on_inline_query))
    )
    application.add_handler(
        ChosenInlineResultHandler(h.instrumented("inline", "chosen")(reach.on_chosen_result))
    )


def _add_catch_alls(application: App) -> None:
    """After every command and button: stale buttons, unknown commands, free text."""
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
