"""What a digest's window holds: a topic matched within it, and the truth about a window
holding more articles than one digest reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

import bot.digest.stories
from bot.app import Core, open_core
from bot.commands import CommandContext, Notice
from bot.config import Settings
from bot.ingest import ArticleDraft
from bot.render import digest_text
from bot.tenants import Tenant
from bot.types import ChannelRef
from storage import list_subscriptions

NOW = datetime.now(UTC).replace(microsecond=0)
A_MONTH_AGO = NOW - timedelta(days=30)
# A digest reads this many articles in these tests (the bot reads `WINDOW_LIMIT`).
READS = 5


@pytest.fixture
def core(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Core]:
    monkeypatch.setattr(bot.digest.stories, "WINDOW_LIMIT", READS)
    running = open_core(settings)
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
    core: Core,
) -> None:
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
