"""A workspace's own life with the app: uninstalling it or revoking its tokens, and its
App Home (help, its feeds and its scheduled digests)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.home import render_home
from bot.installs import SlackInstalls
from bot.service import ChatService
from bot.tenants import Tenant

__all__ = ["WorkspaceListeners"]

log = logging.getLogger(__name__)


class WorkspaceListeners:
    """Bolt listeners for `app_home_opened`, `app_uninstalled` and `tokens_revoked`."""

    def __init__(self, chat: ChatService, installs: SlackInstalls | None) -> None:
        self.chat = chat
        self.installs = installs

    async def on_home_opened(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """Someone opened newsbot's Home tab: show help and the workspace's feeds and digests."""
        user = event.get("user")
        if event.get("tab", "home") != "home" or not user:
            return  # the Messages tab (direct messages) needs no view
        tenant = Tenant.slack(context.team_id, context.enterprise_id)
        try:
            overview = await self.chat.overview(tenant)
            await client.views_publish(user_id=user, view=render_home(overview))
        except Exception:
            log.exception("the Home tab for %s in %s failed", user, tenant)

    async def on_uninstalled(self, context: AsyncBoltContext) -> None:
        """The workspace removed the app: its tokens, digests and live posts go."""
        await self._forget(context)

    async def on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        """A revoked bot token leaves the app unable to post there: as an uninstall. No user
        tokens are kept, so a revoked user token changes nothing."""
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            await self._forget(context)

    async def _forget(self, context: AsyncBoltContext) -> None:
        team_id, enterprise_id = context.team_id, context.enterprise_id
        if self.installs is not None:
            installs = self.installs
            removed = await asyncio.to_thread(installs.delete, enterprise_id, team_id)
            if not removed and team_id is not None:
                # An organisation-wide install answers for its workspaces' events.
                await asyncio.to_thread(installs.delete, enterprise_id, None)
        tenant = Tenant.slack(team_id, enterprise_id)
        if tenant.id:
            await self.chat.forget(tenant)
