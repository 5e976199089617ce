from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy import select

from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.ingest import Ingestor
from bot.types import Citation
from storage import Article, Database, add_feed, list_feeds
from tests.support.httpserver import FakeSite, serve
from tests.support.news import ARTICLE_HTML, feed_xml


def _titles(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Article.title).order_by(Article.id)))


def _teaser_feed(site: FakeSite, etag: str | None = None) -> str:
    """The address of a feed at /rss whose one entry is a teaser of the page at /libya."""
    headers = {"Content-Type": "application/rss+xml"} | ({"ETag": etag} if etag else {})
    body = feed_xml(site, [("/libya", "Våpenhvile i Libya", "Kort ingress.")])
    return site.add("/rss", body=body, headers=headers)


def test_article_page_is_extracted_with_its_outlet_and_date(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add(
            "/libya?utm_source=feed",
            body=ARTICLE_HTML.encode(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    assert article.url == site.url("/libya")  # tracking parameter dropped
    assert article.title == "Våpenhvile i Libya"
    assert article.source == "Dagsnytt"
    assert article.published_precision == "day"
    assert "Forsiden" not in article.text and "Russland uoffisielt" in article.text


def test_a_page_its_server_calls_a_feed_is_read_as_the_page_it_is(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add(
            "/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "application/rss+xml"}
        )
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    assert article.title == "Våpenhvile i Libya"


def test_feed_teasers_are_completed_from_their_pages(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        url = _teaser_feed(site)
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.new == 1
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    assert "Russland uoffisielt holder med Haftars styrker" in article.text
    assert article.published_precision == "minute"


CHINESE_PAGE = (
    "<html><head><title>杭州开通新地铁线路</title></head><body><article>"
    "<h1>杭州开通新地铁线路</h1>"
    "<p>杭州市政府周二宣布开通一条新的地铁线路。这条线路全长三十五公里，共有二十个车站。"
    "市长表示，新线路每天可以运送四十万名乘客。首班车早上六点发车，末班车晚上十一点发车。"
    "票价从两元到八元不等。市民可以用手机支付车费。</p>"
    "</article></body></html>"
)


def test_a_chinese_article_page_is_long_enough_in_fewer_characters(
    sqlite_db: Database, settings: Settings
) -> None:
    # Some 120 characters: a whole article in Chinese, where each says about a word.
    with serve() as site:
        site.add("/metro", body=CHINESE_PAGE.encode(), headers={"Content-Type": "text/html"})
        site.add(
            "/login",
            body="<html><body><p>请登录后阅读全文。</p></body></html>".encode(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        report = Ingestor(sqlite_db, settings).ingest([site.url("/metro"), site.url("/login")])
    assert (report.new, report.failed) == (1, 1)
    [failure] = report.failures
    assert "too little article text on the page (9 characters; an article has 66" in (
        failure.reason
    )
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    assert "共有二十个车站" in article.text


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 404}, "answered HTTP 404"),
        ({"status": 500}, "answered HTTP 500"),
        (
            {
                "body": b"<html><body><p>Logg inn</p></body></html>",
                "headers": {"Content-Type": "text/html"},
            },
            "too little article text on the page (8 characters; an article has 200 or more",
        ),
        (
            {
                "body": (
                    "<html><head><title>Lokalavisa</title></head><body><h1>Lokalavisa</h1><ul>"
                    + "".join(
                        f'<li><a href="/sak/{n}.html">Sak nummer {n}: bystyret vedtok '
                        f"budsjettet for neste år</a></li>"
                        for n in range(30)
                    )
                    + "</ul></body></html>"
                ).encode(),
                "headers": {"Content-Type": "text/html"},
            },
            "its text is a list of links",
        ),
        (
            {"body": b"x" * 2_000_000, "headers": {"Content-Type": "text/html"}},
            "larger than the 1 MB limit",
        ),
        ({"delay_s": 3.0, "body": b"late"}, "did not answer within 2 s"),
        (
            {
                "body": (
                    "<html><head><title>Laster inn</title></head><body><article>"
                    + "".join(
                        f"<p>{{{{sak.innhold.avsnitt[{n}].tekst | formater : 'html'}}}} "
                        f"{{{{sak.forfatter.navn}}}} - {{{{sak.publisert * 1000 | dato}}}}</p>"
                        for n in range(6)
                    )
                    + "</article></body></html>"
                ).encode(),
                "headers": {"Content-Type": "text/html"},
            },
            "its text is a template its scripts fill in",
        ),
    ],
)
def test_bad_urls_fail_with_a_reason(
    sqlite_db: Database, settings: Settings, route: dict, reason: str
) -> None:
    with serve() as site:
        url = site.add("/bad", **route)
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.new == 0 and report.failed == 1
    assert reason in report.failures[0].reason
    assert _titles(sqlite_db) == []


def test_redirect_loop_fails(sqlite_db: Database, settings: Settings) -> None:
    with serve() as site:
        site.add("/a", status=302, headers={"Location": site.url("/b")})
        site.add("/b", status=302, headers={"Location": site.url("/a")})
        report = Ingestor(sqlite_db, settings).ingest([site.url("/a")])
    assert report.failures[0].reason.endswith("redirects too many times")


def test_a_download_that_lies_about_its_size_is_cut_off_while_streaming(
    sqlite_db: Database, settings: Settings
) -> None:
    sent: list[int] = []

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = b"<p>" + b"a" * 65536 + b"</p>"
        try:
            for _ in range(800):  # 50 MB if nobody stops reading
                handler.wfile.write(chunk)
                sent.append(len(chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass

    with serve() as site:
        site.add("/huge", handler=endless)
        started = time.monotonic()
        report = Ingestor(sqlite_db, settings).ingest([site.url("/huge")])
    assert "larger than the 1 MB limit" in report.failures[0].reason
    assert time.monotonic() - started < 10
    assert _titles(sqlite_db) == []


def test_feed_poll_uses_conditional_get_and_records_errors(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        feed_url = _teaser_feed(site, etag='"v1"')
        html_url = site.add(
            "/not-a-feed", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"}
        )
        with sqlite_db.session() as session:
            add_feed(session, feed_url)
            add_feed(session, html_url)
        ingestor = Ingestor(sqlite_db, settings)
        first = ingestor.poll_feeds()
        assert (first.new, first.failed) == (1, 1)
        assert "not an RSS or Atom feed" in first.failures[0].reason
        site.add("/rss", status=304, headers={"ETag": '"v1"'})
        second = ingestor.poll_feeds()
    assert second.new == 0
    rss_requests = [headers for path, headers in site.requests if path == "/rss"]
    assert rss_requests[-1].get("If-None-Match") == '"v1"'
    with sqlite_db.session() as session:
        feeds = {f.url: f for f in list_feeds(session)}
    assert feeds[feed_url].title == "Dagsnytt" and feeds[feed_url].last_status == 304
    assert feeds[html_url].failures == 2 and "not an RSS or Atom feed" in (
        feeds[html_url].last_error or ""
    )


def test_a_teaser_whose_page_failed_is_completed_by_a_later_poll_despite_an_etag(
    sqlite_db: Database, settings: Settings
) -> None:
    # The page is down at the first poll: the teaser is stored, and the feed's ETag is not
    # kept, so the next poll reads the feed again (not a 304) and completes the article.
    with serve() as site:
        site.add("/libya", status=503)
        body = feed_xml(site, [("/libya", "Våpenhvile i Libya", "Kort ingress.")])

        def conditional(handler: BaseHTTPRequestHandler) -> None:
            # As a real server does: 304 to a client holding the current ETag.
            if handler.headers.get("If-None-Match") == '"v1"':
                handler.send_response(304)
                handler.end_headers()
                return
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.send_header("ETag", '"v1"')
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        url = site.add("/rss", handler=conditional)
        with sqlite_db.session() as session:
            add_feed(session, url)
        ingestor = Ingestor(sqlite_db, settings)
        first = ingestor.poll_feeds()
        assert (first.new, first.failed) == (1, 1), first
        assert "could not be fetched" in first.failures[0].reason
        site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        second = ingestor.poll_feeds()
        third = ingestor.poll_feeds()
    assert (second.new, second.updated, second.failed) == (0, 1, 0), second
    assert (third.new, third.updated, third.failed) == (0, 0, 0), third
    rss_requests = [headers for path, headers in site.requests if path == "/rss"]
    # The second poll read the feed whole; the third, the page now stored, asked for it
    # only if changed.
    assert [r.get("If-None-Match") for r in rss_requests] == [None, None, '"v1"']
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    assert "Russland uoffisielt holder med Haftars styrker" in article.text


def test_a_teaser_whose_page_is_gone_keeps_its_feeds_etag(
    sqlite_db: Database, settings: Settings
) -> None:
    # A 404 is no page down: the next poll asks for the feed only if changed.
    with serve() as site:
        site.add("/libya", status=404)
        url = _teaser_feed(site, etag='"v1"')
        with sqlite_db.session() as session:
            add_feed(session, url)
        ingestor = Ingestor(sqlite_db, settings)
        assert ingestor.poll_feeds().new == 1
        ingestor.poll_feeds()
    rss_requests = [headers for path, headers in site.requests if path == "/rss"]
    assert [r.get("If-None-Match") for r in rss_requests] == [None, '"v1"']


def test_a_later_poll_never_replaces_a_stored_article_with_its_teaser(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        url = _teaser_feed(site)
        with sqlite_db.session() as session:
            add_feed(session, url)
        ingestor = Ingestor(sqlite_db, settings)
        assert ingestor.poll_feeds().new == 1
        site.add("/libya", status=503)  # the page is down at the next poll
        second = ingestor.poll_feeds()
    assert (second.new, second.updated, second.failed) == (0, 0, 0)
    assert [p for p, _ in site.requests].count("/libya") == 1  # not fetched again
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    assert "Russland uoffisielt holder med Haftars styrker" in article.text


def test_relative_feed_links_are_resolved_and_other_schemes_skipped(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Lokalt</title>'
            "<item><title>Relativ sak</title><link>/nyheter/1</link>"
            "<description>"
            + "Bystyret vedtok budsjettet etter lang debatt. "
            * 12
            + "</description></item>"
            "<item><title>Skript</title><link>javascript:alert(1)</link>"
            "<description>"
            + "Dette skal aldri lagres som en artikkel. "
            * 12
            + "</description></item>"
            "</channel></rss>"
        ).encode()
        url = site.add("/rss", body=body, headers={"Content-Type": "application/rss+xml"})
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.new == 1
    with sqlite_db.session() as session:
        assert session.scalars(select(Article.url)).all() == [site.url("/nyheter/1")]


# A page written by hand: its paragraphs break lines where the editor wrapped them (and
# end in a <br>, which keeps the extractor from joining them), and a poem in <pre> keeps
# its lines.
WRAPPED_PAGE = """<html><head><title>Ny jernbane mot Europa</title>
<meta property="og:site_name" content="Banebladet"></head>
<body><article><h1>Ny jernbane mot Europa</h1>
<p>Regjeringen vil bygge en ny
hurtigtogstrekning fra <a href="/oslo">Oslo</a> til
Hamburg innen 2040, sa samferdselsministeren
på en pressekonferanse tirsdag.<br>
</p>
<p>Reisen skal ta under åtte timer, mot nesten tjue i dag.
Prosjektet koster etter planen 120 milliarder kroner, og
<a href="/stortinget">Stortinget</a> skal behandle saken i vår.<br>
</p>
<pre>Toget går
i natt</pre>
</article></body></html>"""


def test_a_line_break_inside_a_paragraph_of_a_page_is_a_space(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add("/bane", body=WRAPPED_PAGE.encode(), headers={"Content-Type": "text/html"})
        assert Ingestor(sqlite_db, settings).ingest([url]).new == 1
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    # As a browser shows it: each paragraph one line, the wrapped sentence whole.
    assert (
        "Regjeringen vil bygge en ny hurtigtogstrekning fra Oslo til Hamburg innen 2040, sa "
        "samferdselsministeren på en pressekonferanse tirsdag." in article.text.splitlines()
    )
    answer = Summariser(sqlite_db, settings).answer("Hvor mye koster prosjektet?")
    assert answer.found
    assert (
        "Prosjektet koster etter planen 120 milliarder kroner, og Stortinget skal behandle "
        "saken i vår." in answer.text
    )


def _page(title: str, site_name: str, text: str) -> bytes:
    return (
        f"<html><head><title>{title}</title>"
        f'<meta property="og:site_name" content="{site_name}"></head>'
        f"<body><article><p>{text}</p></article></body></html>"
    ).encode()


def test_a_citation_names_the_headline_and_the_outlet_not_the_pages_additions(
    sqlite_db: Database, settings: Settings
) -> None:
    text = (
        "Tolv ferjesamband i Nordland ble innstilt tirsdag på grunn av uværet, opplyser "
        "Statens vegvesen. Vinden nådde 35 meter i sekundet på Bodø lufthavn i natt, og "
        "flere veier ble stengt. Ferjene ventes i rute igjen onsdag morgen."
    )
    with serve() as site:
        # The site's name and the date after the headline; the outlet named by its page on
        # a social network; a headline whose dash is its own.
        site.add(
            "/ferjer",
            body=_page("Ferjer innstilt i Nordland | Kystavisa | 12.03.2024", "Kystavisa", text),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        site.add(
            "/vind",
            body=_page(
                "Storm i nord - vinden nådde 35 meter i sekundet - Nordlandsposten",
                "https://www.facebook.com/nordlandsposten",
                text.replace("Tolv", "Elleve"),
            ),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        # A name before a dash is the headline's own.
        site.add(
            "/kamp",
            body=_page("Brann - Rosenborg 2-1 | Brann", "Brann", text.replace("Tolv", "Ti")),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        report = Ingestor(sqlite_db, settings).ingest(
            [site.url("/ferjer"), site.url("/vind"), site.url("/kamp")]
        )
    assert report.new == 3
    with sqlite_db.session() as session:
        stored = {a.url.rsplit("/", 1)[1]: a for a in session.scalars(select(Article))}
    assert (stored["ferjer"].title, stored["ferjer"].source) == (
        "Ferjer innstilt i Nordland",
        "Kystavisa",
    )
    assert stored["vind"].title == "Storm i nord - vinden nådde 35 meter i sekundet"
    assert stored["vind"].source == "127.0.0.1"
    assert (stored["kamp"].title, stored["kamp"].source) == ("Brann - Rosenborg 2-1", "Brann")


def test_a_page_that_repeats_its_headline_over_the_text_is_quoted_from_its_text(
    sqlite_db: Database, settings: Settings
) -> None:
    text = (
        "Tolv ferjesamband i Nordland ble innstilt tirsdag på grunn av uværet, opplyser "
        "Statens vegvesen. Vinden nådde 35 meter i sekundet på Bodø lufthavn i natt, og "
        "flere veier ble stengt. Ferjene ventes i rute igjen onsdag morgen."
    )
    page = (
        "<html><head><title>Ferjer innstilt i Nordland</title></head><body><article>"
        "<div class='section'>Nyheter</div><h1>Ferjer innstilt i hele Nordland</h1>"
        f"<p>{text}</p></article></body></html>"
    )
    with serve() as site:
        url = site.add("/ferjer", body=page.encode(), headers={"Content-Type": "text/html"})
        assert Ingestor(sqlite_db, settings).ingest([url]).new == 1
    with sqlite_db.session() as session:
        article = session.scalars(select(Article)).one()
    # The section's name and the headline again, worded a little otherwise, are no text:
    # the citation shows the headline.
    assert article.text.startswith("Tolv ferjesamband i Nordland ble innstilt tirsdag"), (
        article.text
    )


def test_a_page_dated_only_by_a_year_somewhere_on_it_is_dated_by_the_year(
    sqlite_db: Database, settings: Settings
) -> None:
    text = (
        "Tolv ferjesamband i Nordland ble innstilt tirsdag på grunn av uværet, opplyser "
        "Statens vegvesen. Vinden nådde 35 meter i sekundet på Bodø lufthavn i natt, og "
        "flere veier ble stengt. Ferjene ventes i rute igjen onsdag morgen."
    )
    footer = "<footer><p>© 2015–2024 Kystavisa AS</p></footer>"
    with serve() as site:
        # The copyright's first year is all the page says of when: not 1 January 2015.
        site.add(
            "/ferjer",
            body=f"<html><body><article><p>{text}</p></article>{footer}</body></html>".encode(),
            headers={"Content-Type": "text/html"},
        )
        # A story of New Year's Day that says so keeps its day.
        site.add(
            "/nyttar",
            body=(
                '<html><body><article><time datetime="2024-01-01">1. januar 2024</time>'
                f"<p>{text.replace('Tolv', 'Elleve')}</p></article>{footer}</body></html>"
            ).encode(),
            headers={"Content-Type": "text/html"},
        )
        report = Ingestor(sqlite_db, settings).ingest([site.url("/ferjer"), site.url("/nyttar")])
    assert report.new == 2
    with sqlite_db.session() as session:
        dated = {
            a.url.rsplit("/", 1)[1]: Citation.of(1, a).published
            for a in session.scalars(select(Article))
        }
    assert dated == {"ferjer": "2015", "nyttar": "2024-01-01"}
