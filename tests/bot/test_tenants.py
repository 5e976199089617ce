"""Tenants kept apart in the core: own feeds, own subscriptions, own view of the news."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import Core, open_core
from bot.commands import CommandContext, Notice
from bot.config import Settings
from bot.ingest import ArticleDraft
from bot.tenants import Tenant
from bot.types import Answer, ChannelRef, Digest
from storage import (
    Subscription,
    add_feed,
    add_subscription,
    get_articles,
    list_subscriptions,
    search_articles,
)
from tests.support.httpserver import FakeSite, serve
from tests.support.news import (
    AVALANCHE,
    AVALANCHE_QUESTION,
    CHESS,
    FERRY,
    FERRY_QUESTION,
    feed_xml,
)

RSS = {"Content-Type": "application/rss+xml"}


def admin(tenant: Tenant, channel: str) -> CommandContext:
    return CommandContext(ChannelRef(tenant.platform, channel), "U1", True, tenant=tenant)


NORTH = Tenant.slack("T0NORTH")
SOUTH = Tenant.discord_server("4242")


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with serve() as fake:
        for path, item in (("/north.rss", FERRY), ("/south.rss", AVALANCHE), ("/all.rss", CHESS)):
            fake.add(path, body=feed_xml(fake, [item]), headers=RSS)
        yield fake


def say(core: Core, text: str, context: CommandContext) -> Notice:
    reply = core.commands.handle(text, context)
    assert isinstance(reply, Notice)
    return reply


def test_each_tenant_reads_and_manages_only_its_own_feeds(core: Core, site: FakeSite) -> None:
    north, south = admin(NORTH, "C1"), admin(SOUTH, "77")
    # The operator's source serves everyone.
    assert core.commands.handle(f"feeds add --global {site.url('/all.rss')}", north).ok is False
    console = CommandContext(ChannelRef("console", "local"), "me", True, True, Tenant.console())
    assert say(core, f"feeds add --global {site.url('/all.rss')}", console).ok
    assert say(core, f"feeds add {site.url('/north.rss')}", north).text.startswith("Added")
    assert say(core, f"feeds add {site.url('/south.rss')}", south).text.startswith("Added")

    # Each asks what only the other's feed can answer: not from the other's articles.
    about_avalanche = core.commands.handle(AVALANCHE_QUESTION, north)
    assert isinstance(about_avalanche, Answer) and not about_avalanche.found
    about_ferry = core.commands.handle(FERRY_QUESTION, south)
    assert isinstance(about_ferry, Answer) and not about_ferry.found
    # ... while its own feed and the operator's source answer.
    own = core.commands.handle(FERRY_QUESTION, north)
    assert isinstance(own, Answer) and own.found
    assert own.citations[0].url == site.url("/ferry")
    shared = core.commands.handle("Hvem vant i Wijk aan Zee?", south)
    assert isinstance(shared, Answer) and shared.found

    # Neither can remove the other's feed; each lists only its own.
    refused = say(core, f"feeds remove {site.url('/north.rss')}", south)
    assert not refused.ok and refused.text == (
        f"This server does not read {site.url('/north.rss')}."
    )
    listing = say(core, "feeds list", north).text
    assert site.url("/north.rss") in listing
    assert site.url("/south.rss") not in listing and site.url("/all.rss") not in listing
    assert "1 feed the operator reads for everyone" in listing

    # Removed from its owner, the feed's articles are nobody's view any more.
    assert say(core, f"feeds remove {site.url('/north.rss')}", north).ok
    gone = core.commands.handle(FERRY_QUESTION, north)
    assert isinstance(gone, Answer) and not gone.found


def test_digests_draw_on_own_feeds_and_operator_sources(core: Core, site: FakeSite) -> None:
    north, south = admin(NORTH, "C1"), admin(SOUTH, "77")
    assert say(core, f"feeds add {site.url('/north.rss')}", north).ok
    assert say(core, f"feeds add {site.url('/south.rss')}", south).ok
    since = core.digests.recent().since.replace(year=2019)

    def headlines(context: CommandContext) -> set[str]:
        digest = core.digests.recent(since=since, visible_to=context.scope)
        assert isinstance(digest, Digest)
        return {item.headline for item in digest.items}

    assert headlines(north) == {FERRY[1]}
    assert headlines(south) == {AVALANCHE[1]}


def test_a_feed_shared_by_two_tenants_is_stored_once_and_stays_with_the_other(
    core: Core, site: FakeSite
) -> None:
    north, south = admin(NORTH, "C1"), admin(SOUTH, "77")
    feed = site.url("/north.rss")
    assert say(core, f"feeds add {feed}", north).ok
    assert say(core, f"feeds add {feed}", south).text.startswith("Added")
    assert say(core, f"feeds add {feed}", south).text == f"This server already reads {feed}."
    assert say(core, f"feeds remove {feed}", north).ok
    answer = core.commands.handle(FERRY_QUESTION, south)
    assert isinstance(answer, Answer) and answer.found


def test_subscriptions_belong_to_their_tenant_and_old_ones_are_adopted(core: Core) -> None:
    north = admin(NORTH, "C1")
    # A subscription made before tenants existed, in the channel north now speaks in.
    with core.db.session() as session:
        old = add_subscription(
            session,
            Subscription(
                platform="slack",
                channel_id="C1",
                schedule="daily",
                at="08:00",
                timezone="Europe/Oslo",
                max_items=10,
            ),
        )
        number = old.id
    assert f"#{number}" in say(core, "subscriptions", north).text
    with core.db.session() as session:
        [adopted] = list_subscriptions(session, tenant=NORTH.key)
        assert adopted.id == number
    # Another tenant cannot see or stop it, even from a channel id that looks the same.
    intruder = admin(Tenant.slack("T0SOUTH"), "C1")
    assert f"#{number}" not in say(core, "subscriptions", intruder).text
    refused = say(core, f"unsubscribe {number}", intruder)
    assert not refused.ok and refused.text == f"This channel has no subscription #{number}."


def test_rate_limits_belong_to_the_tenant(settings: Settings, db_url: str) -> None:
    tight = settings.model_copy(
        update={"database_url": db_url, "rate_tenant_per_minute": 1, "rate_user_per_minute": 0}
    )
    running = open_core(tight)
    try:
        north, south = admin(NORTH, "C1"), admin(SOUTH, "77")
        assert isinstance(running.commands.handle("who backs Haftar?", north), Answer)
        busy = running.commands.handle("who backs Haftar?", admin(NORTH, "C2"))
        assert isinstance(busy, Notice) and "please wait" in busy.text
        # Another tenant is not held up by the first one's use.
        assert isinstance(running.commands.handle("who backs Haftar?", south), Answer)
    finally:
        running.close()


def test_a_tenant_finds_its_article_below_many_better_hidden_ones(core: Core) -> None:
    """Past the first window of everyone's best hits, the index filters every match."""
    hidden = "https://other.example/feed.rss"
    drafts = [
        ArticleDraft(
            url=f"https://other.example/{i}",
            title=f"Kraftverket {i}",
            text="Kraftverket kraftverket kraftverket i Alta. " * 3,
            origin=hidden,
        )
        for i in range(120)
    ]
    drafts.append(
        ArticleDraft(
            url="https://own.example/1",
            title="Vannstand",
            text="Vannstanden steg lenge før kraftverket i Alta stengte luka.",
            origin="https://own.example/feed.rss",
        )
    )
    core.ingestor.store(drafts)
    with core.db.session() as session:
        add_feed(session, hidden, tenant="discord:other")
        add_feed(session, "https://own.example/feed.rss", tenant=NORTH.key)
        hits = search_articles(session, ["kraftverket"], limit=3, visible_to=NORTH.scope)
        [(own, _score)] = hits
        assert get_articles(session, [own])[own].url == "https://own.example/1"
        assert len(search_articles(session, ["kraftverket"], limit=3)) == 3
