"""Live feed posts: each new item of a live feed posted into its channel, once.

After a feed is polled, every channel it is live in gets that channel's new items (from
all its live feeds together): the same story told by two of them is posted once, at
most `LIVE_BURST` items are posted per poll and the rest are named in one "and K more"
line. Every item is claimed for its channel in the database before it is posted
(storage.live), so restarts and several instances never post one twice; an item whose
post was cut short by a crash (claimed, never marked sent) is posted once its claim's
lease (`CLAIM_LEASE`) runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.digest import lead_summary
from bot.text.similarity import fold_near_duplicates
from bot.types import ChannelRef, Citation, DigestItem, LiveItem
from storage import (
    Article,
    Database,
    LiveStatus,
    claim_live_post,
    finish_live_post,
    live_channels_of,
    live_feeds_in,
    pending_live_articles,
    recent_live_articles,
)

__all__ = ["LivePoster", "LiveSink", "live_item"]

log = logging.getLogger(__name__)

# A story posted this recently in a channel is not posted again from another feed.
FOLD_WINDOW = timedelta(days=1)
# A claimed item not marked sent after this long was left by an instance that died
# mid-post: it is posted again. Far longer than one post takes, retries included.
CLAIM_LEASE = timedelta(minutes=10)


@runtime_checkable
class LiveSink(Protocol):
    """A front end that posts live items into its channels."""

    platform: str

    async def post_live(self, channel: ChannelRef, post: LiveItem) -> str | None:
        """Post one item (or the "and K more" line); the platform's message id."""
        ...


def live_item(article: Article) -> LiveItem:
    """What a live post says of one article: title, outlet, time, link, two sentences."""
    item = DigestItem(
        article.title, lead_summary(article), [Citation.of(1, article)], latest=article.sort_time
    )
    return LiveItem(item)


class LivePoster:
    """Posts the new items of live feeds after each poll (see the module's docstring)."""

    def __init__(
        self,
        db: Database,
        sinks: Iterable[object],
        *,
        burst: int,
        instance: str,
        clock: Callable[[], datetime] | None = None,
        lease: timedelta = CLAIM_LEASE,
    ) -> None:
        self.db = db
        self.sinks = {s.platform: s for s in sinks if isinstance(s, LiveSink)}
        self.burst = max(1, burst)
        self.instance = instance
        self.clock = clock or (lambda: datetime.now(UTC))
        self.lease = lease

    async def after_poll(self, feed_id: int) -> int:
        """Post what the poll of ``feed_id`` brought into every channel it is live in."""
        channels = await asyncio.to_thread(self._channels, feed_id)
        posted = 0
        for platform, channel_id, thread_id, tenant in channels:
            if platform in self.sinks:
                channel = ChannelRef(platform, channel_id, thread_id, tenant=tenant)
                posted += await self.post_channel(channel)
        return posted

    async def post_channel(self, channel: ChannelRef) -> int:
        """Post the channel's new items, at most one burst; how many items were posted."""
        sink = self.sinks[channel.platform]
        fresh, recent = await asyncio.to_thread(self._pending, channel)
        if not fresh:
            return 0
        by_id = {a.id: a for a in [*recent, *fresh]}
        kept = fold_near_duplicates([a.id for a in recent] + [a.id for a in fresh], by_id)
        stories = [i for i in kept if i not in {a.id for a in recent}]
        for article in fresh:
            if article.id not in stories:
                await asyncio.to_thread(self._claim, channel, article.id, LiveStatus.FOLDED)
        posted = more = 0
        for number, article_id in enumerate(stories):
            if number >= self.burst:
                # Claimed as skipped, so the next poll does not bring them back.
                if await asyncio.to_thread(self._claim, channel, article_id, LiveStatus.SKIPPED):
                    more += 1
                continue
            claim = await asyncio.to_thread(self._claim, channel, article_id, LiveStatus.CLAIMED)
            if claim is None:
                continue  # another instance has it
            try:
                message_id = await sink.post_live(channel, live_item(by_id[article_id]))
            except Exception as exc:
                log.exception("live post of article %s to %s failed", article_id, channel)
                await asyncio.to_thread(self._finish, claim, LiveStatus.FAILED, None, str(exc))
                continue
            await asyncio.to_thread(self._finish, claim, LiveStatus.SENT, message_id, None)
            posted += 1
        if more:
            try:
                await sink.post_live(channel, LiveItem(None, more))
            except Exception:
                log.exception("the 'and %s more' line to %s failed", more, channel)
        return posted

    # -- database helpers (run in threads) -----------------------------------------

    def _channels(self, feed_id: int) -> list[tuple[str, str, str | None, str]]:
        with self.db.session() as session:
            rows = live_channels_of(session, feed_id)
            return [(r.platform, r.channel_id, r.thread_id, r.tenant) for r in rows]

    def _pending(self, channel: ChannelRef) -> tuple[list[Article], list[Article]]:
        with self.db.session() as session:
            feeds = [
                (url, live.created_at)
                for live, url in live_feeds_in(session, channel.platform, channel.channel_id)
            ]
            fresh = pending_live_articles(
                session,
                channel.platform,
                channel.channel_id,
                feeds,
                stale_before=self.clock() - self.lease,
            )
            recent = recent_live_articles(
                session, channel.platform, channel.channel_id, self.clock() - FOLD_WINDOW
            )
            session.expunge_all()
            return fresh, recent

    def _claim(self, channel: ChannelRef, article_id: int, status: LiveStatus) -> int | None:
        now = self.clock()
        return claim_live_post(
            self.db.sessions,
            channel.platform,
            channel.channel_id,
            article_id,
            status,
            self.instance,
            now,
            stale_before=now - self.lease,
        )

    def _finish(
        self, post_id: int, status: LiveStatus, message_id: str | None, error: str | None
    ) -> None:
        with self.db.session() as session:
            finish_live_post(
                session, post_id, status, message_id=message_id, error=(error or "")[:500] or None
            )
