"""Discord's part of `newsbot doctor`: the token (`/users/@me`), `/news`, each channel."""

from __future__ import annotations

from typing import Any

import httpx

from adapters.discord.endpoints import DISCORD_API_URL
from adapters.discord.front_end import bot_token
from bot.config import Settings
from bot.doctor import Check, Status
from bot.types import ChannelRef

__all__ = ["discord_checks"]


async def discord_checks(settings: Settings, channels: list[ChannelRef]) -> list[Check]:
    api = (settings.discord_api_url or DISCORD_API_URL).rstrip("/") + "/"
    headers = {"Authorization": f"Bot {bot_token(settings)}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=10.0) as http:
        try:
            me = await http.get("users/@me")
        except httpx.HTTPError as exc:
            return [
                Check(
                    "Discord",
                    Status.FAIL,
                    f"cannot reach {api} ({exc.__class__.__name__})",
                    "check the network and DISCORD_API_URL",
                )
            ]
        if me.status_code == 401:
            return [
                Check(
                    "Discord",
                    Status.FAIL,
                    "Discord refused DISCORD_TOKEN (401)",
                    "copy the bot token from the Developer Portal's Bot page (Reset Token)",
                )
            ]
        if me.status_code != 200:
            return [Check("Discord", Status.FAIL, f"/users/@me answered HTTP {me.status_code}")]
        user: dict[str, Any] = me.json()
        checks = [Check("Discord", Status.OK, f"logged in as {user.get('username')}")]
        checks.append(await _commands(http))
        for channel in channels:
            checks.append(await _channel(http, channel))
    return checks


async def _commands(http: httpx.AsyncClient) -> Check:
    name = "Discord /news"
    try:
        application = (await http.get("oauth2/applications/@me")).json()
        listed = await http.get(f"applications/{application['id']}/commands")
        names = [command.get("name") for command in listed.json()]
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return Check(name, Status.WARN, f"cannot list the commands ({exc.__class__.__name__})")
    if "news" in names:
        return Check(name, Status.OK, "registered")
    return Check(
        name,
        Status.WARN,
        "not registered globally, so /news is missing in servers",
        "run `newsbot discord sync` (or `--guild ID` to try it in one server first)",
    )


async def _channel(http: httpx.AsyncClient, channel: ChannelRef) -> Check:
    name = f"subscription {channel}"
    try:
        response = await http.get(f"channels/{channel.thread_id or channel.channel_id}")
    except httpx.HTTPError as exc:
        return Check(name, Status.FAIL, f"cannot check ({exc.__class__.__name__})")
    if response.status_code == 200:
        label = response.json().get("name") or channel.channel_id
        return Check(name, Status.OK, f"#{label} reachable")
    if response.status_code == 403:
        return Check(
            name,
            Status.FAIL,
            "the bot has no access to this channel",
            "give it View Channel and Send Messages there, or unsubscribe",
        )
    if response.status_code == 404:
        return Check(name, Status.FAIL, "the channel no longer exists", "unsubscribe it")
    return Check(name, Status.FAIL, f"the channel answered HTTP {response.status_code}")
