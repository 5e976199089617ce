"""Fixtures: a fake Slack, the core on the test corpus, the real Slack front end in HTTP mode."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from pydantic import SecretStr
from slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from slack_harness import ADMIN_IN_SETTINGS, start_front_end, stop_front_end
from slack_requests import SlackSender

from adapters.slack import SlackFrontEnd
from bot.app import Core, open_core
from bot.config import Settings
from storage import Database
from tests.support.httpserver import FakeSite, serve
from tests.support.news import AVALANCHE, FERRY, feed_xml


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": fake_slack.api_url,
            "port": 0,
            "slack_admin_user_ids": f"U0OTHER, {ADMIN_IN_SETTINGS}",
        }
    )


@pytest.fixture
def slack_core(loaded_db: Database, slack_settings: Settings) -> Iterator[Core]:
    """The core over the test corpus (loaded_db and settings share one SQLite file)."""
    running = open_core(slack_settings)
    yield running
    running.close()


@pytest.fixture
async def slack_bot(slack_core: Core) -> AsyncIterator[SlackFrontEnd]:
    """The real slack-bolt app in HTTP mode on a free port of 127.0.0.1."""
    front = SlackFrontEnd(
        slack_core.chat, slack_core.settings, host="127.0.0.1", shutdown_grace_s=2.0
    )
    task = await start_front_end(front)
    yield front
    await stop_front_end(task)


@pytest.fixture
async def sender(slack_bot: SlackFrontEnd) -> AsyncIterator[SlackSender]:
    assert slack_bot.address is not None
    host, port = slack_bot.address
    async with aiohttp.ClientSession() as session:
        yield SlackSender(session, f"http://{host}:{port}/slack/events", SIGNING_SECRET)


@pytest.fixture
def site() -> Iterator[FakeSite]:
    """Two feeds: the north one tells of a ferry, the south one of an avalanche."""
    with serve() as fake:
        for path, item in (("/north.rss", FERRY), ("/south.rss", AVALANCHE)):
            fake.add(path, body=feed_xml(fake, [item]), headers={"Content-Type": "text/xml"})
        yield fake
