from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.app import Core, open_core
from bot.config import Settings
from storage import Database

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
POSTGRES_URL = os.environ.get(
    "NEWSBOT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes several seconds (deselect with -m 'not slow')")
    # Built lexicons are cached per user; the tests' own throwaway dictionaries go to a
    # throwaway folder (the bot's processes the tests start inherit it).
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="newsbot-test-cache-")


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - the reason is reported
        return f"{exc.__class__.__name__}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_base() -> str:
    problem = _postgres_available()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI at {POSTGRES_URL}: {problem}")
        pytest.skip(
            f"PostgreSQL not reachable at {POSTGRES_URL} ({problem}); set CI=true to require it"
        )
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_base: str) -> Iterator[str]:
    """A PostgreSQL URL whose tables live in a schema of this test's own."""
    schema = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{postgres_base}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newsbot.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'newsbot.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'newsbot.db'}",
        fetch_timeout_s=2.0,
        fetch_max_bytes=1_000_000,
        # The fake sites of the tests listen on 127.0.0.1, which the SSRF guard refuses by default.
        fetch_allow_hosts="127.0.0.1",
    )


@pytest.fixture
def core(settings: Settings, db_url: str) -> Iterator[Core]:
    """The whole core on SQLite and on PostgreSQL, holding only what the test adds."""
    running = open_core(settings.model_copy(update={"database_url": db_url}))
    yield running
    running.close()


@pytest.fixture
def libya_file() -> Path:
    return FIXTURES / "libya_2020-01.txt"


@pytest.fixture
def corpus_file() -> Path:
    return FIXTURES / "corpus.jsonl"


@pytest.fixture
def loaded_db(
    sqlite_db: Database, settings: Settings, corpus_file: Path, libya_file: Path
) -> Database:
    """A SQLite database holding the test corpus and the seed-form Libya file."""
    from bot.ingest import Ingestor

    report = Ingestor(sqlite_db, settings).ingest([str(corpus_file), str(libya_file)])
    assert report.failed == 0
    return sqlite_db
