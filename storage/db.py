"""Engine, sessions and migrations, built from settings at start-up (never at import)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import StorageError

__all__ = ["Database", "migrate"]

log = logging.getLogger(__name__)

WAL_CHECKPOINT_PAGES = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the scheduler read while an ingest writes; busy_timeout waits out short locks.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # The WAL is copied back into the database once it holds this many pages (40 MB), not
    # SQLite's 1,000: a bulk ingest writes ~1,000 pages a 500-article transaction, and
    # copying after each rewrote the same index pages over and over (~15 us an article).
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
    cursor.close()


def _engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


_VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISES = re.compile(r'^(revision|down_revision) = "?(\w+)"?', re.M)


@cache
def _newest_revision() -> str | None:
    """The newest migration's revision, read from the files without loading Alembic (a
    tenth of a second at every start); None when they do not name exactly one."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        for key, value in _REVISES.findall(path.read_text(encoding="utf-8")):
            (revisions if key == "revision" else revised).add(value)
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def _stamped(connection: Connection) -> str | None:
    """The schema version stamped in the database, by plain SQL (None when unstamped)."""
    if connection.dialect.name == "sqlite":
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    else:
        exists = "SELECT to_regclass('alembic_version')"
    if connection.execute(text(exists)).scalar() is None:
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default), all or nothing: a crash or
    an error leaves the schema as it was, and the next start migrates again."""
    if revision == "head":
        with engine.connect() as connection:
            newest = _newest_revision()
            if newest is not None and _stamped(connection) == newest:
                return  # the usual start: current already, and Alembic never loaded
    from alembic import command

    from storage.migrations.repair import alembic_config, drop_interrupted_leftovers

    if engine.dialect.name != "sqlite":
        # PostgreSQL's DDL is transactional: the whole upgrade commits, or none of it does.
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        return
    target = _revision(revision)
    with engine.connect() as connection:
        if _current(connection) == target:
            return  # the usual start: no write lock taken
    with engine.connect() as connection:
        # pysqlite commits each CREATE and ALTER on its own unless a transaction is open, so
        # it is told to open none and the whole upgrade runs in one BEGIN ... COMMIT (DDL is
        # transactional in SQLite). IMMEDIATE takes the write lock first: another process
        # starting at the same moment waits, then finds the schema current.
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            current = _current(connection)
            if current != target:
                dropped = drop_interrupted_leftovers(connection, current, target)
                if dropped:
                    log.warning(
                        "removed what an interrupted migration had left (%s); migrating again",
                        ", ".join(dropped),
                    )
                command.upgrade(alembic_config(connection), revision)
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def _revision(name: str) -> str:
    from alembic.script import ScriptDirectory

    from storage.migrations.repair import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    found = script.get_revision(name)
    assert found is not None
    return found.revision


def _current(connection: Connection) -> str | None:
    """The schema version stamped in the database; `StorageError` for one this newsbot does
    not know (a newer version migrated it)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError as AlembicError

    from storage.migrations.repair import alembic_config

    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None:
        try:
            ScriptDirectory.from_config(alembic_config()).get_revision(current)
        except AlembicError:
            raise StorageError(
                f"the database's schema version {current} is from a newer newsbot than this "
                "one; upgrade newsbot (or point DATABASE_URL at another database)"
            ) from None
    return current


def _file_of(url: str) -> str:
    """ " file /path/newsbot.db" for a SQLite file; nothing for a server, whose URL may
    hold a password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return f" file {Path(parsed.database or '').expanduser()}"
    return ""


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own words on one line, without SQLAlchemy's wrapping and link."""
    cause = getattr(exc, "orig", None) or exc
    return " ".join(str(cause).split()) or exc.__class__.__name__


class Database:
    """One engine and its session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True, **engine_kwargs: Any) -> Database:
        """Connect and migrate; a bad URL or unreachable server raises `StorageError`."""
        try:
            engine = _engine(url, **engine_kwargs)
            if upgrade:
                migrate(engine)
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot open the database{_file_of(url)}: {_reason(exc)}") from exc
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def after_bulk_write(self) -> None:
        """After a large ingest: on PostgreSQL, vacuum and analyze the articles, as its
        autovacuum would later (it may be off): the planner learns the new rows. (Counts
        still visit every matching row: PostgreSQL no longer skips all-visible pages in a
        bitmap scan; narrow rows keep that cheap, see migration 0012.) Nothing to do on
        SQLite."""
        if self.dialect != "postgresql":
            return
        try:
            with self.engine.connect() as connection:
                # VACUUM cannot run inside a transaction block.
                connection.execution_options(isolation_level="AUTOCOMMIT")
                # The tenant filter reads article_origins by index only where pages are
                # marked all-visible, which a vacuum does.
                connection.exec_driver_sql("VACUUM (ANALYZE) articles, article_origins")
        except SQLAlchemyError as exc:  # the articles are stored: this only speeds reading
            log.warning("could not vacuum the articles after a large ingest: %s", exc)

    def close(self) -> None:
        self.engine.dispose()
