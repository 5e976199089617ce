"""Slack workspaces installed by OAuth, kept in the bot's own database (synchronous: front
ends call it off their event loop). The rows hold bot tokens: never log them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.tenants import Tenant
from storage import (
    Database,
    SlackInstallation,
    consume_oauth_state,
    delete_slack_installations,
    find_slack_installation,
    find_tenant_installation,
    issue_oauth_state,
    list_slack_installations,
    save_slack_installation,
)

__all__ = ["SlackInstalls", "SlackInstallation"]


class SlackInstalls:
    """The installations of one Slack app (its client id) and its install flow's states."""

    def __init__(self, db: Database, client_id: str) -> None:
        self.db = db
        self.client_id = client_id

    def save(self, row: SlackInstallation) -> None:
        row.client_id = self.client_id
        with self.db.session() as session:
            save_slack_installation(session, row)

    def find(self, enterprise_id: str | None, team_id: str | None) -> SlackInstallation | None:
        with self.db.session() as session:
            return find_slack_installation(session, self.client_id, enterprise_id, team_id)

    def for_tenant(self, tenant: Tenant) -> SlackInstallation | None:
        """The installation that serves ``tenant`` (a workspace), if it is installed."""
        if tenant.platform != "slack" or not tenant.id:
            return None
        with self.db.session() as session:
            return find_tenant_installation(session, self.client_id, tenant.id)

    def all(self) -> list[SlackInstallation]:
        """Every workspace that installed the app."""
        with self.db.session() as session:
            return list_slack_installations(session, self.client_id)

    def delete(self, enterprise_id: str | None, team_id: str | None) -> int:
        with self.db.session() as session:
            return delete_slack_installations(session, self.client_id, enterprise_id, team_id)

    def issue_state(self, state: str, ttl: timedelta) -> None:
        with self.db.session() as session:
            issue_oauth_state(session, state, datetime.now(UTC) + ttl)

    def consume_state(self, state: str) -> bool:
        with self.db.session() as session:
            return consume_oauth_state(session, state)
