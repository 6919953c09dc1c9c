"""Handlers that take the bot's content beyond a private chat: the timeline picture,
inline mode, share links and channels. :func:`install` prepares what they read in the
typed ``bot_data``; :func:`bot.telegram.app.add_handlers` registers them with every other
handler.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Final

from telegram import InputFile, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
)

from bot.config import Settings
from bot.delivery.fanout import utcnow
from bot.model import Cache
from bot.subscriptions.channels import ChannelRegistry, is_channel_id
from bot.telegram import callbacks as cb
from bot.telegram import handlers as h
from bot.telegram import inline
from bot.telegram.context import App, Context
from bot.telegram.i18n import Lang, lang_of, t
from bot.telegram.render import finish
from bot.telegram.share import CODE, ShareIndex
from bot.telegram.timeline_picture import TimelinePictures, caption
from bot.telegram.views import Screen

log = logging.getLogger(__name__)

_SHARE_PREFIXES: Final = ("d_", "e_", "p_", "r_")
_CHANNEL_COMMAND: Final = re.compile(r"^/channel(?:@\w+)?(?:\s+(?P<arg>\S+))?\s*$", re.IGNORECASE)
_ADMIN: Final = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def _pictures(context: Context) -> TimelinePictures:
    pictures = context.bot_data.pictures
    if pictures is None:
        raise RuntimeError("reach.install did not run")
    return pictures


async def send_timeline_picture(message: Message, context: Context) -> None:
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


async def on_picture_button(update: Update, context: Context) -> None:
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


def shared_screen(share: ShareIndex, lang: Lang, code: str, username: str | None) -> Screen | None:
    """/start <code>: the item's message with «مشاركة»; None when it is not a share code."""
    item = share.get(code)
    if item is None:
        if code.startswith(_SHARE_PREFIXES) and CODE.fullmatch(code):
            return Screen.of(finish(lang, t(lang, "share_gone")))
        return None
    return Screen((share.message(lang, item, username),), share.keyboard(lang, item))


async def on_inline_query(update: Update, context: Context) -> None:
    """``@bot words``: matching items as article results (see :mod:`bot.telegram.inline`)."""
    query = update.inline_query
    if query is None:
        return
    lang = lang_of(context.user_data)
    share = context.bot_data.share
    if share is None:
        raise RuntimeError("reach.install did not run")
    items = inline.matching_items(share, h._views(context).index, query.query)
    chunk, next_offset = inline.page(items, query.offset)
    answer = inline.results(share, chunk, lang, context.bot.username)
    await h.with_retry(
        functools.partial(
            query.answer,
            answer,
            cache_time=inline.CACHE_TIME,
            is_personal=inline.IS_PERSONAL,
            next_offset=next_offset,
            button=None if answer else inline.empty_button(lang),
        )
    )


async def on_chosen_result(update: Update, context: Context) -> None:
    """A reader posted one of our inline results: counted in the logs (no reply exists)."""
    chosen = update.chosen_inline_result
    if chosen is not None:
        log.info("inline result %s posted", chosen.result_id)


def _registry(context: Context) -> ChannelRegistry | None:
    store = context.bot_data.store
    return ChannelRegistry(store) if store is not None else None


async def on_channel_post(update: Update, context: Context) -> None:
    """Posts in a channel where the bot is an administrator. Only administrators can
    post in a channel, so ``/channel`` there registers it (``/channel off`` stops it);
    anything else is the channel's own content and gets no answer."""
    post = update.channel_post
    registry = _registry(context)
    if post is None or registry is None or post.chat.type != ChatType.CHANNEL:
        raise ApplicationHandlerStop
    match = _CHANNEL_COMMAND.match(post.text or "")
    if match is None or not is_channel_id(post.chat.id):
        raise ApplicationHandlerStop
    lang: Lang = "en" if (match["arg"] or "").lower() == "en" else "ar"
    if (match["arg"] or "").lower() in ("off", "stop", "إيقاف"):
        channel = await registry.store.call(registry.get, post.chat.id)
        lang = "en" if channel is not None and channel.lang == "en" else "ar"
        await registry.store.call(registry.remove, post.chat.id, utcnow())
        await h.with_retry(
            functools.partial(post.reply_text, finish(lang, t(lang, "channel_stopped")))
        )
        raise ApplicationHandlerStop
    await registry.store.call(
        functools.partial(
            registry.add,
            post.chat.id,
            utcnow(),
            username=post.chat.username,
            title=post.chat.title,
            lang=lang,
        )
    )
    log.info("channel %d registered from inside the channel", post.chat.id)
    await h.with_retry(
        functools.partial(post.reply_text, finish(lang, t(lang, "channel_registered")))
    )
    raise ApplicationHandlerStop


async def on_my_chat_member(update: Update, context: Context) -> None:
    """The bot was removed from a registered channel (pause) or made admin again (resume)."""
    change = update.my_chat_member
    registry = _registry(context)
    if change is None or registry is None or change.chat.type != ChatType.CHANNEL:
        return
    chat_id, now = change.chat.id, utcnow()
    if change.new_chat_member.status in _ADMIN:
        resumed = await registry.store.call(registry.resume, chat_id, now)
        if resumed:
            log.info("bot is an administrator of channel %d again: posting resumes", chat_id)
    elif await registry.store.call(registry.pause, chat_id, now):
        log.info("bot removed from channel %d: posting paused", chat_id)


def install(application: App, settings: Settings, cache: Cache) -> None:
    """Prepare what the reach handlers read: the timeline pictures and the share index."""
    bot_data = application.bot_data
    bot_data.pictures = TimelinePictures(cache, folder=settings.data_dir / "pictures")
    share = bot_data.share = ShareIndex(cache)
    bot_data.shared = functools.partial(shared_screen, share)
