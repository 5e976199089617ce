"""The discord.py bot: the core passed in, one cog for the news commands."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord.ext import commands

from adapters.discord.cog import NewsCog
from adapters.discord.render import NO_MENTIONS
from bot.commands import Command, CommandContext, Reply
from bot.config import Settings
from bot.service import ChatService

__all__ = ["NewsBot", "bot_intents"]

log = logging.getLogger(__name__)


def bot_intents() -> discord.Intents:
    """Default intents without the privileged Message Content one.

    Discord still sends the content of messages that mention the bot and of DMs,
    which is all this bot reads.
    """
    intents = discord.Intents.default()
    intents.message_content = False
    return intents


class NewsBot(commands.Bot):
    """newsbot on Discord: answers mentions, DMs and ``/news`` through the chat service."""

    def __init__(
        self,
        chat: ChatService,
        settings: Settings,
        *,
        sync_on_start: bool = False,
        **options: Any,
    ) -> None:
        # A text bot never joins voice: spare the log discord.py's voice-library warnings.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            **options,
        )
        self.chat = chat
        self.settings = settings
        self.admin_role: str | None = settings.discord_admin_role or None
        self.sync_on_start = sync_on_start
        # Set at READY (and again after a reconnect's READY).
        self.connected = asyncio.Event()

    async def setup_hook(self) -> None:
        await self.add_cog(NewsCog(self))
        # Syncing is rate-limited by Discord: only when asked (see sync_commands).
        if self.sync_on_start:
            synced = await self.tree.sync()
            log.info("synced %d application command(s) with Discord", len(synced))

    async def on_ready(self) -> None:
        log.info("Discord: connected as %s", self.user)
        self.connected.set()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands here: a mention is a question, answered by :class:`NewsCog`."""

    async def handle(self, text: str, context: CommandContext) -> Reply:
        """A user's free text, run off the event loop (the heartbeat goes on)."""
        return await self.chat.handle(text, context)

    async def run_command(self, command: Command, context: CommandContext) -> Reply:
        """A command built from an app command's arguments, run off the event loop."""
        return await self.chat.run(command, context)
