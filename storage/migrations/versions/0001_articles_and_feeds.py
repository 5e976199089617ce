"""Articles with their full-text index, and feed sources.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE_INDEX = [
    # External-content FTS5: the index reads `articles.search_terms`; triggers keep it in step.
    "CREATE VIRTUAL TABLE article_fts USING fts5(search_terms, content='articles', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO article_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END",
    "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, search_terms) "
    "VALUES ('delete', old.id, old.search_terms); END",
    "CREATE TRIGGER articles_fts_au AFTER UPDATE OF search_terms ON articles BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, search_terms) "
    "VALUES ('delete', old.id, old.search_terms); "
    "INSERT INTO article_fts(rowid, search_terms) VALUES (new.id, new.search_terms); END",
]

_POSTGRES_INDEX = [
    # The terms are already stemmed in Python, so the 'simple' configuration only splits.
    "ALTER TABLE articles ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_terms)) STORED",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=True),
        sa.Column("published_precision", sa.String(8), nullable=False),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("sentences", sa.JSON, nullable=False),
        sa.Column("search_terms", sa.Text, nullable=False),
    )
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_fetched_at", "articles", ["fetched_at"])
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_table(
        "feed_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("etag", sa.String(512), nullable=True),
        sa.Column("last_modified", sa.String(128), nullable=True),
        sa.Column("last_status", sa.Integer, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("last_polled_at", UTCDateTime, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_INDEX if dialect == "sqlite" else _POSTGRES_INDEX:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_fts")
    op.drop_table("feed_sources")
    op.drop_table("articles")
