"""The async facade front ends talk to: the thread hop, the catch-all and the apology.

The core is synchronous. Front ends run one event loop, so every command goes to a
worker thread here: one slow answer never holds up Slack's 3-second ack or Discord's
heartbeat. Whatever goes wrong, the asker gets one sentence and the log the traceback.
"""

from __future__ import annotations

import asyncio
import logging

from bot.commands import Command, CommandContext, Commands, Notice, Reply, parse_command
from bot.config import Settings
from bot.render import SORRY

__all__ = ["ChatService"]

log = logging.getLogger(__name__)


class ChatService:
    """What a front end may ask of the core. Adapters hold this and the settings, nothing else."""

    def __init__(self, commands: Commands) -> None:
        self._commands = commands

    @property
    def settings(self) -> Settings:
        return self._commands.settings

    @staticmethod
    def parse(text: str) -> Command:
        """A user's free text as a command (anything unrecognised is a question)."""
        return parse_command(text)

    async def handle(self, text: str, context: CommandContext) -> Reply:
        """Parse and run a user's free text."""
        return await self.run(parse_command(text), context)

    async def run(self, command: Command, context: CommandContext) -> Reply:
        """Run ``command`` off the event loop; a failure becomes the one apology."""
        try:
            return await asyncio.to_thread(self._commands.run, command, context)
        except Exception:
            log.exception("%s failed in %s", command.name, context.channel)
            return Notice.refusal(SORRY)
