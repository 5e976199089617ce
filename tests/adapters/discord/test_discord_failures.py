"""Whatever goes wrong while handling a Discord message or command, the asker gets one apology."""

from __future__ import annotations

import pytest

from adapters.discord import DiscordFrontEnd
from bot.app import Core
from bot.commands import Command, CommandContext, Reply
from bot.render import SORRY
from tests.adapters.discord.fake_discord import BOT_ID, NEWS_CHANNEL_ID, FakeDiscord
from tests.adapters.discord.gateway_events import channel_message, slash_command

RUSSLAND = "mens Russland uoffisielt holder med Haftars styrker"


@pytest.fixture
def uncached(fake_discord: FakeDiscord) -> FakeDiscord:
    """A gateway that never sends the server's GUILD_CREATE (as during a Discord outage)."""
    fake_discord.send_guilds = False
    return fake_discord


async def test_a_question_from_a_server_without_cache_is_answered(
    uncached: FakeDiscord, discord_bot: DiscordFrontEnd
) -> None:
    assert not discord_bot.bot.guilds
    question = channel_message(f"<@{BOT_ID}> Hvem støtter Haftar?")
    await uncached.dispatch("MESSAGE_CREATE", question)

    [reply] = await uncached.wait_for_requests("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    assert reply.json["message_reference"]["message_id"] == int(question["id"])
    assert RUSSLAND in reply.json["embeds"][0]["description"]


async def test_an_admin_command_from_a_server_without_cache_is_refused_in_a_sentence(
    uncached: FakeDiscord, discord_bot: DiscordFrontEnd
) -> None:
    # Without the server's roles nobody can be shown to be an admin: refused, not ignored.
    await uncached.dispatch(
        "MESSAGE_CREATE", channel_message(f"<@{BOT_ID}> feeds add https://example.com/rss")
    )
    [reply] = await uncached.wait_for_requests("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    assert "only admins" in json_text(reply.json)


async def test_a_failing_core_gives_a_mention_one_apology(
    core: Core,
    fake_discord: FakeDiscord,
    discord_bot: DiscordFrontEnd,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(command: Command, context: CommandContext) -> Reply:
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(core.commands, "run", broken)
    await fake_discord.dispatch("MESSAGE_CREATE", channel_message(f"<@{BOT_ID}> Hvem?"))
    [reply] = await fake_discord.wait_for_requests("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    assert json_text(reply.json) == SORRY
    assert "the index is on fire" in caplog.text  # the traceback went to the log
    assert core.metrics.count("newsbot_questions", outcome="failed") == 1


async def test_a_failing_slash_command_gives_one_apology(
    core: Core,
    fake_discord: FakeDiscord,
    discord_bot: DiscordFrontEnd,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(command: Command, context: CommandContext) -> Reply:
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(core.commands, "run", broken)
    await fake_discord.dispatch("INTERACTION_CREATE", slash_command("ask", {"question": "Hvem?"}))
    [answer] = await fake_discord.wait_for_requests("POST", "/webhooks/*")
    assert json_text(answer.json) == SORRY


def json_text(sent: dict[str, object]) -> str:
    """What the user reads of a sent message: its content, or its embeds' descriptions."""
    content = str(sent.get("content") or "")
    embeds = sent.get("embeds") or []
    assert isinstance(embeds, list)
    return content or "\n".join(str(embed.get("description", "")) for embed in embeds)
