"""Channels the bot posts to: each is a subscriber with a channel's rules.

A registered channel is a row of ``subscribers`` (so it has a queue, the fan-out's
pacing, 429/403 handling and crash guarantees) with the ``each`` frequency — due at
every scheduler tick, so every digest is posted once, in publication order, one per tick
(the queue keeps one delivery per chat in flight, lowest sequence first) — plus a row of
``channels`` saying which channel it is and who registered it. The pacer spaces
messages to any negative chat id by 3 s (Telegram's 20 a minute for channels and groups).

A channel starts from the oldest queued article: its readers get the whole dossier.
Removing the bot from the channel (``my_chat_member``) pauses it — the queue is kept —
and adding it back as an administrator resumes where it stopped; ``remove`` is the
operator's: it pauses the channel and forgets its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from bot.subscriptions.models import channels, subscribers
from bot.subscriptions.schedule import CHANNEL_FREQUENCY, Preferences
from bot.subscriptions.store import SubscriptionStore

CHANNEL_PREFS = Preferences(hour=0, minute=0, tz="UTC", frequency=CHANNEL_FREQUENCY)
#: why a channel is not served (subscribers.inactive_reason)
REMOVED_FROM_CHANNEL = "removed"


@dataclass(frozen=True)
class Channel:
    chat_id: int
    username: str | None
    title: str | None
    added_by: int | None
    added_at: datetime
    active: bool
    inactive_reason: str | None
    lang: str

    @property
    def label(self) -> str:
        return f"@{self.username}" if self.username else (self.title or str(self.chat_id))


def is_channel_id(chat_id: int) -> bool:
    """Channel (and supergroup) ids are -100… followed by the channel's own id."""
    return chat_id <= -1_000_000_000_000


class ChannelRegistry:
    """Register, list, pause, resume and remove channels (synchronous; see store.call)."""

    def __init__(self, store: SubscriptionStore) -> None:
        self.store = store

    def add(
        self,
        chat_id: int,
        now: datetime,
        *,
        username: str | None = None,
        title: str | None = None,
        added_by: int | None = None,
        lang: str = "ar",
    ) -> tuple[Channel, bool]:
        """Register (or re-enable) a channel; returns it and whether it is new."""
        if not is_channel_id(chat_id):
            raise ValueError(f"not a channel id: {chat_id} (channels are -100…)")
        self.store.subscribe(chat_id, CHANNEL_PREFS, now, lang=lang, start="oldest")
        values = {"username": username, "title": title}
        with self.store.engine.begin() as conn:
            known = conn.execute(
                select(channels.c.chat_id).where(channels.c.chat_id == chat_id)
            ).first()
            if known is None:
                conn.execute(
                    insert(channels).values(
                        chat_id=chat_id, added_by=added_by, added_at=now, **values
                    )
                )
            else:
                fresh = {k: v for k, v in values.items() if v is not None}
                if fresh:
                    conn.execute(
                        update(channels).where(channels.c.chat_id == chat_id).values(fresh)
                    )
        channel = self.get(chat_id)
        assert channel is not None
        return channel, known is None

    def get(self, chat_id: int) -> Channel | None:
        return next((c for c in self.list() if c.chat_id == chat_id), None)

    def find(self, ref: str) -> Channel | None:
        """A channel by ``@username`` (any case) or by its numeric id."""
        ref = ref.strip()
        if ref.lstrip("-").isdigit():
            return self.get(int(ref))
        name = ref.removeprefix("@").casefold()
        return next((c for c in self.list() if (c.username or "").casefold() == name), None)

    def list(self) -> list[Channel]:
        s, c = subscribers, channels
        stmt = (
            select(c, s.c.active, s.c.inactive_reason, s.c.lang)
            .join(s, s.c.chat_id == c.c.chat_id)
            .order_by(c.c.added_at, c.c.chat_id)
        )
        with self.store.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            Channel(
                chat_id=r.chat_id,
                username=r.username,
                title=r.title,
                added_by=r.added_by,
                added_at=r.added_at,
                active=bool(r.active),
                inactive_reason=r.inactive_reason,
                lang=r.lang,
            )
            for r in rows
        ]

    def pause(self, chat_id: int, now: datetime, reason: str = REMOVED_FROM_CHANNEL) -> bool:
        """Stop posting (the bot was removed); the queue is kept. False if not registered."""
        if self.get(chat_id) is None:
            return False
        self.store.deactivate(chat_id, reason, now)
        return True

    def resume(self, chat_id: int, now: datetime) -> bool:
        """The bot is back as an administrator: post from where it stopped."""
        channel = self.get(chat_id)
        if channel is None:
            return False
        if not channel.active:
            self.store.subscribe(chat_id, CHANNEL_PREFS, now, lang=channel.lang)
        return True

    def remove(self, chat_id: int, now: datetime) -> bool:
        """The operator's removal: no more posts, and the channel is forgotten."""
        if self.get(chat_id) is None:
            return False
        self.store.deactivate(chat_id, "unsubscribed", now)
        with self.store.engine.begin() as conn:
            conn.execute(delete(channels).where(channels.c.chat_id == chat_id))
        return True
