"""Start and stop a PTB Application by polling inside an event loop someone else owns.

``Application.run_polling`` owns the loop and the signals; the local chat, the tests and
the benchmarks share one loop with the emulator, so they run the same steps here in
``run_polling``'s order, post_init (the command menu) and post_stop/post_shutdown included.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def start_polling(
    application: AnyApp, *, poll_interval: float = 0.0, poll_timeout: int = 10
) -> None:
    """initialize → post_init → updater.start_polling → start, as ``run_polling`` does."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if application.updater is None:
        raise RuntimeError("the application was built without an updater")
    await application.updater.start_polling(
        poll_interval=poll_interval, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
    )
    await application.start()


async def stop_polling(application: AnyApp, *, quiet_updater: logging.Filter | None = None) -> None:
    """Undo :func:`start_polling` in ``run_polling``'s order; safe on a half-started app.

    ``quiet_updater`` filters the Updater's log while it stops (see the chat's use).
    """
    if application.updater is not None and application.updater.running:
        updater_log = logging.getLogger("telegram.ext.Updater")
        if quiet_updater is not None:
            updater_log.addFilter(quiet_updater)
        try:
            await application.updater.stop()
        finally:
            if quiet_updater is not None:
                updater_log.removeFilter(quiet_updater)
    if application.running:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
