"""A URL serving plain text or JSON Lines is read as the same file on disk is, and the page
extractor's own log lines stay at DEBUG."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Article, Database
from tests.support.httpserver import serve


def _stored(db: Database) -> dict[str, Article]:
    with db.session() as session:
        return {a.url: a for a in session.scalars(select(Article))}


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", ""])
def test_a_text_file_by_url_is_read_as_on_disk(
    sqlite_db: Database, settings: Settings, libya_file: Path, content_type: str
) -> None:
    with serve() as site:
        headers = {"Content-Type": content_type} if content_type else {}
        url = site.add("/libya.txt", body=libya_file.read_bytes(), headers=headers)
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    article = _stored(sqlite_db)[url]
    assert article.published_precision == "month"  # the `date 2020-01` header was read
    assert article.text.startswith("Partene i den libyske borgerkrigen")
    assert article.source == "127.0.0.1"


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream"])
def test_a_jsonl_file_by_url_is_read_as_on_disk(
    sqlite_db: Database, settings: Settings, corpus_file: Path, content_type: str
) -> None:
    with serve() as site:
        url = site.add(
            "/corpus.jsonl", body=corpus_file.read_bytes(), headers={"Content-Type": content_type}
        )
        by_url = Ingestor(sqlite_db, settings).ingest([url])
    assert by_url.summary() == "7 new, 0 updated, 0 unchanged, 0 failed"
    # The same records from disk: found stored, nothing new.
    from_disk = Ingestor(sqlite_db, settings).ingest([str(corpus_file)])
    assert (from_disk.new, from_disk.failed) == (0, 0)


@pytest.mark.parametrize(
    ("path", "content_type"), [("/export", "application/json"), ("/export.json", "text/plain")]
)
def test_a_json_file_by_url_is_read_as_on_disk(
    sqlite_db: Database, settings: Settings, corpus_file: Path, path: str, content_type: str
) -> None:
    records = [json.loads(line) for line in corpus_file.read_text(encoding="utf-8").splitlines()]
    with serve() as site:
        url = site.add(
            path, body=json.dumps(records).encode(), headers={"Content-Type": content_type}
        )
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.summary() == "7 new, 0 updated, 0 unchanged, 0 failed"
    assert not any(a.text.startswith("[") for a in _stored(sqlite_db).values())


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def root_records() -> Iterator[tuple[logging.Logger, _Records]]:
    root = logging.getLogger()
    handler, level = _Records(), root.level
    root.addHandler(handler)
    yield root, handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_page_extractors_log_lines_stay_at_debug(
    sqlite_db: Database, settings: Settings, root_records: tuple[logging.Logger, _Records]
) -> None:
    root, seen = root_records
    with serve() as site:
        url = site.add(
            "/empty", body=b"plain words, no markup", headers={"Content-Type": "text/html"}
        )
        root.setLevel(logging.WARNING)
        report = Ingestor(sqlite_db, settings).ingest([url])
        assert report.failures[0].reason == "no article text on the page"
        assert [r.name for r in seen.records if r.name.startswith("trafilatura")] == []
        root.setLevel(logging.DEBUG)
        Ingestor(sqlite_db, settings).ingest([url])
    extractor = [r for r in seen.records if r.name.startswith("trafilatura")]
    assert extractor and {r.levelname for r in extractor} == {"DEBUG"}
    assert any("empty HTML tree" in r.getMessage() for r in extractor)
