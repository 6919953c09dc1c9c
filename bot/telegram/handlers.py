"""Command, button and error handlers: thin glue between Telegram updates and the views.

Each handler takes a ready screen from the :class:`~bot.telegram.views.Views` in
``context.bot_data.views`` (built once by :func:`bot.telegram.app.build_application`) and
sends it through :func:`show`/:func:`reply`, which send pre-split parts and ride out a Bot
API 429 or 5xx. Per-update work (the reader's language) runs once, before any handler, in
:func:`before_every_update`. Wiring lives in :mod:`bot.telegram.app`.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Final, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.arabic.normalize import normalize
from bot.cache.search import query_words
from bot.delivery.pacing import retry_after_seconds
from bot.model import Cache
from bot.observability.metrics import COMMAND_LATENCY, UPDATES_HANDLED
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.client import answered
from bot.telegram.context import BotData, Context
from bot.telegram.i18n import (
    Lang,
    client_lang,
    coerce_lang,
    has_lang,
    lang_of,
    set_auto_lang,
    set_lang,
    t,
)
from bot.telegram.refs import find_article
from bot.telegram.source import DEEP_LINK, source
from bot.telegram.split import split_html
from bot.telegram.views import Screen, Views

log = logging.getLogger(__name__)

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
T = TypeVar("T")

MAX_RETRY_AFTER: Final = 10.0
FREE_TEXT_SEARCH_CHARS: Final = 200


# --- plumbing -------------------------------------------------------------------------


def instrumented(kind: str, name: str) -> Callable[[Handler], Handler]:
    """Count the update and time the handler under ``name`` for /metrics (nothing else)."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def timed(update: Update, context: Context) -> None:
            UPDATES_HANDLED.labels(kind=kind).inc()
            started = time.perf_counter()
            try:
                await handler(update, context)
            finally:
                COMMAND_LATENCY.labels(command=name).observe(time.perf_counter() - started)

        return timed

    return wrap


async def before_every_update(update: object, context: Context) -> None:
    """Per-update work, in the earliest group (a ``TypeHandler``), before any handler:
    every handler, whichever module registered it, sees the reader's language."""
    if isinstance(update, Update):
        await resolve_lang(update, context)


async def _saved_lang(update: Update, context: Context) -> str | None:
    """The language saved for this private chat (its /lang choice or its subscription's)."""
    store = context.bot_data.store
    chat = update.effective_chat
    if store is None or chat is None or chat.type != "private":
        return None
    try:
        lang = await store.call(store.chat_lang, chat.id)
    except Exception:  # the store is optional here: fall back to the client's language
        log.warning("could not read the chat's saved language", exc_info=True)
        return None
    return lang if isinstance(lang, str) else None


async def resolve_lang(update: Update, context: Context) -> None:
    """Work out, once per user, the language of a user who has not chosen one with /lang.

    Order: an explicit /lang choice (kept in ``user_data``); else the language saved for
    the chat (its /lang choice or its subscription's; survives restarts); else English
    when their Telegram client's ``language_code`` starts with "en"; else Arabic. The
    result is kept in ``user_data`` so later updates cost nothing.
    """
    user_data = context.user_data
    if user_data is None or has_lang(user_data):
        return
    saved = await _saved_lang(update, context)
    user = update.effective_user
    lang = coerce_lang(saved) if saved else client_lang(user.language_code if user else None)
    set_auto_lang(user_data, lang)


def _views(context: Context) -> Views:
    return context.bot_data.views


def _lang(context: Context) -> Lang:
    return lang_of(context.user_data)


async def with_retry(call: Callable[[], Awaitable[T]], attempts: int = 3) -> T:
    """Run a Bot API call, retrying after a short 429 (``retry_after``) or a 5xx.

    A 429 longer than :data:`MAX_RETRY_AFTER` is raised at once: the user is better
    served by the next message than by a reply a minute late. Timeouts are not retried:
    the request may have gone through, and a retry would send the same reply twice.
    """
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            if attempt == attempts or seconds > MAX_RETRY_AFTER:
                raise
            log.warning("Bot API asked to retry after %.1fs", seconds)
            await asyncio.sleep(seconds)
        except TimedOut:
            raise
        except NetworkError as exc:
            if isinstance(exc, BadRequest) or attempt == attempts:
                raise
            log.warning("Bot API error, retrying: %s", exc)
            await asyncio.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


async def _send_parts(
    message: Message, parts: Sequence[str], markup: InlineKeyboardMarkup | None
) -> list[Message]:
    sent: list[Message] = []
    for i, part in enumerate(parts):
        keyboard = markup if i == len(parts) - 1 else None
        sent.append(
            await with_retry(functools.partial(message.reply_text, part, reply_markup=keyboard))
        )
    return sent


async def reply(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Send ``text`` as one or more messages; the keyboard goes on the last part."""
    return await _send_parts(message, split_html(text), markup)


async def show(message: Message, screen: Screen) -> list[Message]:
    """Send a prepared screen (already split) with its keyboard on the last part."""
    return await _send_parts(message, screen.parts, screen.markup)


async def _edit(query: CallbackQuery, screen: Screen) -> None:
    """Replace the pressed message's text; long screens continue in new messages.

    When Telegram refuses the edit (message too old, deleted, …) the screen is sent as
    a new message instead, so a button press never goes unanswered.
    """
    first, rest = screen.parts[0], screen.parts[1:]
    markup = None if rest else screen.markup
    try:
        await with_retry(functools.partial(query.edit_message_text, first, reply_markup=markup))
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return
        if not isinstance(query.message, Message):  # an inline message: nothing to send to
            log.info("edit of an inline message refused (%s)", exc)
            return
        log.info("edit refused (%s); sending the screen as a new message", exc)
        await show(query.message, screen)
        return
    if rest and isinstance(query.message, Message):
        await _send_parts(query.message, rest, screen.markup)


def _message(update: Update) -> Message | None:
    return update.effective_message


# --- commands -------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """/start, also with deep-link payloads: digest_<article>, timeline, reactions, …"""
    if (message := _message(update)) is None:
        return
    payload = context.args[0] if context.args else ""
    routes: dict[str, Handler] = {
        "help": show_help,
        "timeline": timeline,
        "reactions": reactions,
        "treaty": treaty_articles,
        "treaty_articles": treaty_articles,
        "sources": sources,
        "about": about,
        "digest": digest,
        "search": search,
    }
    if (link := DEEP_LINK.match(payload)) is not None:
        context.args = [link["article"], link["n"]]
        await source(update, context)
        return
    if payload.startswith("digest_"):
        context.args = [payload.removeprefix("digest_")]
        await digest(update, context)
        return
    if payload in routes:
        context.args = []
        await routes[payload](update, context)
        return
    shared = context.bot_data.shared  # a shared item's deep link (reach)
    if payload and shared and (screen := shared(_lang(context), payload, context.bot.username)):
        await show(message, screen)
        return
    user = update.effective_user
    await reply(message, render.render_welcome(_lang(context), user.first_name if user else None))


async def show_help(update: Update, context: Context) -> None:
    """/help: every registered command with its description."""
    if (message := _message(update)) is not None:
        await show(message, _views(context).help(_lang(context)))


async def about(update: Update, context: Context) -> None:
    """/about: cache schema version, source digest and counts."""
    if (message := _message(update)) is not None:
        await show(message, _views(context).about(_lang(context)))


async def sources(update: Update, context: Context) -> None:
    """/sources: the articles the digests come from."""
    if (message := _message(update)) is not None:
        await show(message, _views(context).sources(_lang(context)))


async def treaty_articles(update: Update, context: Context) -> None:
    """/treaty_articles: the treaty's provisions as the articles quote them."""
    if (message := _message(update)) is not None:
        await show(message, _views(context).treaty(_lang(context)))


async def digest(update: Update, context: Context) -> None:
    """/digest: the articles as buttons; /digest <n|id> shows one digest directly."""
    if (message := _message(update)) is None:
        return
    lang, views = _lang(context), _views(context)
    if not context.args:
        await show(message, views.digest_menu(lang, 0))
        return
    index = find_article(views.cache, context.args[0])
    screen = views.digest(lang, index) if index is not None else None
    # a wrong number shows the menu, so the reader can pick from it
    await show(message, screen or views.digest_menu(lang, 0, unknown=True))


def _timeline_args(args: Sequence[str]) -> tuple[cb.Order, int | None]:
    order: cb.Order = "o"
    year: int | None = None
    for arg in args:
        word = arg.strip().lower()
        if word in ("newest", "new", "الأحدث", "الاحدث"):
            order = "n"
        elif word in ("oldest", "old", "الأقدم", "الاقدم"):
            order = "o"
        elif re.fullmatch(r"\d{4}", word):
            year = int(word)
    return order, year


async def timeline(update: Update, context: Context) -> None:
    """/timeline [year] [newest|oldest]: the first page with paging buttons."""
    if (message := _message(update)) is None:
        return
    lang, views = _lang(context), _views(context)
    order, year = _timeline_args(context.args or [])
    if year is not None and year not in views.years:
        await show(message, views.no_such_year(lang, year, order))
        return
    await show(message, views.timeline_start(lang, order, year))


async def reactions(update: Update, context: Context) -> None:
    """/reactions [party]: reactions with a button per party."""
    if (message := _message(update)) is None:
        return
    lang, views = _lang(context), _views(context)
    wanted = " ".join(context.args or [])
    found = views.party_candidates(wanted) if wanted else []
    if wanted and not found:
        await show(message, views.no_such_party(lang, wanted))
    elif len(found) > 1:
        await show(message, views.which_party(lang, wanted, found))
    else:
        await show(message, views.reactions(lang, found[0] if found else None, 0))


async def _answer_search(message: Message, context: Context, query: str) -> bool:
    """Reply with search results; False (and no reply) when nothing matched."""
    screen, total = _views(context).search(_lang(context), query)
    if total == 0:
        return False
    await show(message, screen)
    return True


async def search(update: Update, context: Context) -> None:
    """/search words: normalised matching over every kind of item, with citations."""
    if (message := _message(update)) is None:
        return
    lang, views = _lang(context), _views(context)
    query = " ".join(context.args or [])
    if not query_words(query):
        await show(message, views.message(lang, "search_usage"))
        return
    screen, _total = views.search(lang, query)
    await show(message, screen)


async def on_search_button(update: Update, context: Context) -> None:
    """‹ › through a query's hits; a query no longer remembered asks to search again."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.SearchPage):
        return await on_bad_button(update, context)
    lang = _lang(context)
    screen = _views(context).search_page(lang, action.key, action.page)
    if screen is None:
        await with_retry(functools.partial(query.answer, t(lang, "search_expired")))
        return
    await query.answer()
    await _edit(query, screen)


#: what may follow /lang (normalised): codes, and the languages' names in both languages
_LANG_WORDS: dict[str, Lang] = {
    **{normalize(w): "ar" for w in ("ar", "arabic", "عربي", "عربية", "العربية")},
    **{normalize(w): "en" for w in ("en", "english", "إنجليزي", "إنجليزية", "الإنجليزية")},
}


async def choose_lang(update: Update, context: Context) -> None:
    """/lang ar|en sets the interface language; plain /lang offers both as buttons."""
    if (message := _message(update)) is None:
        return
    views = _views(context)
    wanted = _LANG_WORDS.get(normalize((context.args or [""])[0]).strip().casefold())
    if wanted is not None and context.user_data is not None:
        lang: Lang = wanted
        set_lang(context.user_data, lang)
        await show(message, views.message(lang, "lang_set"))
        return
    await show(message, views.lang_menu(_lang(context)))


async def unknown_command(update: Update, context: Context) -> None:
    """Any command we do not know: say so and point to /help."""
    if (message := _message(update)) is None:
        return
    lang = _lang(context)
    word = (message.text or "").split(maxsplit=1)[0] if message.text else "?"
    _, at, addressee = word.partition("@")
    if at and addressee.lower() != (context.bot.username or "").lower():
        return  # a command for another bot in a group: not ours to answer
    command = html.escape(render.truncate(word, 40), quote=False)
    await reply(message, render.finish(lang, t(lang, "unknown_command", command=command)))


async def free_text(update: Update, context: Context) -> None:
    """Plain text: treat a short message as a search; otherwise explain how to ask.

    In groups only replies to the bot's own messages are answered.
    """
    if (message := _message(update)) is None:
        return
    if message.chat.type != "private":
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return  # group talk not addressed to the bot
    text = message.text or ""
    short = len(text) <= FREE_TEXT_SEARCH_CHARS and bool(query_words(text))
    if short and await _answer_search(message, context, text):
        return
    await show(message, _views(context).message(_lang(context), "free_text_hint"))


async def other_message(update: Update, context: Context) -> None:
    """Stickers, photos, voice… in a private chat: explain what the bot understands."""
    if (message := _message(update)) is not None:
        await show(message, _views(context).message(_lang(context), "free_text_hint"))


# --- buttons --------------------------------------------------------------------------


def _decode(update: Update, context: Context) -> cb.Action | None:
    query = update.callback_query
    if query is None:
        return None
    try:
        return cb.decode(query.data, _views(context).tag)
    except (cb.Stale, cb.Forged):
        return None


async def on_timeline_button(update: Update, context: Context) -> None:
    """‹ › paging, order toggle and a chosen year."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.TimelinePage):
        return await on_bad_button(update, context)
    await query.answer()
    screen = _views(context).timeline(_lang(context), action.page, action.order, action.year)
    await _edit(query, screen)


async def on_list_page_button(update: Update, context: Context) -> None:
    """‹ › through the source articles or the treaty's provisions."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.ListPage):
        return await on_bad_button(update, context)
    await query.answer()
    views, lang = _views(context), _lang(context)
    screen = (
        views.sources(lang, action.page) if action.view == "so" else views.treaty(lang, action.page)
    )
    await _edit(query, screen)


async def on_year_menu_button(update: Update, context: Context) -> None:
    """ "By year": swap the keyboard for one button per year."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.YearMenu):
        return await on_bad_button(update, context)
    lang = _lang(context)
    await query.answer(t(lang, "choose_year"))
    markup = _views(context).year_menu(lang, action.order)
    try:
        await with_retry(functools.partial(query.edit_message_reply_markup, reply_markup=markup))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_reactions_button(update: Update, context: Context) -> None:
    """A party filter or a page of reactions."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.ReactionsParty):
        return await on_bad_button(update, context)
    await query.answer()
    await _edit(query, _views(context).reactions(_lang(context), action.party, action.page))


async def on_reactions_view_button(update: Update, context: Context) -> None:
    """A person's statements, or every statement of a stance."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.ReactionsView):
        return await on_bad_button(update, context)
    screen = _views(context).reactions_view(_lang(context), action)
    if screen is None:
        return await on_bad_button(update, context)
    await query.answer()
    await _edit(query, screen)


async def on_about_button(update: Update, context: Context) -> None:
    """Switch /about between the reader's text and the technical details."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.AboutPage):
        return await on_bad_button(update, context)
    await query.answer()
    await _edit(query, _views(context).about(_lang(context), technical=action.technical))


async def on_digest_button(update: Update, context: Context) -> None:
    """An article button: send its digest as a new message, keeping the menu."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.DigestOf):
        return await on_bad_button(update, context)
    screen = _views(context).digest(_lang(context), action.article)
    if screen is None or not isinstance(query.message, Message):
        return await on_bad_button(update, context)
    await query.answer()
    await show(query.message, screen)


async def on_digest_list_button(update: Update, context: Context) -> None:
    """Paging through the article list (or back to it from a digest)."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.DigestList):
        return await on_bad_button(update, context)
    await query.answer()
    screen = _views(context).digest_menu(_lang(context), action.page)
    if not action.back or not isinstance(query.message, Message):
        await _edit(query, screen)
    else:  # back from a digest: the menu comes below, the digest just read stays
        await show(query.message, screen)


async def on_lang_button(update: Update, context: Context) -> None:
    """A language button from /lang."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.SetLang) or context.user_data is None:
        return await on_bad_button(update, context)
    set_lang(context.user_data, action.lang)
    await query.answer()
    await _edit(query, _views(context).message(action.lang, "lang_set"))


async def on_bad_button(update: Update, context: Context) -> None:
    """A stale or forged button: a polite answerCallbackQuery, nothing else."""
    query = update.callback_query
    if query is None:
        return
    lang = _lang(context)
    try:
        cb.decode(query.data, _views(context).tag)
        key = "forged_button"  # decodes, but not valid here (e.g. an index out of range)
    except cb.Stale:
        key = "stale_button"
    except cb.Forged:
        key = "forged_button"
    await with_retry(functools.partial(query.answer, t(lang, key), show_alert=False))


# --- errors ---------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the failure (the log filter scrubs tokens) and tell the user, if there is one."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden | RetryAfter):
        return  # blocked, or flood-controlled: a reply now would fail the same way
    if isinstance(context.error, TimedOut):
        return  # the Bot API may well have delivered the reply: no «error» after it
    lang = _lang(context)
    try:
        if update.callback_query is not None:
            if answered(context.bot, update.callback_query.id):
                return  # a query is answered once; the user already saw that answer
            await update.callback_query.answer(t(lang, "error"), show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(render.finish(lang, t(lang, "error")))
    except Exception:  # the Bot API itself is failing; the log line above is enough
        log.warning("could not tell the user about the error", exc_info=True)


def prepare_bot_data(bot_data: BotData, cache: Cache) -> Views:
    """Everything handlers need, computed once at start-up."""
    views = Views(cache)
    bot_data.cache = cache  # also read by subscriptions and the health check
    bot_data.views = views
    return views
