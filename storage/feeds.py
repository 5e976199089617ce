"""Feed source repository."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import FeedSource

__all__ = ["add_feed", "list_feeds", "remove_feed", "get_feed"]


def add_feed(session: Session, url: str, title: str = "") -> tuple[FeedSource, bool]:
    """The feed for ``url`` and whether it was new."""
    existing = session.scalar(select(FeedSource).where(FeedSource.url == url))
    if existing is not None:
        return existing, False
    feed = FeedSource(url=url, title=title, failures=0)
    session.add(feed)
    session.flush()
    return feed, True


def get_feed(session: Session, url: str) -> FeedSource | None:
    return session.scalar(select(FeedSource).where(FeedSource.url == url))


def list_feeds(session: Session) -> list[FeedSource]:
    return list(session.scalars(select(FeedSource).order_by(FeedSource.id)))


def remove_feed(session: Session, url: str) -> bool:
    feed = get_feed(session, url)
    if feed is None:
        return False
    session.execute(delete(FeedSource).where(FeedSource.id == feed.id))
    return True
