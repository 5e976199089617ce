"""Two Slack workspaces on one bot: each reads, lists and removes only its own feeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_fake import FakeSlack
from slack_harness import ADMIN_IN_SETTINGS
from slack_requests import SlackSender
from test_slack_http import texts

from bot.app import Core, open_core
from bot.config import Settings
from tests.support.httpserver import FakeSite
from tests.support.news import AVALANCHE_QUESTION, FERRY_QUESTION

NORTH, SOUTH = "T0NORTH", "T0SOUTH"


@pytest.fixture
def slack_core(slack_settings: Settings, db_url: str) -> Iterator[Core]:
    """The core on SQLite and on PostgreSQL, holding only what the workspaces add."""
    running = open_core(slack_settings.model_copy(update={"database_url": db_url}))
    yield running
    running.close()


async def say(fake: FakeSlack, sender: SlackSender, team: str, text: str) -> str:
    """`/news TEXT` from a listed admin in ``team``; the text of the reply."""
    hook = f"hook{len(fake.responses)}"
    before = len(fake.responses)
    await sender.slash(
        text, team_id=team, user_id=ADMIN_IN_SETTINGS, response_url=fake.response_url(hook)
    )
    await fake.wait_for(lambda: len(fake.responses) > before)
    return texts(fake.responses[before])


async def test_two_workspaces_keep_their_feeds_apart(
    fake_slack: FakeSlack, sender: SlackSender, site: FakeSite
) -> None:
    north_feed, south_feed = site.url("/north.rss"), site.url("/south.rss")
    assert "Added " in await say(fake_slack, sender, NORTH, f"feeds add {north_feed}")
    assert "Added " in await say(fake_slack, sender, SOUTH, f"feeds add {south_feed}")

    # Each asks what only the other's feed says: refused, then answered from its own.
    assert "Jeg fant ingenting om Zanzibar" in await say(fake_slack, sender, SOUTH, FERRY_QUESTION)
    assert "Azam Marine" in await say(fake_slack, sender, NORTH, FERRY_QUESTION)
    refusal = await say(fake_slack, sender, NORTH, AVALANCHE_QUESTION)
    assert "Jeg fant ingenting om Lyngseidet" in refusal
    assert "snøskred" in await say(fake_slack, sender, SOUTH, AVALANCHE_QUESTION)

    # Neither removes the other's feed; each lists its own only.
    refused = await say(fake_slack, sender, NORTH, f"feeds remove {south_feed}")
    assert f"This workspace does not read {south_feed}" in refused
    listing = await say(fake_slack, sender, SOUTH, "feeds list")
    assert south_feed in listing and north_feed not in listing
    listing = await say(fake_slack, sender, NORTH, "feeds list")
    assert north_feed in listing and south_feed not in listing
