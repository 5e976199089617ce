"""A fresh database for one benchmark run: a SQLite file, or a PostgreSQL schema of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

__all__ = ["POSTGRES_URL", "fresh_database"]

# The same server the tests use (trust auth, database `test`), unless told otherwise.
POSTGRES_URL = os.environ.get(
    "NEWSBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def fresh_database(kind: str, folder: str, name: str) -> Iterator[str]:
    """The URL of an empty database: ``folder/name.db`` for SQLite, or for PostgreSQL a new
    schema on ``POSTGRES_URL``, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/{name}.db"
        return
    schema = f"newsbot_{name}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
