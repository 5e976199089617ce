"""`newsbot feeds ...`: the feeds polled, added, removed, imported and exported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from adapters.cli.common import TenantOption, core_or_exit, err, named, out, tenant_key
from bot.commands import vet_feed_url
from bot.demo_news import remove_demo_news
from bot.errors import EXPECTED_ERRORS
from bot.opml import OpmlError, OpmlFeed, read_opml, write_opml
from bot.render import counted
from bot.text import canonical_url
from storage import add_feed, get_feed, list_feeds, readers_of, remove_feed

__all__ = ["feeds_app"]

feeds_app = typer.Typer(help="Manage RSS/Atom feeds.", no_args_is_help=True)


@feeds_app.command("add")
def feeds_add(
    url: str,
    tenant: TenantOption = None,
    everyone: Annotated[
        bool, typer.Option("--global", help="An operator source (the default here).")
    ] = False,
    anyway: Annotated[
        bool,
        typer.Option("--anyway", help="Add it even if it cannot be read as a feed right now."),
    ] = False,
) -> None:
    """Add a feed to poll: an operator source every tenant reads, or one tenant's feed.

    The address is fetched once first: one that fails, or is not a feed, is added only
    with --anyway."""
    key = tenant_key(tenant)
    if key is not None and everyone:
        err.print("Give either --tenant or --global, not both.")
        raise typer.Exit(2)
    core = core_or_exit()
    try:
        # The same rule as in chat: internal addresses only when FETCH_ALLOW_HOSTS allows.
        url = vet_feed_url(url, core.settings.fetch_allow_hosts)
    except EXPECTED_ERRORS as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    problem = core.ingestor.probe_feed(url)
    if problem and not anyway:
        err.print(
            f"Not added: {named(url, problem)}; to add it all the same, use --anyway.", markup=False
        )
        raise typer.Exit(1)
    with core.db.session() as session:
        _feed, created = add_feed(session, url, tenant=key)
    if problem:
        err.print(f"warning: {named(url, problem)}", markup=False)
    out.print(f"added {url}" if created else f"already polling {url}")


@feeds_app.command("list")
def feeds_list(tenant: TenantOption = None) -> None:
    """List the feeds polled (or one tenant's), with their last status."""
    key = tenant_key(tenant)
    core = core_or_exit()
    with core.db.session() as session:
        feeds = list_feeds(session, key)
        readers = readers_of(session, [feed.id for feed in feeds])
    if not feeds:
        out.print("No feeds yet. Add one with: newsbot feeds add URL")
        return
    table = Table(box=None)
    # A URL is what `feeds remove` takes: shown whole, folded onto more lines, never cut.
    table.add_column("url", overflow="fold")
    for heading in ("title", "for", "last polled", "status"):
        table.add_column(heading)
    for feed in feeds:
        polled = feed.last_polled_at.strftime("%Y-%m-%d %H:%M") if feed.last_polled_at else "never"
        status = feed.last_error or (str(feed.last_status) if feed.last_status else "")
        who = ", ".join((["everyone"] if feed.operator else []) + readers.get(feed.id, []))
        table.add_row(feed.url, feed.title, who, polled, status)
    out.print(table)


@feeds_app.command("remove")
def feeds_remove(url: str, tenant: TenantOption = None) -> None:
    """Stop polling an operator source, or stop one tenant's reading of a feed."""
    key = tenant_key(tenant)
    core = core_or_exit()
    url = canonical_url(url)
    with core.db.session() as session:
        removed = remove_feed(session, url, key)
        feed = None if removed else get_feed(session, url)
        readers = readers_of(session, [feed.id]).get(feed.id, []) if feed else []
    if not removed:
        if key is None and readers:
            # A tenant's feed, not an operator source: say whose, and how to stop it.
            err.print(
                f"{url} is no operator source; {', '.join(readers)} "
                f"{'reads' if len(readers) == 1 else 'read'} it: "
                f"newsbot feeds remove {url} --tenant TENANT"
            )
        else:
            err.print(f"No feed {url}{' for ' + key if key else ''}.")
        raise typer.Exit(1)
    out.print(f"removed {url}")


@feeds_app.command("import")
def feeds_import(
    path: Annotated[Path, typer.Argument(help="An OPML file, as other feed readers export.")],
    tenant: TenantOption = None,
    anyway: Annotated[
        bool,
        typer.Option("--anyway", help="Add the feeds that cannot be read right now too."),
    ] = False,
) -> None:
    """Add every feed an OPML file lists, each address vetted and read first as `feeds add`
    does it: one that fails, or is not a feed, is added only with --anyway."""
    key = tenant_key(tenant)
    core = core_or_exit()
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
            err.print(f"refused: {named(feed.url, str(exc))}", markup=False)
            refused += 1
            continue
        with core.db.session() as session:
            polled = get_feed(session, url) is not None
        # A feed polled already was read before: only a new address is fetched first.
        problem = None if polled else core.ingestor.probe_feed(url)
        if problem and not anyway:
            err.print(f"refused: {named(url, problem)} (--anyway adds it)", markup=False)
            refused += 1
            continue
        if problem:
            err.print(f"warning: {named(url, problem)}", markup=False)
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
    key = tenant_key(tenant)
    core = core_or_exit()
    with core.db.session() as session:
        feeds = [f for f in list_feeds(session, key) if key is not None or f.operator]
        listed = [OpmlFeed(f.url, f.title) for f in feeds]
    title = f"newsbot feeds of {key}" if key else "newsbot operator sources"
    sys.stdout.write(write_opml(listed, title) + "\n")


@feeds_app.command("poll")
def feeds_poll() -> None:
    """Fetch every feed once (conditional GET) and store new articles."""
    core = core_or_exit()
    report = core.ingestor.poll_feeds()
    for failure in report.failures:
        err.print(f"failed: {named(failure.where, failure.reason)}", markup=False)
    if report.new and (removed := remove_demo_news(core.db)):
        err.print(
            f"Removed the demo news ({counted(removed, 'invented article')}): real news came."
        )
    out.print(report.summary())
    if report.failed:
        raise typer.Exit(1)
