"""The demo news is for a terminal: never in Slack or Discord, never beside real articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from tests.support.process import article_counts as counts


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    url = f"sqlite:///{tmp_path / 'demo.db'}"

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(app, list(args), env={"DATABASE_URL": url}, input=input)

    invoke.url = url  # type: ignore[attr-defined]
    return invoke


def test_newsbot_demo_loads_an_empty_database_only(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    loaded = cli("demo")
    assert loaded.exit_code == 0 and "loaded the demo news (18 articles)" in loaded.stdout
    assert "already loaded (18 articles)" in cli("demo").stdout
    # Real news in: the invented stories go, so they never sit beside it in answers.
    ingest = cli("ingest", str(corpus_file))
    assert "Removed the demo news (18 invented articles): real articles arrived." in ingest.stderr
    assert counts(cli.url) == (7, 0)
    refused = cli("demo")
    assert refused.exit_code == 1
    assert "holds 7 real articles; the demo news goes only into an empty one" in refused.stderr
    assert counts(cli.url) == (7, 0)


def test_the_console_gets_the_demo_only_on_an_empty_database(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    first = cli("run", input="Who backs Haftar?\n")
    assert "loaded the demo news (18 articles)" in first.stderr
    assert counts(cli.url) == (18, 18)
    assert "removed 18 demo articles" in cli("demo", "--remove").stdout
    cli("ingest", str(corpus_file))
    again = cli("run", input="quit\n")
    assert "demo" not in again.stderr
    assert counts(cli.url) == (7, 0)


def test_news_a_running_bot_polls_in_takes_the_demo_out(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    from adapters.runner import arrived
    from bot.app import open_core
    from bot.config import Settings

    cli("demo")
    core = open_core(Settings(_env_file=None, database_url=cli.url))  # type: ignore[call-arg]
    try:
        # A feed poll stored real news (here the drafts an ingest would store).
        core.ingestor.ingest([str(corpus_file)])
        assert counts(cli.url) == (25, 18)
        arrived(core)
        assert counts(cli.url) == (7, 0)
    finally:
        core.close()


def test_a_short_question_over_the_demo_news_is_answered(cli) -> None:  # type: ignore[no-untyped-def]
    # Eighteen articles tell nothing of how rare a word is: one of the question's that
    # none of them holds is no sign that the article on the property tax does not answer.
    assert cli("demo").exit_code == 0
    answer = cli("ask", "Hvor mye går eiendomsskatten ned?")
    assert answer.exit_code == 0
    assert "fra 3 til 2,5 promille" in answer.stdout


def test_a_feed_added_in_chat_or_polled_from_the_command_line_takes_the_demo_out(
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from bot.app import open_core
    from bot.commands.grammar import ChannelRef, CommandContext
    from bot.config import Settings
    from tests.support.httpserver import serve
    from tests.support.news import ARTICLE_HTML, feed_xml

    cli("demo")
    console = CommandContext(ChannelRef("console", "local"), "me", True, operator=True)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=cli.url,
        fetch_allow_hosts="127.0.0.1",
    )
    with serve() as site:
        site.add("/libya", body=ARTICLE_HTML.encode(), headers={"Content-Type": "text/html"})
        feed = site.add(
            "/rss",
            body=feed_xml(site, [("/libya", "Våpenhvile i Libya", "Kort ingress.")]),
            headers={"Content-Type": "application/rss+xml"},
        )
        core = open_core(settings)
        try:
            reply = core.commands.handle(f"feeds add {feed}", console)
            assert reply.ok, reply.text
        finally:
            core.close()
        assert counts(cli.url) == (1, 0)
        # From the command line: a feed added there is read at `feeds poll`.
        cli("demo", "--remove")
        (tmp_path / "demo.db").unlink()
        cli("demo")
        env = {"DATABASE_URL": cli.url, "FETCH_ALLOW_HOSTS": "127.0.0.1"}
        added = CliRunner().invoke(app, ["feeds", "add", feed], env=env)
        assert added.exit_code == 0, added.stdout + added.stderr
        polled = CliRunner().invoke(app, ["feeds", "poll"], env=env)
    assert "Removed the demo news (18 invented articles)" in polled.stderr
    assert counts(cli.url) == (1, 0)
