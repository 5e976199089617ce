"""Sending rendered messages, in order, never pinging anyone."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from adapters.discord.render import Outgoing

__all__ = ["reply_to", "follow_up", "send_to"]


async def send_to(
    target: discord.abc.Messageable, messages: Sequence[Outgoing]
) -> list[discord.Message]:
    """Send ``messages`` to a channel one after another; the sent messages, in order."""
    return [await target.send(**message.send_kwargs()) for message in messages]


async def reply_to(message: discord.Message, messages: Sequence[Outgoing]) -> list[discord.Message]:
    """The first message replies to ``message`` (without pinging its author); the rest follow."""
    if not messages:
        return []
    first = await message.reply(mention_author=False, **messages[0].send_kwargs())
    return [first, *await send_to(message.channel, messages[1:])]


async def follow_up(
    interaction: discord.Interaction, messages: Sequence[Outgoing], *, ephemeral: bool = False
) -> None:
    """Answer a deferred interaction: the first follow-up replaces "thinking…", the rest follow."""
    for message in messages:
        await interaction.followup.send(ephemeral=ephemeral, **message.send_kwargs())
