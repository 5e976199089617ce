"""Two Discord servers on one bot: each reads, lists and removes only its own feeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.discord import DiscordFrontEnd
from bot.app import Core, open_core
from bot.config import Settings
from tests.adapters.discord.fake_discord import (
    BOT_ID,
    GUILD_ID,
    MODERATOR_ROLE_ID,
    NEWS_CHANNEL_ID,
    FakeDiscord,
    payload,
)
from tests.adapters.discord.gateway_events import channel_message
from tests.support.httpserver import FakeSite, serve
from tests.support.news import AVALANCHE, AVALANCHE_QUESTION, FERRY, FERRY_QUESTION, feed_xml

# The second server is the first one's recording with its ids moved: 119… becomes 129….
OTHER = {"1190000000000000": "1290000000000000"}
OTHER_GUILD_ID = 1290000000000000001
OTHER_CHANNEL_ID = 1290000000000000010
OTHER_MODERATOR_ROLE_ID = 1290000000000000102


def moved(data: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(data)
    for old, new in OTHER.items():
        text = text.replace(old, new)
    # The bot's own user id starts 118…, the test user's 117…: both stay.
    return dict(json.loads(text))


@pytest.fixture
def core(discord_settings: Settings, db_url: str) -> Iterator[Core]:
    """The core on SQLite and on PostgreSQL, with no articles but the feeds' (this module's
    own, in place of the shared SQLite one)."""
    running = open_core(discord_settings.model_copy(update={"database_url": db_url}))
    yield running
    running.close()


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with serve() as fake:
        for path, item in (("/first.rss", FERRY), ("/second.rss", AVALANCHE)):
            fake.add(path, body=feed_xml(fake, [item]), headers={"Content-Type": "text/xml"})
        yield fake


async def say(fake: FakeDiscord, text: str, *, other: bool = False) -> str:
    """A moderator's mention in the news channel of one server; the bot's reply text."""
    message = channel_message(f"<@{BOT_ID}> {text}", roles=(MODERATOR_ROLE_ID,))
    channel = NEWS_CHANNEL_ID
    if other:
        message, channel = moved(message), OTHER_CHANNEL_ID
    assert int(message["guild_id"]) == (OTHER_GUILD_ID if other else GUILD_ID)
    before = len([r for r in fake.requests if r.path == f"/channels/{channel}/messages"])
    await fake.dispatch("MESSAGE_CREATE", message)
    replies = await fake.wait_for_requests("POST", f"/channels/{channel}/messages", before + 1)
    sent = replies[-1].json
    embeds = sent.get("embeds") or []
    return "\n".join([sent.get("content") or ""] + [e.get("description", "") for e in embeds])


async def test_two_servers_keep_their_feeds_apart(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord, site: FakeSite
) -> None:
    await fake_discord.dispatch("GUILD_CREATE", moved(payload("guild_create.json")))
    first, second = site.url("/first.rss"), site.url("/second.rss")

    assert (await say(fake_discord, f"feeds add {first}")).startswith("Added")
    assert (await say(fake_discord, f"feeds add {second}", other=True)).startswith("Added")

    # Each asks what only the other's feed says, then what its own says.
    refusal = await say(fake_discord, AVALANCHE_QUESTION)
    assert refusal.strip() == "Jeg fant ingenting om Lyngseidet i 1 artikkel."
    assert "snøskred" in await say(fake_discord, AVALANCHE_QUESTION, other=True)
    assert "Azam Marine" not in await say(fake_discord, FERRY_QUESTION, other=True)
    assert "Azam Marine" in await say(fake_discord, FERRY_QUESTION)

    # Neither removes the other's feed; each lists its own only.
    refused = await say(fake_discord, f"feeds remove {first}", other=True)
    assert refused.startswith("This server does not read")
    listing = await say(fake_discord, "feeds list", other=True)
    assert second in listing and first not in listing
    listing = await say(fake_discord, "feeds list")
    assert first in listing and second not in listing
