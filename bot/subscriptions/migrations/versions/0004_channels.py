"""channels: the channels the bot posts every digest to (each is also a subscriber).

Revision ID: 0004
Revises: 0003 (intake's articles/feeds; written on the reach branch against 0002 and
re-chained when the branches met, as agreed: 0003 = articles/feeds, 0004 = channels).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.subscriptions.models import UTCDateTime

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column(
            "chat_id",
            sa.BigInteger,
            sa.ForeignKey("subscribers.chat_id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("title", sa.String(256), nullable=True),
        sa.Column("added_by", sa.BigInteger, nullable=True),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channels")
