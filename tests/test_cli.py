"""The command-line contracts other programs rely on."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from adapters.cli.common import out


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "LOAD_DEMO_CORPUS": "false"}
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), env=env, input=input)

    return invoke


def test_ingest_reports_counts_and_fails_with_named_errors(
    cli, corpus_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    result = cli("ingest", str(corpus_file))
    assert result.exit_code == 0
    # The summary line ends with the time the ingest took.
    assert re.fullmatch(
        r"7 new, 0 updated, 0 unchanged, 0 failed \(\d+\.\d s\)",
        result.stdout.strip().splitlines()[-1],
    )
    again = cli("ingest", str(corpus_file), str(tmp_path / "missing.txt"))
    assert again.exit_code == 1
    assert (
        again.stdout.strip()
        .splitlines()[-1]
        .startswith("0 new, 0 updated, 7 unchanged, 1 failed (")
    )
    assert "missing.txt: no such file or directory" in again.stderr


def test_search_lists_date_outlet_title_and_url(cli, libya_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(libya_file))
    result = cli("search", "Haftar")
    assert result.exit_code == 0
    assert result.stdout.startswith("2020-01  fixtures  Partene i den libyske borgerkrigen")
    assert libya_file.resolve().as_uri() in result.stdout
    assert cli("search", '"*" OR (').stdout.strip() == "No matching articles."


def test_ask_json_one_object_and_stdin_batch(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(corpus_file))
    one = json.loads(cli("ask", "--json", "How many fishermen were rescued?").stdout)
    assert set(one) == {"question", "found", "answer", "citations"}
    assert one["found"] is True and "seven fishermen" in one["answer"]
    assert set(one["citations"][0]) == {"n", "title", "url", "source", "published"}
    batch = cli(
        "ask", "--json", input="Hvem støtter Haftar?\nWho is Zelensky?\n"
    ).stdout.splitlines()
    answers = [json.loads(line) for line in batch]
    assert [a["found"] for a in answers] == [True, False]
    assert answers[1]["answer"] == "I found nothing about Zelensky in 7 indexed articles."


def test_ask_prints_quote_then_numbered_sources(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(corpus_file))
    text = cli("ask", "How many fishermen were rescued?").stdout
    assert "[1]" in text and "Sources:" in text
    assert (
        "[1] Fishing boat crew rescued off the coast — Harbour Times, 2024-02-01 18:00 UTC" in text
    )


def test_digest_json(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(corpus_file))
    data = json.loads(cli("digest", "--since", "2024-02-01", "--json").stdout)
    assert set(data) == {"since", "until", "items"}
    assert data["items"][0]["headline"].startswith("Stormen Ingrid")
    assert len(data["items"][0]["citations"]) == 2
    bad = cli("digest", "--since", "yesterday-ish")
    assert bad.exit_code == 2 and "is not an ISO time" in bad.stderr


def test_console_front_end_answers_and_manages(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(corpus_file))
    result = cli(
        "run",
        input=(
            "help\nHow many fishermen were rescued?\n"
            "subscribe every 5 minutes\nsubscriptions\nquit\n"
        ),
    )
    assert result.exit_code == 0
    assert "feeds add URL" in result.stdout
    assert "seven fishermen" in result.stdout
    assert "Subscribed (#1): a digest every 5 minutes." in result.stdout
    assert "#1: every 5 minutes" in result.stdout


def test_doctor_and_stats(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(corpus_file))
    doctor = cli("doctor").stdout.splitlines()
    assert doctor[0] == "ok    database: 7 articles, search index in step"
    assert doctor[1].startswith(("ok    lexicon: ", "warn  lexicon: "))
    stats = cli("stats").stdout
    assert "7 articles" in stats and "Dagsnytt" in stats


def test_one_article_is_one_article_not_one_articles(cli, libya_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(libya_file))
    assert cli("stats").stdout.splitlines()[0] == "1 article"
    assert cli("doctor").stdout.splitlines()[0] == "ok    database: 1 article, search index in step"
    opml = tmp_path / "one.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline xmlUrl="http://93.184.215.14/a.rss"/></body></opml>',
        encoding="utf-8",
    )
    imported = cli("feeds", "import", str(opml), "--anyway").stdout.strip()
    assert imported == "1 added, 0 already read, 0 refused (of 1 feed)"


def test_run_on_an_empty_database_loads_the_demo_news(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    result = CliRunner().invoke(app, ["run"], env=env, input="Who backs Haftar?\ndigest\n")
    assert result.exit_code == 0
    assert "loaded the demo news (18 articles)" in result.stderr
    assert "Russia unofficially backs Haftar" in result.stdout or "Haftars side" in result.stdout
    # Stories told by two outlets are one digest item with both sources.
    assert result.stdout.count("News digest") == 1
    assert "Fjordbladet" in result.stdout and "Dagsnytt" in result.stdout


def test_the_readme_digest_example_shows_the_story_it_ingested(cli, libya_file: Path) -> None:  # type: ignore[no-untyped-def]
    # README's "Using it" ingests a 2020-01 article about Libya, then asks for a digest.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"^newsbot (digest [^#\n]*)", readme, flags=re.MULTILINE)
    assert example is not None
    cli("ingest", str(libya_file))
    shown = cli(*shlex.split(example.group(1)))
    assert shown.exit_code == 0
    assert shown.stdout.startswith("News digest about “Libya”, 2020-01-01 00:00 – ")
    assert "Khalifa Haftar" in shown.stdout


def test_an_empty_digest_points_at_older_articles_about_its_topic(cli, libya_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(libya_file))
    empty = cli("digest", "--hours", "24", "--topic", "Libya")
    assert empty.exit_code == 0
    said, pointer = empty.stdout.splitlines()
    assert re.fullmatch(r"No news about “Libya” in [-\d :]+ – [-\d :]+ UTC\.", said)
    assert pointer == (
        "1 older article about “Libya”, the newest from 2020-01: "
        "`newsbot digest --since 2020-01-01 --topic Libya` shows it."
    )
    anything = cli("digest").stdout.splitlines()[1]
    assert anything.startswith("1 older article, the newest from 2020-01: ")
    # Nothing older about the topic either: the one line, and JSON stays as it was.
    assert len(cli("digest", "--topic", "cricket").stdout.splitlines()) == 1
    as_json = json.loads(cli("digest", "--hours", "24", "--topic", "Libya", "--json").stdout)
    assert as_json["items"] == [] and set(as_json) == {"since", "until", "topic", "items"}


def test_a_window_or_count_that_cannot_be_is_one_sentence_not_a_traceback(
    cli, libya_file: Path
) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(libya_file))
    for hours in ("1e9", "inf", "nan", "-5", "0"):
        result = cli("digest", "--hours", hours)
        assert result.exit_code == 2, (hours, result.output)
        assert "--hours takes a number of hours above 0" in result.stderr
        assert "Traceback" not in result.output
    future = cli("digest", "--since", "2999-01-01")
    assert future.exit_code == 2
    assert "is not in the past" in future.stderr
    inverted = cli("digest", "--since", "2020-02-01", "--until", "2020-01-01")
    assert inverted.exit_code == 2
    assert inverted.stderr.strip() == (
        "--since 2020-02-01 is not before --until 2020-01-01: the window would be empty."
    )
    assert "--until “soon” is not an ISO time" in cli("digest", "--until", "soon").stderr
    arrived = cli("digest", "--arrived", "--until", "2020-02-01")
    assert arrived.exit_code == 2 and "leave out --until" in arrived.stderr
    # A window that ends in the past: the Libya story of January 2020, by --since or --hours.
    for window in (["--since", "2020-01-01"], ["--hours", "48"]):
        shown = cli("digest", *window, "--until", "2020-01-02")
        assert shown.exit_code == 0 and "Khalifa Haftar" in shown.stdout, window
    assert "No news" in cli("digest", "--since", "2020-02-01", "--until", "2020-03-01").stdout
    for option, command in (("--max-items", "digest"), ("--limit", "search")):
        for value in ("0", "-3"):
            args = [command, option, value] + (["Haftar"] if command == "search" else [])
            assert cli(*args).exit_code == 2, (command, value)
    assert cli("search", " ").exit_code == 2
    # A window given with an offset is shown in UTC: 03:00+05:00 is 22:00 the day before.
    shown = cli("digest", "--since", "2020-01-01T03:00+05:00")
    assert shown.stdout.startswith("News digest, 2019-12-31 22:00 – "), shown.stdout


def test_digest_for_a_channel_now(cli, corpus_file: Path) -> None:  # type: ignore[no-untyped-def]
    cli("ingest", str(corpus_file))
    missing = cli("digest", "--channel", "console:local", "--now")
    assert missing.exit_code == 1 and "has no subscriptions" in missing.stderr
    cli("run", input="subscribe every 5 minutes storm\nquit\n")
    preview = cli("digest", "--channel", "console:local")
    assert preview.exit_code == 0 and "No news" in preview.stdout  # the corpus is from 2024
    posted = cli("digest", "--channel", "console:local", "--now")
    assert posted.exit_code == 0 and "posted #1 to console:local" in posted.stderr
    assert cli("digest", "--now").exit_code == 2
    assert "platform:channel_id" in cli("digest", "--channel", "nonsense").stderr
    # What a channel's digest holds is its subscriptions' to say: options are refused, not
    # silently dropped.
    options = ["--max-items", "1", "--topic", "Svindal", "--hours", "1"]
    mixed = cli("digest", "--channel", "console:local", *options)
    assert mixed.exit_code == 2 and mixed.stdout == ""
    assert mixed.stderr.splitlines() == [
        "--channel shows the digest its subscriptions define (their topic, window and item "
        "limit): leave out --hours, --topic, --max-items."
    ]
    assert cli("digest", "--channel", "console:local", "--arrived", "--now").exit_code == 2
    # At the console as in Slack: a digest's options are not taken for its topic.
    console = cli("run", input="digest --since 2020-01-01\nquit\n")
    assert "In chat, digest takes a topic only" in console.stdout
    assert "No news about “--since" not in console.stdout


def test_feeds_add_and_ingest_refuse_what_they_cannot_fetch(cli) -> None:  # type: ignore[no-untyped-def]
    refused = cli("feeds", "add", "http://169.254.169.254/latest")
    assert refused.exit_code == 2 and "link-local address" in refused.stderr
    assert "No feeds yet" in cli("feeds", "list").stdout
    ftp = cli("ingest", "ftp://example.org/x")
    assert ftp.exit_code == 1 and "only http(s) URLs, files and directories" in ftp.stderr
    # The refusal names the address it refused once, not as the input and again in the reason.
    local = cli("ingest", "http://127.0.0.1:9/feed.xml")
    assert local.exit_code == 1
    assert local.stderr.splitlines()[0] == (
        "failed: http://127.0.0.1:9/feed.xml: 127.0.0.1 is a loopback address; newsbot does "
        "not fetch internal addresses unless FETCH_ALLOW_HOSTS allows it"
    )


def test_feeds_list_shows_a_long_url_whole(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # What `feeds list` shows is what `feeds remove` takes: a long URL is folded, not cut.
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setattr(out, "width", 80)  # the width of a terminal, whatever runs the tests
    url = (
        "http://127.0.0.1:8080/nyheter/" + "/".join(f"seksjon-{n}" for n in range(12)) + "/rss.xml"
    )
    assert cli("feeds", "add", "--anyway", url).exit_code == 0  # nothing listens there
    listed = cli("feeds", "list").stdout
    assert "…" not in listed
    rows = [line.split()[0] for line in listed.splitlines()[1:] if line.strip()]
    assert len(rows) > 1 and "".join(rows) == url  # folded onto more lines, whole
    shown = "".join(rows)
    assert cli("feeds", "remove", shown).exit_code == 0


def test_help_lists_flags_as_flags(cli) -> None:  # type: ignore[no-untyped-def]
    # A switch is shown as one ("--arrived"), not as an option asking for a value.
    for args in (["--help"], ["digest", "--help"]):
        shown = cli(*args)
        assert shown.exit_code == 0 and "Usage" in shown.stdout
        assert "<bool>" not in shown.stdout
    # An argument is named as one, in capitals: "TARGETS...", not "{targets}..." of "<str>".
    shown = cli("ingest", "--help").stdout
    assert "ingest [OPTIONS] TARGETS..." in shown
    assert "{targets}" not in shown and "<str>" not in shown
