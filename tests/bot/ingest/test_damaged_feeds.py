"""A feed cut off or malformed is named as failed; what it held whole is stored, the cut
entry is not, and the next reading of the whole feed stores the rest."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.doctor import core_checks
from bot.ingest import Ingestor
from storage import Article, Database, add_feed, list_feeds
from tests.support.httpserver import FakeSite, serve
from tests.support.news import feed_xml

BODY = "Bystyret vedtok budsjettet etter lang debatt om skoler og veier i kommunen. " * 6
ITEMS = [(f"/sak/{n}", f"Sak nummer {n}", f"{BODY} Sak {n}.") for n in (1, 2, 3)]
RSS = {"Content-Type": "application/rss+xml"}


def _whole() -> bytes:
    return feed_xml(FakeSite("https://ex.example", {}, []), ITEMS)


def _cut_in_item_2(document: bytes) -> bytes:
    second = document.index(b"<item>", document.index(b"</item>"))
    return document[: document.index(b"<description>", second) + 100]


def _texts(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {a.title: a.text for a in session.scalars(select(Article))}


def test_a_feed_file_cut_in_its_second_item_stores_the_first_and_fails(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.rss"
    broken.write_bytes(_cut_in_item_2(_whole()))
    report = Ingestor(sqlite_db, settings).ingest([str(broken)])
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 1 failed"
    [failure] = report.failures
    assert failure.where == str(broken)
    assert failure.reason.startswith("the feed is cut off (XML error at line 1: ")
    assert failure.reason.endswith("entries after that point are missing")
    assert list(_texts(sqlite_db)) == ["Sak nummer 1"]  # not item 2 with its title as text
    broken.write_bytes(_whole())
    again = Ingestor(sqlite_db, settings).ingest([str(broken)])
    assert again.summary() == "2 new, 0 updated, 1 unchanged, 0 failed"
    assert _texts(sqlite_db)["Sak nummer 2"].endswith("Sak 2.")


def test_a_feed_cut_before_its_first_item_fails(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "early.rss"
    document = _whole()
    broken.write_bytes(document[: document.index(b"<item>") - 10])
    report = Ingestor(sqlite_db, settings).ingest([str(broken)])
    assert report.summary() == "0 new, 0 updated, 0 unchanged, 1 failed"
    assert report.failures[0].reason.startswith("the feed is cut off (XML error at line 1")


def test_harmless_complaints_of_the_feed_parser_are_no_failure(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    whole = _whole()
    odd = {
        # feedparser: NonXMLContentType / CharacterEncodingOverride, read all the same.
        "utf16.rss": whole.decode().encode("utf-16"),
        "bogus.rss": whole.replace(b'encoding="utf-8"', b'encoding="bogus-8"'),
        # Not well-formed XML, but whole, and its lenient reading finds every entry.
        "amp.rss": whole.replace(b"Sak nummer 1", b"Sak & nummer 1"),
        "prefix.rss": whole.replace(
            b"</title><link>", b"</title><dc:creator>NTB</dc:creator><link>"
        ),
    }
    for name, content in odd.items():
        (tmp_path / name).write_bytes(content)
        report = Ingestor(sqlite_db, settings).ingest([str(tmp_path / name)])
        assert report.failed == 0, (name, report.failures)
        assert report.new + report.updated + report.unchanged == 3, name


def test_a_polled_feed_cut_off_fails_until_it_comes_whole(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        whole = feed_xml(site, ITEMS)
        url = site.add("/rss", body=_cut_in_item_2(whole), headers={**RSS, "ETag": '"cut"'})
        with sqlite_db.session() as session:
            add_feed(session, url)
        ingestor = Ingestor(sqlite_db, settings)
        first = ingestor.poll_feeds()
        assert first.summary() == "1 new, 0 updated, 0 unchanged, 1 failed"
        assert first.failures[0].where == url
        with sqlite_db.session() as session:
            [feed] = list_feeds(session)
            assert feed.etag is None  # so the next poll is not answered 304
            assert (feed.last_error or "").startswith("the feed is cut off")
        [check] = [c for c in core_checks(settings, sqlite_db) if c.name == f"feed {url}"]
        assert check.status.name != "OK"
        site.add("/rss", body=whole, headers={**RSS, "ETag": '"whole"'})
        second = ingestor.poll_feeds()
    assert second.summary() == "2 new, 0 updated, 1 unchanged, 0 failed"
    assert [h.get("If-None-Match") for p, h in site.requests if p == "/rss"] == [None, None]
    with sqlite_db.session() as session:
        [feed] = list_feeds(session)
        assert feed.last_error is None and feed.etag == '"whole"'
    [check] = [c for c in core_checks(settings, sqlite_db) if c.name == f"feed {url}"]
    assert check.status.name == "OK"
