"""Live feeds: a feed posted item by item into a channel, each item claimed once.

A (channel, article) row is claimed before its post, in its own transaction: the unique
constraint lets one instance win, so restarts and several instances never post an item
twice (as digests are claimed in storage.deliveries). A claim whose post never finished
(the process died mid-post) is taken over once its lease has run out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from storage.deliveries import SessionFactory, insert_claim
from storage.models import Article, ArticleOrigin, FeedSource, LiveFeed, LivePost, utcnow

__all__ = [
    "LiveStatus",
    "add_live_feed",
    "claim_live_post",
    "finish_live_post",
    "live_feeds_in",
    "live_channels_of",
    "pending_live_articles",
    "recent_live_articles",
    "remove_live_feeds",
    "remove_tenant_live_feeds",
    "tenant_live_feeds",
]


class LiveStatus(StrEnum):
    CLAIMED = "claimed"  # an instance is posting it
    SENT = "sent"
    FOLDED = "folded"  # the same story came in from another of the channel's feeds
    SKIPPED = "skipped"  # beyond the burst: counted in "and K more"
    FAILED = "failed"


def add_live_feed(
    session: Session,
    feed_id: int,
    tenant: str,
    platform: str,
    channel_id: str,
    thread_id: str | None = None,
    created_by: str = "",
    now: datetime | None = None,
) -> bool:
    """Post ``feed_id``'s new items into the channel from now on; False when it already is."""
    found = session.scalar(
        select(LiveFeed.id).where(
            LiveFeed.feed_id == feed_id,
            LiveFeed.platform == platform,
            LiveFeed.channel_id == channel_id,
        )
    )
    if found is not None:
        return False
    session.add(
        LiveFeed(
            feed_id=feed_id,
            tenant=tenant,
            platform=platform,
            channel_id=channel_id,
            thread_id=thread_id,
            created_by=created_by,
            created_at=now or utcnow(),
        )
    )
    session.flush()
    return True


def remove_live_feeds(
    session: Session,
    feed_id: int,
    tenant: str,
    platform: str | None = None,
    channel_id: str | None = None,
) -> int:
    """Stop live posts of ``feed_id`` in the tenant's channels (or one channel); how many."""
    query = delete(LiveFeed).where(LiveFeed.feed_id == feed_id, LiveFeed.tenant == tenant)
    if platform is not None and channel_id is not None:
        query = query.where(LiveFeed.platform == platform, LiveFeed.channel_id == channel_id)
    return int(getattr(session.execute(query), "rowcount", 0) or 0)


def remove_tenant_live_feeds(session: Session, tenant: str) -> int:
    """Stop every live post of ``tenant`` (an uninstalled workspace); how many."""
    removed = session.execute(delete(LiveFeed).where(LiveFeed.tenant == tenant))
    return int(getattr(removed, "rowcount", 0) or 0)


def tenant_live_feeds(session: Session, tenant: str) -> list[LiveFeed]:
    """Every live feed ``tenant`` set up, in any of its channels."""
    query = select(LiveFeed).where(LiveFeed.tenant == tenant).order_by(LiveFeed.id)
    return list(session.scalars(query))


def live_channels_of(session: Session, feed_id: int) -> list[LiveFeed]:
    """The channels ``feed_id`` is posted into."""
    return list(session.scalars(select(LiveFeed).where(LiveFeed.feed_id == feed_id)))


def live_feeds_in(session: Session, platform: str, channel_id: str) -> list[tuple[LiveFeed, str]]:
    """The live feeds of one channel, with their addresses."""
    rows = session.execute(
        select(LiveFeed, FeedSource.url)
        .join(FeedSource, FeedSource.id == LiveFeed.feed_id)
        .where(LiveFeed.platform == platform, LiveFeed.channel_id == channel_id)
        .order_by(LiveFeed.id)
    )
    return [(live, str(url)) for live, url in rows]


def _abandoned(stale_before: datetime) -> ColumnElement[bool]:
    """A claim whose post never finished (the instance crashed mid-post) and whose lease ran
    out: another instance may take it over."""
    return (LivePost.status == LiveStatus.CLAIMED) & (LivePost.claimed_at < stale_before)


def pending_live_articles(
    session: Session,
    platform: str,
    channel_id: str,
    feeds: Sequence[tuple[str, datetime]],
    limit: int = 500,
    *,
    stale_before: datetime | None = None,
) -> list[Article]:
    """Articles of ``feeds`` (address, live since) stored after each went live in the
    channel and not yet claimed there (or, with ``stale_before``, claimed by a post that
    never finished and was claimed before then), oldest first. An article is a feed's when
    the feed carries it, whichever input stored it first."""
    if not feeds:
        return []
    from_feeds = [
        (Article.fetched_at >= since)
        & exists().where(ArticleOrigin.article_id == Article.id, ArticleOrigin.origin == url)
        for url, since in feeds
    ]
    claimed = select(LivePost.article_id).where(
        LivePost.platform == platform, LivePost.channel_id == channel_id
    )
    if stale_before is not None:
        claimed = claimed.where(~_abandoned(stale_before))
    query = (
        select(Article)
        .where(or_(*from_feeds), Article.id.not_in(claimed))
        .order_by(Article.fetched_at, Article.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim_live_post(
    sessions: SessionFactory,
    platform: str,
    channel_id: str,
    article_id: int,
    status: LiveStatus,
    instance: str,
    now: datetime | None = None,
    *,
    stale_before: datetime | None = None,
) -> int | None:
    """Claim one article for one channel in its own transaction; None when already claimed.
    With ``stale_before``, a claim whose post never finished and that was made before then
    is taken over (by one instance only: the update re-checks that it is still stale)."""
    now = now or utcnow()
    claimed = insert_claim(
        sessions,
        LivePost(
            platform=platform,
            channel_id=channel_id,
            article_id=article_id,
            status=status,
            claimed_by=instance,
            claimed_at=now,
        ),
    )
    if claimed is not None or stale_before is None:
        return claimed
    with sessions() as session, session.begin():
        post_id = session.scalar(
            select(LivePost.id).where(
                LivePost.platform == platform,
                LivePost.channel_id == channel_id,
                LivePost.article_id == article_id,
            )
        )
        if post_id is None:
            return None
        taken = session.execute(
            update(LivePost)
            .where(LivePost.id == post_id, _abandoned(stale_before))
            .values(status=status, claimed_by=instance, claimed_at=now, error=None)
        )
        return int(post_id) if getattr(taken, "rowcount", 0) else None


def finish_live_post(
    session: Session,
    post_id: int,
    status: LiveStatus,
    *,
    message_id: str | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, object] = {"status": status, "message_id": message_id, "error": error}
    if status is LiveStatus.SENT:
        values["sent_at"] = utcnow()
    session.execute(update(LivePost).where(LivePost.id == post_id).values(**values))


def recent_live_articles(
    session: Session, platform: str, channel_id: str, since: datetime, limit: int = 100
) -> list[Article]:
    """Articles posted live into the channel since ``since``, newest first."""
    query = (
        select(Article)
        .join(LivePost, LivePost.article_id == Article.id)
        .where(
            LivePost.platform == platform,
            LivePost.channel_id == channel_id,
            LivePost.status == LiveStatus.SENT,
            LivePost.claimed_at >= since,
        )
        .order_by(LivePost.claimed_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
