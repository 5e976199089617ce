"""Where each article was read from, so one rule settles two inputs that share a URL.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: rows stored before this revision have no origin (treated as "this input").
    op.add_column("articles", sa.Column("origin", sa.String(2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("origin")
