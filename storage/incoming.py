"""Incoming messages claimed in the database, so N instances answer each one once.

Slack retries an event it thinks was missed (possibly to another instance), two instances
on one Discord token both receive every message: the instance whose insert of the
message's key lands answers, the others let it be. Claims are kept a few hours, far
longer than any platform redelivers, then pruned.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.deliveries import SessionFactory
from storage.models import IncomingClaim, utcnow

__all__ = ["CLAIM_RETENTION", "claim_incoming", "prune_incoming"]

CLAIM_RETENTION = timedelta(hours=6)


def claim_incoming(
    sessions: SessionFactory, key: str, instance: str, now: datetime | None = None
) -> bool:
    """Claim ``key`` in its own transaction: True for the one caller that got it."""
    with sessions() as session, session.begin():
        insert = (
            postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        inserted = session.scalar(
            insert(IncomingClaim)
            .values(key=key[:300], claimed_by=instance[:100], claimed_at=now or utcnow())
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(IncomingClaim.key)
        )
        return inserted is not None


def prune_incoming(session: Session, now: datetime | None = None) -> int:
    """Forget claims older than the retention; how many went."""
    before = (now or utcnow()) - CLAIM_RETENTION
    result = session.execute(delete(IncomingClaim).where(IncomingClaim.claimed_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
