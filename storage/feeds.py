"""Feed source repository: operator sources and the feeds each tenant reads.

``tenant=None`` is the operator (the command line): what it adds serves every tenant.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from storage.models import FeedMembership, FeedSource

__all__ = [
    "add_feed",
    "list_feeds",
    "remove_feed",
    "get_feed",
    "count_operator_feeds",
    "readers_of",
]


def _member(tenant: str) -> ColumnElement[bool]:
    return exists().where(FeedMembership.feed_id == FeedSource.id, FeedMembership.tenant == tenant)


def add_feed(
    session: Session, url: str, title: str = "", *, tenant: str | None = None, added_by: str = ""
) -> tuple[FeedSource, bool]:
    """The feed for ``url`` and whether it is new to ``tenant`` (or, for the operator, new
    as an operator source). A feed several tenants read is stored and polled once."""
    feed = session.scalar(select(FeedSource).where(FeedSource.url == url))
    if feed is None:
        feed = FeedSource(url=url, title=title, failures=0, operator=tenant is None)
        session.add(feed)
        session.flush()
        created = True
    elif tenant is None:
        created = not feed.operator
        feed.operator = True
    else:
        created = False
    if tenant is not None and not _has_member(session, feed.id, tenant):
        session.add(FeedMembership(feed_id=feed.id, tenant=tenant, added_by=added_by))
        session.flush()
        created = True
    return feed, created


def _has_member(session: Session, feed_id: int, tenant: str) -> bool:
    found = session.scalar(
        select(FeedMembership.id).where(
            FeedMembership.feed_id == feed_id, FeedMembership.tenant == tenant
        )
    )
    return found is not None


def get_feed(session: Session, url: str) -> FeedSource | None:
    return session.scalar(select(FeedSource).where(FeedSource.url == url))


def list_feeds(session: Session, tenant: str | None = None) -> list[FeedSource]:
    """``tenant``'s own feeds; without one, every feed that is polled (operator sources and
    feeds some tenant reads)."""
    query = select(FeedSource).order_by(FeedSource.id)
    if tenant is not None:
        query = query.where(_member(tenant))
    else:
        query = query.where(
            or_(FeedSource.operator, exists().where(FeedMembership.feed_id == FeedSource.id))
        )
    return list(session.scalars(query))


def count_operator_feeds(session: Session) -> int:
    """How many operator sources serve every tenant."""
    return int(session.scalar(select(func.count(FeedSource.id)).where(FeedSource.operator)) or 0)


def remove_feed(session: Session, url: str, tenant: str | None = None) -> bool:
    """Stop reading ``url`` for ``tenant``, or as an operator source; False when it was not
    read so. A feed no one reads any more is kept, unpolled, so that its articles stay
    hidden from the tenants that never read it."""
    feed = get_feed(session, url)
    if feed is None:
        return False
    if tenant is None:
        if not feed.operator:
            return False
        members = session.scalar(select(FeedMembership.id).where(FeedMembership.feed_id == feed.id))
        if members is None:
            # Nobody else reads it: its articles were the operator's, and stay everyone's.
            session.execute(delete(FeedSource).where(FeedSource.id == feed.id))
        else:
            feed.operator = False
        return True
    removed = session.execute(
        delete(FeedMembership).where(
            FeedMembership.feed_id == feed.id, FeedMembership.tenant == tenant
        )
    )
    return bool(getattr(removed, "rowcount", 0))


def readers_of(session: Session, feed_ids: list[int]) -> dict[int, list[str]]:
    """The tenants that read each of ``feed_ids``, sorted (feeds no tenant reads are left out)."""
    rows = session.execute(
        select(FeedMembership.feed_id, FeedMembership.tenant)
        .where(FeedMembership.feed_id.in_(feed_ids))
        .order_by(FeedMembership.tenant)
    )
    readers: dict[int, list[str]] = {}
    for feed_id, tenant in rows:
        readers.setdefault(feed_id, []).append(tenant)
    return readers
