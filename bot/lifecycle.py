"""The one start/stop sequence of a PTB Application inside an event loop someone else owns.

``Application.run_polling`` owns the loop and the signals; production (``digestbot run``,
with its HTTP servers and webhook), the local chat, the tests and the benchmarks share a
loop with other things, so all of them start and stop the bot here, in one order: the
order PTB documents for running alongside other asyncio code, with its hooks (post_init:
the command menu; post_stop: the delivery service releases its claims) in their places.
Updates start flowing only once everything that handles them runs, and stop first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class Server(Protocol):
    """An HTTP server that runs next to the bot (webhook, /healthz, /metrics)."""

    async def start(self) -> None: ...

    def stop_accepting(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Polling:
    """Take updates by long polling (``getUpdates``)."""

    interval: float = 0.0
    timeout: int = 10


@dataclass(frozen=True, slots=True)
class Webhook:
    """Take updates by webhook: register ``url`` (and its secret) with ``setWebhook``."""

    url: str
    secret: str | None = None


async def start(
    application: AnyApp,
    *,
    updates: Polling | Webhook | None = None,
    servers: Sequence[Server] = (),
    allowed_updates: Sequence[str] | None = Update.ALL_TYPES,
) -> None:
    """initialize → post_init → start → HTTP servers → updates flow (poll or webhook)."""
    updates = updates or Polling()
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    for server in servers:
        await server.start()
    if isinstance(updates, Webhook):
        await application.bot.set_webhook(
            url=updates.url, secret_token=updates.secret, allowed_updates=allowed_updates
        )
        log.info("webhook registered; taking updates")
        return
    if application.updater is None:
        raise RuntimeError("polling needs an Application built with an updater")
    await application.updater.start_polling(
        poll_interval=updates.interval, timeout=updates.timeout, allowed_updates=allowed_updates
    )
    log.info("long polling; taking updates")


async def stop(
    application: AnyApp,
    *,
    servers: Sequence[Server] = (),
    quiet_updater: logging.Filter | None = None,
) -> None:
    """Undo :func:`start`, best effort: every step runs even if an earlier one failed.

    The order keeps work from being lost: refuse new webhook updates (503, Telegram
    retries) and stop polling; stop the Application, which finishes the updates already
    taken; ``post_stop``; close the HTTP servers; ``shutdown``, ``post_shutdown``. Safe on a
    half-started Application. ``quiet_updater`` filters the Updater's log while it stops.
    """
    for server in servers:
        server.stop_accepting()
    if application.updater is not None and application.updater.running:
        updater_log = logging.getLogger("telegram.ext.Updater")
        if quiet_updater is not None:
            updater_log.addFilter(quiet_updater)
        try:
            await _step("stop polling", application.updater.stop())
        finally:
            if quiet_updater is not None:
                updater_log.removeFilter(quiet_updater)
    if application.running:
        await _step("stop application", application.stop())
        if application.post_stop is not None:
            await _step("post_stop", application.post_stop(application))
    for server in servers:
        await _step("stop HTTP server", server.stop())
    await _step("shut down application", application.shutdown())
    if application.post_shutdown is not None:
        await _step("post_shutdown", application.post_shutdown(application))


async def start_polling(
    application: AnyApp, *, poll_interval: float = 0.0, poll_timeout: int = 10
) -> None:
    """:func:`start` by long polling, without HTTP servers (the chat, tests, benchmarks)."""
    await start(application, updates=Polling(poll_interval, poll_timeout))


async def stop_polling(application: AnyApp, *, quiet_updater: logging.Filter | None = None) -> None:
    """:func:`stop` without HTTP servers."""
    await stop(application, quiet_updater=quiet_updater)


async def _step(what: str, awaitable: Awaitable[Any]) -> None:
    try:
        await awaitable
    except Exception:
        log.exception("shutdown step failed: %s", what)
