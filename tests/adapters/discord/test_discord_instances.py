"""Two instances on one Discord token and one PostgreSQL database answer each message once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from adapters.discord import DiscordFrontEnd
from bot.app import Core
from bot.config import Settings
from tests.adapters.discord.fake_discord import BOT_ID, NEWS_CHANNEL_ID, FakeDiscord
from tests.adapters.discord.gateway_events import channel_message, slash_command
from tests.support.instances import cores_sharing


@pytest.fixture
def cores(
    discord_settings: Settings, postgres_url: str, corpus_file: Path, libya_file: Path
) -> Iterator[list[Core]]:
    with cores_sharing(discord_settings, postgres_url, corpus_file, libya_file) as running:
        yield running


@pytest.fixture
async def two_bots(cores: list[Core], fake_discord: FakeDiscord) -> AsyncIterator[list[Core]]:
    fronts = [DiscordFrontEnd(c.chat, c.settings, guild_ready_timeout=0.05) for c in cores]
    tasks = [asyncio.create_task(front.run()) for front in fronts]
    try:
        await fake_discord.wait_for_sessions(2)
        for front in fronts:
            await asyncio.wait_for(front.bot.wait_until_ready(), 5)
        yield cores
    finally:
        for task in tasks:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task


async def left_to_the_other(cores: list[Core], count: int) -> None:
    """Until ``count`` incoming messages were seen by an instance that left them to the other."""

    def left() -> float:
        return sum(c.metrics.count("newsbot_incoming", claim="elsewhere") for c in cores)

    async def wait() -> None:
        while left() < count:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), 10)


async def test_a_mention_is_answered_by_one_instance(
    two_bots: list[Core], fake_discord: FakeDiscord
) -> None:
    question = channel_message(f"<@{BOT_ID}> Hvem støtter Haftar?")
    await fake_discord.dispatch("MESSAGE_CREATE", question)

    await fake_discord.wait_for_requests("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    await left_to_the_other(two_bots, 1)
    # The other instance has let it be, so one reply is all there will be.
    replies = fake_discord.matching("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    assert len(replies) == 1
    assert replies[0].json["message_reference"]["message_id"] == int(question["id"])
    assert [c.metrics.count("newsbot_incoming", claim="here") for c in two_bots].count(1) == 1


async def test_a_slash_command_is_answered_by_one_instance(
    two_bots: list[Core], fake_discord: FakeDiscord
) -> None:
    command = slash_command("ask", {"question": "Hvem støtter Haftar?"})
    await fake_discord.dispatch("INTERACTION_CREATE", command)

    await fake_discord.wait_for_requests("POST", "/webhooks/*")
    await left_to_the_other(two_bots, 1)
    assert len(fake_discord.matching("POST", f"/interactions/{command['id']}/*")) == 1
    assert len(fake_discord.matching("POST", "/webhooks/*")) == 1
