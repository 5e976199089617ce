"""What a digest's window holds: a topic matched within it, and the truth about a window
holding more articles than one digest reads."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

import bot.digest.stories
from adapters.cli import app
from bot.app import Core, open_core
from bot.commands import CommandContext, Notice
from bot.config import Settings
from bot.ingest import ArticleDraft
from bot.render import digest_text, unread_note
from bot.schedule.spec import ScheduleSpec
from bot.tenants import Tenant
from bot.types import ChannelRef
from storage import list_subscriptions
from tests.support.schedule import Clock, RecordingSink, distinct_story, scheduler_for, subscribe

NOW = datetime.now(UTC).replace(microsecond=0)
A_MONTH_AGO = NOW - timedelta(days=30)
# A digest reads this many articles in these tests (the bot reads `WINDOW_LIMIT`).
READS = 5


@pytest.fixture
def core(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Core]:
    monkeypatch.setattr(bot.digest.stories, "WINDOW_LIMIT", READS)
    monkeypatch.chdir(tmp_path)  # `newsbot` reads no stray .env
    running = open_core(settings)
    yield running
    running.close()


@pytest.fixture
def any_core(settings: Settings, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Iterator[Core]:
    """`core` on SQLite and on PostgreSQL."""
    monkeypatch.setattr(bot.digest.stories, "WINDOW_LIMIT", READS)
    running = open_core(settings.model_copy(update={"database_url": db_url}))
    yield running
    running.close()


def _oslo_archive(n: int) -> ArticleDraft:
    return ArticleDraft(
        url=f"https://avisa.example/oslo-{n}",
        title=f"Oslo bygger ny skole nummer {n}",
        text=f"Oslo kommune bygger skole nummer {n} i Oslo sentrum. Oslo trenger flere skoler.",
        source="Avisa Oslo",
        published_at=A_MONTH_AGO + timedelta(minutes=n),
        published_precision="minute",
    )


TUNNEL = ArticleDraft(
    url="https://vegnytt.example/tunnel",
    title="Ny tunnel åpnet under fjorden",
    text=(
        "Den nye tunnelen under fjorden åpnet fredag morgen etter fem års arbeid. "
        "Reisen mellom byene blir tjue minutter kortere, og ferjen legges ned. "
        "Tunnelen kostet to milliarder kroner, og trafikken ventes å doble seg. "
        "Statsråden klippet snoren sammen med ordførerne fra begge sider. "
        "Ferjen fra Oslo gikk sin siste tur torsdag kveld."
    ),
    source="Vegnytt",
    published_at=NOW - timedelta(minutes=20),
    published_precision="minute",
)


def test_a_scheduled_topic_digest_finds_a_new_article_whatever_the_archive_holds(
    any_core: Core,
) -> None:
    core = any_core
    # Far more older articles about Oslo than a digest reads, all more about it than the
    # new one, which names Oslo once.
    core.ingestor.store([_oslo_archive(n) for n in range(4 * READS)], fetched_at=A_MONTH_AGO)
    core.ingestor.store([TUNNEL], fetched_at=NOW - timedelta(minutes=10))
    slack = CommandContext(ChannelRef("slack", "C1"), "U1", True, tenant=Tenant.slack("T1"))
    reply = core.commands.handle("subscribe every 1 hours Oslo", slack)
    assert isinstance(reply, Notice) and reply.ok, reply
    with core.db.session() as session:
        [subscription] = list_subscriptions(session, "slack", "C1")

    scheduled = core.digests.for_subscription(subscription, NOW)
    preview = core.digests.for_subscription(subscription, NOW, arrivals=False)

    for digest in (scheduled, preview):
        assert "1. Ny tunnel åpnet under fjorden" in digest_text(digest)
        assert len(digest.items) == 1


def _newsbot(settings: Settings, *args: str) -> Result:
    result = CliRunner().invoke(
        app, list(args), env={"DATABASE_URL": settings.database_url, "LOAD_DEMO_CORPUS": "false"}
    )
    assert result.exit_code == 0, result.output
    return result


def _shown(text: str) -> set[str]:
    """The URLs a digest's text links."""
    return set(re.findall(r"https://example\.no/sak-\d+", text))


def test_a_window_fuller_than_a_digest_reads_says_so_and_how_to_see_the_rest(
    core: Core, settings: Settings
) -> None:
    stories = [distinct_story(n, NOW - timedelta(hours=n)) for n in range(1, READS + 4)]
    core.ingestor.store(stories)

    digest = _newsbot(settings, "digest", "--max-items", "100").stdout
    assert len(_shown(digest)) == READS
    [note] = [line for line in digest.splitlines() if line.startswith("This window holds")]
    oldest_read = NOW - timedelta(hours=READS)
    assert note.startswith(
        f"This window holds more than {READS} articles: this digest is of the newest {READS}, "
        f"published since {oldest_read:%Y-%m-%d %H:%M} UTC; `newsbot digest --since "
    )
    # The command it names covers the older ones: between them, every story is shown.
    command = re.search(r"`newsbot (digest [^`]+)`", note)
    assert command is not None
    older = _newsbot(settings, *shlex.split(command.group(1))).stdout
    assert _shown(digest) | _shown(older) == {story.url for story in stories}

    # "…and N more stories" lists the stories of what it read, and says what it read.
    brief = _newsbot(settings, "digest", "--max-items", "2").stdout
    assert f"…and {READS - 2} more stories" in brief and note in brief
    more = re.search(r"`newsbot (digest [^`]+)` lists them all", brief)
    assert more is not None
    assert _shown(_newsbot(settings, *shlex.split(more.group(1))).stdout) == _shown(digest)
    # By arrival, the first ones stored, and the same truth.
    arrived = _newsbot(settings, "digest", "--arrived", "--max-items", "100").stdout
    assert len(_shown(arrived)) == READS
    assert f"More than {READS} articles arrived in this window" in arrived
    # As JSON too.
    data = json.loads(_newsbot(settings, "digest", "--json").stdout)
    assert data["read_limit"] == READS and data["read_from"].startswith(f"{oldest_read:%Y-%m-%d}")


async def test_a_scheduled_digest_of_more_arrivals_than_it_reads_leaves_the_rest_to_the_next(
    core: Core,
) -> None:
    hourly = ScheduleSpec("every", None, 60, "UTC")
    period = hourly.previous_fire(NOW)
    subscription = subscribe(core, hourly, period - timedelta(days=1))
    stories = [distinct_story(n, period - timedelta(minutes=30)) for n in range(READS + 3)]
    core.ingestor.store(stories, fetched_at=period - timedelta(minutes=20))
    sink = RecordingSink()

    await scheduler_for(core, [sink], clock=Clock(period)).fire(subscription)
    await scheduler_for(core, [sink], clock=Clock(period + timedelta(hours=1))).fire(subscription)

    [(_, first), (_, second)] = sink.posts
    assert len(first.items) == READS and len(second.items) == 3
    assert set(sink.urls()) == {story.url for story in stories}
    assert unread_note(first) == (
        f"More than {READS} articles arrived in this window: this digest is of the first "
        f"{READS}; a scheduled digest's next one starts with the rest."
    )
    assert unread_note(second) is None


def test_a_first_digest_holds_what_was_stored_since_subscribing_while_the_bot_was_down(
    any_core: Core,
) -> None:
    core = any_core
    slack = CommandContext(ChannelRef("slack", "C1"), "U1", True, tenant=Tenant.slack("T1"))
    reply = core.commands.handle("subscribe every 1 hours", slack)
    assert isinstance(reply, Notice) and reply.ok, reply
    with core.db.session() as session:
        [subscription] = list_subscriptions(session, "slack", "C1")
    made = subscription.created_at
    # Stored half an hour after subscribing; the first digest runs three hours later.
    core.ingestor.store([TUNNEL], fetched_at=made + timedelta(minutes=30))
    core.ingestor.store([_oslo_archive(1)], fetched_at=made - timedelta(days=2))

    first = core.digests.for_subscription(subscription, made + timedelta(hours=3))

    assert [item.headline for item in first.items] == ["Ny tunnel åpnet under fjorden"]
