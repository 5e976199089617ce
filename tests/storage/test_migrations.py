"""Migrations are all or nothing: a crash between two schema statements leaves a database
that opens and migrates, and what an older newsbot's interrupted migration left is repaired."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect, text

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Database, StorageError, check_database, migrate
from storage.migrations.repair import alembic_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _version(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [
            str(v)
            for v in connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        ]


def _fail_at(engine: Engine, fragment: str, when: str = "before_cursor_execute") -> None:
    """Raise where a statement containing ``fragment`` runs: a crash between two statements."""

    def fail(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if fragment in statement:
            raise RuntimeError(f"injected failure at {fragment}")

    event.listen(engine, when, fail)


def _opens_whole(url: str, tmp_path: Path) -> None:
    """The database opens at the newest schema, is sound, and takes news."""
    db = Database.open(url)
    try:
        assert _version(db.engine) == [_head()]
        with db.session() as session:
            assert check_database(session) == []
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        report = Ingestor(db, settings).ingest([str(FIXTURES / "libya_2020-01.txt")])
        assert (report.new, report.failed) == (1, 0)
    finally:
        db.close()


def test_failed_migration_leaves_the_schema_it_started_from(db_url: str, tmp_path: Path) -> None:
    db = Database.open(db_url, upgrade=False)
    migrate(db.engine, "0002")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO feed_sources (url, title, failures, created_at) "
                "VALUES ('https://example.com/feed', 'Feed', 0, CURRENT_TIMESTAMP)"
            )
        )
    # Migration 0003 creates a table, then an index: fail between the two.
    _fail_at(db.engine, "CREATE INDEX ix_sentence_vectors_model")
    with pytest.raises(RuntimeError, match="injected failure"):
        migrate(db.engine)
    assert "sentence_vectors" not in inspect(db.engine).get_table_names()
    assert _version(db.engine) == ["0002"]
    db.close()
    _opens_whole(db_url, tmp_path)
    with Database.open(db_url).engine.connect() as connection:
        feeds = connection.execute(text("SELECT url FROM feed_sources")).scalars().all()
    assert feeds == ["https://example.com/feed"]


_CRASH = """
import os, signal, sys
from sqlalchemy import event
from storage import Database, migrate

url, start, fragment = sys.argv[1:]
db = Database.open(url, upgrade=False)
if start != "new":
    migrate(db.engine, start)

def crash(_conn, _cursor, statement, *_args):
    if fragment in statement:
        os.kill(os.getpid(), signal.SIGKILL)  # just after that statement, before the next

event.listen(db.engine, "after_cursor_execute", crash)
migrate(db.engine)
"""


@pytest.mark.parametrize(
    ("start", "fragment"),
    [
        ("new", "CREATE VIRTUAL TABLE article_fts"),  # 0001: tables made, triggers not yet
        ("0002", "CREATE TABLE sentence_vectors"),  # 0003: table made, index not yet
        ("0003", "ADD COLUMN origin"),  # 0004: column added, version not yet moved
    ],
)
def test_process_killed_mid_migration_leaves_a_database_that_opens(
    tmp_path: Path, start: str, fragment: str
) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASH, url, start, fragment], env=env, timeout=120, cwd=tmp_path
    )
    assert crashed.returncode == -signal.SIGKILL
    _opens_whole(url, tmp_path)


def _old_migrate(engine: Engine, revision: str = "head") -> None:
    """How newsbot migrated before: pysqlite committed each CREATE and ALTER on its own."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


@pytest.mark.parametrize(
    ("start", "fragment", "symptom"),
    [
        (None, "INSERT INTO alembic_version", "already exists"),
        ("0002", "UPDATE alembic_version", "table sentence_vectors already exists"),
        ("0003", "UPDATE alembic_version", "duplicate column name: origin"),
    ],
)
def test_half_migrated_database_of_an_older_version_is_repaired(
    tmp_path: Path, start: str | None, fragment: str, symptom: str
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    db = Database.open(url, upgrade=False)
    if start is not None:
        _old_migrate(db.engine, start)
    _fail_at(db.engine, fragment)
    with pytest.raises(RuntimeError, match="injected failure"):
        _old_migrate(db.engine)
    db.close()
    # What every command of the older version then met:
    db = Database.open(url, upgrade=False)
    with pytest.raises(Exception, match=symptom):
        _old_migrate(db.engine)
    db.close()
    _opens_whole(url, tmp_path)


def test_leftover_with_rows_is_named_not_dropped(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odd.db'}"
    db = Database.open(url, upgrade=False)
    _fail_at(db.engine, "INSERT INTO alembic_version")
    with pytest.raises(RuntimeError):
        _old_migrate(db.engine)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO feed_sources (url, title, failures, created_at) "
                "VALUES ('https://example.com/feed', 'Feed', 0, CURRENT_TIMESTAMP)"
            )
        )
    db.close()
    with pytest.raises(
        StorageError, match="feed_sources, which a later migration creates, already holds 1 row:"
    ):
        Database.open(url)
    db = Database.open(url, upgrade=False)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM feed_sources")).scalar_one() == 1
    db.close()


def test_database_of_a_newer_version_is_named(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    Database.open(url).close()
    db = Database.open(url, upgrade=False)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.close()
    with pytest.raises(StorageError, match="newer newsbot"):
        Database.open(url)


def test_second_start_during_a_migration_waits_and_finds_it_done(tmp_path: Path) -> None:
    """Two processes starting on a new file at once (say `newsbot run` and a cron ingest):
    the second reads the empty schema while the first is mid-migration, waits for the first's
    write lock, and then finds nothing left to do."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    first = Database.open(url, upgrade=False)
    second = Database.open(url, upgrade=False)
    second_has_looked = threading.Event()
    first_in_migration = threading.Event()

    def pause_mid_migration(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "CREATE TABLE feed_sources" in statement:
            first_in_migration.set()
            assert second_has_looked.wait(30), "the second start never read the schema"

    def looked(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if first_in_migration.is_set() and "alembic_version" in statement:
            second_has_looked.set()

    event.listen(first.engine, "after_cursor_execute", pause_mid_migration)
    event.listen(second.engine, "after_cursor_execute", looked)
    errors: list[BaseException] = []

    def start_first() -> None:
        try:
            migrate(first.engine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=start_first)
    thread.start()
    assert first_in_migration.wait(30)
    migrate(second.engine)  # waits on the first's lock, then finds the schema current
    thread.join(30)
    assert not thread.is_alive() and errors == []
    assert second_has_looked.is_set()
    assert _version(second.engine) == [_head()]
    first.close()
    second.close()
    _opens_whole(url, tmp_path)


def test_a_current_database_opens_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newsbot.db'}"
    Database.open(url).close()
    # A fresh interpreter opens the migrated file: the start-up check reads the version
    # from the migration files and the database, and Alembic (a tenth of a second) stays out.
    script = (
        "import sys; from storage import Database; "
        f"Database.open({url!r}).close(); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    engine = Database.open(url).engine
    assert _version(engine) == [_head()]
