"""`newsbot feeds import FILE.opml` and `newsbot feeds export`, per tenant or the operator's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.opml import OpmlError, OpmlFeed, read_opml, write_opml
from tests.support.cli import local_cli  # noqa: F401 - the `cli` fixture
from tests.support.httpserver import serve
from tests.support.news import feed_xml

RSS = {"Content-Type": "application/rss+xml"}


def _opml(wire: str, sport: str, broken: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Exported from another reader</title></head><body>
  <outline text="News">
    <outline text="The Wire" title="The Wire" type="rss" xmlUrl="{wire}" htmlUrl="http://x"/>
    <outline text="Intranet" type="rss" xmlUrl="http://10.0.0.5/feed.xml"/>
    <outline text="Gone" type="rss" xmlUrl="{broken}"/>
  </outline>
  <outline text="Sport desk" type="rss" xmlUrl="{sport}"/>
  <outline text="A folder with no feed"/>
</body></opml>"""


def test_import_vets_every_outline_and_export_lists_one_tenants_feeds(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with serve() as site:
        wire = site.add("/wire.rss", body=feed_xml(site, [("/a", "Sak", "Kort.")]), headers=RSS)
        sport = site.add("/sport.rss", body=feed_xml(site, [("/b", "Kamp", "Kort.")]), headers=RSS)
        broken = site.add("/gone.rss", status=500)
        source = tmp_path / "subscriptions.opml"
        source.write_text(_opml(wire, sport, broken), encoding="utf-8")

        result = cli("feeds", "import", str(source), "--tenant", "slack:T0NORTH")
        assert result.exit_code == 1
        assert "2 added, 0 already read, 2 refused (of 4 feeds)" in result.stdout
        # One line a refusal, naming the address once.
        assert result.stderr.splitlines() == [
            "refused: http://10.0.0.5/feed.xml: 10.0.0.5 is a private address; newsbot does "
            "not fetch internal addresses unless FETCH_ALLOW_HOSTS allows it",
            f"refused: {broken} answered HTTP 500 (--anyway adds it)",
        ]
        # Read as `feeds add` reads an address: --anyway adds what cannot be read now.
        anyway = cli("feeds", "import", str(source), "--tenant", "slack:T0NORTH", "--anyway")
        assert "1 added, 2 already read, 1 refused (of 4 feeds)" in anyway.stdout
        assert f"warning: {broken} answered HTTP 500" in anyway.stderr

    mine = cli("feeds", "export", "--tenant", "slack:T0NORTH")
    assert mine.exit_code == 0
    assert [(f.url, f.title) for f in read_opml(mine.stdout.encode())] == [
        (wire, "The Wire"),
        (sport, "Sport desk"),
        (broken, "Gone"),
    ]
    # The operator's sources and another tenant's feeds are not this tenant's.
    operator = cli("feeds", "export")
    assert operator.exit_code == 0 and read_opml(operator.stdout.encode()) == []
    other = cli("feeds", "export", "--tenant", "discord:42")
    assert read_opml(other.stdout.encode()) == []

    # What one exports another imports (polled already: not read again); a second import
    # adds nothing.
    exported = tmp_path / "north.opml"
    exported.write_text(mine.stdout, encoding="utf-8")
    assert "3 added" in cli("feeds", "import", str(exported)).stdout
    assert "0 added, 3 already read" in cli("feeds", "import", str(exported)).stdout
    assert len(read_opml(cli("feeds", "export").stdout.encode())) == 3


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("<opml><body><outline text='x'", "is not well-formed XML (unclosed token: line 1"),
        ("<rss version='2.0'><channel/></rss>", "is not OPML: its root element is <rss>"),
        ("<opml version='2.0'><head/></opml>", "is OPML without a <body>"),
        (
            "<!DOCTYPE opml [<!ENTITY a 'aaaa'>]><opml><body/></opml>",
            "declares a DOCTYPE or XML entities",
        ),
    ],
)
def test_malformed_opml_is_one_clear_line(cli, tmp_path: Path, content: str, error: str) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "broken.opml"
    source.write_text(content, encoding="utf-8")
    result = cli("feeds", "import", str(source))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {source} {error}")


def test_a_missing_file_and_a_bad_tenant_are_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = cli("feeds", "import", str(tmp_path / "nope.opml"))
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"error: {tmp_path / 'nope.opml'} is not a file"
    bad = cli("feeds", "export", "--tenant", "irc:libera")
    assert bad.exit_code == 2 and "a tenant is written slack:TEAM_ID" in bad.stderr


def test_written_opml_reads_back_with_titles_escaped() -> None:
    feeds = [OpmlFeed("https://a.example/rss?x=1&y=2", 'Quotes " & <tags>'), OpmlFeed("https://b")]
    assert read_opml(write_opml(feeds, "t").encode()) == [
        feeds[0],
        OpmlFeed("https://b", "https://b"),
    ]
    with pytest.raises(OpmlError):
        read_opml(b"")
