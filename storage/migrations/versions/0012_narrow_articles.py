"""PostgreSQL keeps an article's long values (text, sentences, search terms, search vector)
out of its row, in the table's TOAST storage, so that the rows themselves stay narrow: how
many articles hold a word is counted by visiting every matching row, and at 100,000 articles
~16,000 pages of wide rows (150 MB) cost 45-75 ms a common word where ~1,500 narrow ones
(12 MB) cost 5-7 ms. Rows stored before keep their layout until they are next written.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Bytes a row may keep in line before its longest values move out (PostgreSQL's least).
ROW_TARGET = 128


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE articles SET (toast_tuple_target = {ROW_TARGET})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE articles RESET (toast_tuple_target)")
