"""A new user's install, as the Dockerfile does it: a fresh venv with the pip `python -m venv`
brings, never upgraded, newsbot installed from its own files, then the container's command
and health check. No container engine runs here, so the Dockerfile's own lines are run."""

from __future__ import annotations

import ensurepip
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from tests.support.httpserver import serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def _dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions: (KEYWORD, arguments), continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def _exec_form(arguments: str) -> list[str]:
    command = json.loads(arguments)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def _clean_env(venv: Path | None = None, **extra: str) -> dict[str, str]:
    """The caller's environment without anything that would leak into the fresh install:
    another venv, a PYTHONPATH, or newsbot settings from the developer's shell."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in settings and key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    if venv is not None:  # what the Dockerfile's ENV does: the venv first on PATH
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(venv)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dockerfile's COPY and install steps, run here: a venv with stock pip and newsbot
    installed (not editable) from a copy of the project's files."""
    if importlib.util.find_spec("ensurepip") is None and os.environ.get("CI") != "true":
        pytest.skip("this Python has no ensurepip (Debian: apt-get install python3-venv)")
    base = tmp_path_factory.mktemp("install")
    source, venv, python_dir = base / "src", base / "venv", base / "python"
    source.mkdir()
    # `python` in the Dockerfile is the image's interpreter; here, the one running the tests.
    python_dir.mkdir()
    (python_dir / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    installs = []
    for keyword, arguments in _dockerfile():
        if keyword == "COPY":
            *paths, destination = shlex.split(arguments)
            for name in paths:
                target = source / destination
                if (ROOT / name).is_dir():
                    shutil.copytree(
                        ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / name, target / name)
        elif keyword == "RUN" and "pip" in arguments and " install " in arguments:
            installs.append(arguments)
    assert len(installs) == 1, "the Dockerfile installs newsbot in one RUN"
    env = _clean_env(PATH=f"{python_dir}{os.pathsep}{os.environ['PATH']}", VIRTUAL_ENV=str(venv))
    subprocess.run(["/bin/sh", "-c", installs[0]], cwd=source, check=True, env=env)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"],
        check=True,
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    # The pip Python bundles, as a user gets it: the test means nothing after an upgrade.
    assert pip.stdout.split()[1] == ensurepip.version()
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


def test_console_script_names_a_bad_setting_in_one_line(fresh_venv: Path, tmp_path: Path) -> None:
    run = _newsbot(fresh_venv, tmp_path, "run", TIMEZONE="Mars/Base", PORT="abc")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip() == (
        "error: bad setting: TIMEZONE=Mars/Base: not a known time zone (an IANA name such as "
        "Europe/Oslo); PORT=abc: not a whole number"
    )


def test_container_command_starts_newsbot(fresh_venv: Path, tmp_path: Path) -> None:
    """The image's CMD, in its working directory, with no settings: the console front end on
    a new SQLite file there (with tokens in .env it would be Slack or Discord)."""
    [command] = [_exec_form(args) for keyword, args in _dockerfile() if keyword == "CMD"]
    assert command == ["newsbot", "run"]
    started = subprocess.run(
        command,
        cwd=tmp_path,
        input="Who backs Haftar?\n",
        capture_output=True,
        text=True,
        timeout=300,
        env=_clean_env(fresh_venv),
    )
    assert started.returncode == 0, started.stderr
    assert "loaded the demo news" in started.stderr
    assert "Haftar" in started.stdout and "Sources:" in started.stdout
    assert (tmp_path / "newsbot.db").is_file()


def test_health_check_passes_only_while_healthz_answers_ok(fresh_venv: Path) -> None:
    [arguments] = [args for keyword, args in _dockerfile() if keyword == "HEALTHCHECK"]
    check = _exec_form(arguments.split(" CMD ", 1)[1])
    [health_port] = [
        pair.split("=", 1)[1]
        for keyword, args in _dockerfile()
        if keyword == "ENV"
        for pair in shlex.split(args)
        if pair.startswith("HEALTH_PORT=")
    ]
    assert health_port == "8080"  # the port README and compose.yaml name

    def run_check(port: int) -> int:
        env = _clean_env(fresh_venv, HEALTH_PORT=str(port))
        return subprocess.run(check, env=env, capture_output=True, timeout=60).returncode

    with serve() as site:
        port = int(site.base_url.rsplit(":", 1)[1].rstrip("/"))
        site.add("/healthz", status=200, body=b'{"status": "ok"}')
        assert run_check(port) == 0
        site.add("/healthz", status=503, body=b'{"status": "starting"}')
        assert run_check(port) != 0
        assert [path for path, _headers in site.requests] == ["/healthz", "/healthz"]
    assert run_check(port) != 0  # nothing listening
