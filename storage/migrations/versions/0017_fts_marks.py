"""SQLite's full-text index keeps a letter's marks in its word: the vowel signs of Hindi,
Bengali and Thai. FTS5's tokenizer cut a word at each ("नेता" was "न", "त"), so a search for
"काम" (work) also found "कुमार" (a name), where PostgreSQL, and the words stored in
`articles.search_terms`, keep it whole. The index is built anew from those words.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_CREATE = (
    "CREATE VIRTUAL TABLE article_fts USING fts5(search_terms, content='articles', "
    "content_rowid='id', tokenize=\"unicode61 remove_diacritics 0{}\")"
)
# Letters, numbers, private-use characters (the tokenizer's own) and marks.
_WITH_MARKS = " categories 'L* N* Co M*'"


def _rebuild(categories: str) -> None:
    op.execute("DROP TABLE article_fts")
    op.execute(_CREATE.format(categories))
    op.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
    # The merge setting of 0013 lived in the table dropped.
    op.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 16)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(_WITH_MARKS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
