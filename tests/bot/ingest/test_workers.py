"""A large ingest does its text work in worker processes: the same articles, the same report."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.ingest import Ingestor, workers
from storage import Article, Database


def _stored(db: Database) -> list[tuple[str, str, str, str, list[str]]]:
    with db.session() as session:
        return [
            (a.url, a.title, a.language, a.search_terms, a.sentences)
            for a in session.scalars(select(Article).order_by(Article.url))
        ]


def test_worker_processes_store_what_one_process_stores_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.ingest.workers")
    monkeypatch.setattr(workers, "POOL_AFTER", 10)  # a pool for a small input, not only 1,000
    lines = []
    for n in range(160):
        if n % 40 == 7:
            lines.append("{broken")
        elif n % 40 == 9:
            lines.append(json.dumps({"url": f"https://ex.example/{n}", "text": "123 456"}))
        else:
            text = (
                f"Bystyret i Bergen vedtok budsjettet for {n} skoler."
                if n % 2
                else f"The council in Leeds approved the budget for {n} schools."
            )
            lines.append(json.dumps({"url": f"https://ex.example/{n}", "text": text}))
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    results = {}
    for count in (1, 2):
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp_path / f'w{count}.db'}",
            ingest_workers=count,
        )
        db = Database.open(settings.database_url)
        report = Ingestor(db, settings).ingest([str(path)])
        results[count] = (report.summary(), report.failures, _stored(db))
        db.close()
    assert "normalising in 2 worker processes" in caplog.messages  # the pool did the work
    assert results[2] == results[1]
    summary, failures, stored = results[2]
    assert summary == "152 new, 0 updated, 0 unchanged, 8 failed"
    assert [f.where for f in failures] == [
        f"{path}:{n + 1}" for n in range(160) if n % 40 in (7, 9)
    ]
    assert {language for _, _, language, _, _ in stored} == {"no", "en"}
