"""Discord's health: `newsbot run` with only Discord serves it on HEALTH_PORT; 503 once the
connection is gone."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from adapters.discord import DiscordFrontEnd
from adapters.health import HealthEndpoints
from bot.app import Core
from tests.adapters.discord.fake_discord import TOKEN, FakeDiscord
from tests.support.process import NewsbotProcess, free_port


async def test_discord_only_serves_health_on_health_port(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server.db'}",
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_URL": fake_discord.api_url,
        "HEALTH_PORT": free_port(),
        "LOG_LEVEL": "INFO",
    }
    async with NewsbotProcess(tmp_path, env, "run") as bot, aiohttp.ClientSession() as session:
        ready = await bot.wait_for_line(r"ready: discord; .*at port (\d+) \(HEALTH_PORT\)")
        healthz = f"http://127.0.0.1:{ready.group(1)}/healthz"
        async with session.get(healthz) as response:
            assert response.status == 200
            assert (await response.json())["front_ends"] == {"discord": "connected"}

        assert await bot.stop() == 0


async def test_healthz_says_503_once_the_discord_connection_is_gone(
    core: Core, fake_discord: FakeDiscord
) -> None:
    front = DiscordFrontEnd(core.chat, core.settings, guild_ready_timeout=0.05)
    running = asyncio.create_task(front.run())
    await asyncio.wait_for(front.ready.wait(), 10)
    health = HealthEndpoints(core, lambda: True, {"discord": front.connected})
    server = await health.start("127.0.0.1", 0)
    assert health.address is not None
    healthz = f"http://127.0.0.1:{health.address[1]}/healthz"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(healthz) as response:
                assert response.status == 200
            running.cancel()  # the bot's connection closes
            await asyncio.gather(running, return_exceptions=True)
            async with session.get(healthz) as response:
                assert response.status == 503
                body = await response.json()
    finally:
        await server.cleanup()
    assert body == {
        "status": "unavailable",
        "database": "ok",
        "scheduler": "running",
        "front_ends": {"discord": "disconnected"},
    }
