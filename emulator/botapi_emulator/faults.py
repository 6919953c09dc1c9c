"""Faults the emulator injects on request, and flood control, so tests see how the bot copes.

A fault matches a method (or ``"*"`` for every method except ``getUpdates``), optionally
one chat, and fires for the next ``times`` matching calls (``None``: until cleared).
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Any, Literal

from botapi_emulator.core import EmulatorCore
from botapi_emulator.errors import ApiError

FaultKind = Literal["429", "403", "500", "502", "slow"]
FAULT_KINDS: tuple[str, ...] = ("429", "403", "500", "502", "slow")


@dataclass(slots=True)
class Fault:
    """One injected fault rule; ``remaining`` counts down, ``None`` never runs out."""

    method: str
    kind: FaultKind
    remaining: int | None = 1
    chat_id: int | None = None
    retry_after: int = 1
    delay: float = 0.0
    fired: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method == "*":
            if method == "getupdates":
                return False
        elif self.method.lower() != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def consume(self) -> None:
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1


def fault_response(fault: Fault) -> tuple[int, dict[str, Any] | str]:
    """The HTTP status and body Telegram would send for this fault (not for ``slow``)."""
    if fault.kind == "429":
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {fault.retry_after}",
            "parameters": {"retry_after": fault.retry_after},
        }
    if fault.kind == "403":
        return 403, {
            "ok": False,
            "error_code": 403,
            "description": "Forbidden: bot was blocked by the user",
        }
    if fault.kind == "500":
        return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    if fault.kind == "502":
        # Telegram's front end answers a bad gateway with an HTML page, not JSON.
        return 502, (
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
    raise ValueError(f"fault kind {fault.kind!r} has no response")


@dataclass(slots=True)
class Bucket:
    """A token bucket: ``capacity`` sends at once, refilled at ``rate`` per second."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0: one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Sends per second for the whole bot and per chat (None: unlimited), the chat burst."""

    global_rate: float | None
    chat_rate: float | None
    chat_burst: float


#: Methods Telegram's flood control counts as sending.
FLOOD_METHODS = frozenset({"sendmessage", "sendphoto", "editmessagetext", "editmessagereplymarkup"})


class FaultsMixin(EmulatorCore):
    """Injected faults and Telegram-like flood control, checked before every method."""

    def inject_fault(
        self,
        method: str,
        *,
        kind: FaultKind,
        times: int | None = 1,
        chat_id: int | None = None,
        retry_after: int = 1,
        delay: float = 0.0,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` (``"*"``: any but getUpdates) fail.

        ``kind``: ``"429"`` (with ``parameters.retry_after``), ``"403"`` (bot blocked),
        ``"500"``, ``"502"`` (an HTML bad-gateway page) or ``"slow"`` (answer normally
        after ``delay`` seconds). ``times=None`` keeps the fault until
        :meth:`clear_faults`. Returns the rule; its ``fired`` counts hits.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        fault = Fault(
            method=method,
            kind=kind,
            remaining=times,
            chat_id=chat_id,
            retry_after=retry_after,
            delay=delay,
        )
        self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_flood_limits(
        self,
        *,
        global_per_second: float | None = 30.0,
        per_chat_per_second: float | None = 1.0,
        per_chat_burst: int = 3,
    ) -> None:
        """Answer 429 like Telegram's flood control when the bot sends too fast.

        Off by default. Token buckets: the whole bot may send ``global_per_second`` (with
        a one-second burst), each chat ``per_chat_per_second`` with ``per_chat_burst``
        at once. Counted: sendMessage, editMessageText, editMessageReplyMarkup.
        """
        self._flood = FloodLimits(global_per_second, per_chat_per_second, float(per_chat_burst))
        self._global_bucket = None
        self._chat_buckets.clear()

    def clear_flood_limits(self) -> None:
        self._flood = None

    def _flood_wait(self, name: str, chat_id: int | None) -> float:
        if self._flood is None or name not in FLOOD_METHODS:
            return 0.0
        global_rate, chat_rate, burst = (
            self._flood.global_rate,
            self._flood.chat_rate,
            self._flood.chat_burst,
        )
        now = time.monotonic()
        buckets: list[Bucket] = []
        if global_rate:
            if self._global_bucket is None:
                self._global_bucket = Bucket(global_rate, global_rate, global_rate, now)
            buckets.append(self._global_bucket)
        if chat_rate and chat_id is not None:
            bucket = self._chat_buckets.get(chat_id)
            if bucket is None:
                bucket = self._chat_buckets[chat_id] = Bucket(chat_rate, burst, burst, now)
            buckets.append(bucket)
        wait = max((b.wait(now) for b in buckets), default=0.0)
        if wait == 0.0:
            for b in buckets:
                b.tokens -= 1
        return wait

    async def _fault_answer(self, name: str, chat_id: int | None) -> tuple[int, Any] | None:
        """The answer an injected fault or flood control gives instead of the method's.

        ``None``: the method runs (after the delay of a ``slow`` fault, if one matched).
        """
        for fault in self._faults:
            if fault.matches(name, chat_id):
                fault.consume()
                if fault.kind == "slow":
                    await asyncio.sleep(fault.delay)
                    break
                return fault_response(fault)
        flood = self._flood_wait(name, chat_id)
        if flood > 0:
            retry_after = max(1, math.ceil(flood))
            return 429, ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            ).body()
        return None
