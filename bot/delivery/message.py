"""What a scheduled delivery looks like: the bot's digest rendering plus three buttons.

Reuses :func:`bot.telegram.render.render_digest` (title, outlet, date, cited sentences,
link to the original) so a scheduled digest reads exactly like ``/digest``.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.model import Cache
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.i18n import coerce_lang, t
from bot.telegram.split import split_html

CB_NEXT = "sub:next"
CB_UNSUBSCRIBE = "sub:unsub"
CB_SETTINGS = "sub:settings"


@dataclass(frozen=True)
class Rendered:
    parts: list[str]
    markup: InlineKeyboardMarkup


def delivery_keyboard(lang: str, cache: Cache) -> InlineKeyboardMarkup:
    """Next digest · timeline · unsubscribe."""
    language = coerce_lang(lang)
    timeline = cb.encode(cb.TimelinePage(0, "n", None), cb.cache_tag(cache.source_digest))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(language, "sub_btn_next"), callback_data=CB_NEXT),
                InlineKeyboardButton(t(language, "sub_btn_timeline"), callback_data=timeline),
            ],
            [
                InlineKeyboardButton(
                    t(language, "sub_btn_unsubscribe"), callback_data=CB_UNSUBSCRIBE
                )
            ],
        ]
    )


def render_delivery(cache: Cache, article_id: str, lang: str) -> Rendered | None:
    """The message(s) for one queued article, or None when the cache no longer has it."""
    article = cache.article(article_id)
    if article is None:
        return None
    language = coerce_lang(lang)
    text = render.render_digest(language, cache, article)
    return Rendered(parts=split_html(text), markup=delivery_keyboard(language, cache))
