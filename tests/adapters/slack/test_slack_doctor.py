"""`newsbot doctor` against the fake Slack: the token, and each subscribed channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_fake import BOT_TOKEN, CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, FakeSlack

from bot.app import open_core
from bot.commands import CommandContext
from bot.config import Settings
from bot.installs import SlackInstallation
from bot.types import ChannelRef
from tests.support.doctor import doctor


@pytest.fixture
def env(tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.db'}",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
    }


async def test_a_wrong_slack_token_fails_with_what_to_do(env: dict[str, str]) -> None:
    report = await doctor(env | {"SLACK_BOT_TOKEN": "xoxb-0000-wrong"})
    assert report.exit_code == 1
    assert (
        "fail  Slack: Slack refused SLACK_BOT_TOKEN (invalid_auth) — copy the Bot User OAuth "
        "Token (xoxb-…) from the app's OAuth & Permissions page" in report.lines
    )
    assert "xoxb-0000-wrong" not in "\n".join(report.lines)


async def test_each_subscribed_channel_is_checked(env: dict[str, str]) -> None:
    core = open_core(Settings(_env_file=None, database_url=env["DATABASE_URL"]))  # type: ignore[call-arg]
    for channel in ("C0NEWSROOM", "C0GONE"):
        admin = CommandContext(ChannelRef("slack", channel), user_id="U1", is_admin=True)
        core.commands.handle("subscribe daily 08:00", admin)
    core.close()

    report = await doctor(env)
    assert report.exit_code == 1  # one channel the bot cannot see
    assert "ok    Slack: newsbot in Fake, HTTP mode" in report.lines
    assert "ok    subscription slack:C0NEWSROOM: #newsroom reachable" in report.lines
    assert (
        "fail  subscription slack:C0GONE: the bot cannot see this channel (channel_not_found) "
        "— invite the bot there (/invite @newsbot), or unsubscribe" in report.lines
    )
    assert report.status("database") == "ok"


async def test_the_oauth_install_checks_each_installed_workspaces_token(
    env: dict[str, str],
) -> None:
    oauth = {
        "SLACK_BOT_TOKEN": "",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
    }
    report = await doctor(env | oauth)
    assert report.exit_code == 0
    assert "ok    Slack: OAuth install at /slack/install, HTTP mode" in report.lines
    assert (
        "warn  Slack: OAuth install: no workspace has installed newsbot yet — open "
        "https://YOUR-HOST/slack/install and choose Add to Slack" in report.lines
    )

    core = open_core(Settings(_env_file=None, database_url=env["DATABASE_URL"]))  # type: ignore[call-arg]
    installs = core.chat.slack_installs(CLIENT_ID)
    gone = "xoxb-gone-0000-revokedtokenvalue"
    for team, token in (("T0FAKE", BOT_TOKEN), ("T0GONE", gone)):
        installs.save(SlackInstallation(team_id=team, team_name=team.title(), bot_token=token))
    core.close()

    report = await doctor(env | oauth)
    assert report.exit_code == 1
    assert "ok    Slack: OAuth install: 2 workspaces installed" in report.lines
    assert "ok    Slack workspace T0Fake (T0FAKE): token accepted" in report.lines
    assert (
        "fail  Slack workspace T0Gone (T0GONE): Slack refused its token (invalid_auth) — "
        "install newsbot there again from /slack/install" in report.lines
    )
    assert gone not in "\n".join(report.lines) and BOT_TOKEN not in "\n".join(report.lines)
