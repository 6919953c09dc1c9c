"""The intake in the bot: /latest, freshness on /about and /sources, the admins' /add and
/feeds, and two JobQueue jobs — one swaps in a new live cache without a restart, one
polls the due feeds.

The cache swap replaces ``bot_data.cache`` and ``bot_data.views`` in one step on
the event loop, so a handler sees the old cache or the new one; buttons from the old one
carry its tag and get the polite "stale" answer. The delivery tick notices the new cache
object and queues its new articles (already announced ones are not queued twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Final

from telegram import Message, Update
from telegram.ext import CommandHandler, filters

from bot.config import Settings
from bot.errors import CorpusError
from bot.ingest.intake import Intake, Outcome
from bot.ingest.live import LiveCacheWatcher, live_cache_path
from bot.ingest.store import ArticleStore, FeedRow
from bot.model import Cache
from bot.subscriptions.store import SubscriptionStore, default_worker_id
from bot.telegram import handlers as h
from bot.telegram import render
from bot.telegram.context import App, BotData, Context
from bot.telegram.i18n import Lang, lang_of, t
from bot.telegram.views import Screen, Views

log = logging.getLogger(__name__)

BOT_DATA_INTAKE: Final = "intake"
BOT_DATA_WATCHER: Final = "live_cache_watcher"
BOT_DATA_SWAP_HOOKS: Final = "cache_swap_hooks"

#: what else must be rebuilt for a new cache (e.g. reach's share index and pictures)
SwapHook = Callable[[BotData, Cache], None]


def on_cache_swap(bot_data: BotData, hook: SwapHook) -> None:
    """Run ``hook(bot_data, new_cache)`` whenever a new live cache is swapped in, before
    handlers see it; features that keep per-cache objects register here (app.py)."""
    bot_data.swap_hooks.append(hook)


LATEST: Final = 5


def _lang(context: Context) -> Lang:
    return lang_of(context.user_data)


def _intake(context: Context) -> Intake | None:
    intake = context.bot_data.intake
    return intake if isinstance(intake, Intake) else None


def _prepare(bot_data: BotData, cache: Cache) -> Views:
    """The views of ``cache``, ready before anyone is served from it: the fixed screens
    rendered, the search index building in the background (the rest on first use)."""
    views = Views(cache, commands=bot_data.commands)
    views.warm()
    views.index_in_background()
    return views


def _install(bot_data: BotData, cache: Cache, views: Views) -> None:
    for hook in bot_data.swap_hooks:
        hook(bot_data, cache)
    bot_data.views = views
    bot_data.cache = cache
    log.info(
        "live cache swapped in: %d articles (%s)", len(cache.articles), cache.source_digest[:24]
    )


def _unchanged(bot_data: BotData, cache: Cache) -> bool:
    current = bot_data.cache
    return isinstance(current, Cache) and current.source_digest == cache.source_digest


def swap_cache(bot_data: BotData, cache: Cache) -> bool:
    """Serve ``cache`` from now on (views rendered before the swap); False if unchanged."""
    if _unchanged(bot_data, cache):
        return False
    _install(bot_data, cache, _prepare(bot_data, cache))
    return True


async def reload_now(bot_data: BotData) -> bool:
    """Swap in the live cache if its file changed. Loading and rendering run in a worker
    thread so updates keep being answered; the swap itself is two assignments on the
    event loop, so a handler sees the old cache or the new one."""
    watcher = bot_data.live_watcher
    if not isinstance(watcher, LiveCacheWatcher):
        return False
    try:
        cache = await asyncio.to_thread(watcher.poll)
    except Exception:  # a bad file is logged; the bot keeps serving what it has
        log.exception("could not load the live cache %s", watcher.path)
        return False
    if cache is None or _unchanged(bot_data, cache):
        return False
    views = await asyncio.to_thread(_prepare, bot_data, cache)
    _install(bot_data, cache, views)
    return True


async def _reload_job(context: Context) -> None:
    await reload_now(context.bot_data)


async def _poll_job(context: Context) -> None:
    intake = _intake(context)
    if intake is None:
        return
    try:
        report = await intake.poll_round()
    except Exception:  # the next round tries again
        log.exception("feed poll round failed")
        return
    if report.feeds:
        log.info(
            "poll: %d feeds, %d unchanged, %d failed, %d accepted",
            report.feeds,
            report.not_modified,
            report.failed_feeds,
            report.accepted,
        )
    await reload_now(context.bot_data)


# --- rendering ------------------------------------------------------------------------


def _when(lang: Lang, moment: datetime | None) -> str:
    if moment is None:
        return t(lang, "freshness_never")
    return render.format_date(lang, moment.date().isoformat()) + moment.strftime(" %H:%M UTC")


def render_latest(lang: Lang, cache: Cache, also: dict[str, list[str]]) -> str:
    """The newest articles with their digest's lead and the command to read it whole."""
    order = sorted(
        range(len(cache.articles)),
        key=lambda i: (cache.articles[i].published, cache.articles[i].id),
        reverse=True,
    )
    lines = [f"<b>{render.esc(t(lang, 'latest_title'))}</b>"]
    for n, index in enumerate(order[:LATEST], start=1):
        article = cache.articles[index]
        digest = cache.digest(article.id)
        lead = digest.sentences[0] if digest and digest.sentences else ""
        item = t(
            lang,
            "latest_item",
            n=n,
            date=render.esc(
                render.format_date(lang, article.published, article.published_precision)
            ),
            outlet=render.esc(render.outlet(article, lang)),
            title=render.esc(render.truncate(article.title, 100)),
            lead=render.esc(render.truncate(lead, 220)),
            number=index + 1,
        )
        if also.get(article.id):
            sep = "، " if lang == "ar" else ", "
            item += "\n" + t(lang, "latest_also", outlets=render.esc(sep.join(also[article.id])))
        lines.append(item)
    return render.finish(lang, "\n\n".join(lines))


def render_outcome(lang: Lang, o: Outcome) -> str:
    reason = o.reason or ""
    key = "reason_fetch" if reason.startswith("fetch_") else f"reason_{reason}"
    label = t(lang, key) if reason else ""
    detail = render.esc(o.detail)
    if o.status == "accepted":
        text = t(lang, "add_accepted", title=render.esc(render.truncate(o.title, 100)), id=o.id)
    elif o.status == "known":
        text = t(lang, "add_known", id=o.id, status=render.esc(o.reason or "accepted"))
    elif o.status == "retry":
        text = t(lang, "add_retry", reason=render.esc(label), detail=detail)
    else:
        text = t(lang, "add_refused", reason=render.esc(label), detail=detail)
    return render.finish(lang, text)


def render_feeds(lang: Lang, feeds: list[FeedRow]) -> str:
    if not feeds:
        return render.finish(lang, t(lang, "feeds_empty"))
    lines = [f"<b>{render.esc(t(lang, 'feeds_title', n=len(feeds)))}</b>"]
    for f in feeds:
        url = render.esc(f.url)
        if f.failing_since is None:
            lines.append(
                t(
                    lang,
                    "feed_ok",
                    url=url,
                    success=_when(lang, f.last_success),
                    next=_when(lang, f.next_poll),
                )
            )
        else:
            lines.append(
                t(
                    lang,
                    "feed_failing",
                    url=url,
                    since=_when(lang, f.failing_since),
                    failures=f.failures,
                    error=render.esc(f.last_error or ""),
                )
            )
    return render.finish(lang, "\n\n".join(lines))


# --- handlers -------------------------------------------------------------------------


async def latest(update: Update, context: Context) -> None:
    """/latest: the newest digests of the cache being served."""
    if (message := update.effective_message) is None:
        return
    cache = context.bot_data.current_cache()
    also: dict[str, list[str]] = {}
    if (intake := _intake(context)) is not None:
        rows = await intake.store.call(intake.store.accepted)
        also = {
            r.id: [e.get("outlet") or e.get("url", "") for e in r.also_reported_by]
            for r in rows
            if r.also_reported_by
        }
    await h.reply(message, render_latest(_lang(context), cache, also))


async def _with_freshness(message: Message, context: Context, screen: Screen) -> None:
    intake = _intake(context)
    if intake is None:
        await h.show(message, screen)
        return
    last_article, last_poll = await intake.store.call(intake.store.freshness)
    lang = _lang(context)
    line = render.finish(
        lang, t(lang, "freshness", article=_when(lang, last_article), poll=_when(lang, last_poll))
    )
    parts = list(screen.parts)
    if len(parts[-1]) + len(line) + 2 <= 4000:
        parts[-1] = parts[-1] + "\n\n" + line
    else:
        parts.append(line)
    await h.show(message, Screen(tuple(parts), screen.markup))


async def about(update: Update, context: Context) -> None:
    """/about: the core screen plus how fresh the dossier is."""
    if (message := update.effective_message) is not None:
        views = context.bot_data.views
        await _with_freshness(message, context, views.about(_lang(context)))


async def sources(update: Update, context: Context) -> None:
    """/sources: the core screen plus how fresh the dossier is."""
    if (message := update.effective_message) is not None:
        views = context.bot_data.views
        await _with_freshness(message, context, views.sources(_lang(context)))


async def add(update: Update, context: Context) -> None:
    """/add URL (admins): ingest one article and say accepted or refused, and why."""
    if (message := update.effective_message) is None:
        return
    lang, intake = _lang(context), _intake(context)
    url = (context.args or [""])[0]
    if intake is None or not url.startswith(("http://", "https://")):
        await h.reply(message, render.finish(lang, t(lang, "add_usage")))
        return
    outcomes = await intake.ingest([url])
    await reload_now(context.bot_data)
    await h.reply(message, render_outcome(lang, outcomes[0]))


async def feeds_command(update: Update, context: Context) -> None:
    """/feeds (admins): every followed feed and its health."""
    if (message := update.effective_message) is None or (intake := _intake(context)) is None:
        return
    feeds = await intake.store.call(intake.store.list_feeds)
    await h.reply(message, render_feeds(_lang(context), feeds))


def install(application: App, settings: Settings) -> None:
    """Wire the intake into ``application`` (after subscriptions, which open the store)."""
    bot_data = application.bot_data
    subs = bot_data.store
    if isinstance(subs, SubscriptionStore):
        try:
            bot_data.intake = Intake(
                ArticleStore(subs),
                seeds_dir=settings.seeds_dir,
                data_dir=settings.data_dir,
                owner=default_worker_id(),
            )
        except CorpusError as exc:  # no dossier definition here: serve without intake
            log.warning("live intake disabled: %s", exc)
    bot_data.live_watcher = LiveCacheWatcher(live_cache_path(settings.data_dir))
    application.add_handler(CommandHandler("latest", h.instrumented("command", "latest")(latest)))
    if settings.admins:
        admins = filters.User(user_id=settings.admins)
        application.add_handler(
            CommandHandler("add", h.instrumented("command", "add")(add), filters=admins)
        )
        application.add_handler(
            CommandHandler(
                "feeds", h.instrumented("command", "feeds")(feeds_command), filters=admins
            )
        )
    if application.job_queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot[job-queue] is required for the intake jobs")
    once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
    application.job_queue.run_repeating(
        _reload_job,
        interval=settings.reload_seconds,
        first=0,
        name="digestbot-live-cache",
        job_kwargs=once,
    )
    if settings.poll_seconds > 0 and bot_data.intake is not None:
        application.job_queue.run_repeating(
            _poll_job,
            interval=settings.poll_seconds,
            first=1,
            name="digestbot-poll",
            job_kwargs=once,
        )
