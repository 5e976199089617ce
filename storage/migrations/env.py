"""Alembic environment: newsbot always hands over an open connection."""

from __future__ import annotations

from alembic import context

from storage.models import Base

# On SQLite the whole upgrade is one transaction (storage.db.migrate), where PRAGMA
# foreign_keys cannot be switched off: a batch (copy and move) migration of a table that
# others reference ON DELETE CASCADE would empty those tables when it drops the old copy.
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through storage.db.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
