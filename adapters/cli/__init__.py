"""The `newsbot` command line: a front end like the chat ones, for people and scripts."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from adapters.cli.common import core_or_exit, err, named, out
from adapters.cli.digests import digest
from adapters.cli.feeds import feeds_app
from bot.app import Core
from bot.demo_news import demo_state, load_demo_news, remove_demo_news
from bot.errors import EXPECTED_ERRORS
from bot.render import answer_text, counted
from bot.text import document_terms
from bot.types import format_published
from storage import (
    count_articles,
    counts_by,
    get_articles,
    rebuild_index,
    reread_search_terms,
    search_articles,
)

app = typer.Typer(
    help="newsbot: reads the news, answers questions with sources, posts digests.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(feeds_app, name="feeds")
discord_app = typer.Typer(help="Discord: register the /news commands.", no_args_is_help=True)
app.add_typer(discord_app, name="discord")


class _Rate(ProgressColumn):
    """Articles a second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} articles/s" if speed else "")


@app.command()
def ingest(
    targets: Annotated[list[str], typer.Argument(help="Files, directories or http(s) URLs.")],
) -> None:
    """Read articles from files, directories, JSON Lines, feeds and pages."""
    core = core_or_exit()
    show_progress = sys.stderr.isatty()
    started = time.perf_counter()
    with Progress(
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err,
        disable=not show_progress,
        transient=True,
        # Redrawn when the ingest reports progress, not by a thread of its own: a process
        # without threads can fork its text workers directly (see bot.ingest.workers).
        auto_refresh=False,
    ) as progress:
        total = core.ingestor.estimate(targets) if show_progress else None
        task = progress.add_task("ingest", total=total)

        def advance(n: int) -> None:
            progress.advance(task, n)
            progress.refresh()

        try:
            report = core.ingestor.ingest(targets, progress=advance)
        except KeyboardInterrupt:
            err.print(
                "interrupted: what was stored stays; "
                "the same command again stores the rest (and reports it unchanged)"
            )
            raise typer.Exit(130) from None
    for failure in report.failures:
        err.print(f"failed: {named(failure.where, failure.reason)}", markup=False)
    for note in report.notes:
        err.print(f"note: {named(note.where, note.reason)}", markup=False)
    if report.new:
        _drop_demo(core, "real articles arrived")
    if core.embedder is not None and (report.new or report.updated):
        err.print(f"embedded the sentences of {counted(core.embed_backlog(), 'article')}")
    out.print(f"{report.summary()} ({time.perf_counter() - started:.1f} s)")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def embed() -> None:
    """Embed the sentences of every article that has no vectors yet (EMBEDDINGS_MODEL)."""
    core = core_or_exit()
    if core.embedder is None:
        err.print(
            "No embeddings endpoint is configured: set EMBEDDINGS_MODEL and EMBEDDINGS_BASE_URL."
        )
        raise typer.Exit(2)
    try:
        count = core.embedder.backlog()
    except EXPECTED_ERRORS as exc:
        err.print(f"embedding stopped: {exc}")
        raise typer.Exit(1) from exc
    out.print(f"embedded the sentences of {counted(count, 'article')}")


@app.command()
def search(
    text: Annotated[list[str], typer.Argument(help="Words to look for.")],
    limit: Annotated[int, typer.Option(min=1, help="Most results to show.")] = 10,
) -> None:
    """List the articles that match TEXT, best first."""
    from bot.answer.question import analyse

    if not " ".join(text).strip():
        err.print("Give the words to look for, e.g. newsbot search Haftar.")
        raise typer.Exit(2)
    core = core_or_exit()
    question = analyse(" ".join(text))
    with core.db.session() as session:
        hits = search_articles(session, question.search_terms, limit=limit)
        articles = get_articles(session, [article_id for article_id, _ in hits])
    if not hits:
        out.print("No matching articles.")
        return
    for article_id, _score in hits:
        a = articles[article_id]
        when = format_published(a.published_at, a.published_precision) or "undated"
        out.print(f"{when}  {a.source}  {a.title}\n    {a.url}", markup=False)


@app.command()
def stats() -> None:
    """Count articles by language and by outlet."""
    core = core_or_exit()
    with core.db.session() as session:
        total = count_articles(session)
        languages = counts_by(session, "language")
        sources = counts_by(session, "source")
    out.print(counted(total, "article"))
    for title, rows in (("language", languages), ("outlet", sources)):
        table = Table(title, "articles", box=None)
        for value, count in rows:
            table.add_row(value or "(none)", str(count))
        out.print(table)


@app.command()
def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object, for scripts.")] = False,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="First read the articles' words anew and rebuild the search index."
        ),
    ] = False,
) -> None:
    """Check everything configured; exits 1 when any check fails.

    Database and index, lexicon, model servers, feeds, Slack, Discord, subscribed channels.
    """
    import asyncio  # only the commands that run an event loop pay for its import

    from adapters.doctor import Status, run_doctor

    core = core_or_exit()
    if repair:
        with core.db.session() as session:
            # Articles stored by a version that read their words otherwise (Chinese as
            # whole clauses) are searched as those stored since.
            reread = reread_search_terms(session, document_terms)
            rebuilt = rebuild_index(session)
        if reread:
            err.print(f"Read the words of {counted(reread, 'article')} anew.")
        err.print(
            "Rebuilt the search index from the stored articles."
            if rebuilt
            else "Nothing to rebuild: on PostgreSQL the search index is kept by the database."
        )
    checks = asyncio.run(run_doctor(core))
    failed = any(check.status is Status.FAIL for check in checks)
    if as_json:
        report = {"ok": not failed, "checks": [check.as_dict() for check in checks]}
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    else:
        for check in checks:
            out.print(check.line(), markup=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question; none reads one a line from stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question.")] = False,
) -> None:
    """Answer a question from the indexed articles, with numbered sources."""
    core = core_or_exit()
    if question is None and sys.stdin.isatty():
        err.print("Type one question a line; Ctrl-D ends.")
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in questions:
        if question is None and not text.strip() and not as_json:
            continue
        answer = core.summariser.answer(text)
        if as_json:
            sys.stdout.write(json.dumps(answer.as_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            out.print(answer_text(answer), markup=False)


# `newsbot digest` (adapters/cli/digests.py), listed here, after ask.
app.command()(digest)


@app.command()
def run() -> None:
    """Start the bot: Slack and/or Discord when their tokens are set, else the console."""
    from adapters.runner import chat_front_ends, run_bot

    core = core_or_exit()
    chat = chat_front_ends(core.settings)
    if chat:
        # Invented stories must never reach a team's channels or digests.
        _drop_demo(core, f"{' and '.join(chat)} get real news only")
    elif demo_state(core.db).real:
        _drop_demo(core, "the database holds real articles")
    elif core.settings.load_demo_corpus:
        report = load_demo_news(core.db, core.ingestor)
        if report is not None:
            err.print(f"Empty database: loaded the demo news ({counted(report.new, 'article')}).")
    import asyncio

    try:
        asyncio.run(run_bot(core))
    except KeyboardInterrupt:
        pass
    except EXPECTED_ERRORS as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def demo(
    remove: Annotated[bool, typer.Option("--remove", help="Remove the demo news.")] = False,
) -> None:
    """Load the demo news (18 invented articles, dated today) into an empty database."""
    core = core_or_exit()
    if remove:
        out.print(f"removed {counted(remove_demo_news(core.db), 'demo article')}")
        return
    state = demo_state(core.db)
    if state.real:
        err.print(
            f"The database holds {counted(state.real, 'real article')}; the demo news goes only "
            "into an "
            "empty one (set DATABASE_URL to another file to try it)."
        )
        raise typer.Exit(1)
    if state.demo:
        out.print(f"The demo news is already loaded ({counted(state.demo, 'article')}).")
        return
    report = load_demo_news(core.db, core.ingestor)
    out.print(f"loaded the demo news ({counted(report.new if report else 0, 'article')})")


def _drop_demo(core: Core, reason: str) -> None:
    """Remove the demo news, if any, saying so on stderr."""
    removed = remove_demo_news(core.db)
    if removed:
        err.print(f"Removed the demo news ({counted(removed, 'invented article')}): {reason}.")


@discord_app.command("sync")
def discord_sync(
    guild: Annotated[int | None, typer.Option(help="Only in this server (shows at once).")] = None,
) -> None:
    """Register /news with Discord (after install and upgrades; Discord rate-limits this)."""
    import asyncio

    from adapters.discord import sync_commands

    core = core_or_exit()
    try:
        names = asyncio.run(sync_commands(core.chat, core.settings, guild))
    except EXPECTED_ERRORS as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"synced: {', '.join(names)}")


def main() -> None:
    app()
