"""Running the migrations, and undoing what an interrupted one left in a SQLite file.

Before migrations ran in one transaction, pysqlite committed each CREATE and ALTER on its
own, so a crash mid-migration left new tables or columns behind while the schema version
stayed where it was (or empty), and every later start failed ("table ... already exists",
"duplicate column name"). Nothing can have used those objects (no command runs before the
migration finishes), so they are dropped and the migration runs again.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine

from storage.errors import StorageError

__all__ = ["alembic_config", "drop_interrupted_leftovers"]

_MASTER = (
    "SELECT type, name, sql FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY rowid"
)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, migrating over ``connection`` (env.py takes it from here)."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


class _Schema:
    """A SQLite schema's objects in creation order, with each table's columns."""

    def __init__(self, connection: Connection) -> None:
        self.objects: dict[str, tuple[str, str]] = {
            str(name): (str(kind), str(sql or ""))
            for kind, name, sql in connection.exec_driver_sql(_MASTER)
        }
        self.columns: dict[str, list[str]] = {
            name: [
                str(row[1]) for row in connection.exec_driver_sql(f'PRAGMA table_info("{name}")')
            ]
            for name, (kind, _sql) in self.objects.items()
            if kind == "table"
        }

    @classmethod
    def at(cls, revision: str | None) -> _Schema:
        """The schema a new database has at ``revision``, built in memory."""
        scratch = create_engine("sqlite://")
        try:
            with scratch.begin() as connection:
                if revision is not None:
                    command.upgrade(alembic_config(connection), revision)
                return cls(connection)
        finally:
            scratch.dispose()


def drop_interrupted_leftovers(
    connection: Connection, current: str | None, target: str
) -> list[str]:
    """Drop the tables, indexes, triggers and columns that the migrations after ``current``
    create but that the database already has; return their names. Raises `StorageError`
    when such a table holds rows: then no crash left it, and only a person can say what to keep.
    """
    have, want, found = _Schema.at(current), _Schema.at(target), _Schema(connection)
    leftovers = [
        name for name in want.objects if name not in have.objects and name in found.objects
    ]
    columns = [
        (table, column)
        for table, names in have.columns.items()
        for column in want.columns.get(table, [])
        if column not in names and column in found.columns.get(table, [])
    ]
    # A virtual table first: dropping it drops its shadow tables with it.
    for name in leftovers:
        if found.objects[name][1].upper().startswith("CREATE VIRTUAL TABLE"):
            connection.exec_driver_sql(f'DROP TABLE "{name}"')
    found = _Schema(connection)
    for name in leftovers:
        if found.objects.get(name, ("", ""))[0] != "table":
            continue
        rows = connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
        if rows:
            raise StorageError(
                f"the database's schema version is {current or 'empty'}, but its table {name}, "
                f"which a later migration creates, already holds {rows} "
                f"row{'s' if rows != 1 else ''}: restore a backup, or move the file aside and "
                "let newsbot create a new one"
            )
    # Later objects first: triggers and indexes before their tables, children before parents.
    for name in reversed(leftovers):
        kind = found.objects.get(name, ("", ""))[0]
        if kind in ("trigger", "index", "view", "table"):
            connection.exec_driver_sql(f'DROP {kind.upper()} IF EXISTS "{name}"')
    for table, column in columns:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    return leftovers + [f"{table}.{column}" for table, column in columns]
