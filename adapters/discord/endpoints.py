"""Which Discord the bot talks to: Discord itself, or a Discord-compatible server (and tests)."""

from __future__ import annotations

import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Settings

__all__ = ["DISCORD_API_URL", "DISCORD_GATEWAY_URL", "log_in"]

log = logging.getLogger(__name__)

DISCORD_API_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


async def log_in(
    client: discord.Client, settings: Settings, token: str, *, find_gateway: bool = True
) -> None:
    """Point discord.py at ``settings``' Discord, then log ``client`` in with ``token``.

    discord.py has no per-client option for either address, so this sets the two class
    attributes it reads (process-wide, like discord.py's own ``_set_api_version``):

    - ``Route.BASE``: every REST request (webhooks and interaction callbacks included)
      is built from it when the request is made, so it must be set before ``login``.
    - ``DiscordWebSocket.DEFAULT_GATEWAY``: where ``Client.connect`` opens the gateway
      (a plain ``Client`` only asks ``GET /gateway/bot`` when sharded). After READY,
      resumes use the ``resume_gateway_url`` the server gave, as they should.

    With a custom API URL and no gateway URL, the gateway is the one that server's
    ``GET /gateway/bot`` names. Unset settings put both back to Discord's own.
    """
    api_url = (settings.discord_api_url or DISCORD_API_URL).rstrip("/")
    Route.BASE = api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url or DISCORD_GATEWAY_URL)
    await client.login(token)
    if find_gateway and settings.discord_api_url and not settings.discord_gateway_url:
        # (shards, url, ...): older discord.py returned the url with its own query attached.
        gateway_url = (await client.http.get_bot_gateway())[1]
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url).with_query(None)
    log.info("Discord REST at %s, gateway at %s", api_url, DiscordWebSocket.DEFAULT_GATEWAY)
