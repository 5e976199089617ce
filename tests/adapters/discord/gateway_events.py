"""Gateway events for tests, made from the recorded payloads with a few fields changed."""

from __future__ import annotations

import itertools
from typing import Any

from tests.adapters.discord.fake_discord import (
    DM_CHANNEL_ID,
    GUILD_ID,
    NEWS_CHANNEL_ID,
    payload,
)

# Member permissions as Discord resolves them for an interaction.
EVERYDAY_PERMISSIONS = "2248473465835073"  # the @everyone defaults: no Manage Server
MANAGE_SERVER = str(int(EVERYDAY_PERMISSIONS) | 1 << 5)

_ids = itertools.count(1236000000000000001)


def _snowflake() -> str:
    return str(next(_ids))


def channel_message(
    content: str,
    *,
    channel_id: int = NEWS_CHANNEL_ID,
    mentions_bot: bool = True,
    mention_everyone: bool = False,
    roles: tuple[int, ...] = (),
) -> dict[str, Any]:
    """MESSAGE_CREATE in a guild channel or thread, by the test user."""
    data = payload("message_create_mention.json")
    data.update(
        id=_snowflake(),
        content=content,
        channel_id=str(channel_id),
        mention_everyone=mention_everyone,
    )
    data["member"]["roles"] = [str(role) for role in roles]
    if not mentions_bot:
        data["mentions"] = []
    return data


def direct_message(content: str) -> dict[str, Any]:
    """MESSAGE_CREATE in the test user's DM with the bot."""
    data = payload("message_create_dm.json")
    data.update(id=_snowflake(), content=content, channel_id=str(DM_CHANNEL_ID))
    return data


def slash_command(
    subcommand: str,
    options: dict[str, str | int] | None = None,
    *,
    permissions: str = EVERYDAY_PERMISSIONS,
) -> dict[str, Any]:
    """INTERACTION_CREATE for ``/news SUBCOMMAND option:value…`` in the news channel."""
    data = payload("interaction_create_news_ask.json")
    data.update(id=_snowflake(), token=f"interaction-token-{_snowflake()}", guild_id=str(GUILD_ID))
    data["member"]["permissions"] = permissions
    option_types = {str: 3, int: 4}
    data["data"]["options"] = [
        {
            "type": 1,
            "name": subcommand,
            "options": [
                {"type": option_types[type(value)], "name": name, "value": value}
                for name, value in (options or {}).items()
            ],
        }
    ]
    return data
