"""`newsbot run` with only Discord, as a process: health on HEALTH_PORT, 503 when it is gone."""

from __future__ import annotations

from pathlib import Path

import aiohttp

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

        await fake_discord.close()  # Discord goes away
        await bot.wait_for_line("Attempting a reconnect")
        async with session.get(healthz) as response:
            assert response.status == 503
            body = await response.json()
        assert body["status"] == "unavailable"
        assert body["front_ends"] == {"discord": "disconnected"}
        assert (body["database"], body["scheduler"]) == ("ok", "running")
        assert await bot.stop() == 0
