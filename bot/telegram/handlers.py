"""Command, button and error handlers: thin glue between Telegram updates and render.py.

Each handler reads the cache and prepared views from ``context.bot_data`` (filled once by
:func:`bot.telegram.app.build_application`), renders a reply with the pure functions of
:mod:`bot.telegram.render` and sends it through :func:`reply`, which splits long HTML and
rides out a Bot API 429 or 5xx. Wiring lives in :mod:`bot.telegram.app`.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any, Final, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes
from telegram.warnings import PTBDeprecationWarning

from bot.cache.schema import ArticleEntry, Cache
from bot.observability.metrics import COMMAND_LATENCY, UPDATES_HANDLED
from bot.telegram import callbacks as cb
from bot.telegram import keyboards as kb
from bot.telegram import render
from bot.telegram.i18n import Lang, lang_of, set_lang, t
from bot.telegram.search import SearchIndex, query_words
from bot.telegram.split import split_html

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
T = TypeVar("T")

BOT_DATA_CACHE: Final = "cache"
BOT_DATA_INDEX: Final = "search_index"
BOT_DATA_TAG: Final = "cache_tag"
BOT_DATA_COMMANDS: Final = "commands"
MAX_RETRY_AFTER: Final = 10.0
SEARCH_LIMIT: Final = 10
FREE_TEXT_SEARCH_CHARS: Final = 200


# --- plumbing -------------------------------------------------------------------------


def instrumented(kind: str, name: str) -> Callable[[Handler], Handler]:
    """Count the update and time the handler under ``name`` for /metrics."""

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


def _cache(context: Context) -> Cache:
    cache: Cache = context.bot_data[BOT_DATA_CACHE]
    return cache


def _tag(context: Context) -> str:
    tag: str = context.bot_data[BOT_DATA_TAG]
    return tag


def _lang(context: Context) -> Lang:
    return lang_of(context.user_data)


def _retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, int or timedelta (PTB is moving to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        delay = exc.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)


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
            seconds = _retry_seconds(exc)
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


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message's text; long results continue in new messages."""
    parts = split_html(text)
    first, rest = parts[0], parts[1:]
    try:
        await with_retry(
            functools.partial(query.edit_message_text, first, reply_markup=None if rest else markup)
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    if rest and isinstance(query.message, Message):
        await _send_parts(query.message, rest, markup)


def _message(update: Update) -> Message | None:
    return update.effective_message


def _article_by_ref(cache: Cache, ref: str) -> tuple[int, ArticleEntry] | None:
    """An article by index (``3``), id, or id prefix before ``_`` (``000`` → ``000_…``)."""
    ref = ref.strip()
    if not ref:
        return None
    for i, article in enumerate(cache.articles):
        if article.id == ref or article.id.split("_", 1)[0] == ref:
            return i, article
    if ref.isdigit() and int(ref) < len(cache.articles):
        return int(ref), cache.articles[int(ref)]
    return None


# --- commands -------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """/start, also with deep-link payloads: digest_<article>, timeline, reactions, …"""
    message = _message(update)
    if message is None:
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
    }
    if payload.startswith("digest_"):
        context.args = [payload.removeprefix("digest_")]
        await digest(update, context)
        return
    if payload in routes:
        context.args = []
        await routes[payload](update, context)
        return
    user = update.effective_user
    await reply(message, render.render_welcome(_lang(context), user.first_name if user else None))


async def show_help(update: Update, context: Context) -> None:
    """/help: every registered command with its description."""
    if (message := _message(update)) is None:
        return
    commands: Sequence[str] = context.bot_data.get(BOT_DATA_COMMANDS, ())
    await reply(message, render.render_help(_lang(context), commands))


async def about(update: Update, context: Context) -> None:
    """/about: cache schema version, source digest and counts."""
    if (message := _message(update)) is None:
        return
    await reply(message, render.render_about(_lang(context), _cache(context)))


async def sources(update: Update, context: Context) -> None:
    """/sources: the articles the digests come from."""
    if (message := _message(update)) is None:
        return
    await reply(message, render.render_sources(_lang(context), _cache(context)))


async def treaty_articles(update: Update, context: Context) -> None:
    """/treaty_articles: the treaty's provisions as the articles quote them."""
    if (message := _message(update)) is None:
        return
    await reply(message, render.render_treaty(_lang(context), _cache(context)))


async def digest(update: Update, context: Context) -> None:
    """/digest: the articles as buttons; /digest <n|id> shows one digest directly."""
    if (message := _message(update)) is None:
        return
    lang, cache, tag = _lang(context), _cache(context), _tag(context)
    if context.args:
        found = _article_by_ref(cache, context.args[0])
        if found is None:
            await reply(message, render.finish(lang, t(lang, "unknown_article")))
            return
        index, article = found
        await reply(
            message,
            render.render_digest(lang, cache, article),
            kb.back_to_digests_keyboard(lang, tag, index),
        )
        return
    markup = kb.digest_menu_keyboard(lang, tag, cache, 0) if cache.articles else None
    await reply(message, render.render_digest_menu(lang, cache, 0), markup)


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
    lang, cache, tag = _lang(context), _cache(context), _tag(context)
    order, year = _timeline_args(context.args or [])
    years = render.timeline_years(cache)
    if year is not None and year not in years:
        text = t(lang, "bad_year", year=year, years=" ".join(str(y) for y in years) or "—")
        await reply(message, render.finish(lang, text), kb.year_keyboard(lang, tag, cache, order))
        return
    view = render.render_timeline(lang, cache, 0, order, year)
    markup = kb.timeline_keyboard(lang, tag, view.page, view.pages, order, year)
    await reply(message, view.text, markup)


async def reactions(update: Update, context: Context) -> None:
    """/reactions [party]: reactions with a button per party."""
    if (message := _message(update)) is None:
        return
    lang, cache, tag = _lang(context), _cache(context), _tag(context)
    party: int | None = None
    if context.args:
        wanted = " ".join(context.args)
        parties = render.reaction_parties(cache)
        party = next((i for i, p in enumerate(parties) if wanted in p), None)
    view = render.render_reactions(lang, cache, party, 0)
    markup = kb.reactions_keyboard(lang, tag, cache, view.party, view.page, view.pages)
    await reply(message, view.text, markup)


async def _answer_search(message: Message, context: Context, query: str) -> bool:
    """Reply with search results; False (and no reply) when nothing matched."""
    lang, cache = _lang(context), _cache(context)
    index: SearchIndex = context.bot_data[BOT_DATA_INDEX]
    hits, total = index.search(query_words(query), SEARCH_LIMIT)
    if not hits:
        return False
    await reply(message, render.render_search(lang, cache, query, hits, total))
    return True


async def search(update: Update, context: Context) -> None:
    """/search words: normalised matching over every kind of item, with citations."""
    if (message := _message(update)) is None:
        return
    lang = _lang(context)
    query = " ".join(context.args or [])
    if not query_words(query):
        await reply(message, render.finish(lang, t(lang, "search_usage")))
        return
    if not await _answer_search(message, context, query):
        await reply(message, render.render_search(lang, _cache(context), query, [], 0))


async def choose_lang(update: Update, context: Context) -> None:
    """/lang ar|en sets the interface language; plain /lang offers both as buttons."""
    if (message := _message(update)) is None:
        return
    wanted = (context.args or [""])[0].strip().lower()
    if wanted in ("ar", "en") and context.user_data is not None:
        lang: Lang = "ar" if wanted == "ar" else "en"
        set_lang(context.user_data, lang)
        await reply(message, render.finish(lang, t(lang, "lang_set")))
        return
    lang = _lang(context)
    markup = kb.lang_keyboard(_tag(context))
    await reply(message, render.finish(lang, t(lang, "lang_choose")), markup)


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
    """Plain text: treat a short message as a search; otherwise explain how to ask."""
    if (message := _message(update)) is None:
        return
    text = message.text or ""
    short = len(text) <= FREE_TEXT_SEARCH_CHARS and bool(query_words(text))
    if short and await _answer_search(message, context, text):
        return
    lang = _lang(context)
    await reply(message, render.finish(lang, t(lang, "free_text_hint")))


async def other_message(update: Update, context: Context) -> None:
    """Stickers, photos, voice… in a private chat: explain what the bot understands."""
    if (message := _message(update)) is None:
        return
    lang = _lang(context)
    await reply(message, render.finish(lang, t(lang, "free_text_hint")))


# --- buttons --------------------------------------------------------------------------


def _decode(update: Update, context: Context) -> cb.Action | None:
    query = update.callback_query
    if query is None:
        return None
    try:
        return cb.decode(query.data, _tag(context))
    except (cb.Stale, cb.Forged):
        return None


async def on_timeline_button(update: Update, context: Context) -> None:
    """‹ › paging, order toggle and a chosen year."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.TimelinePage):
        return await on_bad_button(update, context)
    lang, cache, tag = _lang(context), _cache(context), _tag(context)
    await query.answer()
    view = render.render_timeline(lang, cache, action.page, action.order, action.year)
    markup = kb.timeline_keyboard(lang, tag, view.page, view.pages, action.order, action.year)
    await _edit(query, view.text, markup)


async def on_year_menu_button(update: Update, context: Context) -> None:
    """ "By year": swap the keyboard for one button per year."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.YearMenu):
        return await on_bad_button(update, context)
    lang = _lang(context)
    await query.answer(t(lang, "choose_year"))
    markup = kb.year_keyboard(lang, _tag(context), _cache(context), action.order)
    try:
        await with_retry(lambda: query.edit_message_reply_markup(reply_markup=markup))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def on_reactions_button(update: Update, context: Context) -> None:
    """A party filter or a page of reactions."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.ReactionsParty):
        return await on_bad_button(update, context)
    lang, cache, tag = _lang(context), _cache(context), _tag(context)
    await query.answer()
    view = render.render_reactions(lang, cache, action.party, action.page)
    markup = kb.reactions_keyboard(lang, tag, cache, view.party, view.page, view.pages)
    await _edit(query, view.text, markup)


async def on_digest_button(update: Update, context: Context) -> None:
    """An article button: send its digest as a new message, keeping the menu."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.DigestOf):
        return await on_bad_button(update, context)
    lang, cache = _lang(context), _cache(context)
    if action.article >= len(cache.articles) or not isinstance(query.message, Message):
        return await on_bad_button(update, context)
    await query.answer()
    article = cache.articles[action.article]
    markup = kb.back_to_digests_keyboard(lang, _tag(context), action.article)
    await reply(query.message, render.render_digest(lang, cache, article), markup)


async def on_digest_list_button(update: Update, context: Context) -> None:
    """Paging through the article list (or back to it from a digest)."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.DigestList):
        return await on_bad_button(update, context)
    lang, cache, tag = _lang(context), _cache(context), _tag(context)
    await query.answer()
    page = min(action.page, max(0, (len(cache.articles) - 1) // render.ARTICLES_PAGE_SIZE))
    markup = kb.digest_menu_keyboard(lang, tag, cache, page)
    await _edit(query, render.render_digest_menu(lang, cache, page), markup)


async def on_lang_button(update: Update, context: Context) -> None:
    """A language button from /lang."""
    query, action = update.callback_query, _decode(update, context)
    if query is None or not isinstance(action, cb.SetLang) or context.user_data is None:
        return await on_bad_button(update, context)
    set_lang(context.user_data, action.lang)
    await query.answer()
    await _edit(query, render.finish(action.lang, t(action.lang, "lang_set")), None)


async def on_bad_button(update: Update, context: Context) -> None:
    """A stale or forged button: a polite answerCallbackQuery, nothing else."""
    query = update.callback_query
    if query is None:
        return
    lang = _lang(context)
    try:
        cb.decode(query.data, _tag(context))
        key = "forged_button"  # decodes, but not valid here (e.g. an index out of range)
    except cb.Stale:
        key = "stale_button"
    except cb.Forged:
        key = "forged_button"
    await with_retry(lambda: query.answer(t(lang, key), show_alert=False))


# --- errors ---------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the failure (the log filter scrubs tokens) and tell the user, if there is one."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden | RetryAfter):
        return  # blocked, or flood-controlled: a reply now would fail the same way
    lang = _lang(context)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, "error"), show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(render.finish(lang, t(lang, "error")))
    except Exception:  # the Bot API itself is failing; the log line above is enough
        log.warning("could not tell the user about the error", exc_info=True)


def callback_pattern(kind: str) -> re.Pattern[str]:
    """Regex selecting our callback data of one kind (decode() still validates it)."""
    return re.compile(rf"^{cb.VERSION}:[0-9a-z]+:{kind}:")


def prepare_bot_data(bot_data: dict[str, Any], cache: Cache) -> None:
    """Everything handlers need, computed once at start-up."""
    bot_data[BOT_DATA_CACHE] = cache
    bot_data[BOT_DATA_INDEX] = SearchIndex(cache)
    bot_data[BOT_DATA_TAG] = cb.cache_tag(cache.source_digest)
