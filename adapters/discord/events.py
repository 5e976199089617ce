"""Discord events as core inputs: who asks, where, with which text, and whether they are admin."""

from __future__ import annotations

import re

import discord

from bot.commands import CommandContext
from bot.tenants import Tenant
from bot.types import ChannelRef

__all__ = [
    "PLATFORM",
    "channel_ref",
    "is_admin",
    "mention_text",
    "guild_id_of",
    "message_context",
    "interaction_context",
    "tenant_of",
]

PLATFORM = "discord"


def channel_ref(channel: object, channel_id: int) -> ChannelRef:
    """A thread is its parent channel plus the thread id; anything else is just the channel."""
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        return ChannelRef(PLATFORM, str(channel.parent_id), str(channel.id))
    return ChannelRef(PLATFORM, str(channel_id))


def is_admin(
    user: discord.abc.User,
    admin_role: str | None,
    permissions: discord.Permissions | None = None,
) -> bool:
    """Manage Server (or Administrator), or the configured role. In DMs nobody is admin.

    ``permissions`` are the ones Discord resolved for an interaction; without them the
    member's guild permissions are computed from the cached roles.
    """
    if not isinstance(user, discord.Member):
        return False
    if permissions is None and not isinstance(getattr(user, "guild", None), discord.Guild):
        # The server is not cached (its GUILD_CREATE has not come yet): no roles to go by.
        return False
    granted = permissions if permissions is not None else user.guild_permissions
    if granted.administrator or granted.manage_guild:
        return True
    return bool(admin_role) and any(role.name == admin_role for role in user.roles)


def mention_text(message: discord.Message, bot_id: int) -> str | None:
    """The text of a message meant for the bot, without the mention; None when it is not.

    Meant for the bot: any message in a DM, or one that mentions the bot by name in a
    channel or thread (``@everyone`` does not count). Bots, the bot itself included,
    are never answered, so two bots cannot talk each other into a loop.
    """
    if message.author.bot or message.author.id == bot_id:
        return None
    if isinstance(message.channel, discord.DMChannel):
        return message.content.strip()
    if not any(user.id == bot_id for user in message.mentions):
        return None
    return re.sub(rf"<@!?{bot_id}>", " ", message.content).strip()


def tenant_of(guild_id: int | None, user_id: int) -> Tenant:
    """The server; a direct message is its user's own tenant."""
    return Tenant.discord_server(guild_id) if guild_id else Tenant.discord_dm(user_id)


def guild_id_of(message: discord.Message) -> int | None:
    """The server a message was written in; None in a DM. Known also when the server is not
    cached yet (before its GUILD_CREATE): the channel then knows only the server's id."""
    if message.guild is not None:
        return message.guild.id
    guild_id = getattr(message.channel, "guild_id", None)
    return guild_id if isinstance(guild_id, int) else None


def message_context(
    message: discord.Message, admin_role: str | None, *, needs_admin: bool = True
) -> CommandContext:
    """Where a message was written and by whom; whether they are admin only when it matters.
    A DM is its user's own tenant, which sees the operator's sources only: nobody is admin
    there, so it adds no feeds."""
    return CommandContext(
        channel_ref(message.channel, message.channel.id),
        user_id=str(message.author.id),
        is_admin=needs_admin and is_admin(message.author, admin_role),
        tenant=tenant_of(guild_id_of(message), message.author.id),
    )


def interaction_context(interaction: discord.Interaction, admin_role: str | None) -> CommandContext:
    """Where an app command was used and by whom, with the permissions Discord resolved."""
    channel_id = interaction.channel_id or 0
    guild_id = interaction.guild_id
    return CommandContext(
        channel_ref(interaction.channel, channel_id),
        user_id=str(interaction.user.id),
        is_admin=is_admin(interaction.user, admin_role, interaction.permissions),
        tenant=tenant_of(guild_id, interaction.user.id),
    )
