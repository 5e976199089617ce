"""Delivery bookkeeping: a digest period is claimed before it is posted, so it posts once.

The unique (subscription, period) constraint decides between instances racing for the
same period; a claim a crash left behind is taken over atomically by one instance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Delivery, LivePost, utcnow

__all__ = [
    "DeliveryStatus",
    "SessionFactory",
    "claim_delivery",
    "finish_delivery",
    "has_delivery",
    "insert_claim",
    "last_covered_until",
    "stale_claims",
    "take_over_claim",
]

SessionFactory = Callable[[], Session]


class DeliveryStatus(StrEnum):
    """Where one (subscription, period) stands."""

    CLAIMED = "claimed"  # an instance is posting it (or crashed while posting)
    SENT = "sent"
    EMPTY = "empty"  # nothing to post; the window still moves on
    FAILED = "failed"  # the post failed; retried while within the grace window
    SKIPPED = "skipped"  # too late to post


# A digest window moves on after these: the next digest starts where they stopped.
_COVERING = (DeliveryStatus.SENT, DeliveryStatus.EMPTY)
_RETRYABLE = (DeliveryStatus.CLAIMED, DeliveryStatus.FAILED)


def claim_delivery(
    sessions: SessionFactory,
    subscription_id: int,
    period: datetime,
    instance: str,
    now: datetime | None = None,
) -> int | None:
    """Claim (subscription, period) in its own transaction; None when another already has it."""
    return insert_claim(
        sessions,
        Delivery(
            subscription_id=subscription_id,
            period=period,
            status=DeliveryStatus.CLAIMED,
            claimed_by=instance,
            claimed_at=now or utcnow(),
        ),
    )


def insert_claim(sessions: SessionFactory, row: Delivery | LivePost) -> int | None:
    """Insert a claim row in its own transaction: its id, or None when a unique constraint
    says another instance (or an earlier run) claimed the same thing first."""
    with sessions() as session:
        try:
            with session.begin():
                session.add(row)
                session.flush()
                return int(row.id)
        except IntegrityError:
            return None


def finish_delivery(
    session: Session,
    delivery_id: int,
    status: DeliveryStatus,
    *,
    message_id: str | None = None,
    covered_until: datetime | None = None,
    error: str | None = None,
) -> None:
    """Record how a claimed delivery ended."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return
    delivery.status = status
    delivery.message_id = message_id
    delivery.covered_until = covered_until
    delivery.error = error
    if status == DeliveryStatus.SENT:
        delivery.sent_at = utcnow()


def last_covered_until(session: Session, subscription_id: int) -> datetime | None:
    """Where the channel's last digest stopped: the next one starts there."""
    return session.scalar(
        select(func.max(Delivery.covered_until)).where(
            Delivery.subscription_id == subscription_id, Delivery.status.in_(_COVERING)
        )
    )


def has_delivery(session: Session, subscription_id: int, period: datetime) -> bool:
    """Whether (subscription, period) was ever claimed, whatever came of it."""
    found = session.scalar(
        select(Delivery.id).where(
            Delivery.subscription_id == subscription_id, Delivery.period == period
        )
    )
    return found is not None


def stale_claims(session: Session, claimed_before: datetime) -> list[Delivery]:
    """Claims left unfinished (or failed) since before ``claimed_before``: worth a retry."""
    return list(
        session.scalars(
            select(Delivery).where(
                Delivery.status.in_(_RETRYABLE), Delivery.claimed_at <= claimed_before
            )
        )
    )


def take_over_claim(session: Session, delivery: Delivery, instance: str, now: datetime) -> bool:
    """Re-claim a stale claim atomically: True for the one instance that got it."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery.id,
            Delivery.status == delivery.status,
            Delivery.claimed_by == delivery.claimed_by,
            Delivery.claimed_at == delivery.claimed_at,
        )
        .values(status=DeliveryStatus.CLAIMED, claimed_by=instance, claimed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))
