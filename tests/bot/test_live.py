"""Live feed posts: each new item once per channel, across restarts and instances."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import Core
from bot.commands import CommandContext, Notice
from bot.live import LivePoster
from bot.tenants import Tenant
from bot.types import ChannelRef, Digest, LiveItem
from storage import get_feed
from tests.bot.test_schedule import scheduler_for
from tests.support.httpserver import FakeSite, serve
from tests.support.news import feed_xml

RSS = {"Content-Type": "application/rss+xml"}
HERE = ChannelRef("slack", "C0LIVE")
ADMIN = CommandContext(HERE, "U1", True, tenant=Tenant.slack("T0LIVE"))


PLACES = ["Alta", "Bodø", "Hammerfest", "Kirkenes", "Narvik", "Tromsø", "Vadsø", "Harstad"]
THINGS = ["brua", "fergekaia", "skolen", "flyplassen", "sykehuset", "havna", "tunnelen", "kaia"]
DOINGS = ["åpnet", "stengte", "pusset opp", "solgte", "utvidet", "flyttet", "rev", "malte"]


def item(n: int, text: str = "") -> tuple[str, str, str]:
    """Feed item n: stories that share no more words than any two different stories do."""
    words = text or (
        f"Kommunen i {PLACES[n]} {DOINGS[n]} {THINGS[n]} mandag, "
        f"etter {n * 7} år med {THINGS[(n + 3) % 8]} som nabo."
    )
    return (f"/item{n}", f"Sak {n}", words)


class LiveSink:
    """A front end that keeps what it was asked to post live."""

    platform = "slack"

    def __init__(self) -> None:
        self.posts: list[tuple[ChannelRef, LiveItem]] = []

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        raise AssertionError("no digest expected")

    async def post_live(self, channel: ChannelRef, post: LiveItem) -> str | None:
        self.posts.append((channel, post))
        return f"ts{len(self.posts)}"

    def titles(self) -> list[str]:
        return [p.item.headline if p.item else f"+{p.more}" for _c, p in self.posts]


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with serve() as fake:
        fake.add("/a.rss", body=feed_xml(fake, [item(1), item(2)]), headers=RSS)
        fake.add("/b.rss", body=feed_xml(fake, []), headers=RSS)
        yield fake


def add_here(core: Core, url: str) -> int:
    reply = core.commands.handle(f"feeds add {url} here", ADMIN)
    assert isinstance(reply, Notice) and reply.ok, reply
    with core.db.session() as session:
        feed = get_feed(session, url)
        assert feed is not None
        return feed.id


def poster(core: Core, sink: LiveSink, instance: str, burst: int = 3) -> LivePoster:
    return LivePoster(core.db, [sink], burst=burst, instance=instance)


async def test_new_items_are_posted_once_in_a_burst_with_and_k_more(
    core: Core, site: FakeSite
) -> None:
    feed = add_here(core, site.url("/a.rss"))
    sink = LiveSink()
    first = poster(core, sink, "one")
    # What the feed held when it went live is the backlog, not news.
    assert await first.after_poll(feed) == 0 and sink.posts == []

    site.add("/a.rss", body=feed_xml(site, [item(n) for n in range(1, 8)]), headers=RSS)
    core.ingestor.poll_feeds()
    assert await first.after_poll(feed) == 3
    assert sink.titles() == ["Sak 3", "Sak 4", "Sak 5", "+2"]
    channel, post = sink.posts[0]
    assert channel == HERE and post.item is not None
    [citation] = post.item.citations
    assert citation.url == site.url("/item3") and citation.source
    assert post.item.summary.startswith("Kommunen i Kirkenes solgte flyplassen")

    # Restarted (a new poster, another instance name): nothing is posted again.
    again = poster(core, sink, "two")
    assert await again.after_poll(feed) == 0
    assert len(sink.posts) == 4


async def test_two_instances_post_each_item_once(core: Core, site: FakeSite) -> None:
    feed = add_here(core, site.url("/a.rss"))
    site.add("/a.rss", body=feed_xml(site, [item(n) for n in range(1, 6)]), headers=RSS)
    core.ingestor.poll_feeds()
    sinks = [LiveSink(), LiveSink()]
    posted = await asyncio.gather(
        *(poster(core, sink, f"i{n}", burst=10).after_poll(feed) for n, sink in enumerate(sinks))
    )
    assert sum(posted) == 3
    titles = sinks[0].titles() + sinks[1].titles()
    assert sorted(titles) == ["Sak 3", "Sak 4", "Sak 5"]


async def test_the_same_story_from_two_live_feeds_is_posted_once(
    core: Core, site: FakeSite
) -> None:
    first = add_here(core, site.url("/a.rss"))
    second = add_here(core, site.url("/b.rss"))
    story = "Kraftselskapet Alta Kraft stengte dammen i Alta etter flommen natt til tirsdag."
    site.add("/a.rss", body=feed_xml(site, [item(9, story)]), headers=RSS)
    core.ingestor.poll_feeds()
    sink = LiveSink()
    live = poster(core, sink, "one")
    assert await live.after_poll(first) == 1
    # The other outlet's telling of it arrives at the next poll, under its own address.
    site.add(
        "/b.rss", body=feed_xml(site, [("/other-outlet", "Dammen stengt", story)]), headers=RSS
    )
    core.ingestor.poll_feeds()
    assert await live.after_poll(second) == 0
    assert sink.titles() == ["Sak 9"]


async def test_an_item_another_feed_stored_first_is_posted_from_the_live_feed_carrying_it(
    core: Core, site: FakeSite
) -> None:
    live = add_here(core, site.url("/b.rss"))
    # Another team's feed stores the story first; this channel's feed carries it too.
    site.add("/other.rss", body=feed_xml(site, [item(4)]), headers=RSS)
    other = CommandContext(ChannelRef("slack", "C9"), "U9", True, tenant=Tenant.slack("T0OTHER"))
    assert core.commands.handle(f"feeds add {site.url('/other.rss')}", other).ok
    site.add("/b.rss", body=feed_xml(site, [item(4)]), headers=RSS)
    core.ingestor.poll_feeds()
    sink = LiveSink()
    assert await poster(core, sink, "one").after_poll(live) == 1
    assert sink.titles() == ["Sak 4"]


async def test_the_scheduler_posts_live_after_its_poll_and_removing_stops_it(
    core: Core, site: FakeSite
) -> None:
    feed = add_here(core, site.url("/a.rss"))
    sink = LiveSink()
    live = poster(core, sink, "one")
    scheduler = scheduler_for(core, [sink], after_poll=live.after_poll)  # type: ignore[list-item]
    site.add("/a.rss", body=feed_xml(site, [item(1), item(2), item(3)]), headers=RSS)
    assert await scheduler.poll_feed(feed)
    assert sink.titles() == ["Sak 3"]

    listing = core.commands.handle("feeds list", ADMIN)
    assert isinstance(listing, Notice) and "posted here live" in listing.text
    stopped = core.commands.handle(f"feeds remove {site.url('/a.rss')} here", ADMIN)
    assert isinstance(stopped, Notice) and stopped.text.startswith("I stopped posting")
    site.add("/a.rss", body=feed_xml(site, [item(n) for n in range(1, 5)]), headers=RSS)
    assert await scheduler.poll_feed(feed)
    assert sink.titles() == ["Sak 3"]
    scheduler.shutdown()


class Crash(BaseException):
    """The process dying mid-post: nothing after it runs, the claim stays as it was."""


class CrashingSink(LiveSink):
    async def post_live(self, channel: ChannelRef, post: LiveItem) -> str | None:
        raise Crash


async def test_an_item_whose_post_was_cut_short_is_posted_once_after_its_lease(
    core: Core, site: FakeSite
) -> None:
    feed = add_here(core, site.url("/a.rss"))
    site.add("/a.rss", body=feed_xml(site, [item(n) for n in range(1, 4)]), headers=RSS)
    core.ingestor.poll_feeds()
    start = datetime.now(UTC)

    def at(minutes: int, sink: LiveSink, instance: str) -> LivePoster:
        later = start + timedelta(minutes=minutes)
        return LivePoster(core.db, [sink], burst=3, instance=instance, clock=lambda: later)

    # The instance that claimed "Sak 3" died before it was posted or marked sent.
    with pytest.raises(Crash):
        await at(0, CrashingSink(), "died").after_poll(feed)
    # Restarted within the claim's lease: it may still be on its way, so it is left alone.
    sink = LiveSink()
    assert await at(5, sink, "soon").after_poll(feed) == 0
    # Once the lease has run out it is posted, by one of two instances only, and only once.
    sinks = [LiveSink(), LiveSink()]
    posted = await asyncio.gather(
        *(at(11, s, f"later{n}").after_poll(feed) for n, s in enumerate(sinks))
    )
    assert sum(posted) == 1
    assert sinks[0].titles() + sinks[1].titles() == ["Sak 3"]
    assert await at(30, sink, "much later").after_poll(feed) == 0
    assert sink.posts == []
