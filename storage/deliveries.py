"""Delivery bookkeeping: a digest period is claimed before it is posted, so it posts once.

Claims only move forward in time. Claiming a subscription's period locks the subscription
row, so instances take turns; a period is refused when a later one was already claimed or
another instance is still posting (its claim is fresh); an older claim a crash left behind
is folded into the new period (marked skipped), never posted on its own; a failed one
stays failed, for `newsbot doctor`. The window of
each digest runs from the storage sequence the last one covered, so what a skipped or
failed period held is carried by the next digest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Delivery, LivePost, Subscription, utcnow

__all__ = [
    "Coverage",
    "DeliveryStatus",
    "SessionFactory",
    "claim_delivery",
    "failed_deliveries",
    "finish_delivery",
    "first_period",
    "has_delivery",
    "insert_claim",
    "is_settled",
    "last_coverage",
    "last_covered_until",
    "renew_claim",
]

SessionFactory = Callable[[], Session]


class DeliveryStatus(StrEnum):
    """Where one (subscription, period) stands."""

    CLAIMED = "claimed"  # an instance is posting it (or crashed while posting)
    SENT = "sent"
    EMPTY = "empty"  # nothing to post; the window still moves on
    FAILED = "failed"  # the post failed after its retries; the next digest carries its stories
    SKIPPED = "skipped"  # too late to post, or folded into a later period


# A digest window moves on after these: the next digest starts where they stopped.
_COVERING = (DeliveryStatus.SENT, DeliveryStatus.EMPTY)


@dataclass(frozen=True)
class Coverage:
    """Where a subscription's last digest stopped: its period and storage sequence."""

    until: datetime
    seq: int | None


def claim_delivery(
    sessions: SessionFactory,
    subscription_id: int,
    period: datetime,
    instance: str,
    now: datetime | None = None,
    *,
    stale_before: datetime | None = None,
) -> int | None:
    """Claim (subscription, period) in its own transaction; None when it is not ours to post.

    Refused when the period (or a later one) is claimed already, unless its claim is older
    than ``stale_before`` or failed: then it is taken over. Refused too while another
    period of the subscription has a fresh claim (an instance is posting it). Older
    unfinished periods are marked skipped: this digest covers what they held.
    """
    now = now or utcnow()
    with sessions() as session:
        try:
            with session.begin():
                return _claim(session, subscription_id, period, instance, now, stale_before)
        except IntegrityError:
            return None  # another instance inserted the same period first


def _claim(
    session: Session,
    subscription_id: int,
    period: datetime,
    instance: str,
    now: datetime,
    stale_before: datetime | None,
) -> int | None:
    # A write first: it locks the subscription's row (PostgreSQL) or the database (SQLite),
    # so the checks below and the insert are one step for every instance.
    locked = session.execute(
        update(Subscription)
        .where(Subscription.id == subscription_id)
        .values(id=Subscription.id)
        .execution_options(synchronize_session=False)
    )
    if not getattr(locked, "rowcount", 0):
        return None  # unsubscribed meanwhile
    rows = list(
        session.scalars(
            select(Delivery)
            .where(Delivery.subscription_id == subscription_id, Delivery.period >= period)
            .order_by(Delivery.period)
        )
    )
    if any(row.period > period for row in rows):
        return None  # a later period was claimed already: never go back in time
    own = rows[0] if rows else None
    earlier_claim = select(Delivery.id).where(
        Delivery.subscription_id == subscription_id,
        Delivery.period < period,
        Delivery.status == DeliveryStatus.CLAIMED,
    )
    if stale_before is not None:
        earlier_claim = earlier_claim.where(Delivery.claimed_at > stale_before)
    if session.scalar(earlier_claim.limit(1)) is not None:
        return None  # an earlier period is being posted; its successor will carry on
    if own is not None:
        stale = stale_before is not None and own.claimed_at <= stale_before
        retryable = own.status == DeliveryStatus.FAILED or (
            own.status == DeliveryStatus.CLAIMED and stale
        )
        if not retryable:
            return None
        own.status = DeliveryStatus.CLAIMED
        own.claimed_by = instance
        own.claimed_at = now
        own.error = None
        delivery = own
    else:
        delivery = Delivery(
            subscription_id=subscription_id,
            period=period,
            status=DeliveryStatus.CLAIMED,
            claimed_by=instance,
            claimed_at=now,
        )
        session.add(delivery)
    session.execute(
        update(Delivery)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.period < period,
            Delivery.status == DeliveryStatus.CLAIMED,
        )
        .values(status=DeliveryStatus.SKIPPED, error=f"folded into {period.isoformat()}")
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(delivery.id)


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


def renew_claim(session: Session, delivery_id: int, instance: str, now: datetime) -> bool:
    """Keep a claim fresh while its post is retried, so no other instance takes it over.
    False when it is no longer this instance's."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.claimed_by == instance,
            Delivery.status == DeliveryStatus.CLAIMED,
        )
        .values(claimed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def finish_delivery(
    session: Session,
    delivery_id: int,
    status: DeliveryStatus,
    *,
    message_id: str | None = None,
    covered_until: datetime | None = None,
    covered_seq: int | None = None,
    error: str | None = None,
) -> None:
    """Record how a claimed delivery ended."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return
    delivery.status = status
    delivery.message_id = message_id
    delivery.covered_until = covered_until
    delivery.covered_seq = covered_seq
    delivery.error = error
    if status == DeliveryStatus.SENT:
        delivery.sent_at = utcnow()


def last_coverage(session: Session, subscription_id: int) -> Coverage | None:
    """Where the channel's last digest stopped: the next one starts there."""
    row = session.scalars(
        select(Delivery)
        .where(
            Delivery.subscription_id == subscription_id,
            Delivery.status.in_(_COVERING),
            Delivery.covered_until.is_not(None),
        )
        .order_by(Delivery.period.desc())
        .limit(1)
    ).first()
    if row is None or row.covered_until is None:
        return None
    return Coverage(row.covered_until, row.covered_seq)


def last_covered_until(session: Session, subscription_id: int) -> datetime | None:
    """The time the channel's last digest covered up to (its period)."""
    coverage = last_coverage(session, subscription_id)
    return coverage.until if coverage else None


def first_period(session: Session, subscription_id: int) -> datetime | None:
    """The earliest period ever claimed for the subscription, whatever came of it: until one
    is covered, a digest starts one period before it, so nothing a failed or crashed first
    digest held is lost."""
    return session.scalar(
        select(func.min(Delivery.period)).where(Delivery.subscription_id == subscription_id)
    )


def has_delivery(session: Session, subscription_id: int, period: datetime) -> bool:
    """Whether (subscription, period) was ever claimed, whatever came of it."""
    found = session.scalar(
        select(Delivery.id).where(
            Delivery.subscription_id == subscription_id, Delivery.period == period
        )
    )
    return found is not None


def is_settled(session: Session, subscription_id: int, period: datetime) -> bool:
    """Whether nothing is left to do for (subscription, period): it was posted, found
    empty or skipped, or a later period was claimed. A read, so checking costs no lock."""
    final = (DeliveryStatus.SENT, DeliveryStatus.EMPTY, DeliveryStatus.SKIPPED)
    found = session.scalar(
        select(Delivery.id)
        .where(
            Delivery.subscription_id == subscription_id,
            or_(
                Delivery.period > period,
                and_(Delivery.period == period, Delivery.status.in_(final)),
            ),
        )
        .limit(1)
    )
    return found is not None


def failed_deliveries(session: Session, since: datetime | None = None) -> list[Delivery]:
    """Digests whose post failed after its retries (for `newsbot doctor`), newest first;
    each row's ``error`` says why. Only periods at or after ``since`` when given."""
    query = select(Delivery).where(Delivery.status == DeliveryStatus.FAILED)
    if since is not None:
        query = query.where(Delivery.period >= since)
    return list(session.scalars(query.order_by(Delivery.period.desc())))
