from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import suppress

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from adapters.discord import DiscordFrontEnd
from bot.app import Core, open_core
from bot.config import Settings
from storage import Database
from tests.adapters.discord.fake_discord import TOKEN, FakeDiscord


@pytest.fixture(autouse=True)
def discord_endpoints() -> Iterator[None]:
    """log_in() redirects discord.py process-wide; put Discord's own addresses back after."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    # Everything discord.py and newsbot log is captured, so tests can look for the token.
    caplog.set_level(logging.DEBUG)


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(TOKEN)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def discord_settings(settings: Settings, fake_discord: FakeDiscord) -> Settings:
    return settings.model_copy(
        update={
            "discord_token": SecretStr(TOKEN),
            "discord_api_url": fake_discord.api_url,
            "discord_admin_role": "News editors",
        }
    )


@pytest.fixture
def core(loaded_db: Database, discord_settings: Settings) -> Iterator[Core]:
    """The core over the test corpus (loaded_db and settings share one SQLite file)."""
    running = open_core(discord_settings)
    yield running
    running.close()


@pytest.fixture
async def discord_bot(core: Core, fake_discord: FakeDiscord) -> AsyncIterator[DiscordFrontEnd]:
    """The real discord.py bot, connected to the fake Discord and past READY."""
    front_end = DiscordFrontEnd(core.chat, core.settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(front_end.run(), name="discord-under-test")
    try:
        await fake_discord.wait_until_identified()
        await asyncio.wait_for(front_end.bot.wait_until_ready(), 5)
        yield front_end
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
    assert front_end.bot.is_closed()
