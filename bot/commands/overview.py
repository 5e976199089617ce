"""A tenant at a glance (its feeds, live channels and scheduled digests), and forgetting one.

A front end shows the overview where the platform has a page of its own for the bot
(Slack's App Home); an uninstalled workspace is forgotten: its digests and live posts stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.schedule.spec import ScheduleSpec
from bot.tenants import Tenant
from storage import (
    Database,
    count_operator_feeds,
    list_feeds,
    list_subscriptions,
    remove_tenant_live_feeds,
    remove_tenant_subscriptions,
    tenant_live_feeds,
)

__all__ = [
    "DigestLine",
    "FeedLine",
    "Forgotten",
    "TenantOverview",
    "forget_tenant",
    "tenant_overview",
]


@dataclass(frozen=True)
class FeedLine:
    """One of the tenant's feeds; ``live_in`` are the channels its items are posted into."""

    url: str
    title: str = ""
    last_error: str | None = None
    live_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestLine:
    """One scheduled digest: its number, channel and schedule in words."""

    id: int
    channel_id: str
    schedule: str
    topic: str | None = None


@dataclass(frozen=True)
class TenantOverview:
    tenant: Tenant
    feeds: list[FeedLine] = field(default_factory=list)
    digests: list[DigestLine] = field(default_factory=list)
    # Operator sources, read for every tenant.
    shared_feeds: int = 0


def tenant_overview(db: Database, tenant: Tenant) -> TenantOverview:
    """What ``tenant`` reads and where its digests and live posts go."""
    with db.session() as session:
        feeds = list_feeds(session, tenant.key)
        live: dict[int, list[str]] = {}
        for row in tenant_live_feeds(session, tenant.key):
            live.setdefault(row.feed_id, []).append(row.channel_id)
        digests = [
            DigestLine(row.id, row.channel_id, ScheduleSpec.of(row).describe(), row.topic)
            for row in list_subscriptions(session, tenant=tenant.key)
        ]
        shared = count_operator_feeds(session)
        lines = [
            FeedLine(feed.url, feed.title, feed.last_error, tuple(live.get(feed.id, ())))
            for feed in feeds
        ]
    return TenantOverview(tenant, lines, digests, shared)


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a tenant stopped."""

    digests: int
    live_feeds: int


def forget_tenant(db: Database, tenant: Tenant) -> Forgotten:
    """Stop ``tenant``'s scheduled digests and live posts (its app was uninstalled). Its
    feed list is kept, so installing again finds it; other tenants are not touched."""
    with db.session() as session:
        digests = remove_tenant_subscriptions(session, tenant.key)
        live = remove_tenant_live_feeds(session, tenant.key)
    return Forgotten(digests, live)
