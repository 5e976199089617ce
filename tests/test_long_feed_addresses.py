"""A feed address longer than the database keeps is refused wherever feeds are added, in one
line; and an article whose origin was cut to fit is seen by no tenant (it fails closed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.cli import app
from bot.app import Core, open_core
from bot.commands import CommandContext, Notice
from bot.config import Settings
from bot.ingest import ArticleDraft
from bot.tenants import Tenant
from bot.types import Answer, ChannelRef
from storage import URL_CHARS, add_feed, get_feed, search_articles
from tests.support.httpserver import serve
from tests.support.news import FERRY, FERRY_QUESTION, feed_xml

# 2,100 characters: a query string a tracking link might carry, on a public address
# written as an IP (refused before any look-up or fetch).
LONG = "http://93.184.215.14/feed.rss?q=" + "x" * (2100 - 32)
RSS = {"Content-Type": "application/rss+xml"}
REFUSAL = "A feed address can be at most 2,048 characters long; this one is 2,100."


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    env = {"DATABASE_URL": db_url, "LOAD_DEMO_CORPUS": "false", "FETCH_ALLOW_HOSTS": "127.0.0.1"}
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), env=env)

    return invoke


def test_feeds_add_refuses_a_longer_address_in_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    assert len(LONG) == 2100
    for flags in (["--tenant", "slack:TA"], []):
        refused = cli("feeds", "add", LONG, *flags)
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr.splitlines() == [REFUSAL]
    assert "No feeds yet" in cli("feeds", "list").stdout


def test_feeds_import_refuses_a_longer_address_and_adds_the_rest(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    opml = tmp_path / "feeds.opml"
    with serve() as site:
        wire = site.add("/wire.rss", body=feed_xml(site, [FERRY]), headers=RSS)
        opml.write_text(
            '<?xml version="1.0"?><opml version="1.0"><head><title>x</title></head><body>'
            f'<outline text="Wire" type="rss" xmlUrl="{wire}"/>'
            f'<outline text="Long" type="rss" xmlUrl="{LONG}"/></body></opml>',
            encoding="utf-8",
        )
        result = cli("feeds", "import", str(opml), "--tenant", "slack:TA")
        # The longer address is refused before it is read; only the other one is fetched.
        assert [path for path, _headers in site.requests] == ["/wire.rss"]
    assert result.exit_code == 1
    assert "1 added, 0 already read, 1 refused (of 2 feeds)" in result.stdout
    assert result.stderr.splitlines() == [f"refused: {LONG}: {REFUSAL}"]
    assert cli("feeds", "list", "--tenant", "slack:TA").stdout.count("http://") == 1


def test_chat_feeds_add_refuses_a_longer_address(core: Core) -> None:
    context = CommandContext(ChannelRef("slack", "C1"), "U1", True, tenant=Tenant.slack("TA"))
    reply = core.commands.handle(f"feeds add {LONG}", context)
    assert isinstance(reply, Notice) and not reply.ok
    assert reply.text == REFUSAL


def test_an_address_of_exactly_the_columns_length_is_a_feed_like_any_other(core: Core) -> None:
    with serve() as site:
        path = "/feed.rss?q="
        path += "y" * (URL_CHARS - len(site.url(path)))
        feed = site.add(path, body=feed_xml(site, [FERRY]), headers=RSS)
        assert len(feed) == URL_CHARS
        context = CommandContext(ChannelRef("slack", "C1"), "U1", True, tenant=Tenant.slack("TA"))
        reply = core.commands.handle(f"feeds add {feed}", context)
    assert isinstance(reply, Notice) and reply.text.startswith(f"Added {feed}: 1 new article.")
    answer = core.commands.handle(FERRY_QUESTION, context)
    assert isinstance(answer, Answer) and answer.found


@pytest.fixture
def sqlite_core(settings: Settings, sqlite_url: str) -> Iterator[Core]:
    """SQLite keeps a longer address whole (PostgreSQL refused it): a feed added before such
    addresses were refused may be stored."""
    running = open_core(settings.model_copy(update={"database_url": sqlite_url}))
    yield running
    running.close()


def test_a_feed_added_before_long_addresses_were_refused_fails_its_polls_saying_why(
    sqlite_core: Core,
) -> None:
    with sqlite_core.db.session() as session:
        feed, _ = add_feed(session, LONG, tenant="slack:TA")
        session.flush()
        session.expunge(feed)
    report = sqlite_core.ingestor.poll_feeds([feed])
    [failure] = report.failures
    assert failure.reason == (
        "the feed address is 2,100 characters long, over 2,048: "
        "remove it and add the feed under a shorter address"
    )
    with sqlite_core.db.session() as session:
        stored = get_feed(session, LONG)
        assert stored is not None and stored.last_error == failure.reason


def test_articles_a_feed_of_a_longer_address_stored_are_no_tenants(sqlite_core: Core) -> None:
    team_a, team_b = Tenant.slack("TA"), Tenant.slack("TB")
    with sqlite_core.db.session() as session:
        add_feed(session, LONG, tenant=team_a.key)
    # Stored as a poll stored them before such feeds were refused: the origin cut to fit.
    sqlite_core.ingestor.store(
        [
            ArticleDraft(
                url="https://public.example/story",
                title="Kraftverket i Alta",
                text="Kraftverket i Alta stengte luka etter flommen i natt.",
                origin=LONG,
            )
        ]
    )
    with sqlite_core.db.session() as session:
        stored = session.execute(text("SELECT origin FROM article_origins")).scalars().all()
        assert [len(origin) for origin in stored] == [URL_CHARS]
        # Cut, it names no feed: no tenant sees the article, its own included; the
        # operator does.
        for tenant in (team_a, team_b, Tenant.discord_server("1")):
            assert search_articles(session, ["kraftverket"], visible_to=tenant.scope) == []
        assert len(search_articles(session, ["kraftverket"])) == 1
    context = CommandContext(ChannelRef("slack", "C1"), "U1", True, tenant=team_b)
    answer = sqlite_core.commands.handle("Hva stengte kraftverket i Alta?", context)
    assert isinstance(answer, Answer) and not answer.found
