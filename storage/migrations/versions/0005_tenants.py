"""Tenants: feeds a tenant reads (memberships), operator sources, subscriptions' tenant.

Feeds that exist before this revision become operator sources, which serve every
tenant, so a single-team deployment sees what it saw before.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The tenant filter reads (id, origin) from this index, never the long article rows.
    op.create_index("ix_articles_visibility", "articles", ["id", "origin"])
    with op.batch_alter_table("feed_sources") as batch:
        batch.add_column(
            sa.Column("operator", sa.Boolean, nullable=False, server_default=sa.true())
        )
    op.create_table(
        "feed_memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "feed_id",
            sa.Integer,
            sa.ForeignKey("feed_sources.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("tenant", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("feed_id", "tenant", name="uq_feed_membership"),
    )
    op.create_index("ix_feed_memberships_tenant", "feed_memberships", ["tenant"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("tenant", sa.String(200), nullable=True))
    op.create_index("ix_subscriptions_tenant", "subscriptions", ["tenant"])


def downgrade() -> None:
    op.drop_index("ix_subscriptions_tenant", "subscriptions")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("tenant")
    op.drop_table("feed_memberships")
    with op.batch_alter_table("feed_sources") as batch:
        batch.drop_column("operator")
    op.drop_index("ix_articles_visibility", "articles")
