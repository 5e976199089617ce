"""The highest subscription number ever given, so that a removed subscription's number is
never given again: SQLite numbers a new row one past the highest row left, so after
"unsubscribe #2" (the newest) the next "subscribe" was #2 again, and an old "unsubscribe
2" removed it. PostgreSQL's sequence never gives a number twice; the table is kept on both.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscription_numbers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.execute(
        "INSERT INTO subscription_numbers (id, value) "
        "SELECT 1, COALESCE(MAX(id), 0) FROM subscriptions"
    )


def downgrade() -> None:
    op.drop_table("subscription_numbers")
