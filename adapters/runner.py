"""`newsbot run`: every configured front end, the scheduler, one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from adapters.health import Connected, HealthEndpoints, HealthPortError
from bot.app import Core
from bot.claims import instance_name
from bot.config import Settings
from bot.demo_news import remove_demo_news
from bot.errors import NewsbotError
from bot.health import ready_line
from bot.live import LivePoster
from bot.schedule.runner import DigestScheduler
from bot.schedule.sink import ChatSink
from bot.types import ChannelRef, Digest

__all__ = ["arrived", "chat_front_ends", "run_bot", "send_now"]

log = logging.getLogger(__name__)

# /healthz and /metrics on HEALTH_PORT listen on every interface, like Slack's HTTP port:
# in a container the health check and Prometheus reach it from outside the process.
HEALTH_HOST = "0.0.0.0"


def chat_front_ends(settings: Settings) -> list[str]:
    """The chat platforms `newsbot run` serves with these settings; none means the console."""
    platforms = []
    if settings.slack_enabled:
        platforms.append("Slack")
    if settings.discord_token is not None:
        platforms.append("Discord")
    return platforms


async def run_bot(core: Core) -> None:
    """Run Slack and/or Discord when configured, else the console, until stopped."""
    from adapters.console import ConsoleFrontEnd

    settings = core.settings
    # Before any front end listens: 50 questions in the first second must not each wait
    # for the language model to load.
    await asyncio.to_thread(core.warm_up)
    tasks: list[asyncio.Task[None]] = []
    sinks: list[ChatSink] = []
    # Each front end's "connected" check for /healthz, and what says it is ready.
    connected: dict[str, Connected] = {}
    ready: list[asyncio.Event] = []
    slack = None
    if settings.slack_enabled:
        from adapters.slack import SlackFrontEnd

        # Refuses to start without SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, in one sentence.
        slack = SlackFrontEnd(core.chat, settings)
        sinks.append(slack)
        connected["slack"] = slack.connected
        ready.append(slack.ready)
        tasks.append(asyncio.create_task(slack.run(), name="slack"))
    if settings.discord_token is not None:
        from adapters.discord import DiscordFrontEnd

        discord_front = DiscordFrontEnd(core.chat, settings)
        sinks.append(discord_front)
        connected["discord"] = discord_front.connected
        ready.append(discord_front.ready)
        tasks.append(asyncio.create_task(discord_front.run(), name="discord"))
    console = None
    if not tasks:
        console = ConsoleFrontEnd(core.chat)
        sinks.append(console)
        connected["console"] = _always
        tasks.append(asyncio.create_task(console.run(), name="console"))
    instance = core.instance or instance_name()
    live = LivePoster(core.db, sinks, burst=settings.live_burst, instance=instance)
    scheduler = DigestScheduler(
        settings,
        core.db,
        core.digests,
        core.ingestor,
        sinks,
        after_new_articles=lambda: arrived(core),
        after_poll=live.after_poll,
        instance=instance,
        metrics=core.metrics,
    )
    health = HealthEndpoints(core, lambda: scheduler.running, connected)
    endpoints: list[str] = []
    if slack is not None and not slack.socket_mode:
        slack.extra_routes.append(health.add_to)
        endpoints.append(f"port {settings.port} (PORT)")
    health_runner = None
    slack_serves_it = bool(endpoints) and settings.health_port == settings.port
    if settings.health_port is not None and not slack_serves_it:
        try:
            health_runner = await health.start(HEALTH_HOST, settings.health_port)
        except HealthPortError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        assert health.address is not None
        endpoints.insert(0, f"port {health.address[1]} (HEALTH_PORT)")
    scheduler.start()
    core.commands.on_change.append(scheduler.changed)
    announce = asyncio.create_task(_announce_ready(core, list(connected), ready, endpoints))
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
        announce.cancel()
        core.commands.on_change.remove(scheduler.changed)
        scheduler.shutdown()
        for task in tasks:
            task.cancel()
        await asyncio.gather(announce, *tasks, return_exceptions=True)
        if health_runner is not None:
            await health_runner.cleanup()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)


async def _always() -> bool:
    return True


def arrived(core: Core) -> None:
    """After a poll stored news: the invented demo stories (loaded for a console on an
    empty database) go, so they never sit beside real news; new sentences are embedded."""
    remove_demo_news(core.db)
    core.embed_backlog()


async def _announce_ready(
    core: Core, front_ends: list[str], ready: list[asyncio.Event], endpoints: list[str]
) -> None:
    """One INFO line once every front end is up: what runs, on which database, how much news."""
    for event in ready:
        await event.wait()
    line = await asyncio.to_thread(
        ready_line, front_ends, core.db, core.settings.database_url, endpoints
    )
    log.info("%s", line)


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
