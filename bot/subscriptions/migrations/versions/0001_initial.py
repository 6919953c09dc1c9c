"""Initial schema: subscribers, queue items, deliveries.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.subscriptions.models import BigId, UTCDateTime

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("hour", sa.SmallInteger, nullable=False),
        sa.Column("minute", sa.SmallInteger, nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("weekday", sa.SmallInteger, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("inactive_reason", sa.String(32), nullable=True),
        sa.Column("next_due_at", UTCDateTime, nullable=True),
        sa.Column("queued_through", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_subscribers_due", "subscribers", ["active", "next_due_at"])
    op.create_table(
        "queue_items",
        sa.Column("seq", BigId, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("published", sa.String(10), nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("article_id", "fingerprint", name="uq_queue_items_article_version"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "chat_id",
            sa.BigInteger,
            sa.ForeignKey("subscribers.chat_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_seq", sa.BigInteger, sa.ForeignKey("queue_items.seq"), nullable=False),
        sa.Column("article_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claim_expires_at", UTCDateTime, nullable=True),
        sa.Column("not_before", UTCDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.UniqueConstraint("chat_id", "item_seq", name="uq_deliveries_chat_item"),
    )
    op.create_index("ix_deliveries_status_id", "deliveries", ["status", "id"])
    op.create_index(
        "ix_deliveries_chat_status_seq", "deliveries", ["chat_id", "status", "item_seq"]
    )


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("queue_items")
    op.drop_table("subscribers")
