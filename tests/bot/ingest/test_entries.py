"""Every feed entry is stored or named: relative links, linkless entries, odd schemes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Article, Database
from tests.support.httpserver import serve

BODY = "Bystyret i Bergen vedtok budsjettet etter en lang debatt om skolene i byen. " * 3


def _rss(items: str, channel: str = "<link>https://avisa.example/</link>", base: str = "") -> str:
    return (
        f'<?xml version="1.0"?><rss version="2.0"{base}><channel><title>Avisa</title>'
        f"{channel}{items}</channel></rss>"
    )


def _item(title: str, link: str | None, extra: str = "") -> str:
    link_xml = f"<link>{link}</link>" if link is not None else ""
    return f"<item><title>{title}</title>{link_xml}{extra}<description>{BODY}</description></item>"


def _urls(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {a.title: a.url for a in session.scalars(select(Article))}


def test_relative_links_resolve_against_xml_base_then_the_feed_link(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    plain = tmp_path / "local.rss"
    plain.write_text(_rss(_item("Relativ", "/nyheter/1")), encoding="utf-8")
    based = tmp_path / "based.rss"
    based.write_text(
        _rss(_item("Med base", "sak/2"), base=' xml:base="https://base.example/lokalt/"'),
        encoding="utf-8",
    )
    report = Ingestor(sqlite_db, settings).ingest([str(plain), str(based)])
    assert report.summary() == "2 new, 0 updated, 0 unchanged, 0 failed"
    assert _urls(sqlite_db) == {
        "Relativ": "https://avisa.example/nyheter/1",
        "Med base": "https://base.example/lokalt/sak/2",
    }


def test_entries_without_a_link_are_stored_under_a_stable_address_citing_the_feed(
    sqlite_db: Database, settings: Settings
) -> None:
    # A guid that is no address is no link, even where RSS takes a guid for a permalink
    # unless told otherwise ("12345", "tag:…"): not a page below the feed's address.
    items = (
        _item("Med guid", None, '<guid isPermaLink="false">sak-42</guid>')
        + _item("Uten noe", None)
        + _item("Nummer", None, "<guid>12345</guid>")
        + _item("Tagg", None, "<guid>tag:avisa.example,2026:sak-7&amp;8</guid>")
        + _item("Innpakket", None, "<guid><![CDATA[777]]></guid>")
    )
    with serve() as site:
        url = site.add("/rss", body=_rss(items, channel="").encode(), headers={})
        first = Ingestor(sqlite_db, settings).ingest([url])
        again = Ingestor(sqlite_db, settings).ingest([url])
    assert first.summary() == "5 new, 0 updated, 0 unchanged, 0 failed"
    assert again.summary() == "0 new, 0 updated, 5 unchanged, 0 failed"
    stored = _urls(sqlite_db)
    for address in stored.values():
        assert address.startswith(f"{url}#entry-")  # the citation leads to the feed
    assert len(set(stored.values())) == 5


def test_an_entry_whose_guid_is_no_address_keeps_its_own_link(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # The guid before the link: the link is the entry's address all the same.
    path = tmp_path / "guid-first.rss"
    item = (
        f"<item><title>Lenket</title><guid>12345</guid>"
        f"<link>https://avisa.example/sak/12345</link><description>{BODY}</description></item>"
    )
    path.write_text(_rss(item), encoding="utf-8")
    report = Ingestor(sqlite_db, settings).ingest([str(path)])
    assert report.summary() == "1 new, 0 updated, 0 unchanged, 0 failed"
    assert _urls(sqlite_db) == {"Lenket": "https://avisa.example/sak/12345"}


def test_an_entry_dated_in_the_future_or_at_the_epoch_is_stored_undated_with_a_note(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "future.rss"
    items = (
        _item(
            "Fra framtida",
            "https://avisa.example/framtid",
            "<pubDate>Sat, 01 Jan 2150 00:00:00 +0000</pubDate>",
        )
        + _item(
            "Uten dato",
            "https://avisa.example/epoke",
            "<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>",
        )
        + _item(
            "I dag",
            "https://avisa.example/idag",
            "<pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate>",
        )
    )
    path.write_text(_rss(items), encoding="utf-8")
    report = Ingestor(sqlite_db, settings).ingest([str(path)])
    assert report.summary().startswith("3 new"), report.summary()
    reasons = " ".join(n.reason for n in report.notes)
    assert "is in the future; stored undated" in reasons
    assert "is the epoch, a stand-in for none; stored undated" in reasons
    with sqlite_db.session() as session:
        dated = {a.title: a.published_at for a in session.scalars(select(Article))}
    assert dated["Fra framtida"] is None and dated["Uten dato"] is None
    assert dated["I dag"] is not None


def test_an_entry_that_cannot_be_stored_is_named_by_its_feed_and_place(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.rss"
    items = (
        _item("God sak", "https://avisa.example/1")
        + _item("Skript", "javascript:alert(1)")
        + "<item><link>https://avisa.example/3</link><description> </description></item>"
    )
    path.write_text(_rss(items), encoding="utf-8")
    report = Ingestor(sqlite_db, settings).ingest([str(path)])
    assert report.new == 1
    assert [(f.where, f.reason) for f in report.failures] == [
        (f'{path}, entry 2 "Skript"', "its link 'javascript:alert(1)' is not a web address"),
        (f'{path}, entry 3 "https://avisa.example/3"', "no article text"),
    ]


ATOM_TEXT_AND_HTML = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Teknikkavisa</title><id>urn:teknikk</id>
<updated>2024-01-01T00:00:00Z</updated>
<entry><title>Blink</title><id>urn:1</id><link href="https://teknikk.example/blink"/>
<updated>2024-01-01T00:00:00Z</updated>
<content type="text">The history of the &lt;blink&gt; tag, and why Q&amp;A sites still argue
about it twenty years after the browsers dropped it.</content></entry>
<entry><title>Markup</title><id>urn:2</id><link href="https://teknikk.example/markup"/>
<updated>2024-01-01T00:00:00Z</updated>
<content type="html">&lt;p&gt;The browsers read &lt;b&gt;this&lt;/b&gt; as markup.&lt;/p&gt;
</content></entry></feed>"""


def test_an_entry_declared_plain_text_keeps_its_angle_brackets(
    sqlite_db: Database, settings: Settings
) -> None:
    with serve() as site:
        url = site.add("/atom", body=ATOM_TEXT_AND_HTML.encode(), headers={})
        assert Ingestor(sqlite_db, settings).ingest([url]).new == 2
    with sqlite_db.session() as session:
        texts = {a.title: a.text for a in session.scalars(select(Article))}
    # type="text": "<blink>" is what the text says, not a tag to strip.
    assert texts["Blink"].startswith("The history of the <blink> tag, and why Q&A sites")
    assert texts["Markup"] == "The browsers read this as markup."


def test_a_feed_without_entries_says_so(sqlite_db: Database, settings: Settings) -> None:
    with serve() as site:
        url = site.add("/tom", body=_rss("", channel="").encode(), headers={})
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.summary() == "0 new, 0 updated, 0 unchanged, 0 failed"
    assert [note.reason for note in report.notes] == ["the feed lists no entries (yet)"]


def test_a_bare_ampersand_in_a_feed_is_the_ampersand_it_means(
    sqlite_db: Database, settings: Settings
) -> None:
    # XML wants "&amp;"; feeds write "&" all the same. "Q&A" was stored as "Q&A;".
    more = " Bystyret i Bergen vedtok budsjettet etter en lang debatt om skolene." * 6
    items = (
        "<item><title>Q&A: Johnson & Johnson svarer</title>"
        "<link>https://avisa.example/qa</link>"
        f"<description>Selskapet svarte på spørsmål om R&D i en Q&A.{more}</description>"
        "</item><item><title><![CDATA[Tom & Jerry]]></title>"
        "<link>https://avisa.example/cdata</link>"
        f"<description><![CDATA[<p>Tom &amp; Jerry &mdash; igjen.{more}</p>]]></description>"
        "</item>"
    )
    with serve() as site:
        url = site.add("/rss", body=_rss(items).encode(), headers={})
        report = Ingestor(sqlite_db, settings).ingest([url])
    assert report.summary() == "2 new, 0 updated, 0 unchanged, 0 failed"
    with sqlite_db.session() as session:
        stored = {a.title: a.text for a in session.scalars(select(Article))}
    assert stored["Q&A: Johnson & Johnson svarer"].startswith(
        "Selskapet svarte på spørsmål om R&D i en Q&A. Bystyret"
    )
    assert stored["Tom & Jerry"].startswith("Tom & Jerry — igjen.")


def test_an_atom_summary_without_a_type_that_holds_html_is_read_as_html(
    sqlite_db: Database, settings: Settings
) -> None:
    # Atom takes a text without a type for plain text; many feeds put HTML there anyway.
    feed = ATOM_TEXT_AND_HTML.replace('<content type="html">', "<summary>", 1).replace(
        "\n</content></entry></feed>", "</summary></entry></feed>"
    )
    assert "<summary>&lt;p&gt;" in feed
    with serve() as site:
        url = site.add("/atom", body=feed.encode(), headers={})
        assert Ingestor(sqlite_db, settings).ingest([url]).new == 2
    with sqlite_db.session() as session:
        texts = {a.title: a.text for a in session.scalars(select(Article))}
    assert texts["Markup"] == "The browsers read this as markup."
    assert texts["Blink"].startswith("The history of the <blink> tag")
