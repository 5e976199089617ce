"""The Discord front end (discord.py): mentions, DMs and ``/news`` app commands.

``newsbot run`` starts it beside the other front ends::

    await DiscordFrontEnd(core).run()  # until cancelled; also the scheduler's ChatSink
"""

from __future__ import annotations

from adapters.discord.client import NewsBot, bot_intents
from adapters.discord.cog import NewsCog
from adapters.discord.endpoints import log_in
from adapters.discord.front_end import DiscordError, DiscordFrontEnd, bot_token, sync_commands
from adapters.discord.render import render_reply

__all__ = [
    "DiscordFrontEnd",
    "DiscordError",
    "NewsBot",
    "NewsCog",
    "bot_intents",
    "bot_token",
    "log_in",
    "render_reply",
    "sync_commands",
]
