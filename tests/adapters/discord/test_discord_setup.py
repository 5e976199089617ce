"""Token and intents: what the bot asks Discord for."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from adapters.discord import DiscordError, bot_intents, bot_token
from bot.config import Settings


def test_the_token_comes_from_settings_without_a_pasted_bot_prefix(settings: Settings) -> None:
    for pasted in ("abc.def.ghi", "  abc.def.ghi\n", "Bot abc.def.ghi", "bot  abc.def.ghi"):
        with_token = settings.model_copy(update={"discord_token": SecretStr(pasted)})
        assert bot_token(with_token) == "abc.def.ghi"


def test_no_token_is_one_sentence(settings: Settings) -> None:
    with pytest.raises(DiscordError, match="DISCORD_TOKEN is not set"):
        bot_token(settings)


def test_the_bot_needs_no_privileged_intent() -> None:
    intents = bot_intents()

    assert not intents.message_content and not intents.members and not intents.presences
    assert intents.guilds and intents.guild_messages and intents.dm_messages
