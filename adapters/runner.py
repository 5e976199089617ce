"""`newsbot run`: every configured front end, the scheduler, one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid

from bot.app import Core
from bot.errors import NewsbotError
from bot.live import LivePoster
from bot.schedule.runner import DigestScheduler
from bot.schedule.sink import ChatSink
from bot.types import ChannelRef, Digest

__all__ = ["run_bot", "send_now"]

log = logging.getLogger(__name__)


async def run_bot(core: Core) -> None:
    """Run Slack and/or Discord when configured, else the console, until stopped."""
    from adapters.console import ConsoleFrontEnd

    settings = core.settings
    # Before any front end listens: 50 questions in the first second must not each wait
    # for the language model to load.
    await asyncio.to_thread(core.warm_up)
    tasks: list[asyncio.Task[None]] = []
    sinks: list[ChatSink] = []
    if settings.slack_bot_token is not None:
        from adapters.slack import SlackFrontEnd

        # Refuses to start without SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, in one sentence.
        slack = SlackFrontEnd(core.chat, settings)
        sinks.append(slack)
        tasks.append(asyncio.create_task(slack.run(), name="slack"))
    if settings.discord_token is not None:
        from adapters.discord import DiscordFrontEnd

        discord_front = DiscordFrontEnd(core.chat, settings)
        sinks.append(discord_front)
        tasks.append(asyncio.create_task(discord_front.run(), name="discord"))
    console = None
    if not tasks:
        console = ConsoleFrontEnd(core.chat)
        sinks.append(console)
        tasks.append(asyncio.create_task(console.run(), name="console"))
    instance = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    live = LivePoster(core.db, sinks, burst=settings.live_burst, instance=instance)
    scheduler = DigestScheduler(
        settings,
        core.db,
        core.digests,
        core.ingestor,
        sinks,
        after_new_articles=core.embed_backlog,
        after_poll=live.after_poll,
        instance=instance,
    )
    scheduler.start()
    core.commands.on_change.append(scheduler.changed)
    # `kill` (SIGTERM) stops the bot as Ctrl-C does: front ends close their connections.
    current = asyncio.current_task()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        if current is not None:
            loop.add_signal_handler(signal.SIGTERM, current.cancel)
    try:
        if console is not None:
            # The console ends the bot when its input ends.
            await tasks[0]
        else:
            await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        log.info("stopping")
    finally:
        core.commands.on_change.remove(scheduler.changed)
        scheduler.shutdown()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)


async def send_now(core: Core, channel: ChannelRef, digest: Digest) -> str | None:
    """Post one digest to ``channel`` outside the schedule (`newsbot digest --channel --now`)."""
    if channel.platform == "console":
        from adapters.console import ConsoleFrontEnd

        return await ConsoleFrontEnd(core.chat).post_digest(channel, digest)
    if channel.platform == "slack":
        from adapters.slack import SlackFrontEnd

        # The Web API needs no running listener.
        return await SlackFrontEnd(core.chat, core.settings).post_digest(channel, digest)
    if channel.platform == "discord":
        from adapters.discord import DiscordFrontEnd

        # Discord posts through a logged-in client: connect, post, disconnect.
        front = DiscordFrontEnd(core.chat, core.settings)
        running = asyncio.create_task(front.run(), name="discord-once")
        try:
            return await front.post_digest(channel, digest)
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await running
    raise NewsbotError(f"unknown platform {channel.platform!r}: use console, slack or discord")
