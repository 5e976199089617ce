from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Core, open_core
from bot.commands import CommandContext
from bot.config import Settings
from bot.ingest import ArticleDraft
from bot.schedule.runner import DigestScheduler, trigger_for
from bot.schedule.spec import ScheduleSpec
from bot.types import ChannelRef
from storage import add_feed, claim_delivery
from tests.support.httpserver import serve
from tests.support.news import feed_xml
from tests.support.schedule import Clock, RecordingSink, scheduler_for, subscribe


def oslo_daily(at: str = "08:00") -> ScheduleSpec:
    return ScheduleSpec("daily", at, None, "Europe/Oslo")


# -- when ----------------------------------------------------------------------------


def test_daily_fires_at_local_time_across_the_spring_dst_change() -> None:
    spec = oslo_daily()
    # 08:00 in Oslo is 07:00 UTC in winter and 06:00 UTC in summer (DST began 31 March 2024).
    assert spec.previous_fire(datetime(2024, 3, 30, 7, 30, tzinfo=UTC)) == datetime(
        2024, 3, 30, 7, tzinfo=UTC
    )
    assert spec.previous_fire(datetime(2024, 3, 31, 6, 30, tzinfo=UTC)) == datetime(
        2024, 3, 31, 6, tzinfo=UTC
    )
    assert spec.previous_fire(datetime(2024, 3, 31, 5, 59, tzinfo=UTC)) == datetime(
        2024, 3, 30, 7, tzinfo=UTC
    )
    trigger = trigger_for(spec)
    after_saturday = trigger.get_next_fire_time(None, datetime(2024, 3, 30, 7, 1, tzinfo=UTC))
    assert after_saturday == datetime(2024, 3, 31, 6, tzinfo=UTC)


def test_weekdays_skip_the_weekend_and_intervals_are_anchored() -> None:
    spec = ScheduleSpec("weekdays", "07:30", None, "UTC")
    sunday_noon = datetime(2024, 6, 2, 12, tzinfo=UTC)
    assert spec.previous_fire(sunday_noon) == datetime(2024, 5, 31, 7, 30, tzinfo=UTC)  # Friday
    every = ScheduleSpec("every", None, 90, "UTC")
    first = every.previous_fire(datetime(2024, 6, 2, 12, 10, tzinfo=UTC))
    assert every.previous_fire(first + timedelta(minutes=89)) == first
    assert trigger_for(every).get_next_fire_time(
        None, first + timedelta(seconds=1)
    ) == first + timedelta(minutes=90)


# -- exactly once ------------------------------------------------------------------------


@pytest.fixture
def core(db_url: str, tmp_path) -> Core:  # type: ignore[no-untyped-def]
    settings = Settings(_env_file=None, database_url=db_url, fetch_allow_hosts="127.0.0.1")  # type: ignore[call-arg]
    core = open_core(settings)
    yield core
    core.close()


def _store_news(core: Core, when: datetime, title: str = "Stormen Ingrid stengte fergene") -> None:
    report = core.ingestor.store(
        [
            ArticleDraft(
                url=f"https://example.no/{title.replace(' ', '-')}",
                title=title,
                text=(
                    f"{title}. Fjord1 innstilte 14 fergesamband natt til torsdag, "
                    "og tusenvis mistet strømmen."
                ),
                source="Dagsnytt",
                published_at=when,
                published_precision="minute",
            )
        ],
        fetched_at=when + timedelta(minutes=5),
    )
    assert report.new == 1


SUB_TIME = datetime(2024, 1, 10, 7, tzinfo=UTC)  # 08:00 in Oslo


async def test_fires_once_and_a_restart_does_not_repost(core: Core) -> None:
    sink = RecordingSink()
    _store_news(core, SUB_TIME - timedelta(hours=3))
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    clock = Clock(SUB_TIME + timedelta(seconds=2))
    first = scheduler_for(core, [sink], clock=clock)
    assert await first.fire(sub_id) is True
    assert await first.fire(sub_id) is False
    [(channel, digest)] = sink.posts
    assert channel == ChannelRef("slack", "C1") and digest.items[0].headline.startswith(
        "Stormen Ingrid"
    )
    # A first digest starts when the subscription was made, two periods back here: what
    # was stored since is news to it.
    assert digest.until == SUB_TIME and digest.since == SUB_TIME - timedelta(days=2)
    restarted = scheduler_for(core, [sink], clock=Clock(SUB_TIME + timedelta(minutes=5)))
    assert await restarted.catch_up() == 0
    assert len(sink.posts) == 1
    assert first.metrics.count("newsbot_digests", result="posted") == 1


async def test_next_digest_starts_where_the_last_one_stopped(core: Core) -> None:
    sink = RecordingSink()
    _store_news(core, SUB_TIME - timedelta(hours=3))
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    await scheduler_for(core, [sink], clock=Clock(SUB_TIME)).fire(sub_id)
    _store_news(core, SUB_TIME + timedelta(hours=5), "Ny rute til Skjervøy åpnet")
    next_day = SUB_TIME + timedelta(days=1)
    await scheduler_for(core, [sink], clock=Clock(next_day)).fire(sub_id)
    assert [item.headline for item in sink.posts[1][1].items] == ["Ny rute til Skjervøy åpnet"]
    assert sink.posts[1][1].since == SUB_TIME


async def test_a_crash_between_claim_and_post_posts_once_on_restart(core: Core) -> None:
    sink = RecordingSink()
    _store_news(core, SUB_TIME - timedelta(hours=3))
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    # The crashed instance claimed the period and died before posting.
    assert (
        claim_delivery(core.db.sessions, sub_id, SUB_TIME, "crashed-instance", SUB_TIME) is not None
    )
    later = Clock(SUB_TIME + timedelta(minutes=20))
    restarted = scheduler_for(core, [sink], clock=later, stale_after=timedelta(minutes=10))
    assert await restarted.catch_up() == 1
    assert await scheduler_for(core, [sink], clock=later).catch_up() == 0
    assert len(sink.posts) == 1


async def test_missed_run_posts_within_grace_and_is_skipped_after(core: Core) -> None:
    sink = RecordingSink()
    _store_news(core, SUB_TIME - timedelta(hours=3))
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    late = scheduler_for(core, [sink], clock=Clock(SUB_TIME + timedelta(hours=3)))
    assert await late.catch_up() == 0  # 3 h late: over the 1 h grace window
    soon = scheduler_for(core, [sink], clock=Clock(SUB_TIME + timedelta(minutes=30)))
    assert await soon.catch_up() == 1
    assert len(sink.posts) == 1
    assert sub_id


async def test_two_instances_on_one_database_post_once(core: Core) -> None:
    sink_a, sink_b = RecordingSink(), RecordingSink()
    _store_news(core, SUB_TIME - timedelta(hours=3))
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    other = open_core(core.settings)  # a second process: its own engine and pool
    clock = Clock(SUB_TIME + timedelta(seconds=1))
    a = scheduler_for(core, [sink_a], clock=clock, instance="a")
    b = scheduler_for(other, [sink_b], clock=clock, instance="b")
    results = await asyncio.gather(a.fire(sub_id), b.fire(sub_id), a.catch_up(), b.catch_up())
    other.close()
    # Whichever call wins the claim (a fire or a catch-up, in either instance), one posts.
    assert sum(int(result) for result in results) == 1
    assert len(sink_a.posts) + len(sink_b.posts) == 1


async def test_a_front_end_that_is_not_running_is_skipped(core: Core) -> None:
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))

    class DiscordSink(RecordingSink):
        platform = "discord"

    sink = DiscordSink()
    assert await scheduler_for(core, [sink], clock=Clock(SUB_TIME)).fire(sub_id) is False
    assert sink.posts == []


async def test_empty_period_posts_nothing(core: Core) -> None:
    sink = RecordingSink()
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    scheduler = scheduler_for(core, [sink], clock=Clock(SUB_TIME))
    assert await scheduler.fire(sub_id) is False
    assert sink.posts == []
    assert scheduler.metrics.count("newsbot_digests", result="empty") == 1
    assert scheduler.metrics.count("newsbot_digests", result="posted") == 0


@pytest.mark.parametrize("how", ["console", "POST_EMPTY_DIGESTS"])
async def test_an_empty_period_posted_as_no_news_counts_as_empty(core: Core, how: str) -> None:
    sink = RecordingSink()
    if how == "console":
        sink.posts_empty = True  # type: ignore[attr-defined]
    else:
        core.settings = core.settings.model_copy(update={"post_empty_digests": True})
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    scheduler = scheduler_for(core, [sink], clock=Clock(SUB_TIME))
    assert await scheduler.fire(sub_id) is True
    [(_channel, digest)] = sink.posts
    assert digest.items == []  # "No news in ..." was posted
    assert scheduler.metrics.count("newsbot_digests", result="empty") == 1
    assert scheduler.metrics.count("newsbot_digests", result="posted") == 0


def digest_jobs(scheduler: DigestScheduler) -> list[str]:
    return [job.id for job in scheduler.scheduler.get_jobs() if job.id.startswith("digest:")]


async def test_jobs_follow_subscriptions_made_in_chat(core: Core) -> None:
    sink = RecordingSink()
    scheduler = scheduler_for(core, [sink])
    scheduler.start()
    try:
        admin = CommandContext(ChannelRef("slack", "C9"), "U1", True)
        before = scheduler.refreshes
        reply = await asyncio.to_thread(core.commands.handle, "subscribe every 2 hours", admin)
        await asyncio.wait_for(scheduler.refreshed_after(before), 5)
        assert [
            j.id for j in scheduler.scheduler.get_jobs() if j.id not in ("refresh", "catch-up")
        ] == ["digest:1"]
        before = scheduler.refreshes
        await asyncio.to_thread(core.commands.handle, "unsubscribe", admin)
        await asyncio.wait_for(scheduler.refreshed_after(before), 5)
        assert [
            j.id for j in scheduler.scheduler.get_jobs() if j.id not in ("refresh", "catch-up")
        ] == []
        assert reply.ok
    finally:
        scheduler.shutdown()


# -- feed polling ------------------------------------------------------------------------


async def test_feed_polling_picks_up_new_items_and_backs_off_on_failure(core: Core) -> None:
    with serve() as site:
        first = feed_xml(
            site,
            [
                (
                    "/a",
                    "Første sak om stormen",
                    "Stormen Ingrid stengte fergene på Vestlandet natt til torsdag.",
                )
            ],
        )
        url = site.add(
            "/rss", body=first, headers={"Content-Type": "application/rss+xml", "ETag": '"1"'}
        )
        with core.db.session() as session:
            feed, _ = add_feed(session, url)
        clock = Clock(datetime.now(UTC))
        scheduler = scheduler_for(core, [], clock=clock)
        assert await scheduler.poll_feed(feed.id)
        site.add("/rss", status=304)
        assert await scheduler.poll_feed(feed.id)
        second = feed_xml(
            site,
            [
                (
                    "/a",
                    "Første sak om stormen",
                    "Stormen Ingrid stengte fergene på Vestlandet natt til torsdag.",
                ),
                (
                    "/b",
                    "Andre sak om strømmen",
                    "Over 3000 husstander i Bergen mistet strømmen i uværet.",
                ),
            ],
        )
        site.add(
            "/rss", body=second, headers={"Content-Type": "application/rss+xml", "ETag": '"2"'}
        )
        assert await scheduler.poll_feed(feed.id)
        site.add("/rss", status=500)
        assert await scheduler.poll_feed(feed.id)  # fails, and is recorded
        assert not await scheduler.poll_feed(feed.id)  # backing off
        clock.now += timedelta(hours=1)
        assert await scheduler.poll_feed(feed.id)
    assert scheduler.metrics.count("newsbot_feed_polls") == 5
    assert scheduler.metrics.count("newsbot_feed_poll_failures") == 2
    conditional = [h.get("If-None-Match") for path, h in site.requests if path == "/rss"]
    assert conditional[:3] == [None, '"1"', '"1"']
    with core.db.session() as session:
        from sqlalchemy import func, select

        from storage import Article, FeedSource

        assert session.scalar(select(func.count(Article.id))) == 2
        stored = session.get(FeedSource, feed.id)
        assert (
            stored is not None and stored.failures == 2 and "HTTP 500" in (stored.last_error or "")
        )


async def test_a_story_polled_after_its_period_still_reaches_the_next_digest(core: Core) -> None:
    sink = RecordingSink()
    sub_id = subscribe(core, ScheduleSpec("every", None, 60, "UTC"), SUB_TIME - timedelta(days=2))
    await scheduler_for(core, [sink], clock=Clock(SUB_TIME)).fire(sub_id)  # nothing yet
    # Published ten minutes before the period closed, polled five minutes after it.
    core.ingestor.store(
        [
            ArticleDraft(
                url="https://example.no/sen-sak",
                title="Sen sak om fergene",
                text="Sen sak om fergene. Fjord1 gjenopptok rutene fredag ettermiddag.",
                source="Dagsnytt",
                published_at=SUB_TIME - timedelta(minutes=10),
                published_precision="minute",
            )
        ],
        fetched_at=SUB_TIME + timedelta(minutes=5),
    )
    await scheduler_for(core, [sink], clock=Clock(SUB_TIME + timedelta(hours=1))).fire(sub_id)
    assert [item.headline for _, d in sink.posts for item in d.items] == ["Sen sak om fergene"]


async def test_a_stale_claim_older_than_the_grace_window_is_not_posted(core: Core) -> None:
    sink = RecordingSink()
    _store_news(core, SUB_TIME - timedelta(hours=3))
    sub_id = subscribe(core, oslo_daily(), SUB_TIME - timedelta(days=2))
    claim_delivery(core.db.sessions, sub_id, SUB_TIME, "crashed-instance", SUB_TIME)
    days_later = Clock(SUB_TIME + timedelta(days=3, minutes=30))
    await scheduler_for(core, [sink], clock=days_later).catch_up()
    posted_periods = [d.until for _, d in sink.posts]
    assert SUB_TIME not in posted_periods  # three days late: skipped, not posted


async def test_feeds_added_in_chat_get_a_polling_job(core: Core) -> None:
    scheduler = scheduler_for(core, [RecordingSink()])
    scheduler.start()
    try:
        admin = CommandContext(ChannelRef("slack", "C9"), "U1", True)
        with serve() as site:
            url = site.add(
                "/rss", body=feed_xml(site, []), headers={"Content-Type": "application/rss+xml"}
            )
            before = scheduler.refreshes
            await asyncio.to_thread(core.commands.handle, f"feeds add {url}", admin)
        await asyncio.wait_for(scheduler.refreshed_after(before), 5)
        assert any(job.id.startswith("feed:") for job in scheduler.scheduler.get_jobs())
    finally:
        scheduler.shutdown()
