"""A number that grows with every change to the articles' search terms (an insert, an
update of its terms, a delete), kept by triggers beside the article count: how many articles
hold a word can be remembered until it changes, where counting them costs PostgreSQL tens
of milliseconds for a common word at 100,000 articles.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_SQLITE = [
    "DROP TRIGGER articles_count_ai",
    "DROP TRIGGER articles_count_ad",
    "CREATE TRIGGER articles_count_ai AFTER INSERT ON articles BEGIN "
    "UPDATE article_count SET value = value + 1, version = version + 1 WHERE id = 1; END",
    "CREATE TRIGGER articles_count_ad AFTER DELETE ON articles BEGIN "
    "UPDATE article_count SET value = value - 1, version = version + 1 WHERE id = 1; END",
    "CREATE TRIGGER articles_count_au AFTER UPDATE OF search_terms ON articles BEGIN "
    "UPDATE article_count SET version = version + 1 WHERE id = 1; END",
]

_POSTGRES = [
    "CREATE OR REPLACE FUNCTION articles_count_added() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "UPDATE article_count SET value = value + (SELECT count(*) FROM added), "
    "version = version + 1 WHERE id = 1; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION articles_count_removed() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "UPDATE article_count SET value = value - (SELECT count(*) FROM removed), "
    "version = version + 1 WHERE id = 1; RETURN NULL; END $$",
    "CREATE FUNCTION articles_count_changed() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "UPDATE article_count SET version = version + 1 WHERE id = 1; RETURN NULL; END $$",
    "CREATE TRIGGER articles_count_au AFTER UPDATE OF search_terms ON articles "
    "FOR EACH STATEMENT EXECUTE FUNCTION articles_count_changed()",
]

_SQLITE_DOWN = [
    "DROP TRIGGER articles_count_au",
    "DROP TRIGGER articles_count_ai",
    "DROP TRIGGER articles_count_ad",
    "CREATE TRIGGER articles_count_ai AFTER INSERT ON articles BEGIN "
    "UPDATE article_count SET value = value + 1 WHERE id = 1; END",
    "CREATE TRIGGER articles_count_ad AFTER DELETE ON articles BEGIN "
    "UPDATE article_count SET value = value - 1 WHERE id = 1; END",
]

_POSTGRES_DOWN = [
    "DROP TRIGGER articles_count_au ON articles",
    "DROP FUNCTION articles_count_changed()",
    "CREATE OR REPLACE FUNCTION articles_count_added() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "UPDATE article_count SET value = value + (SELECT count(*) FROM added) WHERE id = 1; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION articles_count_removed() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "UPDATE article_count SET value = value - (SELECT count(*) FROM removed) WHERE id = 1; "
    "RETURN NULL; END $$",
]


def upgrade() -> None:
    op.add_column(
        "article_count",
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
    )
    for statement in _SQLITE if op.get_bind().dialect.name == "sqlite" else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    for statement in _SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else _POSTGRES_DOWN:
        op.execute(statement)
    with op.batch_alter_table("article_count") as batch:
        batch.drop_column("version")
