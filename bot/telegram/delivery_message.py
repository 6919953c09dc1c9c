"""What a scheduled delivery looks like: the bot's digest rendering plus three buttons.

Reuses :func:`bot.telegram.render.render_digest` (title, outlet, date, cited sentences,
link to the original) so a scheduled digest reads exactly like ``/digest``. The delivery
service receives :func:`compose_delivery` as its :class:`~bot.delivery.message.Composer`.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.message import Rendered
from bot.model import Cache
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.i18n import coerce_lang, t
from bot.telegram.share import digest_code
from bot.telegram.split import split_html

CB_NEXT = cb.encode(cb.SubscriptionMenu("next"))
CB_UNSUBSCRIBE = cb.encode(cb.SubscriptionMenu("unsub"))


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


def compose_delivery(
    cache: Cache,
    article_id: str,
    lang: str,
    *,
    channel: bool = False,
    bot_username: str | None = None,
) -> Rendered | None:
    """The message(s) for one queued article, or None when the cache no longer has it.

    A channel post (``channel``) has the same text; instead of the reader's buttons (next,
    unsubscribe — which any viewer could press), one link to the digest in the bot.
    """
    if channel:
        return _channel_post(cache, article_id, lang, bot_username)
    article = cache.article(article_id)
    if article is None:
        return None
    language = coerce_lang(lang)
    text = render.render_digest(language, cache, article)
    return Rendered(parts=split_html(text), markup=delivery_keyboard(language, cache))


def _channel_post(
    cache: Cache, article_id: str, lang: str, bot_username: str | None
) -> Rendered | None:
    rendered = compose_delivery(cache, article_id, lang)
    if rendered is None:
        return None
    if not bot_username:
        return Rendered(parts=rendered.parts, markup=None)
    link = f"https://t.me/{bot_username}?start={digest_code(article_id)}"
    label = t(coerce_lang(lang), "share_open_in_bot")
    return Rendered(
        parts=rendered.parts,
        markup=InlineKeyboardMarkup([[InlineKeyboardButton(label, url=link)]]),
    )
