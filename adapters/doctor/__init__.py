"""`newsbot doctor`: the core's checks, then each configured chat platform's, in one report."""

from __future__ import annotations

import asyncio

from adapters.doctor.discord import discord_checks
from adapters.doctor.slack import slack_checks, slack_install_checks
from bot.app import Core
from bot.doctor import Check, Status, core_checks
from bot.types import ChannelRef
from storage import list_subscriptions

__all__ = ["Check", "Status", "run_doctor"]


async def run_doctor(core: Core) -> list[Check]:
    """Every check that applies to these settings, in a stable order."""
    settings = core.settings
    checks = await asyncio.to_thread(core_checks, settings, core.db)
    with core.db.session() as session:
        channels = {
            ChannelRef(sub.platform, sub.channel_id, sub.thread_id)
            for sub in list_subscriptions(session)
        }
    ordered = sorted(channels, key=str)
    if settings.slack_oauth:
        assert settings.slack_client_id is not None
        installs = await asyncio.to_thread(core.chat.slack_installs(settings.slack_client_id).all)
        checks.extend(await slack_install_checks(settings, installs))
    elif settings.slack_bot_token is not None:
        checks.extend(await slack_checks(settings, [c for c in ordered if c.platform == "slack"]))
    if settings.discord_token is not None:
        discord = [c for c in ordered if c.platform == "discord"]
        checks.extend(await discord_checks(settings, discord))
    for channel in ordered:
        configured = {
            "slack": settings.slack_enabled,
            "discord": settings.discord_token is not None,
        }
        if channel.platform in configured and not configured[channel.platform]:
            checks.append(
                Check(
                    f"subscription {channel}",
                    Status.FAIL,
                    f"{channel.platform.capitalize()} is not configured, so its digests cannot "
                    "be posted",
                    f"set the {channel.platform.capitalize()} tokens, or unsubscribe there",
                )
            )
    return checks
