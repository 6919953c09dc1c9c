"""What a newcomer meets first: the bot's description and a human /about.

Telegram shows the description on the empty chat before /start and the short
description on the bot's profile and in shares; both are set in Arabic (also the
default) and English at start-up from the cache: how many articles, from which outlets,
over which dates. /about says the same in a sentence a reader understands — what the
dossier is, how many articles from when to when, when the newest was published — and
keeps the technical details (schema, source digest, algorithm, counts) behind a button.
"""

from __future__ import annotations

from collections import Counter

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.model import Cache
from bot.telegram import callbacks as cb
from bot.telegram.context import App
from bot.telegram.i18n import LANGS, Lang, t
from bot.telegram.render import finish, format_date, party_name, render_about
from bot.telegram.text import esc, outlet

DESCRIPTION_MAX = 512
SHORT_DESCRIPTION_MAX = 120
TOP_PARTIES = 3


def _span(lang: Lang, cache: Cache) -> tuple[str, str]:
    ordered = sorted(cache.articles, key=lambda a: a.published)
    first, last = ordered[0], ordered[-1]
    return (
        format_date(lang, first.published, first.published_precision),
        format_date(lang, last.published, last.published_precision),
    )


def _parties(lang: Lang, cache: Cache) -> str:
    counts = Counter(r.party for r in cache.reactions if r.party)
    names = [party_name(lang, cache, p) for p, _ in counts.most_common(TOP_PARTIES)]
    return ("، " if lang == "ar" else ", ").join(names)


def descriptions(lang: Lang, cache: Cache) -> tuple[str, str]:
    """The bot's description and short description in ``lang``, within Telegram's limits."""
    if not cache.articles:
        return t(lang, "bot_description_empty")[:DESCRIPTION_MAX], t(lang, "bot_short_empty")[
            :SHORT_DESCRIPTION_MAX
        ]
    start, end = _span(lang, cache)
    values = {
        "n": len(cache.articles),
        "outlets": len({outlet(a, lang) for a in cache.articles}),
        "start": start,
        "end": end,
        "parties": _parties(lang, cache) or "—",
    }
    return (
        t(lang, "bot_description", **values)[:DESCRIPTION_MAX],
        t(lang, "bot_short_description", **values)[:SHORT_DESCRIPTION_MAX],
    )


async def register_descriptions(application: App) -> None:
    """Set the description and short description in both languages (Arabic as default)."""
    cache = application.bot_data.cache
    if cache is None:
        return
    bot = application.bot
    for lang in LANGS:
        long, short = descriptions(lang, cache)
        for code in (lang, None) if lang == "ar" else (lang,):
            await bot.set_my_description(long, language_code=code)
            await bot.set_my_short_description(short, language_code=code)


def render_about_human(lang: Lang, cache: Cache) -> str:
    """/about for a reader: the dossier, its articles and dates, its newest article."""
    if not cache.articles:
        return finish(lang, t(lang, "about_empty"))
    start, end = _span(lang, cache)
    newest = max(cache.articles, key=lambda a: (a.published, a.id))
    text = t(
        lang,
        "about_human",
        n=len(cache.articles),
        outlets=len({outlet(a, lang) for a in cache.articles}),
        start=esc(start),
        end=esc(end),
        parties=esc(_parties(lang, cache) or "—"),
        newest=esc(newest.title),
        newest_date=esc(format_date(lang, newest.published, newest.published_precision)),
        timeline=len(cache.timeline),
        treaty=len(cache.treaty_articles),
        reactions=len(cache.reactions),
    )
    return finish(lang, text)


def about_keyboard(lang: Lang, tag: str, technical: bool) -> InlineKeyboardMarkup:
    """«Technical details» under the reader's /about; «back» under the details."""
    label = t(lang, "btn_about_back" if technical else "btn_about_technical")
    data = cb.encode(cb.AboutPage(not technical), tag)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


def about_screen(lang: Lang, cache: Cache, technical: bool) -> str:
    return render_about(lang, cache) if technical else render_about_human(lang, cache)
