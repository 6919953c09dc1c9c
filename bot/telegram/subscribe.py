"""Subscription commands (/subscribe, /settings, /unsubscribe, /stats) and the delivery tick.

``install(application, settings)`` is the one entry point ``build_application`` calls. The
handlers find their collaborators in ``application.bot_data``:

* ``"cache"`` — the loaded :class:`bot.cache.schema.Cache` (set by the bot engineer),
* ``"subscription_store"`` — a :class:`bot.subscriptions.store.SubscriptionStore`; created
  here from ``settings.effective_database_url`` when absent.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.config import Settings

BOT_DATA_CACHE = "cache"
BOT_DATA_STORE = "subscription_store"
BOT_DATA_SETTINGS = "settings"


def install(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Add the subscription handlers and the repeating delivery tick to ``application``."""
    application.bot_data[BOT_DATA_SETTINGS] = settings
