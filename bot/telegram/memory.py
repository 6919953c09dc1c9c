"""Bound the per-chat and per-user state PTB keeps in memory (``chat_data``/``user_data``).

PTB keeps a dict per chat and per user for the life of the process: about 0.6 KB for every
chat that ever wrote once, so anyone can grow the bot's memory by writing from many
accounts. :func:`install` adds a handler (first of all groups, it never stops an update)
that keeps the ids of the ``maxsize`` most recently active chats and users in LRU order and
drops PTB's data of whoever falls out. Nothing essential is lost: the language choice of
a chat is kept in the database and read back on its next update; an evicted open
/subscribe panel just expires (its buttons say so).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

AnyApp = Application[Any, Any, Any, Any, Any, Any]
#: its own group, before the per-update work of bot.telegram.app.BEFORE_ALL (-100):
#: PTB runs only the first matching handler of a group, so the two cannot share one
GROUP = -101


class RecentChats:
    """LRU of the chat and user ids whose PTB data is kept; the rest is swept away.

    The sweep runs when PTB holds more than ``maxsize`` plus 10 % entries (amortised: a
    full pass per ``maxsize / 10`` new ids), and drops every entry whose id is no longer
    among the ``maxsize`` most recent. Sweeping instead of dropping on eviction matters with
    concurrent updates: an update still in flight would re-create the entry it just lost.
    """

    def __init__(self, application: AnyApp, maxsize: int) -> None:
        self.application = application
        self.maxsize = max(1, maxsize)
        self.slack = max(1, self.maxsize // 10)
        self._chats: OrderedDict[int, None] = OrderedDict()
        self._users: OrderedDict[int, None] = OrderedDict()

    def seen(self, chat_id: int | None, user_id: int | None) -> None:
        app = self.application
        if chat_id is not None:
            _touch(self._chats, chat_id, self.maxsize)
        if user_id is not None:
            _touch(self._users, user_id, self.maxsize)
        if len(app.chat_data) > self.maxsize + self.slack:
            for old in [c for c in app.chat_data if c not in self._chats]:
                app.drop_chat_data(old)
        if len(app.user_data) > self.maxsize + self.slack:
            for old in [u for u in app.user_data if u not in self._users]:
                app.drop_user_data(old)

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            chat, user = update.effective_chat, update.effective_user
            self.seen(chat.id if chat else None, user.id if user else None)


def _touch(lru: OrderedDict[int, None], key: int, maxsize: int) -> None:
    lru[key] = None
    lru.move_to_end(key)
    while len(lru) > maxsize:
        lru.popitem(last=False)


def install(application: AnyApp, maxsize: int) -> RecentChats:
    recent = RecentChats(application, maxsize)
    application.add_handler(TypeHandler(Update, recent), group=GROUP)
    return recent
