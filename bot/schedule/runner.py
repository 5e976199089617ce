"""The digest and feed-polling scheduler: APScheduler on the bot's event loop.

Exactly once, nothing lost: before a digest is posted, its (subscription, period) row is
claimed in the database (`storage.deliveries.claim_delivery`: one instance wins, and
claims only move forward in time); after posting the row records the storage sequence
the digest covered, where the next digest starts. A crash between claim and post leaves
a claim that goes stale: it is taken over only while its period is still the latest due
one, else the next period's digest covers its stories. Missed periods are never posted
one by one: the latest one's digest covers the whole gap. A failing post is retried
with backoff within the grace window, then recorded as failed (`failed_deliveries`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.claims import instance_name
from bot.config import Settings
from bot.ingest import Ingestor
from bot.metrics import Metrics
from bot.render import counted
from bot.schedule.sink import ChatSink, DigestSource
from bot.schedule.spec import ScheduleSpec
from bot.types import ChannelRef, Digest
from storage import (
    Database,
    DeliveryStatus,
    FeedSource,
    Subscription,
    claim_delivery,
    finish_delivery,
    has_delivery,
    is_settled,
    list_feeds,
    list_subscriptions,
    renew_claim,
)

__all__ = ["DigestScheduler", "spec_of", "trigger_for"]

log = logging.getLogger(__name__)

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
MAX_BACKOFF = timedelta(hours=6)
# How each way a scheduled digest can end is counted in the metrics.
_DIGEST_RESULTS = {
    DeliveryStatus.SENT: "posted",
    DeliveryStatus.EMPTY: "empty",
    DeliveryStatus.FAILED: "failed",
}
REFRESH_MINUTES = 5
# Every minute: take over a latest period whose claim went stale, or whose post failed.
CATCH_UP_SECONDS = 60
# A failing post is tried again after 5 s, 10 s, 20 s ... at most 5 minutes apart (well
# within the claim's staleness, so no other instance takes it over meanwhile).
RETRY_FIRST = timedelta(seconds=5)
RETRY_MAX = timedelta(minutes=5)
# Feed polls get threads of their own: slow feeds must not hold the threads chat replies use.
_POLL_THREADS = 2


def spec_of(subscription: Subscription) -> ScheduleSpec:
    return ScheduleSpec.of(subscription)


def trigger_for(spec: ScheduleSpec) -> BaseTrigger:
    """The APScheduler trigger that fires exactly at ``spec``'s scheduled times."""
    if spec.kind == "every":
        # Anchored at a fixed epoch, so fire times match ScheduleSpec.previous_fire.
        return IntervalTrigger(minutes=spec.interval_minutes or 60, start_date=_EPOCH, timezone=UTC)
    hour, minute = (int(x) for x in (spec.at or "00:00").split(":"))
    days = "mon-fri" if spec.kind == "weekdays" else "*"
    return CronTrigger(day_of_week=days, hour=hour, minute=minute, timezone=ZoneInfo(spec.timezone))


class DigestScheduler:
    """Posts each subscription's digest on time, once, and polls feeds."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        digests: DigestSource,
        ingestor: Ingestor,
        sinks: Iterable[ChatSink],
        *,
        after_new_articles: Callable[[], object] = lambda: None,
        after_poll: Callable[[int], Awaitable[object]] | None = None,
        clock: Callable[[], datetime] | None = None,
        instance: str | None = None,
        stale_after: timedelta = timedelta(minutes=10),
        retry_first: timedelta = RETRY_FIRST,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        """``after_new_articles`` runs (in a poll thread) when a poll stored something:
        embedding the new sentences, when embeddings are configured. ``sleep`` waits
        between attempts of a failing post (tests pass one that moves their clock)."""
        self.settings = settings
        self.db = db
        self.digests = digests
        self.ingestor = ingestor
        self.after_new_articles = after_new_articles
        # Live feed posts (bot.live), given each polled feed's id.
        self.after_poll = after_poll
        self.sinks = {sink.platform: sink for sink in sinks}
        self.clock = clock or (lambda: datetime.now(UTC))
        self.instance = instance or instance_name()
        self.stale_after = stale_after
        self.retry_first = retry_first
        self.sleep = sleep
        self.metrics = metrics or Metrics()
        self.grace = timedelta(minutes=self.settings.missed_grace_minutes)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._polls = ThreadPoolExecutor(max_workers=_POLL_THREADS, thread_name_prefix="feed-poll")
        # Counts refreshes, so a caller can await the one that follows its change.
        self.refreshes = 0
        self._refreshed = asyncio.Condition()

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Build the jobs from the database, start, and catch up on missed digests."""
        self._loop = asyncio.get_running_loop()
        self.reload()
        self.scheduler.start()
        self._loop.create_task(self.catch_up(), name="digest-catch-up")
        self.scheduler.add_job(
            self.catch_up,
            IntervalTrigger(seconds=CATCH_UP_SECONDS),
            kwargs={"report_missed": False},
            id="catch-up",
            coalesce=True,
            max_instances=1,
        )

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self._polls.shutdown(wait=False, cancel_futures=True)

    def changed(self) -> None:
        """Subscriptions or feeds changed: refresh the jobs. Safe from any thread (commands
        run in worker threads; jobs are changed on the loop's thread)."""
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self.refresh(), self._loop)

    async def refresh(self) -> None:
        """Re-read the rows off the loop's thread, then update the jobs on it."""
        rows = await asyncio.to_thread(self._rows)
        self.reload(rows)
        async with self._refreshed:
            self.refreshes += 1
            self._refreshed.notify_all()

    async def refreshed_after(self, count: int) -> None:
        """Wait until more than ``count`` refreshes have happened."""
        async with self._refreshed:
            await self._refreshed.wait_for(lambda: self.refreshes > count)

    def _rows(self) -> tuple[list[Subscription], list[FeedSource]]:
        with self.db.session() as session:
            return list_subscriptions(session), list_feeds(session)

    def reload(self, rows: tuple[list[Subscription], list[FeedSource]] | None = None) -> None:
        """Make the jobs match the subscription and feed rows (also those another
        process or instance changed: a job re-reads them every few minutes)."""
        subscriptions, feeds = rows if rows is not None else self._rows()
        wanted: set[str] = {"refresh", "catch-up"}
        if self.scheduler.get_job("refresh") is None:
            self.scheduler.add_job(
                self.refresh, IntervalTrigger(minutes=REFRESH_MINUTES), id="refresh", coalesce=True
            )
        for subscription in subscriptions:
            job_id = f"digest:{subscription.id}"
            wanted.add(job_id)
            self.scheduler.add_job(
                self.fire,
                trigger_for(spec_of(subscription)),
                args=[subscription.id],
                id=job_id,
                replace_existing=True,
                coalesce=True,
                # Never None: APScheduler reads None as "run however late".
                misfire_grace_time=max(1, int(self.grace.total_seconds())),
            )
        for feed in feeds:
            job_id = f"feed:{feed.id}"
            wanted.add(job_id)
            if self.scheduler.get_job(job_id) is None:
                self.scheduler.add_job(
                    self.poll_feed,
                    IntervalTrigger(minutes=self.settings.feed_poll_minutes, jitter=30),
                    args=[feed.id],
                    id=job_id,
                    coalesce=True,
                    # Spread the first polls out instead of starting them all at once.
                    next_run_time=self.clock() + timedelta(seconds=5 + (feed.id * 7) % 60),
                )
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                job.remove()

    # -- digests -----------------------------------------------------------------

    async def fire(self, subscription_id: int) -> bool:
        """The job: post the digest for the period that has just come due."""
        subscription = await asyncio.to_thread(self._subscription, subscription_id)
        if subscription is None:
            return False
        return await self.deliver(subscription, spec_of(subscription).previous_fire(self.clock()))

    async def catch_up(self, *, report_missed: bool = True) -> int:
        """Post each subscription's latest due period when it is within the grace window and
        not posted yet: missed while the bot was down, left claimed by a crashed instance,
        or failed. Older periods are never posted on their own; the latest one's digest
        covers them. Runs on start and every minute. Returns how many were posted."""
        now = self.clock()
        posted = 0
        for subscription in await asyncio.to_thread(self._subscriptions):
            if subscription.platform not in self.sinks:
                continue  # another instance's front end: leave it to that instance
            period = spec_of(subscription).previous_fire(now)
            if period <= subscription.created_at:
                continue
            if now - period > self.grace:
                if report_missed and not await asyncio.to_thread(
                    self._has_delivery, subscription.id, period
                ):
                    log.info(
                        "digest #%s for %s missed by more than the grace window; "
                        "the next one carries its stories",
                        subscription.id,
                        period.isoformat(),
                    )
                continue
            if await asyncio.to_thread(self._settled, subscription.id, period):
                continue  # the usual case, checked without taking a write lock
            try:
                posted += await self.deliver(subscription, period)
            except Exception as exc:  # noqa: BLE001 - one subscription must not stop the rest
                log.warning(
                    "digest #%s for %s: %s", subscription.id, period.isoformat(), _brief(exc)
                )
        return posted

    async def deliver(self, subscription: Subscription, period: datetime) -> bool:
        """Claim (subscription, period) and post it; False when it is not ours to post."""
        if subscription.platform not in self.sinks:
            log.info(
                "digest #%s is for %s, which is not running here",
                subscription.id,
                subscription.platform,
            )
            return False
        now = self.clock()
        delivery_id = await asyncio.to_thread(
            claim_delivery,
            self.db.sessions,
            subscription.id,
            period,
            self.instance,
            now,
            stale_before=now - self.stale_after,
        )
        if delivery_id is None:
            return False  # posted, being posted, or superseded (by this or another instance)
        return await self._post(subscription, period, delivery_id)

    async def _post(self, subscription: Subscription, period: datetime, delivery_id: int) -> bool:
        sink = self.sinks.get(subscription.platform)
        if sink is None:
            return False
        try:
            digest = await asyncio.to_thread(self.digests.for_subscription, subscription, period)
        except Exception as exc:
            log.exception("digest #%s for %s failed", subscription.id, period.isoformat())
            await asyncio.to_thread(
                self._finish, delivery_id, DeliveryStatus.FAILED, None, None, None, _brief(exc)
            )
            return False
        posts_empty = self.settings.post_empty_digests or getattr(sink, "posts_empty", False)
        if not digest.items and not posts_empty:
            await asyncio.to_thread(
                self._finish,
                delivery_id,
                DeliveryStatus.EMPTY,
                None,
                period,
                digest.covered_seq,
                None,
            )
            return False
        channel = ChannelRef(
            subscription.platform,
            subscription.channel_id,
            subscription.thread_id,
            tenant=subscription.tenant,
        )
        posted, message_id = await self._post_with_retries(
            sink, channel, digest, subscription, period, delivery_id
        )
        if not posted:
            return False
        await asyncio.to_thread(
            self._finish,
            delivery_id,
            DeliveryStatus.SENT,
            message_id,
            period,
            digest.covered_seq,
            None,
            # "No news" posted (the console, POST_EMPTY_DIGESTS) counts as empty all the same.
            empty=not digest.items,
        )
        return True

    async def _post_with_retries(
        self,
        sink: ChatSink,
        channel: ChannelRef,
        digest: Digest,
        subscription: Subscription,
        period: datetime,
        delivery_id: int,
    ) -> tuple[bool, str | None]:
        """Post, retrying with backoff while the period is within the grace window: whether
        it was posted, and its message id. Given up, it is recorded as failed."""
        delay = self.retry_first
        attempts = 0
        while True:
            attempts += 1
            try:
                return True, await sink.post_digest(channel, digest)
            except Exception as exc:  # noqa: BLE001 - any failure is retried, then reported
                problem = _brief(exc)
            if self.clock() + delay > period + self.grace:
                tried = counted(attempts, "attempt")
                log.error(
                    "digest #%s for %s not posted to %s after %s: %s",
                    subscription.id,
                    period.isoformat(),
                    channel,
                    tried,
                    problem,
                )
                error = f"not posted after {tried}: {problem}"
                await asyncio.to_thread(
                    self._finish, delivery_id, DeliveryStatus.FAILED, None, None, None, error
                )
                return False, None
            log.warning(
                "digest #%s for %s: post to %s failed (%s); retrying in %d s",
                subscription.id,
                period.isoformat(),
                channel,
                problem,
                delay.total_seconds(),
            )
            await self.sleep(delay.total_seconds())
            if not await asyncio.to_thread(self._renew, delivery_id):
                return False, None  # taken over meanwhile: another instance's now
            delay = min(delay * 2, RETRY_MAX)

    # -- feeds -------------------------------------------------------------------

    async def poll_feed(self, feed_id: int) -> bool:
        """The job: poll one feed, unless it is backing off after failures."""
        feed = await asyncio.to_thread(self._feed, feed_id)
        if feed is None:
            return False
        if feed.failures and feed.last_polled_at is not None:
            interval = timedelta(minutes=self.settings.feed_poll_minutes)
            backoff = min(interval * (2 ** min(feed.failures, 10)), MAX_BACKOFF)
            if self.clock() < feed.last_polled_at + backoff:
                return False
        loop = asyncio.get_running_loop()
        report = await loop.run_in_executor(self._polls, self.ingestor.poll_feeds, [feed])
        self.metrics.feed_polls(1, int(any(f.where == feed.url for f in report.failures)))
        if report.new or report.updated:
            await loop.run_in_executor(self._polls, self.after_new_articles)
            log.info("feed %s: %s", feed.url, report.summary())
        if self.after_poll is not None:
            await self.after_poll(feed.id)
        return True

    # -- database helpers (run in threads) -----------------------------------------

    def _subscription(self, subscription_id: int) -> Subscription | None:
        with self.db.session() as session:
            return session.get(Subscription, subscription_id)

    def _subscriptions(self) -> list[Subscription]:
        with self.db.session() as session:
            return list_subscriptions(session)

    def _feed(self, feed_id: int) -> FeedSource | None:
        with self.db.session() as session:
            return session.get(FeedSource, feed_id)

    def _finish(
        self,
        delivery_id: int,
        status: DeliveryStatus,
        message_id: str | None,
        covered_until: datetime | None,
        covered_seq: int | None,
        error: str | None,
        *,
        empty: bool = False,
    ) -> None:
        if status in _DIGEST_RESULTS:
            self.metrics.digest("empty" if empty else _DIGEST_RESULTS[status])
        with self.db.session() as session:
            finish_delivery(
                session,
                delivery_id,
                status,
                message_id=message_id,
                covered_until=covered_until,
                covered_seq=covered_seq,
                error=error,
            )

    def _renew(self, delivery_id: int) -> bool:
        with self.db.session() as session:
            return renew_claim(session, delivery_id, self.instance, self.clock())

    def _settled(self, subscription_id: int, period: datetime) -> bool:
        with self.db.session() as session:
            return is_settled(session, subscription_id, period)

    def _has_delivery(self, subscription_id: int, period: datetime) -> bool:
        with self.db.session() as session:
            return has_delivery(session, subscription_id, period)


def _brief(exc: BaseException) -> str:
    """One line about a failure, for the log and the delivery's error."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{exc.__class__.__name__}: {text}"[:300] if text else exc.__class__.__name__
