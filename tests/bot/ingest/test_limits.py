"""Resource limits, each against a local server that misbehaves that way."""

from __future__ import annotations

import contextlib
import os
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.ingest import Ingestor
from bot.ingest.fetch import Fetcher
from storage import Article, Database, FeedSource, add_feed
from tests.support.httpserver import FakeSite, serve
from tests.support.news import ARTICLE_HTML

RSS = "application/rss+xml"


def _count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(Article.id))) or 0)


def _gzip_of_zeros(megabytes: int) -> bytes:
    """gzip of ``megabytes`` MB of zeros (about 1 KB a MB), built without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1_000_000)
    return b"".join([*(packer.compress(zeros) for _ in range(megabytes)), packer.flush()])


def _poll(db: Database, settings: Settings, url: str) -> tuple[int, str | None]:
    with db.session() as session:
        add_feed(session, url)
    report = Ingestor(db, settings).poll_feeds()
    with db.session() as session:
        feed = session.scalars(select(FeedSource).where(FeedSource.url == url)).one()
    return report.new, feed.last_error


# -- sizes -----------------------------------------------------------------------------------


def test_a_gzip_bomb_is_refused_without_unpacking_it(settings: Settings) -> None:
    bomb = _gzip_of_zeros(100)
    assert (
        len(bomb) < settings.fetch_max_bytes
    )  # small on the wire: only the unpacked cap can stop it
    capped = settings.model_copy(update={"fetch_max_decoded_bytes": 2_000_000})
    with serve() as site:
        url = site.add(
            "/bomb", body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )
        tracemalloc.start()
        try:
            with Fetcher(capped) as fetcher, pytest.raises(Exception) as refused:
                fetcher.get(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "unpacks to more than the 2 MB limit" in str(refused.value)
    # Inflating a whole 64 KB network chunk at once would already be ~64 MB of zeros.
    assert peak < 12_000_000, f"peak {peak / 1e6:.1f} MB while refusing a gzip bomb"


def test_a_gzip_bomb_fails_the_ingest_with_a_reason(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add(
            "/bomb",
            body=_gzip_of_zeros(100),
            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        )
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert (
        report.failed == 1 and "unpacks to more than the 20 MB limit" in report.failures[0].reason
    )
    assert _count(sqlite_db) == 0


def test_compressed_bytes_on_the_wire_are_capped_too(settings: Settings) -> None:
    noise = os.urandom(1_500_000)  # does not compress: 1.5 MB on the wire, over the 1 MB cap
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    body = packer.compress(noise) + packer.flush()
    with serve() as site:
        # No Content-Length: the cap must hold while streaming, not only on the declared size.
        def send(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Encoding", "gzip")
            handler.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                handler.wfile.write(body)

        site.add("/big", handler=send)
        with (
            Fetcher(settings) as fetcher,
            pytest.raises(Exception, match="larger than the 1 MB limit"),
        ):
            fetcher.get(site.url("/big"))


def test_gzip_and_deflate_within_the_limits_are_read(settings: Settings) -> None:
    page = ARTICLE_HTML.encode()
    gz = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    with serve() as site:
        site.add("/gz", body=gz.compress(page) + gz.flush(), headers={"Content-Encoding": "gzip"})
        site.add("/zlib", body=zlib.compress(page), headers={"Content-Encoding": "deflate"})
        site.add(
            "/raw", body=raw.compress(page) + raw.flush(), headers={"Content-Encoding": "deflate"}
        )
        site.add("/br", body=b"...", headers={"Content-Encoding": "br"})
        with Fetcher(settings) as fetcher:
            for path in ("/gz", "/zlib", "/raw"):
                assert fetcher.get(site.url(path)).content == page, path
            with pytest.raises(Exception, match=r"content encoding newsbot does not read \(br\)"):
                fetcher.get(site.url("/br"))
    assert all(h.get("Accept-Encoding") == "gzip, deflate" for _, h in site.requests)


# -- time ------------------------------------------------------------------------------------


def _drip(seconds: float) -> object:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(int(seconds / 0.2)):
                handler.wfile.write(b"a")
                handler.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return send


def test_a_slow_drip_is_cut_off_at_the_total_time_cap(
    sqlite_db: Database, settings: Settings
) -> None:
    # Each byte comes well within the 2 s read timeout; only a wall-clock cap can stop it.
    capped = settings.model_copy(update={"fetch_total_s": 1.0})
    with serve() as site:
        site.add("/drip", handler=_drip(8.0))
        started = time.monotonic()
        report = Ingestor(sqlite_db, capped).ingest([site.url("/drip")])
        elapsed = time.monotonic() - started
    assert report.failed == 1 and "took longer than the 1 s limit" in report.failures[0].reason
    assert elapsed < 3.0, f"the drip held the fetch for {elapsed:.1f} s"


def _teaser_feed(
    site: FakeSite, count: int, *, long_text: bool = False, prefix: str = "item"
) -> bytes:
    items = []
    for n in range(count):
        text = f"Sak {n} om stormen Ingrid: fergene stod i {n} timer." + (
            f" Nummer {n} forteller om vind, flom og stengte veier på Vestlandet." * 8
            if long_text
            else ""
        )
        items.append(
            f"<item><title>Sak {n}</title><link>{site.url(f'/{prefix}/{n}')}</link>"
            "<pubDate>Mon, 13 Jan 2020 09:00:00 GMT</pubDate>"
            f"<description>{text}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Dagsnytt</title>'
        f"<link>{site.base_url}</link>{''.join(items)}</channel></rss>"
    ).encode()


def test_a_feed_poll_stops_fetching_pages_when_its_time_is_up(
    sqlite_db: Database, settings: Settings
) -> None:
    capped = settings.model_copy(update={"feed_poll_max_s": 1.5})
    with serve() as site:
        for n in range(6):
            site.add(
                f"/item/{n}",
                body=ARTICLE_HTML.replace("Libya", f"Libya {n}").encode(),
                headers={"Content-Type": "text/html"},
                delay_s=1.0,
            )
        url = site.add("/rss", body=_teaser_feed(site, 6), headers={"Content-Type": RSS})
        started = time.monotonic()
        new, error = _poll(sqlite_db, capped, url)
        elapsed = time.monotonic() - started
    assert elapsed < 3.5, f"the poll took {elapsed:.1f} s"  # six slow pages would take 6 s
    assert new == 6 and error is None  # late items keep their teasers
    page_fetches = [path for path, _ in site.requests if path.startswith("/item/")]
    assert 1 <= len(page_fetches) < 6


# -- feed items ------------------------------------------------------------------------------


def test_a_feed_with_500_items_stores_only_feed_max_items(
    sqlite_db: Database, settings: Settings
) -> None:
    assert settings.feed_max_items == 100
    with serve() as site:
        url = site.add(
            "/rss", body=_teaser_feed(site, 500, long_text=True), headers={"Content-Type": RSS}
        )
        new, error = _poll(sqlite_db, settings, url)
    assert (new, error) == (100, None)
    assert not any(path.startswith("/item/") for path, _ in site.requests)  # no teasers to complete
    with sqlite_db.session() as session:
        titles = set(session.scalars(select(Article.title)))
    assert titles == {f"Sak {n}" for n in range(100)}  # the first (newest) hundred


def test_a_feed_longer_than_is_read_says_so_when_ingested_by_url(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add(
            "/rss", body=_teaser_feed(site, 300, long_text=True), headers={"Content-Type": RSS}
        )
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert (report.new, report.failed) == (100, 0)
    # The other 200 are not dropped in silence.
    assert [(n.where, n.reason) for n in report.notes] == [
        (url, "the feed lists 300 entries; the first 100 are read (FEED_MAX_ITEMS)")
    ]


# -- hostile XML -----------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><link>https://laughs.example/1</link><description>&lol9;</description></item>
</channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Leak</title>
<item><title>Leak</title><link>https://leak.example/1</link>
<description>Here it comes: &secret; and that was all of it,
every line of the password file.</description></item>
</channel></rss>"""


@pytest.mark.parametrize(
    "body",
    [
        BILLION_LAUGHS,
        EXTERNAL_ENTITY,
        # The same attacks in encodings a byte-level check would not see through:
        BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="utf-16"?>')
        .decode()
        .encode("utf-16"),
        EXTERNAL_ENTITY.replace(
            b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="utf-7"?>'
        ).replace(b"<!ENTITY", b"+ADw-!ENTITY"),
    ],
    ids=["billion-laughs", "external-entity", "utf-16", "utf-7"],
)
def test_feeds_declaring_xml_entities_are_refused(
    sqlite_db: Database, settings: Settings, body: bytes
) -> None:
    with serve() as site:
        url = site.add("/rss", body=body, headers={"Content-Type": RSS})
        new, error = _poll(sqlite_db, settings, url)
    assert new == 0 and error is not None and "declares XML entities" in error
    assert _count(sqlite_db) == 0


def test_feed_files_declaring_xml_entities_are_refused(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "laughs.xml").write_bytes(BILLION_LAUGHS)
    (tmp_path / "leak.rss").write_bytes(EXTERNAL_ENTITY)
    report = Ingestor(sqlite_db, settings).ingest(
        [str(tmp_path / "laughs.xml"), str(tmp_path / "leak.rss")]
    )
    assert report.failed == 2 and all("declares XML entities" in f.reason for f in report.failures)
    assert _count(sqlite_db) == 0


def test_a_feed_body_naming_a_local_file_is_not_read_from_disk(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    """feedparser opens its argument as a path when it can; fetched bytes must never be one."""
    local = tmp_path / "private.rss"
    local.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Private</title>'
        b"<item><title>Secret plans</title>"
        b"<link>https://private.example/1</link><description>"
        + b"Internal only. " * 40
        + b"</description></item></channel></rss>"
    )
    with serve() as site:
        url = site.add("/rss", body=str(local).encode(), headers={"Content-Type": RSS})
        new, error = _poll(sqlite_db, settings, url)
    assert new == 0 and error is not None and "not an RSS or Atom feed" in error
    assert _count(sqlite_db) == 0


# -- article length --------------------------------------------------------------------------


def test_article_text_is_capped(sqlite_db: Database, settings: Settings, tmp_path: Path) -> None:
    capped = settings.model_copy(update={"article_max_chars": 5_000})
    path = tmp_path / "long.txt"
    path.write_text("Stormen Ingrid stengte fergene på Vestlandet. " * 2_000, encoding="utf-8")
    report = Ingestor(sqlite_db, capped).ingest([str(path)])
    assert report.new == 1
    with sqlite_db.session() as session:
        text = session.scalars(select(Article.text)).one()
    assert 4_900 < len(text) <= 5_000


def test_settings_have_sane_defaults() -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.fetch_allow_hosts == ""
    assert defaults.fetch_max_bytes <= defaults.fetch_max_decoded_bytes <= 100_000_000
    assert defaults.fetch_timeout_s <= defaults.fetch_total_s <= defaults.feed_poll_max_s
    assert defaults.feed_max_items == 100
    assert defaults.article_max_chars == 200_000
