"""Settings are checked at start: a bad value stops every command with one line and exit 2."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from adapters.cli import app
from bot.config import Settings

Invoke = Callable[..., Result]


@pytest.fixture
def newsbot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.chdir(tmp_path)  # only the .env a test writes is read
    runner = CliRunner()

    def invoke(*args: str, **env: str) -> Result:
        base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'config.db'}", "LOAD_DEMO_CORPUS": "false"}
        return runner.invoke(app, list(args), env={**base, **env}, input="")

    return invoke


def _one_line(result: Result) -> str:
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_unknown_time_zone_stops_run_before_anything_starts(
    newsbot: Invoke, tmp_path: Path
) -> None:
    line = _one_line(newsbot("run", TIMEZONE="Mars/Base"))
    assert line == (
        "error: bad setting: TIMEZONE=Mars/Base: not a known time zone "
        "(an IANA name such as Europe/Oslo)"
    )
    assert not (tmp_path / "config.db").exists()  # stopped before opening the database


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("PORT", "abc", "not a whole number"),
        ("PORT", "70000", "must be at most 65535"),
        ("FEED_POLL_MINUTES", "0", "must be at least 1"),
        ("ANSWER_MAX_CHARS", "5", "must be at least 100"),
        ("FETCH_TIMEOUT_S", "nan", "not a finite number"),
        ("RATE_USER_PER_MINUTE", "-1", "must be at least 0"),
        ("LLM_BASE_URL", "localhost:11434/v1", "not a URL starting with http:// or https://"),
        ("SLACK_API_URL", "https://slack.example:99999/api/", "port is not a number"),
        ("DISCORD_GATEWAY_URL", "gateway.example", "not a URL starting with wss://"),
        ("LOG_LEVEL", "loud", "not a log level"),
        ("POST_EMPTY_DIGESTS", "perhaps", "not true or false"),
        ("FETCH_ALLOW_HOSTS", "127.0.0.1:8765", "with no scheme or port"),
        ("FETCH_ALLOW_HOSTS", "intranet.example,http://127.0.0.1", "“http://127.0.0.1” is not"),
        ("FETCH_ALLOW_HOSTS", "not/a/net", "not a host name, IP address or network"),
    ],
)
def test_bad_value_is_named_with_its_problem(
    newsbot: Invoke, name: str, value: str, reason: str
) -> None:
    line = _one_line(newsbot("stats", **{name: value}))
    assert line.startswith(f"error: bad setting: {name}={value}: ")
    assert reason in line


def test_allowed_hosts_take_names_addresses_and_networks(newsbot: Invoke) -> None:
    hosts = "intranet.example, .corp.example, 127.0.0.1, ::1, [fd00::1], 10.0.0.0/8, fd00::/8"
    assert newsbot("stats", FETCH_ALLOW_HOSTS=hosts).exit_code == 0


def test_several_bad_values_share_the_one_line(newsbot: Invoke) -> None:
    line = _one_line(newsbot("ingest", "x.txt", PORT="abc", TIMEZONE="Mars/Base"))
    assert "PORT=abc" in line and "TIMEZONE=Mars/Base" in line


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root:hunter2@db/news", "SQLite or PostgreSQL, not mysql"),
        ("not a url", "not a database URL"),
    ],
)
def test_database_url_problems_never_echo_the_url(newsbot: Invoke, url: str, reason: str) -> None:
    line = _one_line(newsbot("stats", DATABASE_URL=url))
    assert line.startswith("error: bad setting: DATABASE_URL: ") and reason in line
    assert "hunter2" not in line


def test_sqlite_file_under_a_file_is_refused(newsbot: Invoke, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a folder")
    line = _one_line(newsbot("stats", DATABASE_URL=f"sqlite:///{tmp_path / 'plain' / 'n.db'}"))
    assert f"{tmp_path / 'plain'} is a file" in line
    line = _one_line(newsbot("stats", DATABASE_URL=f"sqlite:///{tmp_path}"))
    assert "is a folder, not a database file" in line


def test_sqlite_file_in_a_missing_folder_is_refused_not_created(
    newsbot: Invoke, tmp_path: Path
) -> None:
    # A typo in the path must not start an empty database in a new folder.
    missing = tmp_path / "nwsbot" / "data"
    line = _one_line(newsbot("stats", DATABASE_URL=f"sqlite:///{missing / 'n.db'}"))
    assert line == (
        f"error: bad setting: DATABASE_URL: the folder {missing} does not exist; "
        "create it, or name a file in another folder"
    )
    assert not (tmp_path / "nwsbot").exists()
    missing.mkdir(parents=True)
    assert newsbot("stats", DATABASE_URL=f"sqlite:///{missing / 'n.db'}").exit_code == 0


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="POSIX permissions; root may write anywhere",
)
def test_sqlite_file_newsbot_may_not_write_is_refused_with_the_reason(
    newsbot: Invoke, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        line = _one_line(newsbot("stats", DATABASE_URL=f"sqlite:///{locked / 'n.db'}"))
    finally:
        locked.chmod(0o755)
    assert line == (
        f"error: bad setting: DATABASE_URL: cannot write {locked / 'n.db'}: "
        f"no permission to write in {locked}"
    )
    kept = tmp_path / "kept.db"
    kept.write_bytes(b"")
    kept.chmod(0o444)
    line = _one_line(newsbot("stats", DATABASE_URL=f"sqlite:///{kept}"))
    assert line == f"error: bad setting: DATABASE_URL: cannot write {kept}: permission denied"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_sqlite_file_that_cannot_be_opened_is_one_line_naming_it(newsbot: Invoke) -> None:
    # /proc takes no new files, not even from root (for whom SQLite's refusal is the reason).
    line = _one_line(newsbot("stats", DATABASE_URL="sqlite:////proc/newsbot.db"))
    assert line.startswith("error: ") and "/proc/newsbot.db: " in line
    assert "OperationalError" not in line and "sqlalche.me" not in line
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        assert line.endswith(
            "cannot open the database file /proc/newsbot.db: unable to open database file"
        )


def test_bad_value_in_dotenv_is_named_too(newsbot: Invoke, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TIMEZONE=Europe/Osl\n", encoding="utf-8")
    assert "TIMEZONE=Europe/Osl: not a known time zone" in _one_line(newsbot("stats"))


def test_blank_optional_urls_mean_unset(newsbot: Invoke, tmp_path: Path) -> None:
    # A copied .env.example with `NAME=` lines left empty starts as if they were absent.
    (tmp_path / ".env").write_text("LLM_BASE_URL=\nDISCORD_API_URL=\n", encoding="utf-8")
    result = newsbot("stats")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("0 articles")


def test_env_example_names_every_setting_and_its_values_start(
    newsbot: Invoke, tmp_path: Path
) -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text(encoding="utf-8")
    documented = re.findall(r"^# ([A-Z][A-Z0-9_]*)=(.*)$", example, flags=re.MULTILINE)
    names = {name for name, _value in documented}
    assert {name.upper() for name in Settings.model_fields} <= names
    # Every value the example shows, uncommented, is accepted.
    shown = [f"{name}={value}" for name, value in documented if name != "DATABASE_URL"]
    (tmp_path / ".env").write_text("\n".join(shown) + "\n", encoding="utf-8")
    result = newsbot("stats")
    assert result.exit_code == 0, result.output
