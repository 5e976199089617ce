"""Inputs that cannot exhaust or hang ingest: devices, pipes, deep JSON, archives of any size."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Article, Database


def _count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(Article.id))) or 0)


def _line(n: int, words: int = 30) -> str:
    text = " ".join(f"Bergen bystyre vedtok sak {n} ord {i}." for i in range(words))
    return json.dumps({"url": f"https://ex.example/{n}", "title": f"Sak {n}", "text": text})


def test_devices_and_named_pipes_are_refused_by_type_and_the_rest_is_read(
    sqlite_db: Database, settings: Settings, tmp_path: Path, libya_file: Path
) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would wait forever
    report = Ingestor(sqlite_db, settings).ingest(["/dev/zero", str(fifo), str(libya_file)])
    reasons = {f.where: f.reason for f in report.failures}
    assert reasons == {
        "/dev/zero": "a character device, not a file: newsbot reads regular files only",
        str(fifo): "a named pipe, not a file: newsbot reads regular files only",
    }
    assert report.new == 1


def test_a_pipe_inside_a_directory_is_named_not_waited_on(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "feed.xml")
    (tmp_path / "in" / "a.jsonl").write_text(_line(1), encoding="utf-8")
    report = Ingestor(sqlite_db, settings).ingest([str(tmp_path / "in")])
    assert report.new == 1
    assert [f.reason for f in report.failures] == [
        "a named pipe, not a file: newsbot reads regular files only"
    ]


def _limit_memory() -> None:
    limit = 1_500_000_000  # 1.5 GB of address space: /dev/zero read whole would pass it
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_ingest_of_dev_zero_under_a_memory_limit_ends_with_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'z.db'}",
        "LOAD_DEMO_CORPUS": "false",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "newsbot"), "ingest", "/dev/zero"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,  # a guard only: refusing by type reads nothing
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 1, done.stderr
    assert "failed: /dev/zero: a character device, not a file" in done.stderr
    assert "Traceback" not in done.stderr
    assert (
        done.stdout.strip().splitlines()[-1].startswith("0 new, 0 updated, 0 unchanged, 1 failed")
    )


def test_a_deeply_nested_json_line_is_named_and_the_lines_after_it_are_stored(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    nested_object = '{"url": "https://ex.example/x", "text": ' + "[" * 5000 + "]" * 5000 + "}"
    path.write_text("\n".join([_line(1), deep, nested_object, _line(2)]), encoding="utf-8")
    report = Ingestor(sqlite_db, settings).ingest([str(path)])
    assert report.new == 2
    assert [(f.where, f.reason) for f in report.failures] == [
        (f"{path}:2", "JSON nested deeper than 32 levels"),
        (f"{path}:3", "JSON nested deeper than 32 levels"),
    ]


def test_a_json_lines_archive_larger_than_the_document_limit_is_streamed(
    sqlite_db: Database, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'newsbot.db'}",
        file_max_bytes=5_000,  # far below the file's size, above each record's
    )
    path = tmp_path / "archive.jsonl"
    too_long = json.dumps({"url": "https://ex.example/long", "text": "ord " * 3000})
    lines = [_line(n) for n in range(300)]
    lines.insert(150, too_long)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 50 * settings.file_max_bytes
    ingestor = Ingestor(sqlite_db, settings)
    assert ingestor.estimate([str(path)]) == 301
    report = ingestor.ingest([str(path)])
    assert report.new == 300
    assert [(f.where, f.reason) for f in report.failures] == [
        (f"{path}:151", "line is over the 0.005 MB limit for one record")
    ]
    assert _count(sqlite_db) == 300


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig"])
def test_json_lines_with_a_byte_order_mark_are_read(
    sqlite_db: Database, settings: Settings, tmp_path: Path, codec: str
) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes("\n".join([_line(1), _line(2)]).encode(codec))
    assert Ingestor(sqlite_db, settings).ingest([str(path)]).summary() == (
        "2 new, 0 updated, 0 unchanged, 0 failed"
    )
