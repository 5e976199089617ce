"""`newsbot digest`: a window's stories, or a subscribed channel's digest."""

from __future__ import annotations

import json
import math
import shlex
import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from adapters.cli.common import core_or_exit, err, out
from bot.app import Core
from bot.digest import DEFAULT_MAX_ITEMS, Older
from bot.errors import EXPECTED_ERRORS
from bot.render import about, counted, digest_text
from bot.types import ChannelRef, format_published
from storage import list_subscriptions

__all__ = ["digest"]


def digest(
    since: Annotated[str | None, typer.Option(help="Start of the window (ISO time).")] = None,
    hours: Annotated[float | None, typer.Option(help="The window: the last N hours.")] = None,
    until: Annotated[
        str | None,
        typer.Option(help="End of the window (ISO time; default: now). With --hours, N before."),
    ] = None,
    topic: Annotated[str | None, typer.Option(help="Only stories about this.")] = None,
    max_items: Annotated[
        int | None,
        typer.Option(min=1, help=f"Most stories to include [default: {DEFAULT_MAX_ITEMS}]."),
    ] = None,
    arrived: Annotated[
        bool,
        typer.Option(
            "--arrived",
            help="Stories stored in the window, whenever published (as scheduled digests).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    channel: Annotated[
        str | None,
        typer.Option(
            help="A subscribed channel, e.g. slack:C0123 or console:local: its digest, as its "
            "subscriptions define it (no window, topic or item options).",
        ),
    ] = None,
    now: Annotated[bool, typer.Option("--now", help="With --channel: post it there now.")] = False,
) -> None:
    """The stories of a window (default: the last day), one item per story."""
    given = {
        "--since": since is not None,
        "--hours": hours is not None,
        "--until": until is not None,
        "--topic": topic is not None,
        "--max-items": max_items is not None,
        "--arrived": arrived,
    }
    if channel is not None and any(given.values()):
        # Not applied, so not taken: the channel's subscriptions say what its digest holds.
        options = ", ".join(name for name, used in given.items() if used)
        err.print(
            "--channel shows the digest its subscriptions define (their topic, window and "
            f"item limit): leave out {options}."
        )
        raise typer.Exit(2)
    if channel is None and now:
        err.print("--now posts a subscription's digest: give --channel too.")
        raise typer.Exit(2)
    if since and hours is not None:
        err.print("Give --since or --hours, not both.")
        raise typer.Exit(2)
    if arrived and until is not None:
        err.print("--arrived takes the stories stored up to now: leave out --until.")
        raise typer.Exit(2)
    end = _time("--until", until) if until is not None else datetime.now(UTC)
    start = _window_start(end, since, hours, until_given=until)
    core = core_or_exit()
    if channel is not None:
        _channel_digest(core, channel, post=now, as_json=as_json)
        return
    result = core.digests.recent(
        topic=topic,
        since=start,
        until=end,
        max_items=max_items or DEFAULT_MAX_ITEMS,
        arrived=arrived,
    )
    if as_json:
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        return
    out.print(digest_text(result), markup=False)
    older = None if result.items else core.digests.older(result.since, topic=topic)
    if older is not None:
        out.print(_older_news(older, topic), markup=False)


# The longest window --hours takes: a century.
MAX_HOURS = 100 * 365 * 24


def _time(option: str, value: str) -> datetime:
    """An option's ISO time in UTC (without a zone: UTC); exits with one sentence when
    it is not one."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        err.print(f"{option} “{value}” is not an ISO time, e.g. 2024-05-01T08:00 or 2024-05-01.")
        raise typer.Exit(2) from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _window_start(
    until: datetime, since: str | None, hours: float | None, *, until_given: str | None = None
) -> datetime | None:
    """Where the window that ends at ``until`` starts (None: the default day), in UTC;
    exits with one sentence when the option cannot be a window's start."""
    if hours is not None:
        if not (math.isfinite(hours) and 0 < hours <= MAX_HOURS):
            err.print(f"--hours takes a number of hours above 0 and at most {MAX_HOURS}.")
            raise typer.Exit(2)
        return until - timedelta(hours=hours)
    if not since:
        return None
    start = _time("--since", since)
    if start >= until:
        end = f"before --until {until_given}" if until_given else "in the past"
        err.print(f"--since {since} is not {end}: the window would be empty.")
        raise typer.Exit(2)
    return start


def _older_news(older: Older, topic: str | None) -> str:
    """Where an empty digest points: "1 older article about “Libya”, the newest from
    2020-01: `newsbot digest --since 2020-01-01 --topic Libya` shows it." """
    newest = older.newest
    when = format_published(newest.published_at, newest.published_precision)
    command = f"newsbot digest --since {newest.sort_time:%Y-%m-%d}"
    if topic:
        command += f" --topic {shlex.quote(topic)}"
    count = counted(older.count, "older article")
    return (
        f"{'At least ' if older.at_least else ''}{count}{about(topic)}, "
        f"the newest from {when or f'{newest.sort_time:%Y-%m-%d}'}: `{command}` shows it."
    )


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
