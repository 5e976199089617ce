"""A storage sequence per article, so digests window by what was visible, not by clock time.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("stored_seq", sa.BigInteger, nullable=True))
    op.create_index("ix_articles_stored_seq", "articles", ["stored_seq"])
    op.create_table(
        "article_sequence",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.add_column("deliveries", sa.Column("covered_seq", sa.BigInteger, nullable=True))
    # Stored articles are visible now, in the order of their ids; each digest already sent
    # covered what had been stored before its window closed.
    op.execute("UPDATE articles SET stored_seq = id")
    op.execute(
        "INSERT INTO article_sequence (id, value) SELECT 1, COALESCE(MAX(id), 0) FROM articles"
    )
    op.execute(
        "UPDATE deliveries SET covered_seq = (SELECT COALESCE(MAX(a.stored_seq), 0) "
        "FROM articles a WHERE a.fetched_at < deliveries.covered_until) "
        "WHERE covered_until IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("covered_seq")
    op.drop_table("article_sequence")
    op.drop_index("ix_articles_stored_seq", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("stored_seq")
