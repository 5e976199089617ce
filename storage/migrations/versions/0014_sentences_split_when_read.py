"""Articles stored from here on keep no sentences (`articles.sentences` is []): newsbot
splits an article's text when it reads it. The schema is unchanged; the revision marks the
change of what is stored, so that an older newsbot, which quotes only stored sentences and
would find nothing to quote in these articles, refuses this database at start ("from a
newer newsbot") instead of answering from it.

The downgrade changes nothing either: articles stored since stay searchable by an older
newsbot but are not quoted by it until they are ingested again.

Revision ID: 0014
Revises: 0013
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
