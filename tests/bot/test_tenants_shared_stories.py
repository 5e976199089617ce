"""A story that several feeds carry is seen through any of them: a tenant reads what its own
feeds and the operator's sources carry, whichever feed stored the story first, and never
what only another tenant's feed carries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.app import Core
from bot.commands import CommandContext, Notice
from bot.tenants import Tenant
from bot.types import Answer, ChannelRef, Digest
from storage import count_articles
from tests.support.httpserver import FakeSite, serve

RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}

TEAM_A = Tenant.slack("TA")
TEAM_B = Tenant.slack("TB")
TEAM_C = Tenant.discord_server("4343")

# (page, title, text, question): each story a page of its own, which the feeds link to.
STORM = (
    "/pages/storm.html",
    "Stormen Ingunn slo ut strømmen i Trøndelag",
    "Stormen Ingunn slo ut strømmen for 40 000 kunder i Trøndelag natt til fredag. "
    "Nettselskapet Tensio sier at montørene jobber for å få strømmen tilbake innen lørdag. "
    "Vindkastene nådde 45 meter i sekundet på Frøya, og fergene ble innstilt hele dagen.",
    "Hvor mange kunder mistet strømmen under stormen Ingunn?",
)
BROVIK = (
    "/pages/brovik.html",
    "Brovik bru stengt etter sprekker i brokassen",
    "Brovik bru ble stengt for all trafikk tirsdag etter at inspektører fant sprekker i "
    "brokassen. Statens vegvesen anslår at reparasjonen tar minst tre uker, og bilistene "
    "må kjøre omvei gjennom Sørdalen. Bussene får egne avganger over fjorden med ferje.",
    "Hvorfor ble Brovik bru stengt?",
)
SECRET = (
    "/pages/kantine.html",
    "Kantinen på Solbakken flytter til tredje etasje",
    "Kantinen på Solbakken flytter til tredje etasje i mars, og lunsjen serveres fra "
    "klokken elleve. Kokken Mirela Dobrev lover suppe hver mandag og grøt på fredager. "
    "Ansatte som vil ha vegetarmat, sier fra til resepsjonen innen torsdag hver uke.",
    "Når serveres lunsjen i kantinen på Solbakken?",
)
Story = tuple[str, str, str, str]


def page(title: str, text: str) -> bytes:
    return (
        f"<html><head><title>{title}</title>"
        '<meta property="article:published_time" content="2024-01-12T08:00:00+01:00"></head>'
        f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    ).encode()


def rss(site: FakeSite, stories: list[Story], links: dict[str, str] | None = None) -> bytes:
    """A feed of teasers, each linking to its story's page (or to ``links[page]``)."""
    items = "".join(
        f"<item><title>{title}</title><link>{site.url((links or {}).get(path, path))}</link>"
        f"<pubDate>Fri, 12 Jan 2024 07:00:00 GMT</pubDate><description>{text[:80]}</description>"
        "</item>"
        for path, title, text, _question in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Nyheter</title><link>{site.base_url}</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with serve() as fake:
        for path, title, text, _question in (STORM, BROVIK, SECRET):
            fake.add(path, body=page(title, text), headers=HTML)
        yield fake


def admin(tenant: Tenant) -> CommandContext:
    return CommandContext(ChannelRef(tenant.platform, "C1"), "U1", True, tenant=tenant)


OPERATOR = CommandContext(ChannelRef("console", "local"), "me", True, True, Tenant.console())


def say(core: Core, text: str, context: CommandContext) -> Notice:
    reply = core.commands.handle(text, context)
    assert isinstance(reply, Notice), reply
    assert reply.ok, reply.text
    return reply


def finds(core: Core, story: Story, context: CommandContext) -> bool:
    answer = core.commands.handle(story[3], context)
    assert isinstance(answer, Answer)
    return answer.found


def headlines(core: Core, context: CommandContext) -> set[str]:
    since = datetime(2024, 1, 1, tzinfo=UTC)
    digest = core.digests.recent(since=since, visible_to=context.scope)
    assert isinstance(digest, Digest)
    return {item.headline for item in digest.items}


def test_a_story_a_private_feed_stored_first_is_everyones_when_an_operator_source_carries_it(
    core: Core, site: FakeSite
) -> None:
    site.add("/a.rss", body=rss(site, [STORM, SECRET]), headers=RSS)
    site.add("/op.rss", body=rss(site, [STORM]), headers=RSS)
    team_a, team_b = admin(TEAM_A), admin(TEAM_B)
    # Team A's feed stores the storm first; the operator's source then finds it known.
    say(core, f"feeds add {site.url('/a.rss')}", team_a)
    assert not finds(core, STORM, team_b)
    say(core, f"feeds add --global {site.url('/op.rss')}", OPERATOR)
    core.ingestor.poll_feeds()

    assert finds(core, STORM, team_b)
    assert headlines(core, team_b) == {STORM[1]}
    # What only Team A's feed carries stays Team A's.
    assert not finds(core, SECRET, team_b)
    assert finds(core, SECRET, team_a)
    assert headlines(core, team_a) == {STORM[1], SECRET[1]}


def test_a_story_two_teams_feeds_carry_is_seen_by_both_and_by_no_third(
    core: Core, site: FakeSite
) -> None:
    site.add("/a.rss", body=rss(site, [BROVIK, SECRET]), headers=RSS)
    site.add("/b.rss", body=rss(site, [BROVIK]), headers=RSS)
    team_a, team_b, team_c = admin(TEAM_A), admin(TEAM_B), admin(TEAM_C)
    say(core, f"feeds add {site.url('/a.rss')}", team_a)
    say(core, f"feeds add {site.url('/b.rss')}", team_b)
    core.ingestor.poll_feeds()  # a second poll of both changes nothing

    assert finds(core, BROVIK, team_a) and finds(core, BROVIK, team_b)
    assert not finds(core, BROVIK, team_c)
    assert not finds(core, SECRET, team_b)
    assert headlines(core, team_b) == {BROVIK[1]}
    assert headlines(core, team_c) == set()

    # Team A stops reading its feed: Team B still reads the story its own feed carries,
    # and what only Team A's feed carried is hidden from everyone, Team A included.
    say(core, f"feeds remove {site.url('/a.rss')}", team_a)
    assert finds(core, BROVIK, team_b)
    assert not finds(core, BROVIK, team_a)
    assert not finds(core, SECRET, team_a) and not finds(core, SECRET, team_b)
    say(core, f"feeds remove {site.url('/b.rss')}", team_b)
    assert not finds(core, BROVIK, team_b)
    # Hidden, not deleted: were a team to read either feed again, its stories are there.
    with core.db.session() as session:
        assert count_articles(session) == 2


def test_the_same_story_under_another_address_is_seen_through_either_feed(
    core: Core, site: FakeSite
) -> None:
    # Team B's feed links to a copy of the page at another address: the same text is stored
    # once, under Team A's address, and Team B reads it all the same.
    path, title, text, _question = BROVIK
    site.add("/copy/brovik.html", body=page(title, text), headers=HTML)
    site.add("/a.rss", body=rss(site, [BROVIK]), headers=RSS)
    site.add("/b.rss", body=rss(site, [BROVIK], {path: "/copy/brovik.html"}), headers=RSS)
    team_a, team_b = admin(TEAM_A), admin(TEAM_B)
    say(core, f"feeds add {site.url('/a.rss')}", team_a)
    say(core, f"feeds add {site.url('/b.rss')}", team_b)

    answer = core.commands.handle(BROVIK[3], team_b)
    assert isinstance(answer, Answer) and answer.found
    assert answer.citations[0].url == site.url(path)
    assert not finds(core, BROVIK, admin(TEAM_C))


def test_adding_a_feed_another_team_reads_says_how_many_articles_it_brings(
    core: Core, site: FakeSite
) -> None:
    site.add("/a.rss", body=rss(site, [STORM, BROVIK]), headers=RSS)
    feed = site.url("/a.rss")
    first = say(core, f"feeds add {feed}", admin(TEAM_A))
    assert first.text.startswith(f"Added {feed}: 2 new articles. I read it every")
    # Stored and read already: nothing is new, but Team B can now read both.
    second = say(core, f"feeds add {feed}", admin(TEAM_B))
    assert second.text.startswith(
        f"Added {feed}: this workspace can now read its 2 articles (0 new). I read it every"
    )
    assert finds(core, STORM, admin(TEAM_B))
