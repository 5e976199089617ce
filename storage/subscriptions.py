"""Subscription and delivery repository. Claiming a delivery is what makes posting exactly-once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Delivery, Subscription, utcnow

__all__ = [
    "add_subscription",
    "list_subscriptions",
    "remove_subscription",
    "claim_delivery",
    "finish_delivery",
    "last_covered_until",
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


def claim_delivery(
    session_factory,  # type: ignore[no-untyped-def]
    subscription_id: int,
    period: datetime,
    instance: str,
    now: datetime | None = None,
) -> int | None:
    """Claim (subscription, period) in its own transaction; None when another already has it.

    The unique constraint decides between instances racing for the same period.
    """
    with session_factory() as session:
        try:
            with session.begin():
                delivery = Delivery(
                    subscription_id=subscription_id,
                    period=period,
                    status="claimed",
                    claimed_by=instance,
                    claimed_at=now or utcnow(),
                )
                session.add(delivery)
                session.flush()
                return int(delivery.id)
        except IntegrityError:
            return None


def finish_delivery(
    session: Session,
    delivery_id: int,
    status: str,
    *,
    message_id: str | None = None,
    covered_until: datetime | None = None,
    error: str | None = None,
) -> None:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return
    delivery.status = status
    delivery.message_id = message_id
    delivery.covered_until = covered_until
    delivery.error = error
    if status == "sent":
        delivery.sent_at = utcnow()


def last_covered_until(session: Session, subscription_id: int) -> datetime | None:
    """Where the channel's last sent digest stopped: the next one starts there."""
    return session.scalar(
        select(func.max(Delivery.covered_until)).where(
            Delivery.subscription_id == subscription_id, Delivery.status.in_(("sent", "empty"))
        )
    )
