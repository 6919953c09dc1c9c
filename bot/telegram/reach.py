"""Handlers that take the bot's content beyond a private chat: the timeline picture (and,
wired here too, inline mode, share links and channels). :func:`install` adds them to the
application; :mod:`bot.telegram.app` calls it once, before its catch-all handlers.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any, Final

from telegram import InputFile, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.config import Settings
from bot.model import Cache
from bot.telegram import callbacks as cb
from bot.telegram import handlers as h
from bot.telegram.i18n import lang_of
from bot.telegram.timeline_picture import TimelinePictures, caption

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
BOT_DATA_PICTURES: Final = "timeline_pictures"


def _pictures(context: h.Context) -> TimelinePictures:
    pictures: TimelinePictures = context.bot_data[BOT_DATA_PICTURES]
    return pictures


async def send_timeline_picture(message: Message, context: h.Context) -> None:
    """Send the timeline picture to ``message``'s chat: by ``file_id`` once uploaded."""
    lang = lang_of(context.user_data)
    pictures = _pictures(context)
    text = caption(pictures.cache, lang)
    known = pictures.file_id(lang)
    if known is not None:
        try:
            await h.with_retry(functools.partial(message.reply_photo, known, caption=text))
            return
        except BadRequest:  # the id is no longer valid (another bot token, a purge)
            log.info("stored file_id refused; uploading the timeline picture again")
            pictures.forget_file_id(lang)
    data = await pictures.png(lang)
    if data is None:
        await h.show(message, h._views(context).message(lang, "picture_empty"))
        return
    upload = InputFile(data, filename=f"timeline-{lang}.png")
    sent = await h.with_retry(functools.partial(message.reply_photo, upload, caption=text))
    if sent.photo:
        pictures.remember_file_id(lang, sent.photo[-1].file_id)


async def on_picture_button(update: Update, context: h.Context) -> None:
    """«🖼 صورة» under /timeline: the picture as a new message below the list."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return await h.on_bad_button(update, context)
    try:
        action = cb.decode(query.data, h._views(context).tag)
    except (cb.Stale, cb.Forged):
        return await h.on_bad_button(update, context)
    if not isinstance(action, cb.TimelinePicture):
        return await h.on_bad_button(update, context)
    await query.answer()
    await send_timeline_picture(query.message, context)


def install(application: AnyApp, settings: Settings, cache: Cache) -> None:
    """Add the reach handlers; call before the application's catch-all handlers."""
    application.bot_data[BOT_DATA_PICTURES] = TimelinePictures(
        cache, folder=settings.data_dir / "pictures"
    )
    application.add_handler(
        CallbackQueryHandler(
            h.instrumented("callback", "tp")(on_picture_button),
            pattern=re.compile(rf"^{cb.VERSION}:[0-9a-z]+:tp$"),
        )
    )
