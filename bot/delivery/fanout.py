"""One fan-out round: claim → send → mark sent, paced, retried, cancellable, losing nothing.

* Claims come in batches under a lease (:meth:`SubscriptionStore.claim`); a producer keeps
  at most two batches claimed ahead of the senders.
* ``concurrency`` sender tasks share one :class:`~bot.delivery.pacing.Pacer`, so the global
  rate and the per-chat interval hold however many tasks run.
* Sent ids are marked in small batches (every ``flush_every`` seconds). A crash (kill -9)
  before a flush re-sends those digests once after the lease expires — at most one
  duplicate per subscriber, never a loss. A *clean* stop (cancellation, SIGTERM) flushes
  what was sent and releases every claimed-but-unsent delivery for the next round.
* 429: the whole process pauses for ``retry_after`` and the same message is tried again.
  403: the subscriber is deactivated and the digest goes back to their queue.
  5xx / network errors: a few quick retries with exponential backoff, then the delivery is
  handed back with a ``not_before`` so a later round tries again; nothing is dropped.
* A timeout *after* the request left (read/write timeout) is ambiguous — Telegram may have
  delivered the message and only its answer was lost. Such a part is never sent again:
  at most once for ambiguous sends, at least once for everything else (see README).
* Sends go through the bot's shared rate budget (:mod:`bot.delivery.ratelimit`) when it
  has one, so replies and digests never exceed Telegram's limit together.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.message import Rendered
from bot.delivery.pacing import Pacer, retry_after_seconds
from bot.delivery.ratelimit import BULK, shared_limiter
from bot.observability.logs import redact
from bot.observability.metrics import DELIVERIES
from bot.subscriptions.store import Claimed, SubscriptionStore, default_worker_id

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Renderer = Callable[[Claimed], Rendered | None]

#: BadRequest messages that mean the chat itself is gone, not that our message was wrong
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights")


AMBIGUOUS_NOTE = "timed out after sending: maybe delivered, not resent (at most once)"


def maybe_delivered(exc: TimedOut) -> bool:
    """Whether a timed-out request may have reached Telegram: not when the connection was
    never made (connect timeout) or no connection was free (pool timeout)."""
    return not isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class RoundResult:
    """What one round did; ``rate`` is messages per second over the sending time."""

    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    deactivated: int = 0
    failed: int = 0
    deferred: int = 0
    released: int = 0
    ambiguous: int = 0
    elapsed: float = 0.0
    first_send: float | None = None
    last_send: float | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        if self.first_send is None or self.last_send is None or self.sent < 2:
            return 0.0
        span = self.last_send - self.first_send
        return (self.sent - 1) / span if span > 0 else float("inf")


class FanOut:
    """Sends every claimable delivery once; see the module docstring for the guarantees."""

    def __init__(
        self,
        bot: Bot,
        store: SubscriptionStore,
        renderer: Renderer,
        *,
        pacer: Pacer,
        clock: Clock = utcnow,
        worker_id: str | None = None,
        concurrency: int = 8,
        batch_size: int | None = None,
        lease: timedelta = timedelta(minutes=5),
        quick_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 600.0,
        flush_every: float = 0.1,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.renderer = renderer
        self.pacer = pacer
        self.clock = clock
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = concurrency
        rate = pacer.rate
        # about one second of sends per claim, so replicas share a round fairly
        self.batch_size = batch_size or (500 if rate is None else max(20, min(500, int(rate))))
        self.lease = lease
        self.quick_retries = quick_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.flush_every = flush_every
        self.should_stop = should_stop or (lambda: False)
        # scheduled sends share the process's rate budget but handle their own 429s
        self._bulk: dict[str, Any] = {"rate_limit_args": BULK} if shared_limiter(bot) else {}

    async def _db(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def run(self) -> RoundResult:
        """Deliver until nothing is claimable; on cancellation release what is unsent."""
        result = RoundResult()
        started = time.perf_counter()
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue(maxsize=self.batch_size)
        held: dict[int, Claimed] = {}
        sent_ids: list[int] = []
        done = asyncio.Event()

        async def flush() -> None:
            if sent_ids:
                batch = sent_ids[:]
                del sent_ids[: len(batch)]
                await self._db(self.store.mark_sent, batch, self.clock())

        async def flusher() -> None:
            while not done.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), self.flush_every)
                await flush()

        async def producer() -> None:
            try:
                while not self.should_stop():
                    claims: list[Claimed] = await self._db(
                        self.store.claim,
                        self.worker_id,
                        self.clock(),
                        limit=self.batch_size,
                        lease=self.lease,
                    )
                    if not claims:
                        break
                    for c in claims:
                        held[c.id] = c
                    for c in claims:
                        await queue.put(c)
            finally:
                for _ in range(self.concurrency):
                    await queue.put(None)

        async def sender() -> None:
            while (c := await queue.get()) is not None:
                if self.should_stop():
                    continue  # stays in ``held``: released below
                ok = await self.deliver_one(c, result)
                held.pop(c.id, None)
                if ok:
                    sent_ids.append(c.id)

        flush_task = asyncio.create_task(flusher())
        try:
            await asyncio.gather(producer(), *(sender() for _ in range(self.concurrency)))
        finally:
            done.set()
            # shielded: a cancelled round must still record sends and release its claims
            await asyncio.shield(self._finish(flush_task, flush, held, result))
            result.elapsed = time.perf_counter() - started
        return result

    async def _finish(
        self,
        flush_task: asyncio.Task[None],
        flush: Callable[[], Awaitable[None]],
        held: dict[int, Claimed],
        result: RoundResult,
    ) -> None:
        with contextlib.suppress(Exception):
            await flush_task
        await flush()
        if held:
            result.released = await self._db(self.store.release, list(held), self.worker_id)
            log.info("released %d claimed but unsent deliveries", result.released)

    async def deliver_one(self, c: Claimed, result: RoundResult) -> bool:
        """Send one delivery; True when Telegram has (or may have) every part of it.

        Parts go out in order and a retry resumes at the part that failed, so a 429 or a
        5xx on part 2 never repeats part 1. A part whose request timed out after it was
        sent is *maybe sent* (Telegram may have delivered it and only the answer was
        lost): it is not sent again — at most once for ambiguous sends — and the delivery
        is recorded as sent with a note (``RoundResult.ambiguous`` counts them).
        """
        rendered = self.renderer(c)
        if rendered is None:
            await self._db(self.store.mark_failed, c.id, "article no longer in the cache")
            DELIVERIES.labels(outcome="failed").inc()
            result.failed += 1
            return False
        failures = 0
        limited = 0
        done = 0  # parts Telegram has, or may have
        unsure = False
        while done < len(rendered.parts):
            await self.pacer.acquire(c.chat_id)
            try:
                for index in range(done, len(rendered.parts)):
                    await self._send_part(c.chat_id, rendered, index)
                    done = index + 1
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                self.pacer.pause(wait)
                result.rate_limited += 1
                limited += 1
                DELIVERIES.labels(outcome="retried").inc()
                log.warning("429 from Telegram: pausing sends for %.1fs", wait)
                if limited > 20:
                    return await self._defer(c, result, f"repeated 429 ({wait}s)")
                continue
            except Forbidden as exc:
                return await self._blocked(c, result, exc)
            except BadRequest as exc:
                if any(marker in str(exc).lower() for marker in _GONE):
                    return await self._blocked(c, result, exc)
                await self._db(self.store.mark_failed, c.id, f"BadRequest: {exc}")
                DELIVERIES.labels(outcome="failed").inc()
                result.failed += 1
                result.errors.append(str(exc))
                log.error("Telegram rejected delivery %d: %s", c.id, exc)
                return False
            except TimedOut as exc:
                if not maybe_delivered(exc):
                    failures += 1  # never left this host: as safe to retry as a 5xx
                    result.retried += 1
                    if failures > self.quick_retries:
                        return await self._defer(c, result, f"TimedOut: {exc}")
                    continue
                done += 1  # maybe sent: never twice
                unsure = True
                log.warning(
                    "delivery %d to chat %d: part %d timed out after it was sent; "
                    "treated as sent (at most once)",
                    c.id,
                    c.chat_id,
                    done,
                )
                continue
            except NetworkError as exc:  # 5xx, connection errors
                failures += 1
                result.retried += 1
                DELIVERIES.labels(outcome="retried").inc()
                if failures > self.quick_retries:
                    return await self._defer(c, result, f"{type(exc).__name__}: {exc}")
                delay = self.backoff * 2 ** (failures - 1) * (1 + random.random() / 4)
                await asyncio.sleep(delay)
                continue
            except TelegramError as exc:  # e.g. InvalidToken, Conflict: not this message's fault
                return await self._defer(c, result, f"{type(exc).__name__}: {exc}")
        now = time.perf_counter()
        result.first_send = result.first_send if result.first_send is not None else now
        result.last_send = now
        result.sent += 1
        DELIVERIES.labels(outcome="sent").inc()
        if unsure:
            result.ambiguous += 1
            DELIVERIES.labels(outcome="ambiguous").inc()
            await self._db(self.store.note_error, c.id, AMBIGUOUS_NOTE)
        return True

    async def _send_part(self, chat_id: int, rendered: Rendered, index: int) -> None:
        last = len(rendered.parts) - 1
        await self.bot.send_message(
            chat_id,
            rendered.parts[index],
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=rendered.markup if index == last else None,
            **self._bulk,
        )

    async def _blocked(self, c: Claimed, result: RoundResult, exc: Exception) -> bool:
        await self._db(self.store.requeue_blocked, c.id, c.chat_id, self.clock(), "blocked")
        DELIVERIES.labels(outcome="deactivated").inc()
        result.deactivated += 1
        log.info("chat %d blocked the bot (%s): subscription paused", c.chat_id, exc)
        return False

    async def _defer(self, c: Claimed, result: RoundResult, error: str) -> bool:
        error = redact(error)  # InvalidToken's message carries the token; this goes to the DB
        delay = min(self.max_backoff, 30.0 * 2 ** min(c.attempts, 10))
        not_before = self.clock() + timedelta(seconds=delay)
        await self._db(self.store.retry_later, c.id, not_before, error, self.worker_id)
        result.deferred += 1
        log.warning("delivery %d deferred %.0fs after repeated errors: %s", c.id, delay, error)
        return False
