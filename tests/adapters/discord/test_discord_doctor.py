"""`newsbot doctor` against the fake Discord: the token, /news, and each subscribed channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.discord import sync_commands
from bot.app import open_core
from bot.commands import CommandContext
from bot.config import Settings
from bot.types import ChannelRef
from tests.adapters.discord.fake_discord import (
    NEWS_CHANNEL_ID,
    QUIET_CHANNEL_ID,
    TOKEN,
    FakeDiscord,
)
from tests.support.doctor import doctor


@pytest.fixture
def env(
    tmp_path: Path, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.db'}",
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_URL": fake_discord.api_url,
    }


async def test_a_wrong_discord_token_fails(env: dict[str, str]) -> None:
    report = await doctor(env | {"DISCORD_TOKEN": "not-the-token"})
    assert report.exit_code == 1
    assert report.status("Discord") == "fail"
    assert "fail  Discord: Discord refused DISCORD_TOKEN (401) — copy the bot token" in "\n".join(
        report.lines
    )


async def test_commands_and_channels_are_checked(
    env: dict[str, str], fake_discord: FakeDiscord
) -> None:
    settings = Settings(_env_file=None, **{k.lower(): v for k, v in env.items()})  # type: ignore[call-arg]
    core = open_core(settings)
    for channel in (NEWS_CHANNEL_ID, QUIET_CHANNEL_ID, 1190000000000000099):
        admin = CommandContext(ChannelRef("discord", str(channel)), user_id="1", is_admin=True)
        core.commands.handle("subscribe daily 08:00", admin)
    fake_discord.hidden_channels.add(QUIET_CHANNEL_ID)

    before = await doctor(env)
    assert "ok    Discord: logged in as newsbot" in before.lines
    assert before.status("Discord /news") == "warn"  # not synced yet
    assert f"ok    subscription discord:{NEWS_CHANNEL_ID}: #news reachable" in before.lines
    assert (
        f"fail  subscription discord:{QUIET_CHANNEL_ID}: the bot has no access to this channel "
        "— give it View Channel and Send Messages there, or unsubscribe" in before.lines
    )
    assert (
        "fail  subscription discord:1190000000000000099: the channel no longer exists "
        "— unsubscribe it" in before.lines
    )
    assert before.exit_code == 1

    await sync_commands(core.chat, core.settings)
    core.close()
    after = await doctor(env)
    assert "ok    Discord /news: registered" in after.lines
