"""A stored entry that had less than its feed or page now offers is repaired at a later
poll, and a page that could not be fetched is named."""

from __future__ import annotations

from sqlalchemy import select

from bot.config import Settings
from bot.ingest import Ingestor
from bot.ingest.web import PAGE_RETRIES_A_POLL
from storage import Article, Database, add_feed
from tests.support.httpserver import FakeSite, serve
from tests.support.news import ARTICLE_HTML, feed_xml

RSS = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html"}
BODY = "Bystyret vedtok budsjettet etter lang debatt om skoler og veier i kommunen. " * 6


def _texts(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {a.url: a.text for a in session.scalars(select(Article))}


def _polled_feed(db: Database, site: FakeSite, items: list[tuple[str, str, str]]) -> str:
    url = site.add("/rss", body=feed_xml(site, items), headers=RSS)
    with db.session() as session:
        add_feed(session, url)
    return url


def test_an_entry_stored_with_its_title_only_is_updated_once_the_feed_has_its_text(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        first = [("/sak/1", "Sak nummer 1", BODY), ("/sak/2", "Sak nummer 2", "")]
        _polled_feed(sqlite_db, site, first)
        ingestor = Ingestor(sqlite_db, settings)
        report = ingestor.poll_feeds()
        assert report.summary() == "2 new, 0 updated, 0 unchanged, 1 failed"
        assert _texts(sqlite_db)[site.url("/sak/2")] == "Sak nummer 2"
        whole = [first[0], ("/sak/2", "Sak nummer 2", BODY + "Sak 2.")]
        site.add("/rss", body=feed_xml(site, whole), headers=RSS)
        second = ingestor.poll_feeds()
    assert second.summary() == "0 new, 1 updated, 1 unchanged, 0 failed"
    assert _texts(sqlite_db)[site.url("/sak/2")].endswith("Sak 2.")


def test_a_page_that_failed_is_named_and_fetched_again_at_the_next_poll(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        site.add("/libya", status=500)
        teaser = [("/libya", "Våpenhvile i Libya", "Kort ingress.")]
        url = _polled_feed(sqlite_db, site, teaser)
        ingestor = Ingestor(sqlite_db, settings)
        first = ingestor.poll_feeds()
        assert first.summary() == "1 new, 0 updated, 0 unchanged, 1 failed"
        [failure] = first.failures
        assert failure.where == f'{url}, entry 1 "Våpenhvile i Libya"'
        assert failure.reason == (
            f"its page could not be fetched ({site.url('/libya')} answered HTTP 500); "
            "the entry is stored with the feed's own text for now"
        )
        assert _texts(sqlite_db)[site.url("/libya")] == "Kort ingress."
        site.add("/libya", body=ARTICLE_HTML.encode(), headers=HTML)
        second = ingestor.poll_feeds()
        assert second.summary() == "0 new, 1 updated, 0 unchanged, 0 failed"
        assert "Russland uoffisielt" in _texts(sqlite_db)[site.url("/libya")]
        third = ingestor.poll_feeds()
    assert third.summary() == "0 new, 0 updated, 1 unchanged, 0 failed"
    assert [path for path, _ in site.requests].count("/libya") == 2  # stored whole: not again


def test_pages_of_stored_teasers_are_fetched_again_a_few_a_poll(
    sqlite_db: Database, settings: Settings
) -> None:
    count = PAGE_RETRIES_A_POLL + 5
    with serve() as site:
        teasers = [(f"/sak/{n}", f"Sak nummer {n}", f"Ingress {n}.") for n in range(count)]
        _polled_feed(sqlite_db, site, teasers)
        ingestor = Ingestor(sqlite_db, settings)
        first = ingestor.poll_feeds()
        assert (first.new, first.failed) == (count, count)  # every page is missing
        fetched = len(site.requests)
        second = ingestor.poll_feeds()
    assert second.summary() == f"0 new, 0 updated, {count} unchanged, {PAGE_RETRIES_A_POLL} failed"
    assert len(site.requests) - fetched == 1 + PAGE_RETRIES_A_POLL
