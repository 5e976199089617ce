"""Live feeds: a feed's new items posted into a channel, each claimed once per channel.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "feed_id",
            sa.Integer,
            sa.ForeignKey("feed_sources.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("tenant", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(200), nullable=False),
        sa.Column("thread_id", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("feed_id", "platform", "channel_id", name="uq_live_feed_channel"),
    )
    op.create_index("ix_live_feeds_feed_id", "live_feeds", ["feed_id"])
    op.create_table(
        "live_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(200), nullable=False),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("message_id", sa.String(200), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.UniqueConstraint("platform", "channel_id", "article_id", name="uq_live_post"),
    )


def downgrade() -> None:
    op.drop_table("live_posts")
    op.drop_table("live_feeds")
