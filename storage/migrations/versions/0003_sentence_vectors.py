"""Sentence embeddings for hybrid retrieval (only filled when an embeddings endpoint is set).

Stored as float32 bytes on every dialect: pgvector is optional and often absent, and
the candidate sets are small enough to compare in process.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sentence_vectors",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_sentence_vectors_model", "sentence_vectors", ["model"])


def downgrade() -> None:
    op.drop_table("sentence_vectors")
