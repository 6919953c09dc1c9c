"""One rate budget for everything the process sends: replies and scheduled digests alike.

Telegram's flood control counts every message a bot sends, whoever in the process sends
it. Before, replies retried a 429 three times on their own while the fan-out paced itself
separately, so under a global limit replies were lost and a 429 storm paused sends but
never slowed them. :class:`SharedRateLimiter` is PTB's rate-limiter hook
(``BaseRateLimiter``) on the one client the Application and the delivery service share:

* **One budget** (:class:`AdaptiveBudget`): a GCRA schedule of send slots at ``rate``
  messages per second shared by every caller. Replies may burst up to one second's worth
  (a user waits for them); bulk sends get an 80 ms burst, so a fan-out stays smooth and
  replies find room in the budget ahead of it. Together they stay within
  ``rate + rate·t`` messages in any ``t`` seconds, like Telegram's own bucket.
* **Adaptive**: a 429 pauses every sender for ``retry_after`` (unless that is longer than a
  reply would wait: then only that request fails) and halves the rate (once per
  burst of 429s: only a request sent after the last cut can cut again), down to
  ``floor``; each success adds back a little, up to the configured rate (AIMD).
* **Replies wait it out**: a reply (any call without ``rate_limit_args``) retries after
  ``retry_after`` as many times as it takes within ``reply_deadline`` seconds. Bulk sends
  pass ``rate_limit_args=0.0`` (their own deadline): the fan-out handles their 429 itself
  (it counts, re-queues and defers), after the budget has recorded it.

Only sending methods (``send*``, ``edit*``, ``copy*``, ``forward*``) take a slot; other calls
(answerCallbackQuery, getChatMember, …) only honour a pause and retry a 429.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.pacing import retry_after_seconds
from bot.observability.metrics import RATE_LIMITED, SEND_RATE

log = logging.getLogger(__name__)

#: ``rate_limit_args`` for scheduled sends: do not wait out a 429 here, raise it.
BULK: float = 0.0
#: how far ahead of the steady schedule a reply / a bulk send may go, in seconds
REPLY_BURST: float = 1.0
BULK_BURST: float = 0.08
_SENDING_PREFIXES = ("send", "edit", "copy", "forward")


def is_sending(endpoint: str) -> bool:
    """Methods Telegram's flood control counts (messages created or changed)."""
    return endpoint.lower().startswith(_SENDING_PREFIXES)


class AdaptiveBudget:
    """Send slots at an adaptive rate; see the module docstring."""

    def __init__(
        self,
        rate: float,
        *,
        floor: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.ceiling = rate
        self.rate = rate
        self.floor = min(floor, rate)
        self.step = max(0.05, rate / 100)
        self._clock = clock
        self._tat = 0.0  # theoretical arrival time of the next slot
        self._paused_until = 0.0
        self._cut_at = float("-inf")
        SEND_RATE.set(rate)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    async def wait_pause(self) -> float:
        """Wait while a 429 pause is on (for calls that take no slot); returns now."""
        while (wait := self.paused_for) > 0:  # noqa: ASYNC110 - the pause may grow
            await asyncio.sleep(wait)
        return self._clock()

    async def acquire(self, burst_seconds: float = BULK_BURST) -> float:
        """Wait for this caller's send slot (``burst_seconds``: how far ahead of the steady
        schedule it may go); returns the slot's time."""
        while True:
            now = self._clock()
            slot = max(now, self._paused_until, self._tat - burst_seconds)
            self._tat = max(self._tat, slot) + 1.0 / self.rate
            if slot > now:
                await asyncio.sleep(slot - now)
            if self._paused_until <= slot + 1e-6:
                return slot
            # a 429 came while we waited for the slot: queue again behind the pause

    def throttled(self, seconds: float, sent_at: float, *, pause: bool = True) -> None:
        """Telegram answered 429 to a request sent at ``sent_at``; ``pause``: everyone waits
        ``seconds`` (not for a wait nobody will sit out: that request fails, others try)."""
        now = self._clock()
        if pause:
            self._paused_until = max(self._paused_until, now + seconds)
            self._tat = max(self._tat, self._paused_until)
        if sent_at >= self._cut_at:
            self.rate = max(self.floor, self.rate / 2)
            self._cut_at = now
            SEND_RATE.set(self.rate)
            log.warning(
                "429 from Telegram: pausing %.1fs, send rate lowered to %.2f/s", seconds, self.rate
            )

    def succeeded(self) -> None:
        if self.rate < self.ceiling:
            self.rate = min(self.ceiling, self.rate + self.step)
            SEND_RATE.set(self.rate)


class SharedRateLimiter(BaseRateLimiter[float]):
    """PTB rate limiter over one :class:`AdaptiveBudget`; ``rate_limit_args`` is a deadline."""

    def __init__(self, rate: float, *, reply_deadline: float = 30.0, floor: float = 1.0) -> None:
        self.budget = AdaptiveBudget(rate, floor=floor)
        self.reply_deadline = reply_deadline

    async def initialize(self) -> None:
        """Nothing to set up: the budget lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: float | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        deadline_in = self.reply_deadline if rate_limit_args is None else rate_limit_args
        traffic = "reply" if rate_limit_args is None else "bulk"
        deadline = time.monotonic() + deadline_in
        counted = is_sending(endpoint)
        while True:
            if counted:
                burst = REPLY_BURST if rate_limit_args is None else BULK_BURST
                sent_at = await self.budget.acquire(burst)
            else:
                sent_at = await self.budget.wait_pause()
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                RATE_LIMITED.labels(traffic=traffic).inc()
                self.budget.throttled(seconds, sent_at, pause=seconds <= self.reply_deadline)
                if time.monotonic() + seconds > deadline:
                    raise
                continue
            if counted:
                self.budget.succeeded()
            return result


def shared_limiter(bot: object) -> SharedRateLimiter | None:
    """The bot's shared limiter, if it has one (an ``ExtBot`` built by us)."""
    limiter = getattr(bot, "rate_limiter", None)
    return limiter if isinstance(limiter, SharedRateLimiter) else None
