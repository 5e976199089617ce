"""Text as it is in the wild: stray bytes, declared charsets, UTF-16/32, entities, dates."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Article, Database, search_articles
from tests.support.httpserver import serve

BERGEN = (
    "date 2020-01-06 Ordføreren i Bergen åpnet Kvitebjørnbroen mandag. "
    "Den nye brua over Puddefjorden er den lengste i byen, og hundrevis av bergensere "
    "gikk over den første dag. Trafikken går over brua fra tirsdag morgen."
)
GERMAN = (
    "Die Stadt hat ein neues Haus für die Vögel gebaut. Die Bürger können die Vögel "
    "im Winter füttern, sagte der Bürgermeister bei der Eröffnung am Montag. "
    "Das Vogelhaus steht im Park neben dem Rathaus und ist für alle geöffnet. "
    "Es wurde von Schülern der örtlichen Schule entworfen und gebaut."
)
POLISH = (
    "Policja poinformowała o serii ataków na Fundację w Krakowie. Według świadków "
    "sprawcy uciekli samochodem, a śledztwo prowadzi prokuratura okręgowa. "
    "Fundacja zapowiedziała, że nie przerwie działalności i będzie dalej pomagać "
    "potrzebującym rodzinom w całym regionie przez całą zimę."
)


def _articles(db: Database) -> list[Article]:
    with db.session() as session:
        return list(session.scalars(select(Article).order_by(Article.id)))


def _page(body: str, head: str = "") -> str:
    return (
        f"<html><head>{head}<title>Nyhet</title></head><body><article><h1>Nyhet</h1>"
        f"<p>{body}</p></article></body></html>"
    )


def _feed(title: str, text: str, declaration: str = '<?xml version="1.0"?>') -> str:
    return (
        f'{declaration}<rss version="2.0"><channel><title>Avisa</title>'
        "<link>https://avisa.example/</link>"
        f"<item><title>{title}</title><link>https://avisa.example/sak/1</link>"
        f"<description>{text}</description></item></channel></rss>"
    )


def test_one_stray_byte_in_a_utf8_text_file_costs_one_character(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "bergen.txt"
    data = BERGEN.encode("utf-8")
    path.write_bytes(data.replace(b"mandag", b"mandag\xe9", 1))
    report = Ingestor(sqlite_db, settings).ingest([str(path)])
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    [article] = _articles(sqlite_db)
    assert "Ordføreren i Bergen åpnet Kvitebjørnbroen mandag\ufffd" in article.text
    with sqlite_db.session() as session:
        assert search_articles(session, ["kvitebjørnbroen"])


def test_a_short_legacy_file_is_read_as_western_or_its_guess_is_told(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # A line or two in an old code page: too little for a detector to tell Western
    # European from Baltic, or Russian from Czech.
    french = tmp_path / "pont.txt"
    french.write_bytes(
        "date 2020-02\nL’école de Dijon a fêté ses 100 ans – une première… « Bravo » dit "
        "l’élève.\n".encode("cp1252")
    )
    russian = tmp_path / "most.txt"
    russian.write_bytes("date 2020-02\nМост открыт.\n".encode("cp1251"))
    report = Ingestor(sqlite_db, settings).ingest([str(french), str(russian)])
    assert (report.new, report.failed) == (2, 0)
    texts = [a.text for a in _articles(sqlite_db)]
    assert "L’école de Dijon a fêté ses 100 ans – une première…" in texts[0]
    notes = {n.where: n.reason for n in report.notes}
    # Each guess is said, the right one too: so little text cannot tell.
    assert "read as windows-1252" in notes[str(french)]
    assert notes[str(russian)].startswith("no encoding declared, and only 10 bytes beyond ASCII")
    assert notes[str(russian)].endswith("if the text reads wrongly, save the file as UTF-8")


def test_a_page_declaring_utf8_with_one_bad_byte_keeps_its_umlauts(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "voegel.html"
    data = _page(GERMAN, '<meta charset="utf-8">').encode("utf-8")
    path.write_bytes(data.replace(b"Montag", b"Mon\xfctag", 1))
    assert Ingestor(sqlite_db, settings).ingest([str(path)]).new == 1
    [article] = _articles(sqlite_db)
    assert "für die Vögel" in article.text and "Bürgermeister" in article.text


def test_the_charset_declared_by_the_server_or_the_page_is_the_one_read(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    local = tmp_path / "krakow.html"
    local.write_bytes(
        _page(POLISH, '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">')
        .replace("Policja", "Lokalnie: policja")
        .encode("iso-8859-2")
    )
    with serve() as site:
        url = site.add(
            "/krakow",
            body=_page(POLISH).encode("iso-8859-2"),
            headers={"Content-Type": "text/html; charset=ISO-8859-2"},
        )
        report = Ingestor(sqlite_db, settings).ingest([url, str(local)])
    assert report.new == 2, report.failures
    for article in _articles(sqlite_db):
        assert "ataków na Fundację" in article.text


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", True),
        ("utf-16-le", False),
        ("utf-16-be", True),
        ("utf-16-be", False),
        ("utf-32-le", True),
        ("utf-32-be", False),
    ],
)
def test_utf16_and_utf32_feeds_are_read_with_and_without_a_byte_order_mark(
    sqlite_db: Database, settings: Settings, tmp_path: Path, codec: str, bom: bool
) -> None:
    marks = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }
    label = codec[:6].upper()
    document = _feed(
        "Kvitebjørnbroen åpnet", BERGEN[16:], f'<?xml version="1.0" encoding="{label}"?>'
    )
    data = (marks[codec] if bom else b"") + document.encode(codec)
    path = tmp_path / "feed.xml"
    path.write_bytes(data)
    with serve() as site:
        url = site.add("/rss", body=data, headers={"Content-Type": "application/rss+xml"})
        local = Ingestor(sqlite_db, settings).ingest([str(path)])
        served = Ingestor(sqlite_db, settings).ingest([url])
    assert local.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    # Its page (avisa.example) cannot be fetched from a test: named, the feed's text stored.
    assert served.unchanged == 1
    assert [f.reason.split(" (")[0] for f in served.failures] == ["its page could not be fetched"]
    [article] = _articles(sqlite_db)
    assert article.title == "Kvitebjørnbroen åpnet"
    assert "Ordføreren i Bergen" in article.text


def test_an_iso_8859_2_feed_is_read_as_declared(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "krakow.rss"
    path.write_bytes(
        _feed("Ataki na Fundację", POLISH, '<?xml version="1.0" encoding="iso-8859-2"?>').encode(
            "iso-8859-2"
        )
    )
    assert Ingestor(sqlite_db, settings).ingest([str(path)]).new == 1
    [article] = _articles(sqlite_db)
    assert article.title == "Ataki na Fundację"
    assert "ataków na Fundację" in article.text


def test_titles_are_plain_text_whatever_markup_and_entities_a_feed_uses(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    titles = [
        "AT&amp;amp;T og Tom &amp;amp; Jerry",
        "Why we don&amp;#x2019;t stop",
        "&lt;b&gt;&amp;amp;&lt;/b&gt; in bold",
        "History of the &amp;lt;blink&amp;gt; tag",
        "&lt;b&gt;Bru&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;åpnet igjen",
    ]
    items = "".join(
        f"<item><title>{title}</title><link>https://ex.example/{n}</link>"
        f"<description>&lt;p&gt;Story {n} says &amp;amp; more about AT&amp;amp;T's "
        f"network in Bergen, with &lt;i&gt;markup&lt;/i&gt; in it.&lt;/p&gt;</description></item>"
        for n, title in enumerate(titles)
    )
    path = tmp_path / "entities.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ex</title>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    assert Ingestor(sqlite_db, settings).ingest([str(path)]).new == 5
    stored = _articles(sqlite_db)
    assert [a.title for a in stored] == [
        "AT&T og Tom & Jerry",
        "Why we don’t stop",
        "& in bold",
        "History of the <blink> tag",
        "Bru åpnet igjen",  # a script's code is no part of the title
    ]
    for article in stored:
        assert (
            "&amp;" not in article.text and "<p>" not in article.text and "<i>" not in article.text
        )
        assert "AT&T's network" in article.text


def test_dates_in_the_forms_feeds_and_archives_use(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    rows = [
        ("rfc822", "Mon, 06 Jan 2020 10:00:00 GMT", "2020-01-06 10:00"),
        ("rfc822-zone", "Mon, 06 Jan 2020 11:00:00 +0100", "2020-01-06 10:00"),
        ("dotted", "06.01.2020", "2020-01-06 00:00"),
        ("epoch", 1578304800, "2020-01-06 10:00"),
        ("epoch-text", "1578304800", "2020-01-06 10:00"),
        ("iso-naive", "2020-01-06T10:00:00", "2020-01-06 10:00"),
        ("unreadable", "the day after the storm", None),
    ]
    path = tmp_path / "dated.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "url": f"https://ex.example/{name}",
                    "title": f"Sak {name}",
                    "text": f"Bystyret i Bergen vedtok budsjettet, sak {name}.",
                    "published": value,
                }
            )
            for name, value, _ in rows
        ),
        encoding="utf-8",
    )
    header = tmp_path / "header.txt"
    header.write_text("date Mon, 06 Jan 2020 10:00:00 GMT Bystyret møttes i Bergen.", "utf-8")
    report = Ingestor(sqlite_db, settings).ingest([str(path), str(header)])
    assert report.summary() == "8 new, 0 updated, 0 unchanged, 0 failed"
    stored = {a.url: a for a in _articles(sqlite_db)}
    for name, _, expected in rows:
        when = stored[f"https://ex.example/{name}"].published_at
        assert (when.strftime("%Y-%m-%d %H:%M") if when else None) == expected, name
    text_file = stored[header.resolve().as_uri()]
    assert text_file.published_at is not None and text_file.published_at.hour == 10
    assert text_file.text.startswith("Bystyret")
    [note] = report.notes
    assert note.where == f"{path}:7"
    assert "'the day after the storm' not understood" in note.reason


def test_a_date_far_in_the_future_is_named_and_the_article_stored_undated(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    soon = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    path = tmp_path / "future.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "url": f"https://ex.example/{name}",
                    "title": name,
                    "text": text,
                    "published": when,
                }
            )
            for name, when, text in [
                ("far", "Fri, 01 Jan 2100 10:00:00 GMT", "Bystyret i Bergen vedtok budsjettet."),
                ("soon", soon, "Fylkestinget i Vestland møttes i Førde."),
            ]
        ),
        encoding="utf-8",
    )
    report = Ingestor(sqlite_db, settings).ingest([str(path)])
    assert report.summary() == "2 new, 0 updated, 0 unchanged, 0 failed"
    [note] = report.notes
    assert note.where == f"{path}:1"
    assert "'Fri, 01 Jan 2100 10:00:00 GMT' is in the future; stored undated" in note.reason
    stored = {a.url: a for a in _articles(sqlite_db)}
    assert stored["https://ex.example/far"].published_at is None
    # A few hours ahead is a zone written wrong or a scheduled post: kept.
    assert stored["https://ex.example/soon"].published_at is not None
