"""Slack OAuth installations (one row per workspace or organisation) and install states.

An installation is found by the app's client id and the workspace (team) or, for an
organisation-wide install, the organisation (enterprise). Installing again replaces the
row: the newest token is the one Slack honours.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import OAuthState, SlackInstallation, utcnow

__all__ = [
    "consume_oauth_state",
    "delete_slack_installations",
    "find_slack_installation",
    "find_tenant_installation",
    "issue_oauth_state",
    "list_slack_installations",
    "save_slack_installation",
]


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _owner(
    client_id: str, enterprise_id: str | None, team_id: str | None
) -> list[ColumnElement[bool]]:
    return [
        SlackInstallation.client_id == client_id,
        _same(SlackInstallation.enterprise_id, enterprise_id),
        _same(SlackInstallation.team_id, team_id),
    ]


def save_slack_installation(session: Session, row: SlackInstallation) -> None:
    """Store ``row``, replacing the earlier installation of the same workspace."""
    owner = _owner(row.client_id, row.enterprise_id, row.team_id)
    session.execute(delete(SlackInstallation).where(*owner))
    session.add(row)
    session.flush()


def find_slack_installation(
    session: Session, client_id: str, enterprise_id: str | None, team_id: str | None
) -> SlackInstallation | None:
    """The installation for a workspace (``team_id``) or an organisation (``team_id`` None)."""
    query = (
        select(SlackInstallation)
        .where(*_owner(client_id, enterprise_id, team_id))
        .order_by(SlackInstallation.installed_at.desc(), SlackInstallation.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def find_tenant_installation(
    session: Session, client_id: str, tenant_id: str
) -> SlackInstallation | None:
    """The installation a tenant id stands for: a workspace's team id, else the id of an
    organisation installed as a whole."""
    query = (
        select(SlackInstallation)
        .where(SlackInstallation.client_id == client_id)
        .where(
            (SlackInstallation.team_id == tenant_id)
            | (SlackInstallation.team_id.is_(None) & (SlackInstallation.enterprise_id == tenant_id))
        )
        .order_by(SlackInstallation.installed_at.desc(), SlackInstallation.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def list_slack_installations(session: Session, client_id: str) -> list[SlackInstallation]:
    """Every workspace (and organisation) that installed the app, oldest first."""
    query = (
        select(SlackInstallation)
        .where(SlackInstallation.client_id == client_id)
        .order_by(SlackInstallation.installed_at, SlackInstallation.id)
    )
    return list(session.scalars(query))


def delete_slack_installations(
    session: Session, client_id: str, enterprise_id: str | None, team_id: str | None
) -> int:
    """Forget a workspace's (or organisation's) installation and its tokens; how many rows."""
    removed = session.execute(
        delete(SlackInstallation).where(*_owner(client_id, enterprise_id, team_id))
    )
    return int(getattr(removed, "rowcount", 0) or 0)


def issue_oauth_state(session: Session, state: str, expires_at: datetime) -> None:
    """Remember ``state`` until ``expires_at``; states already expired are cleared out."""
    session.execute(delete(OAuthState).where(OAuthState.expires_at < utcnow()))
    session.add(OAuthState(state=state, expires_at=expires_at))


def consume_oauth_state(session: Session, state: str, now: datetime | None = None) -> bool:
    """True once for a state that was issued and has not expired; it is gone afterwards."""
    removed = session.execute(
        delete(OAuthState).where(
            OAuthState.state == state, OAuthState.expires_at >= (now or utcnow())
        )
    )
    found = bool(getattr(removed, "rowcount", 0))
    # An expired one is removed too (the delete above left it).
    session.execute(delete(OAuthState).where(OAuthState.state == state))
    return found
