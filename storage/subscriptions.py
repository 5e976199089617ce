"""Subscription repository: which channels get which digests, on what schedule."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import Delivery, Subscription

__all__ = [
    "add_subscription",
    "list_subscriptions",
    "remove_subscription",
]


def add_subscription(session: Session, subscription: Subscription) -> Subscription:
    session.add(subscription)
    session.flush()
    return subscription


def list_subscriptions(
    session: Session, platform: str | None = None, channel_id: str | None = None
) -> list[Subscription]:
    query = select(Subscription).order_by(Subscription.id)
    if platform is not None:
        query = query.where(Subscription.platform == platform)
    if channel_id is not None:
        query = query.where(Subscription.channel_id == channel_id)
    return list(session.scalars(query))


def remove_subscription(session: Session, subscription_id: int) -> bool:
    found = session.get(Subscription, subscription_id)
    if found is None:
        return False
    session.execute(delete(Delivery).where(Delivery.subscription_id == subscription_id))
    session.delete(found)
    return True
