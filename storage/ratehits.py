"""Rate-limit hits counted in the database, so a limit holds across instances (PostgreSQL).

Each key ("user:slack:U1", "channel:discord:42") is locked for the transaction with an
advisory lock (in sorted order, so two requests never wait on each other crosswise),
its hits in the window are counted, and a hit is recorded on every key only when all
have room — the same rule as the in-memory limiter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from storage.models import RateHit, utcnow

__all__ = ["acquire_hits", "prune_hits"]


def acquire_hits(session: Session, limits: Sequence[tuple[str, int]], window: timedelta) -> float:
    """0.0 and one hit recorded on every key, or the seconds to wait and nothing recorded.

    Time is the database's (``now()``), so the instances' clocks need not agree.
    """
    active = sorted((key[:300], limit) for key, limit in limits if limit > 0)
    if not active:
        return 0.0
    postgresql = session.get_bind().dialect.name == "postgresql"
    for key, _limit in active:
        if postgresql:
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    now = (session.scalar(select(func.now())) if postgresql else None) or utcnow()
    start = now - window
    wait = 0.0
    for key, limit in active:
        session.execute(delete(RateHit).where(RateHit.key == key, RateHit.at <= start))
        hits = list(
            session.scalars(
                select(RateHit.at)
                .where(RateHit.key == key, RateHit.at > start)
                .order_by(RateHit.at)
            )
        )
        if len(hits) >= limit:
            # Room comes back when the hit `limit` places from the end leaves the window.
            wait = max(wait, (hits[len(hits) - limit] + window - now).total_seconds())
    if wait > 0:
        return wait
    session.add_all(RateHit(key=key, at=now) for key, _limit in active)
    return 0.0


def prune_hits(session: Session, before: datetime) -> int:
    """Forget hits older than ``before`` (keys that have gone quiet); how many went."""
    result = session.execute(delete(RateHit).where(RateHit.at < before))
    return int(getattr(result, "rowcount", 0) or 0)
