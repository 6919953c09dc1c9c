"""Who may manage a chat's subscription: anyone in a private chat, only administrators in
a group (asked with ``getChatMember``, cached briefly).

Without this any member of a group could subscribe it, change its schedule or cancel it.
The answer for a (group, user) pair is kept for a minute in a bounded cache
(``BotData.group_admins``), so
a burst of button presses costs one Bot API call, and a demoted admin loses the right
within a minute. A message sent anonymously on behalf of the group itself (``sender_chat``
is the group: only admins can do that) counts as an administrator's. When Telegram cannot
answer, the check fails closed: the user is refused and may try again.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.bounded import TTLCache
from bot.telegram import render
from bot.telegram.context import Context
from bot.telegram.i18n import lang_of, t

log = logging.getLogger(__name__)

_ADMIN = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})


def _cache(context: Context) -> TTLCache[tuple[int, int], bool]:
    return context.bot_data.group_admins


async def may_manage(update: Update, context: Context) -> bool:
    """Whether the sender of ``update`` may change the subscription of its chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return False  # channels: no subscription management there (yet)
    message = update.effective_message
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin, as the group itself
    if user is None:
        return False
    cache = _cache(context)
    known = cache.get((chat.id, user.id))
    if known is not None:
        return known
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("getChatMember failed for chat %d: %s; refusing", chat.id, exc)
        return False
    allowed = member.status in _ADMIN
    cache.set((chat.id, user.id), allowed)
    return allowed


async def admins_only(update: Update, context: Context) -> bool:
    """True when allowed; otherwise refuse politely (an alert for a button) and say False."""
    if await may_manage(update, context):
        return True
    lang = lang_of(context.user_data)
    text = t(lang, "group_admins_only")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(render.finish(lang, text))
    return False
