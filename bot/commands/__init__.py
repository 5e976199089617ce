"""Commands: the one typed grammar every front end feeds, and the handlers that run it."""

from bot.commands.feeds import vet_feed_url
from bot.commands.grammar import (
    HELP,
    Command,
    CommandContext,
    CommandName,
    Notice,
    Reply,
    parse_command,
)
from bot.commands.handlers import Commands

__all__ = [
    "HELP",
    "Command",
    "CommandContext",
    "CommandName",
    "Commands",
    "Notice",
    "Reply",
    "parse_command",
    "vet_feed_url",
]
