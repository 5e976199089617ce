"""`newsbot feeds add` reads the address once: what is not a feed now is added only when
the user says --anyway."""

from __future__ import annotations

import pytest

from tests.support.cli import local_cli  # noqa: F401 - the `cli` fixture
from tests.support.httpserver import serve
from tests.support.news import ARTICLE_HTML, feed_xml

RSS = {"Content-Type": "application/rss+xml"}


def test_a_feed_that_reads_is_added(cli) -> None:  # type: ignore[no-untyped-def]
    with serve() as site:
        url = site.add("/rss", body=feed_xml(site, [("/a", "Sak", "Kort.")]), headers=RSS)
        added = cli("feeds", "add", url)
    assert added.exit_code == 0 and added.stdout.strip() == f"added {url}"
    assert added.stderr == ""
    assert [path for path, _ in site.requests] == ["/rss"]  # the feed only, no page


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 404}, "{url} answered HTTP 404"),
        (
            {"body": b"<html><body><form>Logg inn</form></body></html>", "headers": {}},
            "{url}: not an RSS or Atom feed (the URL serves a web page)",
        ),
        (
            {"body": b'<?xml version="1.0"?>\n<rss version="2.0"><channel>'},
            "{url}: the feed is cut off (XML error at line 2",
        ),
    ],
)
def test_what_is_not_a_feed_now_is_added_only_anyway(  # type: ignore[no-untyped-def]
    cli, route: dict, reason: str
) -> None:
    with serve() as site:
        url = site.add("/feed", **route)
        refused = cli("feeds", "add", url)
        assert refused.exit_code == 1 and refused.stdout == ""
        [line] = refused.stderr.splitlines()
        assert line.startswith("Not added: " + reason.format(url=url))
        assert line.endswith("; to add it all the same, use --anyway.")
        assert "No feeds yet" in cli("feeds", "list").stdout
        anyway = cli("feeds", "add", "--anyway", url)
    assert anyway.exit_code == 0 and anyway.stdout.strip() == f"added {url}"
    assert anyway.stderr.startswith("warning: " + reason.format(url=url))
    assert url in cli("feeds", "list").stdout


def test_the_html_page_of_a_news_site_is_not_added(cli) -> None:  # type: ignore[no-untyped-def]
    with serve() as site:
        url = site.add("/", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        refused = cli("feeds", "add", url)
    assert refused.exit_code == 1 and "serves a web page" in refused.stderr
