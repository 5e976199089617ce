"""Several newsbot instances in one test: cores sharing one database, as N processes would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.app import Core, open_core
from bot.config import Settings

__all__ = ["cores_sharing"]


@contextmanager
def cores_sharing(
    settings: Settings, database_url: str, *inputs: Path, count: int = 2
) -> Iterator[list[Core]]:
    """``count`` cores on ``database_url``, with ``inputs`` ingested once."""
    shared = settings.model_copy(update={"database_url": database_url})
    running = [open_core(shared) for _ in range(count)]
    try:
        report = running[0].ingestor.ingest([str(path) for path in inputs])
        assert report.failed == 0
        yield running
    finally:
        for core in running:
            core.close()
