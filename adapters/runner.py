"""`newsbot run`: every configured front end, the scheduler, one event loop."""

from __future__ import annotations

import asyncio
import logging

from bot.app import Core
from bot.errors import NewsbotError
from bot.schedule.runner import DigestScheduler
from bot.schedule.sink import ChatSink

__all__ = ["run_bot"]

log = logging.getLogger(__name__)


async def run_bot(core: Core) -> None:
    """Run Slack and/or Discord when configured, else the console, until stopped."""
    from adapters.console import ConsoleFrontEnd

    settings = core.settings
    tasks: list[asyncio.Task[None]] = []
    sinks: list[ChatSink] = []
    slack_ready = settings.slack_bot_token is not None and (
        settings.slack_app_token is not None or settings.slack_signing_secret is not None
    )
    if settings.slack_bot_token is not None and not slack_ready:
        raise NewsbotError(
            "SLACK_BOT_TOKEN is set, but Slack also needs SLACK_APP_TOKEN (Socket Mode) "
            "or SLACK_SIGNING_SECRET (HTTP mode)."
        )
    if slack_ready:
        from adapters.slack import SlackFrontEnd

        slack = SlackFrontEnd(core)
        sinks.append(slack)
        tasks.append(asyncio.create_task(slack.run(), name="slack"))
    if settings.discord_token is not None:
        from adapters.discord import DiscordFrontEnd

        discord_front = DiscordFrontEnd(core)
        sinks.append(discord_front)
        tasks.append(asyncio.create_task(discord_front.run(), name="discord"))
    console = None
    if not tasks:
        console = ConsoleFrontEnd(core.commands)
        sinks.append(console)
        tasks.append(asyncio.create_task(console.run(), name="console"))
    scheduler = DigestScheduler(core, sinks)
    scheduler.start()
    try:
        if console is not None:
            # The console ends the bot when its input ends.
            await tasks[0]
        else:
            await asyncio.gather(*tasks)
    finally:
        scheduler.shutdown()
        for task in tasks:
            task.cancel()
