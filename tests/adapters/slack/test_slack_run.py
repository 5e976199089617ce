"""`newsbot run` with Slack tokens, as a process: what an operator sees."""

from __future__ import annotations

from pathlib import Path

from slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from typer.testing import CliRunner

from adapters.cli import app
from tests.support.process import NewsbotProcess
from tests.support.process import article_counts as counts


def http_mode(url: str, fake: FakeSlack, **settings: str) -> dict[str, str]:
    """The environment of `newsbot run` in Slack HTTP mode on a free port, logging at INFO."""
    return {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORT": "0",
        "LOG_LEVEL": "INFO",
        **settings,
    }


async def test_slack_on_an_empty_database_starts_without_the_demo(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    async with NewsbotProcess(tmp_path, http_mode(url, fake_slack), "run") as bot:
        await bot.wait_for_line("Slack HTTP mode: listening")
        assert await bot.stop() == 0
    assert not [line for line in bot.stderr if "demo" in line]
    assert counts(url) == (0, 0)


async def test_slack_removes_a_demo_loaded_earlier_at_the_console(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    CliRunner().invoke(app, ["demo"], env={"DATABASE_URL": url})
    assert counts(url) == (18, 18)
    async with NewsbotProcess(tmp_path, http_mode(url, fake_slack), "run") as bot:
        await bot.wait_for_line(r"Removed the demo news \(18 invented articles\): Slack get")
        await bot.wait_for_line("Slack HTTP mode: listening")
        assert await bot.stop() == 0
    assert counts(url) == (0, 0)
