"""Who may change a channel's feeds and schedules: workspace admins and configured users."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["AdminCheck"]

log = logging.getLogger(__name__)


class AdminCheck:
    """Answers "is this user an admin?" from the setting, else users.info (cached briefly),
    asked with the token of the user's own workspace."""

    def __init__(
        self,
        admin_user_ids: str,
        *,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.user_ids = frozenset(
            part.strip() for part in admin_user_ids.split(",") if part.strip()
        )
        self.ttl_s = ttl_s
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[bool, float]] = {}

    async def is_admin(self, user_id: str, client: AsyncWebClient, team_id: str = "") -> bool:
        """True for listed users and workspace admins or owners; False when Slack cannot say."""
        if not user_id:
            return False
        if user_id in self.user_ids:
            return True
        key = (team_id, user_id)
        cached = self._cache.get(key)
        now = self.clock()
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return False
        except Exception as exc:  # noqa: BLE001 - a network failure only means "not known to be admin"
            log.warning("users.info for %s failed: %s", user_id, exc.__class__.__name__)
            return False
        user = response.get("user") or {}
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[key] = (admin, now + self.ttl_s)
        return admin
