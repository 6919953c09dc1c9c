"""feeds and articles: the live intake's sources and everything it judged.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.subscriptions.models import BigId, UTCDateTime

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("etag", sa.String(300), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("interval_seconds", sa.Integer, nullable=False, server_default="900"),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("last_poll", UTCDateTime, nullable=True),
        sa.Column("last_success", UTCDateTime, nullable=True),
        sa.Column("failing_since", UTCDateTime, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("next_poll", UTCDateTime, nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_expires", UTCDateTime, nullable=True),
    )
    op.create_index("ix_feeds_next_poll", "feeds", ["next_poll"])
    op.create_table(
        "articles",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("urls", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.String(2000), nullable=True),
        sa.Column("guid", sa.String(2000), nullable=True),
        sa.Column("feed_id", BigId, nullable=True),
        sa.Column("outlet", sa.String(300), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("published_reason", sa.String(300), nullable=True),
        sa.Column("fetched", UTCDateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("signature", sa.Text, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("also_reported_by", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("announced", UTCDateTime, nullable=True),
    )
    op.create_index("ix_articles_guid", "articles", ["guid"])
    op.create_index("ix_articles_status_fetched", "articles", ["status", "fetched"])
    op.create_index(
        "uq_articles_accepted_url",
        "articles",
        ["canonical_url"],
        unique=True,
        sqlite_where=sa.text("status = 'accepted'"),
        postgresql_where=sa.text("status = 'accepted'"),
    )


def downgrade() -> None:
    op.drop_table("articles")
    op.drop_table("feeds")
