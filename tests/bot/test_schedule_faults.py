"""Digests under faults: no story lost, none twice, no window that goes back in time.

Each test names the case of issue 13 it covers and what happened before.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from adapters.cli import app
from bot.app import Core, open_core
from bot.config import Settings
from bot.render import more_stories
from bot.schedule.spec import ScheduleSpec
from bot.types import ChannelRef, Digest
from storage import Delivery, DeliveryStatus, failed_deliveries
from tests.support.schedule import (
    Clock,
    RecordingSink,
    distinct_story,
    scheduler_for,
    store_story,
    subscribe,
)

EVERY_MINUTE = ScheduleSpec("every", None, 1, "UTC")
NOON = datetime(2024, 1, 10, 12, tzinfo=UTC)


@pytest.fixture
def core(db_url: str) -> Iterator[Core]:
    settings = Settings(_env_file=None, database_url=db_url, min_interval_minutes=1)  # type: ignore[call-arg]
    running = open_core(settings)
    yield running
    running.close()


def _statuses(core: Core, subscription_id: int) -> dict[datetime, str]:
    with core.db.session() as session:
        rows = session.scalars(select(Delivery).where(Delivery.subscription_id == subscription_id))
        return {row.period: row.status for row in rows}


# -- 1. an ingest whose transaction straddles the digest time ------------------------------


async def test_an_ingest_committed_after_a_digest_reaches_the_next_one(core: Core) -> None:
    """Before: the article, stamped when its batch started (before the digest time) but
    committed after the digest ran, fell before the next window: in no digest, ever."""
    sink = RecordingSink()
    sub_id = subscribe(core, EVERY_MINUTE, NOON - timedelta(days=1))
    early = store_story(core, 1, NOON - timedelta(seconds=30))
    clock = Clock(NOON)
    scheduler = scheduler_for(core, [sink], clock=clock)
    assert await scheduler.fire(sub_id)
    straddling = store_story(core, 2, NOON - timedelta(seconds=4))  # batch began before 12:00
    clock.now = NOON + timedelta(minutes=1)
    assert await scheduler.fire(sub_id)
    assert sink.urls() == [early, straddling]


async def test_a_transaction_held_open_across_the_digest_time_loses_nothing(
    postgres_url: str,
) -> None:
    """PostgreSQL, where readers do not wait for writers: an ingest holds its transaction
    open (before commit) while the 12:00 digest runs; the 12:01 digest carries its story.
    Before: 3 of 3 such stories were in no digest."""
    settings = Settings(_env_file=None, database_url=postgres_url, min_interval_minutes=1)  # type: ignore[call-arg]
    core = open_core(settings)
    try:
        sink = RecordingSink()
        sub_id = subscribe(core, EVERY_MINUTE, NOON - timedelta(days=1))
        early = store_story(core, 1, NOON - timedelta(seconds=30))
        holding, release = threading.Event(), threading.Event()
        ingest_thread: list[int] = []

        def hold_before_commit(session: Session) -> None:
            if threading.get_ident() in ingest_thread:
                holding.set()
                assert release.wait(30)

        event.listen(core.db.sessions, "before_commit", hold_before_commit)

        def ingest() -> str:
            ingest_thread.append(threading.get_ident())
            return store_story(core, 2, NOON - timedelta(seconds=4))

        loop = asyncio.get_running_loop()
        pending = loop.run_in_executor(None, ingest)
        assert await asyncio.to_thread(holding.wait, 30)
        clock = Clock(NOON)
        scheduler = scheduler_for(core, [sink], clock=clock)
        assert await scheduler.fire(sub_id)  # the ingest is still open
        release.set()
        straddling = await pending
        clock.now = NOON + timedelta(minutes=1)
        assert await scheduler.fire(sub_id)
        assert sink.urls() == [early, straddling]
    finally:
        core.close()


async def test_digests_hand_over_exactly_whatever_the_stamps_say(core: Core) -> None:
    """Articles fetched "in the future" or long ago by their stamps, stored between
    digests, each appear once, in the digest that followed their storing."""
    sink = RecordingSink()
    sub_id = subscribe(core, EVERY_MINUTE, NOON - timedelta(days=1))
    clock = Clock(NOON)
    scheduler = scheduler_for(core, [sink], clock=clock)
    assert not await scheduler.fire(sub_id)  # nothing yet
    expected: list[str] = []
    for minute in range(1, 5):
        expected.append(store_story(core, 10 + minute, NOON + timedelta(hours=minute - 3)))
        clock.now = NOON + timedelta(minutes=minute)
        assert await scheduler.fire(sub_id)
    assert sink.urls() == expected
    windows = [(d.since, d.until) for _, d in sink.posts]
    assert all(since < until for since, until in windows)
    assert [until for _, until in windows[:-1]] == [since for since, _ in windows[1:]]


# -- 2. a crash between claim and post, then a late restart ------------------------------


class CrashingSink(RecordingSink):
    """A post that never completes: the process dies while posting."""

    def __init__(self) -> None:
        super().__init__()
        self.posting = asyncio.Event()

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        self.posting.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def _crash_while_posting(core: Core, sub_id: int, at: datetime) -> None:
    crashing = CrashingSink()
    doomed = scheduler_for(core, [crashing], clock=Clock(at), instance="doomed")
    task = asyncio.create_task(doomed.fire(sub_id))
    await asyncio.wait_for(crashing.posting.wait(), 10)
    task.cancel()  # killed between claim and post: its claim stays behind
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_late_restart_posts_one_catch_up_digest_for_the_whole_gap(core: Core) -> None:
    """Before, a restart 11 minutes after a crash posted three things: the crashed period
    with an inverted window ("No news in 12:28 – 12:24"), a later digest again, and a
    catch-up of 10 items for an outage in which 42 articles arrived (32 never appeared)."""
    sink = RecordingSink()
    sub_id = subscribe(core, EVERY_MINUTE, NOON - timedelta(days=1))
    first = store_story(core, 1, NOON - timedelta(seconds=20))
    assert await scheduler_for(core, [sink], clock=Clock(NOON)).fire(sub_id)
    unposted = store_story(core, 2, NOON + timedelta(seconds=50))
    await _crash_while_posting(core, sub_id, NOON + timedelta(minutes=1, seconds=1))
    arrived = [unposted] + [
        store_story(core, 100 + n, NOON + timedelta(minutes=1, seconds=10 * n)) for n in range(42)
    ]
    # Restarted at once: the crashed claim is fresh (it may still be posting), so nothing
    # is posted twice; later periods wait for it rather than overtake it.
    soon = Clock(NOON + timedelta(minutes=2, seconds=5))
    assert await scheduler_for(core, [sink], clock=soon).catch_up() == 0
    assert len(sink.posts) == 1
    # Restarted 11 minutes after the crash.
    late = Clock(NOON + timedelta(minutes=12, seconds=5))
    assert await scheduler_for(core, [sink], clock=late).catch_up() == 1
    assert await scheduler_for(core, [sink], clock=late).catch_up() == 0
    [_, (_, catch_up)] = sink.posts
    assert catch_up.since == NOON and catch_up.until == NOON + timedelta(minutes=12)
    assert sorted(c.url for item in catch_up.items for c in item.citations) == sorted(arrived)
    assert catch_up.more == 0
    assert sink.urls().count(first) == 1
    statuses = _statuses(core, sub_id)
    assert statuses[NOON + timedelta(minutes=1)] == DeliveryStatus.SKIPPED  # folded, not posted
    assert statuses[NOON + timedelta(minutes=12)] == DeliveryStatus.SENT


async def test_a_stale_claim_behind_later_digests_is_never_posted(core: Core) -> None:
    """Another instance went on posting after the crash; a late restart must not go back
    and post the crashed period (before: an old period with its window inverted)."""
    sink, other = RecordingSink(), RecordingSink()
    sub_id = subscribe(core, EVERY_MINUTE, NOON - timedelta(days=1))
    stories = [store_story(core, 1, NOON - timedelta(seconds=30))]
    await _crash_while_posting(core, sub_id, NOON)
    for minute in range(11, 15):  # the survivor, once the crashed claim went stale
        stories.append(store_story(core, minute, NOON + timedelta(minutes=minute - 1)))
        survivor = scheduler_for(core, [other], clock=Clock(NOON + timedelta(minutes=minute)))
        assert await survivor.fire(sub_id)
    restarted = scheduler_for(core, [sink], clock=Clock(NOON + timedelta(minutes=14, seconds=30)))
    assert await restarted.catch_up() == 0
    assert (
        await restarted.deliver(await asyncio.to_thread(_subscription, core, sub_id), NOON) is False
    )
    assert sink.posts == []
    assert sorted(other.urls()) == sorted(stories)  # each once
    assert all(d.since < d.until for _, d in other.posts)


def _subscription(core: Core, sub_id: int):  # type: ignore[no-untyped-def]
    from storage import Subscription

    with core.db.session() as session:
        return session.get(Subscription, sub_id)


async def test_a_large_catch_up_says_how_many_more_stories_there_are(core: Core) -> None:
    sink = RecordingSink()
    sub_id = subscribe(core, ScheduleSpec("every", None, 60, "UTC"), NOON - timedelta(days=1))
    assert not await scheduler_for(core, [sink], clock=Clock(NOON)).fire(sub_id)  # empty
    core.ingestor.store([distinct_story(n, NOON + timedelta(minutes=n)) for n in range(70)])
    # Down for three periods; back within the grace window of the fourth.
    back = Clock(NOON + timedelta(hours=4, minutes=10))
    assert await scheduler_for(core, [sink], clock=back).catch_up() == 1
    [(_, digest)] = sink.posts
    assert (digest.since, digest.until) == (NOON, NOON + timedelta(hours=4))
    assert len(digest.items) == 40 and digest.more == 30  # ten a period, four periods


async def test_the_command_a_digest_gives_for_the_rest_lists_them(
    core: Core, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = RecordingSink()
    sub_id = subscribe(core, ScheduleSpec("every", None, 60, "UTC"), NOON - timedelta(days=1))
    assert not await scheduler_for(core, [sink], clock=Clock(NOON)).fire(sub_id)  # empty
    # Published the day before, stored now: the next digest takes them as they arrived.
    day_before = NOON - timedelta(days=1)
    core.ingestor.store([distinct_story(n, day_before + timedelta(minutes=n)) for n in range(25)])
    assert await scheduler_for(core, [sink], clock=Clock(NOON + timedelta(hours=1))).fire(sub_id)
    [(_, digest)] = sink.posts
    assert len(digest.items) == 10 and digest.more == 15
    hint = more_stories(digest)
    assert hint is not None
    command = re.search(r"`newsbot (digest [^`]*)`", hint)
    assert command is not None
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    listed = CliRunner().invoke(
        app,
        [*shlex.split(command.group(1)), "--json"],
        env={"DATABASE_URL": db_url, "LOAD_DEMO_CORPUS": "false"},
    )
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)["items"]) == 25


# -- 3. a transient failure of the chat platform -----------------------------------------


class FlakySink(RecordingSink):
    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.attempts = 0

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        self.attempts += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("The server responded with: {'status': 500}")
        return await super().post_digest(channel, digest)


async def test_a_failing_post_is_retried_with_backoff_until_it_goes_through(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: three attempts within 3 seconds, marked failed, the period lost."""
    sink = FlakySink(failures=4)
    sub_id = subscribe(core, EVERY_MINUTE, NOON - timedelta(days=1))
    story = store_story(core, 1, NOON - timedelta(seconds=20))
    clock = Clock(NOON)
    scheduler = scheduler_for(core, [sink], clock=clock, sleep=clock.sleep)
    assert await scheduler.fire(sub_id)
    assert sink.attempts == 5 and sink.urls() == [story]
    assert clock.now == NOON + timedelta(seconds=5 + 10 + 20 + 40)  # backing off
    assert _statuses(core, sub_id) == {NOON: DeliveryStatus.SENT}
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 4 and all(r.exc_info is None for r in retries)


async def test_a_post_that_keeps_failing_is_reported_and_its_stories_carried(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    sink = FlakySink(failures=1000)
    sub_id = subscribe(core, ScheduleSpec("every", None, 60, "UTC"), NOON - timedelta(days=1))
    story = store_story(core, 1, NOON - timedelta(minutes=20))
    clock = Clock(NOON)
    scheduler = scheduler_for(core, [sink], clock=clock, sleep=clock.sleep)
    assert not await scheduler.fire(sub_id)
    assert clock.now <= NOON + timedelta(minutes=core.settings.missed_grace_minutes)
    with core.db.session() as session:
        [failed] = failed_deliveries(session)
        assert failed.period == NOON and "500" in (failed.error or "")
    assert any("not posted" in r.getMessage() for r in caplog.records)
    sink.failures = 0  # Slack is back: the next digest carries the story
    clock.now = NOON + timedelta(hours=1)
    assert await scheduler.fire(sub_id)
    [(_, digest)] = sink.posts
    # Still the first digest posted: it starts when the subscription was made.
    assert sink.urls() == [story] and digest.since == NOON - timedelta(days=1)
