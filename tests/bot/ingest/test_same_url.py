"""One URL from two inputs, or from two ingests at once: one rule, no false failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Article, Database, check_database


def _jsonl(path: Path, rows: list[tuple[str, str, str | None]]) -> Path:
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "url": url,
                    "title": f"Sak om {text.split()[0]}",
                    "text": text,
                    "published": published,
                }
            )
            for url, text, published in rows
        ),
        encoding="utf-8",
    )
    return path


def _texts(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {a.url: a.text for a in session.scalars(select(Article))}


def test_two_files_sharing_a_url_settle_on_the_newer_version_in_any_order(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    older = _jsonl(
        tmp_path / "older.jsonl",
        [
            ("https://ex.example/x", "Bergen bystyre vedtok budsjettet.", "2020-01-01"),
            ("https://ex.example/tie", "Tromsø fikk snø i natt.", "2020-01-05"),
        ],
    )
    newer = _jsonl(
        tmp_path / "newer.jsonl",
        [
            ("https://ex.example/x", "Bergen bystyre vedtok budsjettet i går kveld.", "2020-01-02"),
            ("https://ex.example/tie", "Tromsø fikk mye snø i natt.", "2020-01-05"),
        ],
    )
    ingestor = Ingestor(db, settings)
    first = ingestor.ingest([str(older), str(newer)])
    assert (first.new, first.failed) == (2, 0)
    settled = _texts(db)
    assert settled["https://ex.example/x"] == "Bergen bystyre vedtok budsjettet i går kveld."
    assert settled["https://ex.example/tie"] == "Tromsø fikk mye snø i natt."  # the fuller one
    for order in ([older, newer], [newer, older], [older, newer]):
        again = ingestor.ingest([str(p) for p in order])
        assert again.summary() == "0 new, 0 updated, 4 unchanged, 0 failed"
        assert _texts(db) == settled


def test_a_changed_record_in_the_same_file_is_still_an_update(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    _jsonl(path, [("https://ex.example/x", "Bergen bystyre møttes.", "2020-01-02")])
    assert Ingestor(db, settings).ingest([str(path)]).new == 1
    _jsonl(path, [("https://ex.example/x", "Bergen bystyre møttes igjen.", "2020-01-02")])
    report = Ingestor(db, settings).ingest([str(path)])
    assert report.summary() == "0 new, 1 updated, 0 unchanged, 0 failed"
    assert _texts(db) == {"https://ex.example/x": "Bergen bystyre møttes igjen."}


def test_an_insert_that_loses_a_race_to_another_ingest_is_unchanged_not_failed(
    postgres_url: str, settings: Settings, tmp_path: Path
) -> None:
    # PostgreSQL's writers run side by side (SQLite's take turns, so there the other
    # ingest would wait for this one). Theirs are fuller versions of the same URLs: the
    # same texts would wait for this ingest too (`test_concurrent_copies`).
    rows = [(f"https://ex.example/{n}", f"Sak nummer {n} fra Bergen.", None) for n in range(40)]
    fuller = [(url, f"{text} Bystyret møttes i går.", None) for url, text, _ in rows[10:30]]
    mine = _jsonl(tmp_path / "mine.jsonl", rows)
    theirs = _jsonl(tmp_path / "theirs.jsonl", fuller)
    db = Database.open(postgres_url)
    other = Database.open(postgres_url)
    raced: list[Any] = []

    def before_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The other ingest stores the overlap after this one looked and before it inserts.
        if statement.startswith("INSERT INTO articles") and not raced:
            raced.append(Ingestor(other, settings).ingest([str(theirs)]))

    event.listen(db.engine, "before_cursor_execute", before_insert)
    try:
        report = Ingestor(db, settings).ingest([str(mine)])
    finally:
        event.remove(db.engine, "before_cursor_execute", before_insert)
        other.close()
    try:
        assert raced[0].summary() == "20 new, 0 updated, 0 unchanged, 0 failed"
        assert report.summary() == "20 new, 0 updated, 20 unchanged, 0 failed"
        with db.session() as session:
            assert session.scalar(select(func.count(Article.id))) == 40
            assert check_database(session) == []
        assert _texts(db)["https://ex.example/10"].endswith("Bystyret møttes i går.")
    finally:
        db.close()


def test_two_ingest_processes_of_overlapping_files_report_no_failures(
    db_url: str, tmp_path: Path
) -> None:
    rows = [
        (f"https://ex.example/{n}", f"Sak {n}: bystyret i Bergen vedtok noe nytt.", None)
        for n in range(600)
    ]
    files = [
        _jsonl(tmp_path / "a.jsonl", rows[:400]),
        _jsonl(tmp_path / "b.jsonl", rows[200:]),
    ]
    Database.open(db_url).close()  # migrated once, before the two start
    env = {**os.environ, "DATABASE_URL": db_url, "LOAD_DEMO_CORPUS": "false"}
    newsbot = str(Path(sys.executable).parent / "newsbot")
    runs = [
        subprocess.Popen(
            [newsbot, "ingest", str(path)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [run.communicate(timeout=300) for run in runs]
    for run, (stdout, stderr) in zip(runs, results, strict=True):
        assert run.returncode == 0, stderr
        assert "could not be stored" not in stderr
        last = stdout.strip().splitlines()[-1]
        new, updated, unchanged, failed = (int(n) for n in last.split()[:8:2])
        assert (new + unchanged, updated, failed) == (400, 0, 0), stdout
    database = Database.open(db_url)
    try:
        with database.session() as session:
            assert session.scalar(select(func.count(Article.id))) == 600
    finally:
        database.close()
