"""The typed state every handler shares, and the context and application types built on it.

Why a class and not ``bot_data`` string keys: the keys were repeated in four modules and
the values were read back with casts; PTB's ``ContextTypes(bot_data=…)`` gives every
handler ``context.bot_data.views`` with its type, and a missing collaborator fails at the
one place that reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.bounded import TTLCache
from bot.model import Cache

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.delivery.scheduler import DeliveryService
    from bot.ingest.intake import Intake
    from bot.ingest.live import LiveCacheWatcher
    from bot.subscriptions.store import SubscriptionStore
    from bot.telegram.i18n import Lang
    from bot.telegram.share import ShareIndex
    from bot.telegram.timeline_picture import TimelinePictures
    from bot.telegram.views import Screen, Views


#: group administrators are asked of Telegram at most once a minute per (chat, user)
GROUP_ADMINS_TTL = 60.0
GROUP_ADMINS_MAX = 10_000


class BotData:
    """Shared, process-wide state: set up by ``build_application``, read by handlers.

    ``cache`` may be swapped for a newer one at run time (the delivery service reads it on
    every round); ``views`` serve the screens of the cache, each rendered on first use.
    """

    def __init__(self) -> None:
        self.cache: Cache | None = None
        self.settings: Settings | None = None
        self.store: SubscriptionStore | None = None
        self.commands: list[str] = []
        self.delivery_started = False  # the first delivery tick syncs the queues once
        # reach (bot.telegram.reach.install): timeline pictures, share codes, and the
        # screen of a shared item for /start <code> (lang, code, bot username)
        self.pictures: TimelinePictures | None = None
        self.share: ShareIndex | None = None
        self.shared: Callable[[Lang, str, str | None], Screen | None] | None = None
        #: who administers which group (bot.telegram.permissions), briefly remembered
        self.group_admins: TTLCache[tuple[int, int], bool] = TTLCache(
            GROUP_ADMINS_MAX, GROUP_ADMINS_TTL
        )
        # the live intake (bot.telegram.intake.install): the service, the live cache's
        # watcher and what else must be rebuilt when a new cache is swapped in
        self.intake: Intake | None = None
        self.live_watcher: LiveCacheWatcher | None = None
        self.swap_hooks: list[Callable[[BotData, Cache], None]] = []
        self._views: Views | None = None
        self._delivery: DeliveryService | None = None

    @property
    def views(self) -> Views:
        if self._views is None:
            raise RuntimeError("bot_data.views is read before build_application set it")
        return self._views

    @views.setter
    def views(self, views: Views) -> None:
        self._views = views

    @property
    def delivery(self) -> DeliveryService:
        if self._delivery is None:
            raise RuntimeError("bot_data.delivery is read before subscriptions were installed")
        return self._delivery

    @delivery.setter
    def delivery(self, service: DeliveryService) -> None:
        self._delivery = service

    def current_cache(self) -> Cache:
        """The cache now served (a newer one after a reload); fails if none is loaded."""
        if self.cache is None:
            raise RuntimeError("no cache is loaded")
        return self.cache


UserData = dict[Any, Any]
ChatData = dict[Any, Any]
Context = CallbackContext[ExtBot[None], UserData, ChatData, BotData]
# PTB types the builder's job queue with the default context: Any keeps the two compatible
App = Application[ExtBot[None], Context, UserData, ChatData, BotData, JobQueue[Any]]

CONTEXT_TYPES: ContextTypes[Context, UserData, ChatData, BotData] = ContextTypes(bot_data=BotData)
