"""SQLite's full-text index merges its segments 16 at a time, not 4 (FTS5's 'automerge'):
each stored article is rewritten by fewer merges, about an eighth of an archive ingest's
writing, while a query still reads few segments (the same answers, as fast). PostgreSQL has
no such setting.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_AUTOMERGE = "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', {})"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_AUTOMERGE.format(16))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_AUTOMERGE.format(4))
