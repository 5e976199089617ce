"""`newsbot run` with Slack tokens, as a process: what an operator sees."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from slack_requests import SlackSender, mention
from typer.testing import CliRunner

from adapters.cli import app
from tests.support.process import NewsbotProcess, free_port
from tests.support.process import article_counts as counts


def http_mode(url: str, fake: FakeSlack, **settings: str) -> dict[str, str]:
    """The environment of `newsbot run` in Slack HTTP mode on a free port, logging at INFO."""
    return {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORT": free_port(),
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


async def test_http_mode_serves_health_and_metrics_on_its_port(
    tmp_path: Path, fake_slack: FakeSlack, corpus_file: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    CliRunner().invoke(app, ["ingest", str(corpus_file)], env={"DATABASE_URL": url})
    async with NewsbotProcess(tmp_path, http_mode(url, fake_slack), "run") as bot:
        port = int((await bot.wait_for_line(r"listening on [^:]+:(\d+)/slack/events")).group(1))
        await bot.wait_for_line(r"ready: slack; database sqlite:///.* \(7 articles\)")
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 200
                assert (await response.json())["front_ends"] == {"slack": "connected"}
            sender = SlackSender(session, f"{base}/slack/events", SIGNING_SECRET)
            await sender.event(mention("How many fishermen were rescued?", event_id="Ev0METRICS"))
            await fake_slack.wait_for(lambda: len(fake_slack.posts) == 1, timeout=20)
            async with session.get(f"{base}/metrics") as response:
                metrics = (await response.text()).splitlines()
        assert 'newsbot_questions_total{outcome="answered"} 1.0' in metrics
        assert "newsbot_answer_seconds_count 1.0" in metrics
        assert 'newsbot_incoming_total{claim="here"} 1.0' in metrics
        assert "newsbot_articles 7.0" in metrics
        assert await bot.stop() == 0
