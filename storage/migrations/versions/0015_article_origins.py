"""Every input that carried an article, not only the one that stored it first: a story that
a team's private feed and an operator source (or two teams' feeds) both carry is visible
through either, where it was visible only through the feed that stored it.

Triggers record the input an article is stored or updated from (whatever writes it); newsbot
adds the inputs that carry an article already stored. The articles stored before are
recorded under the origin they have ("" for those stored before origins were kept), and the
feeds' validators are forgotten: the next poll reads each feed whole, not a 304, and so
records what it carries. The (id, origin) index of articles served the old filter only.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The input of an origin: a feed's second record of one URL is "FEED#2" (a feed's canonical
# address has no fragment), and an article without an origin is the operator's ("").
_SQLITE_INPUT = (
    "CASE WHEN instr(coalesce({o}, ''), '#') > 0 THEN substr({o}, 1, instr({o}, '#') - 1) "
    "ELSE coalesce({o}, '') END"
)
_POSTGRES_INPUT = "split_part(coalesce({o}, ''), '#', 1)"

_SQLITE = [
    "CREATE TRIGGER articles_origin_ai AFTER INSERT ON articles BEGIN "
    "INSERT OR IGNORE INTO article_origins (article_id, origin) "
    f"VALUES (NEW.id, {_SQLITE_INPUT.format(o='NEW.origin')}); END",
    "CREATE TRIGGER articles_origin_au AFTER UPDATE OF origin ON articles "
    "WHEN NEW.origin IS NOT OLD.origin BEGIN "
    "INSERT OR IGNORE INTO article_origins (article_id, origin) "
    f"VALUES (NEW.id, {_SQLITE_INPUT.format(o='NEW.origin')}); END",
]

# Inserts once a statement, over the rows it inserted; an update only where the origin
# changed (a transition table cannot go with a column list). The functions keep the search
# path they were created with (see 0010).
_POSTGRES = [
    "CREATE FUNCTION articles_origin_added() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "INSERT INTO article_origins (article_id, origin) "
    f"SELECT id, {_POSTGRES_INPUT.format(o='origin')} FROM added ON CONFLICT DO NOTHING; "
    "RETURN NULL; END $$",
    "CREATE FUNCTION articles_origin_changed() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ BEGIN "
    "INSERT INTO article_origins (article_id, origin) "
    f"VALUES (NEW.id, {_POSTGRES_INPUT.format(o='NEW.origin')}) ON CONFLICT DO NOTHING; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER articles_origin_ai AFTER INSERT ON articles REFERENCING NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION articles_origin_added()",
    "CREATE TRIGGER articles_origin_au AFTER UPDATE OF origin ON articles FOR EACH ROW "
    "WHEN (NEW.origin IS DISTINCT FROM OLD.origin) EXECUTE FUNCTION articles_origin_changed()",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "article_origins",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("origin", sa.String(2048), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "origin"),
        # On SQLite the key is the table: an article's origins in one b-tree lookup.
        sqlite_with_rowid=False,
    )
    if not sqlite:
        # Writers wait until this commits: none stores an article the copy below misses.
        op.execute("LOCK TABLE articles IN SHARE MODE")
    for statement in _SQLITE if sqlite else _POSTGRES:
        op.execute(statement)
    origin = (_SQLITE_INPUT if sqlite else _POSTGRES_INPUT).format(o="origin")
    op.execute(
        f"INSERT INTO article_origins (article_id, origin) SELECT id, {origin} FROM articles"
    )
    op.drop_index("ix_articles_visibility", "articles")
    op.execute("UPDATE feed_sources SET etag = NULL, last_modified = NULL")


def downgrade() -> None:
    op.create_index("ix_articles_visibility", "articles", ["id", "origin"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER articles_origin_ai")
        op.execute("DROP TRIGGER articles_origin_au")
    else:
        op.execute("DROP TRIGGER articles_origin_ai ON articles")
        op.execute("DROP TRIGGER articles_origin_au ON articles")
        op.execute("DROP FUNCTION articles_origin_added()")
        op.execute("DROP FUNCTION articles_origin_changed()")
    op.drop_table("article_origins")
