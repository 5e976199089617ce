"""The `newsbot` command line: a front end like the chat ones, for people and scripts."""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
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

from bot.app import Core, configure_logging, open_core
from bot.commands import vet_feed_url
from bot.config import load_settings
from bot.demo_news import demo_state, load_demo_news, remove_demo_news
from bot.errors import EXPECTED_ERRORS
from bot.opml import OpmlError, OpmlFeed, read_opml, write_opml
from bot.render import answer_text, counted, digest_text
from bot.tenants import Tenant
from bot.text import canonical_url
from bot.types import ChannelRef, format_published
from storage import (
    add_feed,
    count_articles,
    counts_by,
    get_articles,
    list_feeds,
    list_subscriptions,
    remove_feed,
    search_articles,
)

app = typer.Typer(
    help="newsbot: reads the news, answers questions with sources, posts digests.",
    no_args_is_help=True,
    add_completion=False,
)
feeds_app = typer.Typer(help="Manage RSS/Atom feeds.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
discord_app = typer.Typer(help="Discord: register the /news commands.", no_args_is_help=True)
app.add_typer(discord_app, name="discord")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _named(subject: str, reason: str) -> str:
    """``subject: reason``, or the reason alone when it names the subject already (the
    fetcher's and the address guard's messages name their URL), so it is said once."""
    if re.search(rf"(?:^|[\s(]){re.escape(subject)}(?=$|[\s):;,])", reason):
        return reason
    return f"{subject}: {reason}"


def _core() -> Core:
    try:
        settings = load_settings()
        configure_logging(settings)
        return open_core(settings)
    except EXPECTED_ERRORS as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


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
    core = _core()
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

        report = core.ingestor.ingest(targets, progress=advance)
    for failure in report.failures:
        err.print(f"failed: {_named(failure.where, failure.reason)}", markup=False)
    for note in report.notes:
        err.print(f"note: {_named(note.where, note.reason)}", markup=False)
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
    core = _core()
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
    limit: Annotated[int, typer.Option(help="Most results to show.")] = 10,
) -> None:
    """List the articles that match TEXT, best first."""
    from bot.answer.question import analyse

    core = _core()
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
    core = _core()
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
) -> None:
    """Check everything configured: database and index, lexicon, model servers, feeds, Slack,
    Discord and each subscribed channel. Exits 1 when any check fails."""
    import asyncio  # only the commands that run an event loop pay for its import

    from adapters.doctor import Status, run_doctor

    core = _core()
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


TenantOption = Annotated[
    str | None,
    typer.Option(
        "--tenant",
        help="A tenant's own feeds (slack:TEAM_ID, discord:GUILD_ID, console) "
        "instead of the operator's sources, which serve every tenant.",
    ),
]


def _tenant_key(tenant: str | None) -> str | None:
    if tenant is None:
        return None
    try:
        return Tenant.parse(tenant).key
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc


@feeds_app.command("add")
def feeds_add(
    url: str,
    tenant: TenantOption = None,
    everyone: Annotated[
        bool, typer.Option("--global", help="An operator source (the default here).")
    ] = False,
) -> None:
    """Add a feed to poll: an operator source every tenant reads, or one tenant's feed."""
    key = _tenant_key(tenant)
    if key is not None and everyone:
        err.print("Give either --tenant or --global, not both.")
        raise typer.Exit(2)
    core = _core()
    try:
        # The same rule as in chat: internal addresses only when FETCH_ALLOW_HOSTS allows.
        url = vet_feed_url(url, core.settings.fetch_allow_hosts)
    except EXPECTED_ERRORS as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    with core.db.session() as session:
        _feed, created = add_feed(session, url, tenant=key)
    out.print(f"added {url}" if created else f"already polling {url}")


@feeds_app.command("list")
def feeds_list(tenant: TenantOption = None) -> None:
    """List the feeds polled (or one tenant's), with their last status."""
    key = _tenant_key(tenant)
    core = _core()
    with core.db.session() as session:
        feeds = list_feeds(session, key)
    if not feeds:
        out.print("No feeds yet. Add one with: newsbot feeds add URL")
        return
    table = Table("url", "title", "for", "last polled", "status", box=None)
    for feed in feeds:
        polled = feed.last_polled_at.strftime("%Y-%m-%d %H:%M") if feed.last_polled_at else "never"
        status = feed.last_error or (str(feed.last_status) if feed.last_status else "")
        table.add_row(
            feed.url, feed.title, "everyone" if feed.operator else "tenants", polled, status
        )
    out.print(table)


@feeds_app.command("remove")
def feeds_remove(url: str, tenant: TenantOption = None) -> None:
    """Stop polling an operator source, or stop one tenant's reading of a feed."""
    key = _tenant_key(tenant)
    core = _core()
    url = canonical_url(url)
    with core.db.session() as session:
        removed = remove_feed(session, url, key)
    if not removed:
        err.print(f"No feed {url}{' for ' + key if key else ''}.")
        raise typer.Exit(1)
    out.print(f"removed {url}")


@feeds_app.command("import")
def feeds_import(
    path: Annotated[Path, typer.Argument(help="An OPML file, as other feed readers export.")],
    tenant: TenantOption = None,
) -> None:
    """Add every feed an OPML file lists, each address vetted as `feeds add` vets it."""
    key = _tenant_key(tenant)
    core = _core()
    try:
        if not path.is_file():
            raise OpmlError(f"{path} is not a file")
        if path.stat().st_size > core.settings.file_max_bytes:
            raise OpmlError(f"{path} is larger than FILE_MAX_BYTES")
        listed = read_opml(path.read_bytes(), str(path))
    except (OSError, OpmlError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    added = known = refused = 0
    for feed in listed:
        try:
            url = vet_feed_url(feed.url, core.settings.fetch_allow_hosts)
        except EXPECTED_ERRORS as exc:
            err.print(f"refused: {_named(feed.url, str(exc))}", markup=False)
            refused += 1
            continue
        with core.db.session() as session:
            _feed, created = add_feed(session, url, feed.title, tenant=key)
        added += created
        known += not created
    out.print(
        f"{added} added, {known} already read, {refused} refused "
        f"(of {counted(len(listed), 'feed')})"
    )
    if refused:
        raise typer.Exit(1)


@feeds_app.command("export")
def feeds_export(tenant: TenantOption = None) -> None:
    """Print the operator's sources (or one tenant's feeds) as OPML."""
    key = _tenant_key(tenant)
    core = _core()
    with core.db.session() as session:
        feeds = [f for f in list_feeds(session, key) if key is not None or f.operator]
        listed = [OpmlFeed(f.url, f.title) for f in feeds]
    title = f"newsbot feeds of {key}" if key else "newsbot operator sources"
    sys.stdout.write(write_opml(listed, title) + "\n")


@feeds_app.command("poll")
def feeds_poll() -> None:
    """Fetch every feed once (conditional GET) and store new articles."""
    core = _core()
    report = core.ingestor.poll_feeds()
    for failure in report.failures:
        err.print(f"failed: {_named(failure.where, failure.reason)}", markup=False)
    out.print(report.summary())
    if report.failed:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question; none reads one a line from stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per question.")] = False,
) -> None:
    """Answer a question from the indexed articles, with numbered sources."""
    core = _core()
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


@app.command()
def digest(
    since: Annotated[str | None, typer.Option(help="Start of the window (ISO time).")] = None,
    hours: Annotated[float | None, typer.Option(help="The window: the last N hours.")] = None,
    topic: Annotated[str | None, typer.Option(help="Only stories about this.")] = None,
    max_items: Annotated[int, typer.Option(help="Most stories to include.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    channel: Annotated[
        str | None,
        typer.Option(help="A subscribed channel, e.g. slack:C0123 or console:local: its digest."),
    ] = None,
    now: Annotated[bool, typer.Option("--now", help="With --channel: post it there now.")] = False,
) -> None:
    """The stories of a window (default: the last day), one item per story."""
    core = _core()
    if channel is not None:
        _channel_digest(core, channel, post=now, as_json=as_json)
        return
    if now:
        err.print("--now posts a subscription's digest: give --channel too.")
        raise typer.Exit(2)
    until = datetime.now(UTC)
    if since and hours is not None:
        err.print("Give --since or --hours, not both.")
        raise typer.Exit(2)
    start = until - timedelta(hours=hours) if hours is not None else None
    if since:
        try:
            parsed = datetime.fromisoformat(since)
        except ValueError as exc:
            err.print(f"“{since}” is not an ISO time, e.g. 2024-05-01T08:00 or 2024-05-01.")
            raise typer.Exit(2) from exc
        start = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    result = core.digests.recent(topic=topic, since=start, until=until, max_items=max_items)
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    else:
        out.print(digest_text(result), markup=False)


def _channel_digest(core: Core, channel: str, *, post: bool, as_json: bool) -> None:
    """Build the digest each subscription of ``channel`` would post now; post it with --now.
    Outside the schedule: it claims no period and moves no window."""
    from adapters.runner import send_now

    try:
        ref = ChannelRef.parse(channel)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from exc
    with core.db.session() as session:
        rows = list_subscriptions(session, ref.platform, ref.channel_id)
    if not rows:
        err.print(f"{channel} has no subscriptions; subscribe from that channel first.")
        raise typer.Exit(1)
    until = datetime.now(UTC)
    for row in rows:
        result = core.digests.for_subscription(row, until, arrivals=False)
        if not post:
            out.print(
                json.dumps(result.as_dict(), ensure_ascii=False)
                if as_json
                else digest_text(result),
                markup=False,
            )
            continue
        # The subscription's tenant says whose token posts (the Slack OAuth install).
        target = ChannelRef(row.platform, row.channel_id, row.thread_id, tenant=row.tenant)
        import asyncio

        try:
            message = asyncio.run(send_now(core, target, result))
        except EXPECTED_ERRORS as exc:
            err.print(f"could not post to {target}: {exc}")
            raise typer.Exit(1) from exc
        err.print(f"posted #{row.id} to {target}" + (f" (message {message})" if message else ""))


@app.command()
def run() -> None:
    """Start the bot: Slack and/or Discord when their tokens are set, else the console."""
    from adapters.runner import chat_front_ends, run_bot

    core = _core()
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
    core = _core()
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

    core = _core()
    try:
        names = asyncio.run(sync_commands(core.chat, core.settings, guild))
    except EXPECTED_ERRORS as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"synced: {', '.join(names)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
