"""The bot's Bot API client: PTB's ``ExtBot`` plus what a hostile Telegram requires.

* **Poisoned updates.** PTB decodes a whole ``getUpdates`` batch at once; one update it
  cannot decode (a newer or older Bot API shape) fails the batch, is never confirmed, and
  stalls the bot for good — while PTB logs the raw batch, users' texts included, at
  CRITICAL on every retry. :meth:`ResilientBot.get_updates` decodes update by update,
  skips the undecodable ones (logged once by id and error type only, counted in
  ``digestbot_updates_poisoned_total``) and confirms them with the next poll's offset.
* **Answered callback queries** are remembered briefly, so the error handler never answers
  a query a second time (Telegram refuses that, and the user saw the first answer).
* **One rate budget**: the client carries the process's
  :class:`~bot.delivery.ratelimit.SharedRateLimiter`, used by replies and scheduled sends.
"""

from __future__ import annotations

import datetime as dtm
import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DefaultValue
from telegram.ext import Defaults, ExtBot
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.bounded import TTLCache
from bot.delivery.ratelimit import SharedRateLimiter
from bot.observability.metrics import UPDATES_POISONED

log = logging.getLogger(__name__)

#: How long an answered callback query id is remembered (Telegram allows ~15 s to answer).
ANSWERED_TTL = 120.0


def skip_poisoned(update_id: object, exc: BaseException) -> None:
    """Log (once per update, without its content) and count an update we cannot read."""
    UPDATES_POISONED.inc()
    log.warning(
        "skipped update %s: it cannot be decoded (%s); its content is not logged",
        update_id if isinstance(update_id, int) else "without an id",
        type(exc).__name__,
    )


class _Journal:
    """Mutable state of one client, created before PTB freezes the bot's attributes."""

    def __init__(self) -> None:
        self.poison_floor = 0
        self.answered: TTLCache[str, bool] = TTLCache(maxsize=10_000, ttl=ANSWERED_TTL)


class ResilientBot(ExtBot[float]):
    """``ExtBot`` that survives undecodable updates and remembers answered queries."""

    def __init__(self, *args: Any, poll_read_timeout: float = 5.0, **kwargs: Any) -> None:
        # set before super().__init__(): PTB freezes the object's attributes at its end
        self._journal = _Journal()
        self._poll_read_timeout = poll_read_timeout
        super().__init__(*args, **kwargs)

    def answered(self, callback_query_id: str) -> bool:
        """Whether this process already answered the callback query."""
        return callback_query_id in self._journal.answered

    async def answer_callback_query(
        self, callback_query_id: str, *args: Any, **kwargs: Any
    ) -> bool:
        ok = await super().answer_callback_query(callback_query_id, *args, **kwargs)
        self._journal.answered.set(callback_query_id, True)
        return ok

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | float | dtm.timedelta | None = None,  # noqa: ASYNC109 - PTB signature
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        journal = self._journal
        if journal.poison_floor and (offset is None or 0 <= offset <= journal.poison_floor):
            offset = journal.poison_floor + 1  # confirm the skipped update(s) to Telegram
        seconds = timeout.total_seconds() if isinstance(timeout, dtm.timedelta) else timeout
        read_timeout = kwargs.pop("read_timeout", None)
        if read_timeout is None or isinstance(read_timeout, DefaultValue):
            read_timeout = self._poll_read_timeout
        kwargs.pop("api_kwargs", None)
        params = {"offset": offset, "limit": limit, "timeout": seconds}
        api_kwargs: dict[str, Any] = {k: v for k, v in params.items() if v is not None}
        if allowed_updates is not None:
            api_kwargs["allowed_updates"] = list(allowed_updates)
        with warnings.catch_warnings():
            # do_api_request suggests get_updates for getUpdates: that is what we replace
            warnings.simplefilter("ignore", PTBUserWarning)
            raw = await self.do_api_request(
                "getUpdates",
                api_kwargs=api_kwargs,
                read_timeout=float(read_timeout) + float(seconds or 0),
                **{k: v for k, v in kwargs.items() if not isinstance(v, DefaultValue)},
            )
        return tuple(self._decode(raw if isinstance(raw, list) else []))

    def _decode(self, raw: list[Any]) -> list[Update]:
        updates: list[Update] = []
        for item in raw:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            try:
                update = Update.de_json(item, self)
            except Exception as exc:  # whatever the library raises for a shape it lacks
                skip_poisoned(update_id, exc)
                if isinstance(update_id, int):
                    self._journal.poison_floor = max(self._journal.poison_floor, update_id)
                continue
            self.insert_callback_data(update)
            updates.append(update)
        return updates


def file_url(base_url: str) -> str:
    """``…/bot`` → ``…/file/bot`` (the Bot API's file download prefix)."""
    head, sep, tail = base_url.rstrip("/").rpartition("/bot")
    if sep and not tail:
        return f"{head}/file/bot"
    return base_url.rstrip("/") + "/file/bot"


def make_bot(
    token: str,
    *,
    base_url: str,
    base_file_url: str,
    defaults: Defaults | None,
    limiter: SharedRateLimiter | None,
    pool_size: int = 256,
    read_timeout: float = 5.0,
) -> ResilientBot:
    """The client every command uses: pools as PTB's builder makes them, our limiter."""
    request = HTTPXRequest(connection_pool_size=pool_size, read_timeout=read_timeout)
    poll = HTTPXRequest(connection_pool_size=1)
    return ResilientBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=request,
        get_updates_request=poll,
        defaults=defaults,
        rate_limiter=limiter,
        poll_read_timeout=poll.read_timeout or 5.0,
    )


def answered(bot: object, callback_query_id: str) -> bool:
    """Whether ``bot`` (our client, else unknown: False) already answered the query."""
    return isinstance(bot, ResilientBot) and bot.answered(callback_query_id)
