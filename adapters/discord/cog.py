"""The news commands: mentions, DMs and ``/news …``, all fed to the one core grammar."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.delivery import follow_up, reply_to
from adapters.discord.events import (
    PLATFORM,
    interaction_context,
    mention_text,
    message_context,
)
from adapters.discord.render import NO_MENTIONS, Outgoing, render_reply
from bot.commands import Command, CommandName
from bot.render import SORRY

if TYPE_CHECKING:
    from adapters.discord.client import NewsBot

__all__ = ["NewsCog"]

log = logging.getLogger(__name__)

_FEED_COMMANDS = {
    "add": CommandName.FEEDS_ADD,
    "list": CommandName.FEEDS_LIST,
    "remove": CommandName.FEEDS_REMOVE,
}
_FEED_ACTIONS = [app_commands.Choice(name=action, value=action) for action in _FEED_COMMANDS]


class NewsCog(commands.Cog):
    """Answers mentions and DMs as replies, and serves the ``/news`` app commands."""

    news = app_commands.Group(
        name="news", description="Ask about the news, get digests, manage feeds."
    )

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    # -- mentions and DMs ----------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A mention in a channel or thread, or any DM: answered as a reply to that message."""
        me = self.bot.user
        if me is None:
            return
        text = mention_text(message, me.id)
        if text is None:
            return
        try:
            # Every instance on this token receives the message; the one that claims it answers.
            if not await self.bot.chat.claim(PLATFORM, "message", str(message.id)):
                return
            command = self.bot.chat.parse(text)
            # A plain question needs no roles: the admin check (and the guild cache) only
            # for commands that change something.
            context = message_context(message, self.bot.admin_role, needs_admin=command.needs_admin)
            async with message.channel.typing():
                reply = await self.bot.run_command(command, context)
            messages = render_reply(reply)
        except Exception:
            log.exception("could not prepare an answer to message %s", message.id)
            messages = [Outgoing(content=SORRY)]
        try:
            await reply_to(message, messages)
        except discord.HTTPException as exc:
            # Usually missing permissions in that channel; nobody there can be told.
            log.warning(
                "could not reply in channel %s: %s %s", message.channel.id, exc.status, exc.text
            )

    # -- /news ---------------------------------------------------------------------

    async def _run(self, interaction: discord.Interaction, command: Command) -> None:
        """Defer at once (Discord allows 3 s), run the core off the loop, then follow up."""
        if not await self.bot.chat.claim(PLATFORM, "interaction", str(interaction.id)):
            return
        context = interaction_context(interaction, self.bot.admin_role)
        # A refusal concerns only the one who asked, so it is shown to them alone.
        private = command.needs_admin and not context.is_admin
        await interaction.response.defer(thinking=True, ephemeral=private)
        reply = await self.bot.run_command(command, context)
        await follow_up(interaction, render_reply(reply), ephemeral=private)

    @news.command(
        name="ask", description="Ask about the news; I answer with quotes and numbered sources."
    )
    @app_commands.describe(question="For example: who backs Haftar?")
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        await self._run(interaction, Command.of(CommandName.ASK, question))

    @news.command(name="digest", description="The last day's stories, one item per story.")
    @app_commands.describe(topic="Only stories about this, for example: Libya")
    async def digest(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        await self._run(interaction, Command.of(CommandName.DIGEST, topic or ""))

    @news.command(name="subscribe", description="Post a digest here on a schedule (Manage Server).")
    @app_commands.describe(
        schedule=(
            "daily 08:00 [Europe/Oslo] [topic] | weekdays 07:30 [topic] | every 6 hours [topic]"
        )
    )
    async def subscribe(self, interaction: discord.Interaction, schedule: str) -> None:
        await self._run(interaction, Command.of(CommandName.SUBSCRIBE, schedule))

    @news.command(name="unsubscribe", description="Stop a scheduled digest here (Manage Server).")
    @app_commands.rename(number="id")
    @app_commands.describe(number="The digest's number from /news subscriptions")
    async def unsubscribe(
        self, interaction: discord.Interaction, number: int | None = None
    ) -> None:
        await self._run(
            interaction, Command.of(CommandName.UNSUBSCRIBE, str(number) if number else "")
        )

    @news.command(name="subscriptions", description="This channel's scheduled digests.")
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, Command(CommandName.SUBSCRIPTIONS))

    @news.command(
        name="feeds", description="List the feeds I read, or add or remove one (Manage Server)."
    )
    @app_commands.describe(action="add, list or remove", url="The feed's address (add and remove)")
    @app_commands.choices(action=_FEED_ACTIONS)
    async def feeds(
        self,
        interaction: discord.Interaction,
        action: app_commands.Choice[str],
        url: str | None = None,
    ) -> None:
        await self._run(interaction, Command.of(_FEED_COMMANDS[action.value], url or ""))

    @news.command(name="help", description="What I can do.")
    async def help(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, Command(CommandName.HELP))

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """One sentence to the user; the tree's own handler logs the detail."""
        try:
            if interaction.response.is_done():
                await interaction.followup.send(SORRY, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(
                    SORRY, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
        except discord.HTTPException as exc:
            log.warning("could not report a failed /news command: %s %s", exc.status, exc.text)
