"""slack-bolt's installation and OAuth state stores, kept in newsbot's own database.

Bolt's OAuth flow saves an installation here when a workspace installs the app, and its
authorize step finds the workspace's bot token here for every request. The database work
runs in a thread (the core is synchronous); tokens are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import UTC, datetime, timedelta
from logging import Logger

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.installs import SlackInstallation, SlackInstalls

__all__ = ["DatabaseInstallationStore", "DatabaseStateStore"]

log = logging.getLogger(__name__)


def _when(timestamp: float | int | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


def _row(installation: Installation) -> SlackInstallation:
    return SlackInstallation(
        app_id=installation.app_id,
        enterprise_id=installation.enterprise_id,
        enterprise_name=installation.enterprise_name,
        team_id=installation.team_id,
        team_name=installation.team_name,
        is_enterprise_install=bool(installation.is_enterprise_install),
        bot_token=installation.bot_token,
        bot_id=installation.bot_id,
        bot_user_id=installation.bot_user_id,
        bot_scopes=",".join(installation.bot_scopes or []),
        bot_refresh_token=installation.bot_refresh_token,
        bot_token_expires_at=_when(installation.bot_token_expires_at),
        installer_user_id=installation.user_id,
        installed_at=_when(installation.installed_at) or datetime.now(UTC),
    )


def _installation(row: SlackInstallation) -> Installation:
    expires = row.bot_token_expires_at
    return Installation(
        app_id=row.app_id,
        enterprise_id=row.enterprise_id,
        enterprise_name=row.enterprise_name,
        team_id=row.team_id,
        team_name=row.team_name,
        bot_token=row.bot_token,
        bot_id=row.bot_id,
        bot_user_id=row.bot_user_id,
        bot_scopes=row.bot_scopes,
        bot_refresh_token=row.bot_refresh_token,
        bot_token_expires_at=int(expires.timestamp()) if expires is not None else None,
        user_id=row.installer_user_id or "",
        is_enterprise_install=row.is_enterprise_install,
        installed_at=row.installed_at.timestamp(),
    )


class DatabaseInstallationStore(AsyncInstallationStore):
    """Bot installations, one per workspace (or organisation); installing again replaces it."""

    def __init__(self, installs: SlackInstalls, logger: Logger | None = None) -> None:
        self.installs = installs
        self._logger = logger or log

    @property
    def logger(self) -> Logger:
        return self._logger

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.installs.save, _row(installation))
        self._logger.info(
            "Slack workspace %s installed newsbot",
            installation.team_id or installation.enterprise_id,
        )

    async def async_save_bot(self, bot: Bot) -> None:
        # A rotated bot token: keep who installed it.
        found = await asyncio.to_thread(
            self.installs.find,
            bot.enterprise_id,
            None if bot.is_enterprise_install else bot.team_id,
        )
        installation = Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            enterprise_name=bot.enterprise_name,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at,
            user_id=(found.installer_user_id or "") if found is not None else "",
            is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at,
        )
        await asyncio.to_thread(self.installs.save, _row(installation))

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = await asyncio.to_thread(
            self.installs.find, enterprise_id, None if is_enterprise_install else team_id
        )
        if row is None or not row.bot_token:
            return None
        # Only the installer's own installation is kept (newsbot asks for no user tokens).
        if user_id is not None and user_id != row.installer_user_id:
            return None
        return _installation(row)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await self.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return found.to_bot() if found is not None else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        # No user tokens are kept: a user's revoked token leaves the bot's installation be.
        if user_id is None:
            await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        removed = await asyncio.to_thread(self.installs.delete, enterprise_id, team_id)
        if removed == 0 and team_id is not None:
            # An organisation-wide install answers for its workspaces' events.
            removed = await asyncio.to_thread(self.installs.delete, enterprise_id, None)
        self._logger.info(
            "Slack workspace %s: %d installation(s) removed", team_id or enterprise_id, removed
        )


class DatabaseStateStore(AsyncOAuthStateStore):
    """The `state` of each install begun at /slack/install: issued once, consumed once."""

    def __init__(
        self, installs: SlackInstalls, expiration_seconds: int, logger: Logger | None = None
    ) -> None:
        self.installs = installs
        self.ttl = timedelta(seconds=expiration_seconds)
        self._logger = logger or log

    @property
    def logger(self) -> Logger:
        return self._logger

    async def async_issue(self, *args: object, **kwargs: object) -> str:
        state = secrets.token_urlsafe(24)
        await asyncio.to_thread(self.installs.issue_state, state, self.ttl)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state:
            return False
        return await asyncio.to_thread(self.installs.consume_state, state)
