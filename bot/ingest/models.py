"""Tables of the live intake: feeds and articles (SQLAlchemy Core, migration 0003).

They share :data:`bot.subscriptions.models.metadata` (one database, one Alembic history)
so an article can be marked announced in the same transaction that queues it.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, text

from bot.subscriptions.models import BigId, UTCDateTime, metadata

feeds = Table(
    "feeds",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("title", String(300), nullable=True),
    Column("etag", String(300), nullable=True),
    Column("last_modified", String(100), nullable=True),
    Column("interval_seconds", Integer, nullable=False, default=900),
    Column("added_at", UTCDateTime, nullable=False),
    Column("last_poll", UTCDateTime, nullable=True),
    Column("last_success", UTCDateTime, nullable=True),
    Column("failing_since", UTCDateTime, nullable=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_error", String(300), nullable=True),
    Column("next_poll", UTCDateTime, nullable=False),
    # a poller's lease: who holds the feed for this round, and until when
    Column("lease_owner", String(64), nullable=True),
    Column("lease_expires", UTCDateTime, nullable=True),
    Index("ix_feeds_next_poll", "next_poll"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("urls", Text, nullable=False),  # JSON list: as given, after redirects, canonical
    Column("canonical_url", String(2000), nullable=True),
    Column("guid", String(2000), nullable=True),
    Column("feed_id", BigId, nullable=True),
    Column("outlet", String(300), nullable=True),
    Column("title", Text, nullable=False),
    Column("published", String(10), nullable=True),
    Column("published_reason", String(300), nullable=True),
    Column("fetched", UTCDateTime, nullable=False),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=True),
    Column("signature", Text, nullable=True),  # JSON list of MinHash values
    # accepted | refused | retry (a transient fetch error, tried again next round)
    Column("status", String(10), nullable=False),
    Column("reason", String(40), nullable=True),
    Column("detail", String(500), nullable=True),
    Column("also_reported_by", Text, nullable=True),  # JSON list of {outlet, url, title}
    Column("attempts", Integer, nullable=False, default=1),
    Column("announced", UTCDateTime, nullable=True),
    Index("ix_articles_guid", "guid"),
    Index("ix_articles_status_fetched", "status", "fetched"),
    # two replicas can never both accept one URL: the second insert fails and is refused
    Index(
        "uq_articles_accepted_url",
        "canonical_url",
        unique=True,
        sqlite_where=text("status = 'accepted'"),
        postgresql_where=text("status = 'accepted'"),
    ),
)
