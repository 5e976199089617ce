"""A new user's install: a fresh venv with the pip `python -m venv` brings, never upgraded,
installs newsbot from its own files and runs it."""

from __future__ import annotations

import ensurepip
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
# What a build needs; nothing from the developer's tree (.venv, caches, tests) comes along.
PROJECT_FILES = ["pyproject.toml", "README.md", "bot", "adapters", "storage"]


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would leak into the fresh install:
    another venv, a PYTHONPATH, or newsbot settings from the developer's shell."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in settings and key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with stock pip and newsbot installed (not editable) from a copy of the project."""
    if importlib.util.find_spec("ensurepip") is None and os.environ.get("CI") != "true":
        pytest.skip("this Python has no ensurepip (Debian: apt-get install python3-venv)")
    base = tmp_path_factory.mktemp("install")
    source = base / "src"
    source.mkdir()
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=_clean_env())
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"],
        check=True,
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    # The pip Python bundles, as a user gets it: the test means nothing after an upgrade.
    assert pip.stdout.split()[1] == ensurepip.version()
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "."],
        cwd=source,
        check=True,
        env=_clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )
    return venv


def _newsbot(venv: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "newsbot"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        env=_clean_env(**env),
    )


def test_stock_pip_install_runs_help_and_ingest(fresh_venv: Path, tmp_path: Path) -> None:
    help_ = _newsbot(fresh_venv, tmp_path, "--help")
    assert help_.returncode == 0, help_.stderr
    assert "ingest" in help_.stdout and "run" in help_.stdout

    database = f"sqlite:///{tmp_path / 'fresh.db'}"
    ingest = _newsbot(
        fresh_venv, tmp_path, "ingest", str(FIXTURES / "libya_2020-01.txt"), DATABASE_URL=database
    )
    assert ingest.returncode == 0, ingest.stderr
    last_line = ingest.stdout.strip().splitlines()[-1]
    assert last_line.startswith("1 new, 0 updated, 0 unchanged, 0 failed")
    ask = _newsbot(fresh_venv, tmp_path, "ask", "Hvem støtter Haftar?", DATABASE_URL=database)
    assert ask.returncode == 0, ask.stderr
    assert "Haftar" in ask.stdout and "[1]" in ask.stdout
