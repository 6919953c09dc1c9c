"""Table definitions (SQLAlchemy Core): subscribers, queue items and deliveries.

Core tables rather than ORM classes because every hot path is a set-based statement
(``INSERT … SELECT``, ``UPDATE … WHERE id IN (… FOR UPDATE SKIP LOCKED) RETURNING``) run
for thousands of rows at once. The Alembic migrations in ``migrations/versions`` create
exactly these tables; ``tests/test_subscriptions_store.py`` checks they agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

#: BIGINT on PostgreSQL, but SQLite only auto-increments an ``INTEGER PRIMARY KEY``.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, stored naive so both backends agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime passed to the store; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


subscribers = Table(
    "subscribers",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("lang", String(8), nullable=False, default="ar"),
    Column("hour", SmallInteger, nullable=False),
    Column("minute", SmallInteger, nullable=False),
    Column("tz", String(64), nullable=False),
    Column("frequency", String(16), nullable=False),
    Column("weekday", SmallInteger, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
    Column("inactive_reason", String(32), nullable=True),
    Column("next_due_at", UTCDateTime, nullable=True),
    # highest queue_items.seq already considered for this subscriber's queue
    Column("queued_through", BigInteger, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_subscribers_due", "active", "next_due_at"),
)

#: the interface language a chat chose with /lang, subscribed or not, so it survives restarts
chat_prefs = Table(
    "chat_prefs",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("lang", String(8), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: channels the bot posts every digest to; each is also a row of ``subscribers`` (its queue,
#: pacing and pause state), this table says which channel it is and who registered it
channels = Table(
    "channels",
    metadata,
    Column(
        "chat_id",
        BigInteger,
        ForeignKey("subscribers.chat_id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("username", String(64), nullable=True),
    Column("title", String(256), nullable=True),
    Column("added_by", BigInteger, nullable=True),
    Column("added_at", UTCDateTime, nullable=False),
)

queue_items = Table(
    "queue_items",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("article_id", String(200), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("published", String(10), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    UniqueConstraint("article_id", "fingerprint", name="uq_queue_items_article_version"),
)


class DeliveryStatus(StrEnum):
    """Where a delivery is in the queue (the ``deliveries.status`` column).

    queued → ready (its slot came) → claimed (a sender holds a lease) → sent | failed;
    a released or retried claim goes back to ready, a paused chat's back to queued.
    """

    QUEUED = "queued"
    READY = "ready"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column(
        "chat_id",
        BigInteger,
        ForeignKey("subscribers.chat_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("item_seq", BigInteger, ForeignKey("queue_items.seq"), nullable=False),
    Column("article_id", String(200), nullable=False),
    Column("status", String(10), nullable=False, default=DeliveryStatus.QUEUED.value),
    Column("claimed_by", String(64), nullable=True),
    Column("claim_expires_at", UTCDateTime, nullable=True),
    Column("not_before", UTCDateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("last_error", String(300), nullable=True),
    UniqueConstraint("chat_id", "item_seq", name="uq_deliveries_chat_item"),
    Index("ix_deliveries_status_id", "status", "id"),
    Index("ix_deliveries_chat_status_seq", "chat_id", "status", "item_seq"),
)
