"""The Discord front end as ``newsbot run`` uses it, and the command-sync helper."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord.client import NewsBot
from adapters.discord.delivery import send_to
from adapters.discord.endpoints import log_in
from adapters.discord.events import PLATFORM
from adapters.discord.render import Outgoing, digest_messages, live_messages
from bot.config import Settings
from bot.errors import NewsbotError
from bot.service import ChatService
from bot.types import ChannelRef, Digest, LiveItem

__all__ = ["DiscordFrontEnd", "DiscordError", "sync_commands", "bot_token"]

log = logging.getLogger(__name__)

# How long a digest waits for the bot to log in (a schedule can fire during start-up).
LOGIN_WAIT_S = 60.0


class DiscordError(NewsbotError):
    """Discord could not be reached, refused the token, or refused a message."""


def bot_token(settings: Settings) -> str:
    """The bot token from ``DISCORD_TOKEN``, without a pasted ``Bot `` prefix."""
    if settings.discord_token is None:
        raise DiscordError("DISCORD_TOKEN is not set.")
    token = settings.discord_token.get_secret_value().strip()
    return token[4:].strip() if token.lower().startswith("bot ") else token


class DiscordFrontEnd:
    """Serves Discord until cancelled; also the ChatSink that posts digests to Discord."""

    platform = PLATFORM

    def __init__(
        self,
        chat: ChatService,
        settings: Settings,
        *,
        sync_commands: bool | None = None,
        **bot_options: Any,
    ) -> None:
        """``sync_commands`` (default: the ``discord_sync_commands`` setting, if any) syncs
        ``/news`` at start; ``bot_options`` go to :class:`discord.Client`."""
        if sync_commands is None:
            sync_commands = bool(getattr(settings, "discord_sync_commands", False))
        self.settings = settings
        self.bot = NewsBot(chat, settings, sync_on_start=sync_commands, **bot_options)
        self._logged_in = asyncio.Event()

    async def run(self) -> None:
        """Log in, connect to the gateway and serve until cancelled; closes the client on exit."""
        token = bot_token(self.settings)
        async with self.bot:
            try:
                await log_in(self.bot, self.settings, token)
            except discord.LoginFailure as exc:
                log.error("Discord did not accept DISCORD_TOKEN; check the bot token.")
                raise DiscordError("Discord did not accept DISCORD_TOKEN.") from exc
            self._logged_in.set()
            try:
                await self.bot.connect(reconnect=True)
            finally:
                self._logged_in.clear()

    @property
    def ready(self) -> asyncio.Event:
        """Set once the gateway's READY has come."""
        return self.bot.connected

    async def connected(self) -> bool:
        """Logged in, past READY, and the gateway connection open."""
        ws = self.bot.ws
        return (
            self.bot.connected.is_set()
            and not self.bot.is_closed()
            and ws is not None
            and bool(ws.open)
        )

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        """Post ``digest`` to the channel (or thread), split in order; the first message's id."""
        return await self._post(channel, digest_messages(digest), "digest")

    async def post_live(self, channel: ChannelRef, post: LiveItem) -> str | None:
        """Post one live feed item (or the "and K more" line); its message id."""
        return await self._post(channel, live_messages(post), "live post")

    async def _post(self, channel: ChannelRef, messages: list[Outgoing], what: str) -> str | None:
        if channel.platform != PLATFORM:
            raise ValueError(f"not a Discord channel: {channel}")
        try:
            await asyncio.wait_for(self._logged_in.wait(), timeout=LOGIN_WAIT_S)
        except TimeoutError as exc:
            raise DiscordError(f"Discord is not connected; the {what} was not posted.") from exc
        target = self.bot.get_partial_messageable(int(channel.thread_id or channel.channel_id))
        try:
            sent = await send_to(target, messages)
        except discord.HTTPException as exc:
            raise DiscordError(
                f"Discord refused the {what} for {channel}: {exc.status} {exc.text}"
            ) from exc
        return str(sent[0].id) if sent else None


async def sync_commands(
    chat: ChatService, settings: Settings, guild_id: int | None = None
) -> list[str]:
    """Register ``/news`` with Discord; the names of the commands synced.

    Globally by default; with ``guild_id``, in that server only, where changes show at
    once (handy while trying the bot out). Discord rate-limits syncing, so run this when
    the commands change (``newsbot discord sync``), not on every start.
    """
    bot = NewsBot(chat, settings)
    async with bot:
        try:
            await log_in(bot, settings, bot_token(settings), find_gateway=False)
            if guild_id is None:
                synced = await bot.tree.sync()
            else:
                guild = discord.Object(id=guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
        except discord.LoginFailure as exc:
            raise DiscordError("Discord did not accept DISCORD_TOKEN.") from exc
        except discord.HTTPException as exc:
            raise DiscordError(f"Discord refused the commands: {exc.status} {exc.text}") from exc
    return [command.name for command in synced]
