"""Slack workspaces installed by OAuth (their bot tokens) and the install flow's states.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_installations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.String(100), nullable=False),
        sa.Column("app_id", sa.String(100), nullable=True),
        sa.Column("enterprise_id", sa.String(100), nullable=True),
        sa.Column("enterprise_name", sa.Text, nullable=True),
        sa.Column("team_id", sa.String(100), nullable=True),
        sa.Column("team_name", sa.Text, nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean, nullable=False),
        sa.Column("bot_token", sa.Text, nullable=True),
        sa.Column("bot_id", sa.String(100), nullable=True),
        sa.Column("bot_user_id", sa.String(100), nullable=True),
        sa.Column("bot_scopes", sa.Text, nullable=False),
        sa.Column("bot_refresh_token", sa.Text, nullable=True),
        sa.Column("bot_token_expires_at", UTCDateTime, nullable=True),
        sa.Column("installer_user_id", sa.String(100), nullable=True),
        sa.Column("installed_at", UTCDateTime, nullable=False),
    )
    op.create_index(
        "ix_slack_installations_owner",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id"],
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("state", sa.String(200), primary_key=True),
        sa.Column("expires_at", UTCDateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("slack_oauth_states")
    op.drop_index("ix_slack_installations_owner", "slack_installations")
    op.drop_table("slack_installations")
