"""Subscription repository: which channels get which digests, on what schedule."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import Delivery, Subscription, SubscriptionNumbers

__all__ = [
    "add_subscription",
    "list_subscriptions",
    "remove_subscription",
    "remove_tenant_subscriptions",
]


def add_subscription(session: Session, subscription: Subscription) -> Subscription:
    """Store ``subscription`` under a number no subscription had before: users remove one
    by its number, and an old "unsubscribe 2" must not remove a newer digest."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite would number it one past the highest row left; PostgreSQL's sequence
        # never gives a number twice. The row's write lock serialises two subscribes.
        highest = select(func.coalesce(func.max(Subscription.id), 0)).scalar_subquery()
        number = session.scalar(
            update(SubscriptionNumbers)
            .where(SubscriptionNumbers.id == 1)
            .values(value=func.max(SubscriptionNumbers.value, highest) + 1)
            .returning(SubscriptionNumbers.value)
        )
        if number is not None:
            subscription.id = number
    session.add(subscription)
    session.flush()
    return subscription


def list_subscriptions(
    session: Session,
    platform: str | None = None,
    channel_id: str | None = None,
    *,
    tenant: str | None = None,
) -> list[Subscription]:
    """Subscriptions, optionally of one channel; with ``tenant``, that tenant's only.

    A tenant first adopts its channel's subscriptions made before tenants existed, so
    a single-team deployment keeps managing them as before.
    """
    query = select(Subscription).order_by(Subscription.id)
    if platform is not None:
        query = query.where(Subscription.platform == platform)
    if channel_id is not None:
        query = query.where(Subscription.channel_id == channel_id)
    if tenant is not None:
        if platform is not None and channel_id is not None:
            session.execute(
                update(Subscription)
                .where(
                    Subscription.platform == platform,
                    Subscription.channel_id == channel_id,
                    Subscription.tenant.is_(None),
                )
                .values(tenant=tenant)
            )
        query = query.where(Subscription.tenant == tenant)
    return list(session.scalars(query))


def remove_tenant_subscriptions(session: Session, tenant: str) -> int:
    """Remove every subscription of ``tenant`` (an uninstalled workspace); how many."""
    rows = list_subscriptions(session, tenant=tenant)
    for row in rows:
        remove_subscription(session, row.id)
    return len(rows)


def remove_subscription(session: Session, subscription_id: int) -> bool:
    found = session.get(Subscription, subscription_id)
    if found is None:
        return False
    session.execute(delete(Delivery).where(Delivery.subscription_id == subscription_id))
    session.delete(found)
    return True
