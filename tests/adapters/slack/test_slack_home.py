"""newsbot's App Home tab: help, and the workspace's own feeds and digests (SQLite and
PostgreSQL), published with views.publish to the fake Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from slack_fake import BOT_TOKEN, FakeSlack
from slack_harness import ADMIN_IN_SETTINGS
from slack_requests import SlackSender, load_payload
from test_slack_http import texts

from adapters.slack import SlackFrontEnd
from bot.app import Core, open_core
from bot.config import Settings
from tests.support.httpserver import FakeSite


def home_opened(user: str, *, event_id: str, team: str = "T0FAKE") -> dict[str, Any]:
    envelope = load_payload("app_mention.json")
    envelope.update(team_id=team, event_id=event_id)
    envelope["authorizations"][0]["team_id"] = team
    envelope["event"] = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
    }
    return envelope


@pytest.fixture
def slack_core(slack_settings: Settings, db_url: str) -> Iterator[Core]:
    """The core on SQLite and on PostgreSQL, holding only what the workspace adds."""
    running = open_core(slack_settings.model_copy(update={"database_url": db_url}))
    yield running
    running.close()


async def test_app_home_lists_the_workspaces_feeds_and_digests(
    fake_slack: FakeSlack, sender: SlackSender, slack_bot: SlackFrontEnd, site: FakeSite
) -> None:
    ours, theirs = site.url("/north.rss"), site.url("/south.rss")
    for team, text in (
        ("T0FAKE", f"feeds add {ours}"),
        ("T0FAKE", "subscribe daily 08:00 Libya"),
        ("T0OTHER", f"feeds add {theirs}"),
    ):
        before = len(fake_slack.responses)
        await sender.slash(
            text,
            team_id=team,
            user_id=ADMIN_IN_SETTINGS,
            response_url=fake_slack.response_url(f"hook{before}"),
        )
        await fake_slack.wait_for(lambda before=before: len(fake_slack.responses) > before)

    assert (await sender.event(home_opened("U0READER", event_id="Ev0HOME"))).status == 200
    await fake_slack.wait_for(lambda: bool(fake_slack.called("views.publish")))
    [call] = fake_slack.called("views.publish")
    assert call.token == BOT_TOKEN and call.args["user_id"] == "U0READER"
    view = call.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"
    shown = texts({"blocks": [b for b in view["blocks"] if "text" in b]})
    assert ours in shown and theirs not in shown
    assert "daily at 08:00" in shown and "Libya" in shown and "<#C0NEWSROOM>" in shown
    assert "feeds add URL" in shown  # the help
