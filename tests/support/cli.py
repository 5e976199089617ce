"""The command line as a user runs it against the tests' local sites."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app


@pytest.fixture(name="cli")
def local_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`newsbot ARGS...` on a fresh SQLite file, fetching from 127.0.0.1 (the tests' sites)."""
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "LOAD_DEMO_CORPUS": "false",
        "FETCH_ALLOW_HOSTS": "127.0.0.1",
    }
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), env=env)

    return invoke
