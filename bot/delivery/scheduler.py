"""The delivery service: start-up sync, the scheduler tick and the fan-out task.

One PTB JobQueue job calls :meth:`DeliveryService.tick` every ``Settings.tick_seconds``.
Each tick asks the *database* who is due (:meth:`SubscriptionStore.promote_due`), so a
restart needs no job persistence and missed slots are served once. The fan-out runs as
its own asyncio task, not inside the job, so a long round never blocks the next tick or
``Application.stop()``; :meth:`stop` cancels it and the fan-out releases its claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot

from bot.delivery.fanout import Clock, FanOut, RoundResult, utcnow
from bot.delivery.message import Composer, Rendered
from bot.delivery.pacing import Pacer
from bot.delivery.ratelimit import shared_limiter
from bot.delivery.round_lock import forced_round
from bot.model import Cache
from bot.observability.metrics import QUEUE_DEPTH
from bot.subscriptions.models import DeliveryStatus
from bot.subscriptions.store import ArticleRef, Claimed, SubscriptionStore, default_worker_id

log = logging.getLogger(__name__)


def article_refs(cache: Cache) -> list[ArticleRef]:
    """The queue's view of the cache: id, publication date, fingerprint of what is served."""
    refs = []
    for article in cache.articles:
        digest = cache.digest(article.id)
        sentences = digest.sentences if digest else []
        fp = ArticleRef.fingerprint_of(article.title, *sentences)
        refs.append(ArticleRef(article.id, article.published, fp))
    return refs


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_local_claimers(claimers: list[str]) -> list[str]:
    """Claimer ids of processes on this host that no longer exist (e.g. after kill -9)."""
    host = socket.gethostname()[:30]
    dead = []
    for claimer in claimers:
        parts = claimer.split(":")
        if len(parts) == 3 and parts[0] == host and parts[1].isdigit():
            pid = int(parts[1])
            if pid != os.getpid() and not _pid_alive(pid):
                dead.append(claimer)
    return dead


class DeliveryService:
    """Everything the bot process (or ``digestbot deliver``) needs to serve subscriptions."""

    def __init__(
        self,
        store: SubscriptionStore,
        bot: Bot,
        cache: Callable[[], Cache],
        *,
        compose: Composer,
        rate: float | None,
        per_chat_interval: float = 1.0,
        clock: Clock = utcnow,
        worker_id: str | None = None,
        concurrency: int = 8,
        lease: timedelta = timedelta(minutes=5),
        flush_every: float = 0.1,
        is_running: Callable[[], bool] | None = None,
    ) -> None:
        self.store = store
        self.is_running = is_running or (lambda: True)
        self.bot = bot
        self.cache = cache
        self.compose = compose
        self.clock = clock
        self.worker_id = worker_id or default_worker_id()
        # with the bot's shared budget the global rate is its job; the pacer keeps per chat
        shared = shared_limiter(bot) is not None
        self.pacer = Pacer(None if shared else rate, per_chat_interval)
        self.batch_size = None if rate is None else max(20, min(500, int(rate)))
        self.concurrency = concurrency
        self.lease = lease
        self.flush_every = flush_every
        self._task: asyncio.Task[RoundResult] | None = None
        self._rendered: dict[tuple[int, str, str, bool], Rendered | None] = {}
        self._synced: int | None = None  # id() of the cache last synced into the queue
        self._stopping = False

    def render(self, claimed: Claimed) -> Rendered | None:
        """Render once per (cache, article, language, kind of chat): a fan-out sends the
        same text to all; a channel post carries a link to the bot instead of buttons."""
        cache = self.cache()
        channel = claimed.channel
        key = (id(cache), claimed.article_id, claimed.lang, channel)
        if key not in self._rendered:
            if len(self._rendered) > 256:
                self._rendered.clear()
            self._rendered[key] = self.compose(
                cache,
                claimed.article_id,
                claimed.lang,
                channel=channel,
                bot_username=self._username() if channel else None,
            )
        return self._rendered[key]

    def _username(self) -> str | None:
        try:
            return self.bot.username
        except RuntimeError:  # not initialized (``digestbot deliver`` before getMe)
            return None

    async def start(self) -> int:
        """Sync the cache's articles into every queue; retry claims of dead local processes."""
        added = await self.sync()
        dead = dead_local_claimers(await self.store.call(self.store.claimers))
        released = 0
        for claimer in dead:
            released += await self.store.call(self.store.release_worker, claimer)
        if added or released:
            log.info(
                "queue sync: %d new article versions, %d stale claims released", added, released
            )
        return added

    async def promote(self, *, force: bool = False, now: datetime | None = None) -> int:
        ready = await self.store.call(self.store.promote_due, now or self.clock(), force=force)
        QUEUE_DEPTH.set(await self.store.call(self.store.queue_depth))
        return ready

    def fanout(self) -> FanOut:
        return FanOut(
            self.bot,
            self.store,
            self.render,
            pacer=self.pacer,
            clock=self.clock,
            worker_id=self.worker_id,
            concurrency=self.concurrency,
            batch_size=self.batch_size,
            lease=self.lease,
            flush_every=self.flush_every,
            should_stop=lambda: self._stopping or not self.is_running(),
        )

    async def run_round(self, *, force: bool = False) -> RoundResult:
        """Promote whatever is due, then send until nothing is claimable (for ``deliver``).

        A forced round holds :func:`~bot.delivery.round_lock.forced_round` until it ends;
        a forced run that finds another one going joins it instead of forcing a second
        digest on everyone.
        """
        if not force:
            return await self._send_round(force=False)
        async with forced_round(self.store) as owner:
            if not owner:
                log.info("another forced round is running: joining it, forcing nothing")
            return await self._send_round(force=owner)

    async def _send_round(self, *, force: bool) -> RoundResult:
        await self.promote(force=force)
        result = await self.fanout().run()
        QUEUE_DEPTH.set(await self.store.call(self.store.queue_depth))
        return result

    async def sync(self) -> int:
        """Queue the current cache's new or rebuilt articles for every active subscriber."""
        cache = self.cache()
        added: int = await self.store.call(
            self.store.sync_articles, article_refs(cache), self.clock()
        )
        self._synced = id(cache)
        return added

    def mark_synced(self, cache: Cache) -> None:
        """Record that ``cache`` was synced by the caller (synchronously, at install)."""
        self._synced = id(cache)

    async def tick(self) -> None:
        """The scheduler job: promote due subscribers and make sure a fan-out is running.

        When the bot swapped in a new cache (ingest, reload), its articles are queued first.
        """
        if self._stopping:
            return
        if id(self.cache()) != self._synced:
            added = await self.sync()
            if added:
                log.info("cache changed: %d new article versions queued", added)
        ready = await self.promote()
        if ready:
            log.info("scheduler tick: %d digests due", ready)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._round(), name="digestbot-fanout")

    async def _round(self) -> RoundResult:
        try:
            result = await self.fanout().run()
        except Exception:  # e.g. the database went away; the next tick starts a new round
            log.exception("fan-out round failed; claims are retried after their lease")
            return RoundResult()
        if result.sent or result.deferred or result.deactivated:
            log.info(
                "fan-out: %d sent, %d deferred, %d deactivated, %d rate-limited",
                result.sent,
                result.deferred,
                result.deactivated,
                result.rate_limited,
            )
        return result

    async def stop(self) -> None:
        """Cancel the fan-out; it records what it sent and releases what it claimed."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def send_next(self, chat_id: int) -> bool:
        """The "next digest" button: send this chat's queue head now; False if it is empty."""
        claims = await self.store.call(
            self.store.claim,
            self.worker_id,
            self.clock(),
            limit=1,
            lease=self.lease,
            chat_id=chat_id,
            statuses=(DeliveryStatus.READY, DeliveryStatus.QUEUED),
        )
        if not claims:
            return False
        result = RoundResult()
        fan = self.fanout()
        try:
            ok = await fan.deliver_one(claims[0], result)
        except BaseException:
            await self.store.call(self.store.release, [claims[0].id], self.worker_id)
            raise
        if ok:
            await self.store.call(self.store.mark_sent, [claims[0].id], self.clock())
        return ok
