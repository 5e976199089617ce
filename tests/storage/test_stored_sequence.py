"""The storage sequence: numbered in commit order, and an upgrade that keeps digests in step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import JSON, Integer, String, Text, column, create_engine, select, table

import storage
from bot.app import open_core
from bot.config import Settings
from bot.ingest import ArticleDraft, Ingestor
from storage import Article, Database, Subscription, stamp_visible
from storage.models import UTCDateTime

MIGRATIONS = Path(storage.__file__).parent / "migrations"
NOON = datetime(2024, 1, 10, 12, tzinfo=UTC)

_articles = table(
    "articles",
    column("url", String),
    column("title", Text),
    column("text", Text),
    column("source", String),
    column("language", String),
    column("published_at", UTCDateTime),
    column("published_precision", String),
    column("fetched_at", UTCDateTime),
    column("content_hash", String),
    column("sentences", JSON),
    column("search_terms", Text),
)
_subscriptions = table(
    "subscriptions",
    column("id", Integer),
    column("platform", String),
    column("channel_id", String),
    column("schedule", String),
    column("interval_minutes", Integer),
    column("timezone", String),
    column("max_items", Integer),
    column("created_by", String),
    column("created_at", UTCDateTime),
)
_deliveries = table(
    "deliveries",
    column("subscription_id", Integer),
    column("period", UTCDateTime),
    column("status", String),
    column("claimed_by", String),
    column("claimed_at", UTCDateTime),
    column("covered_until", UTCDateTime),
)


def _article(n: int, fetched: datetime) -> dict[str, object]:
    title = f"Ferjesak nummer {n} fra Vestlandet"
    return {
        "url": f"https://example.no/ferje-{n}",
        "title": title,
        "text": f"{title}. Fjord1 melder om endringer i rute {n}.",
        "source": "Dagsnytt",
        "language": "no",
        "published_at": fetched,
        "published_precision": "minute",
        "fetched_at": fetched,
        "content_hash": f"hash-{n}",
        "sentences": [f"{title}.", f"Fjord1 melder om endringer i rute {n}."],
        "search_terms": f"ferjesak nummer {n} vestlandet fjord1",
    }


def test_an_upgrade_continues_each_digest_where_the_last_one_stopped(db_url: str) -> None:
    """A database whose digests windowed by fetch time: after the upgrade the next digest
    holds what arrived after the last one, nothing it already showed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(db_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.execute(
            _articles.insert(),
            [_article(1, NOON - timedelta(minutes=30)), _article(2, NOON + timedelta(minutes=5))],
        )
        connection.execute(
            _subscriptions.insert().values(
                id=1,
                platform="slack",
                channel_id="C1",
                schedule="every",
                interval_minutes=60,
                timezone="UTC",
                max_items=10,
                created_by="U1",
                created_at=NOON - timedelta(days=1),
            )
        )
        connection.execute(
            _deliveries.insert().values(
                subscription_id=1,
                period=NOON,
                status="sent",
                claimed_by="old",
                claimed_at=NOON,
                covered_until=NOON,
            )
        )
    engine.dispose()
    core = open_core(Settings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
    try:
        with core.db.session() as session:
            subscription = session.get(Subscription, 1)
        assert subscription is not None
        digest = core.digests.for_subscription(subscription, NOON + timedelta(hours=1))
        assert [item.headline for item in digest.items] == ["Ferjesak nummer 2 fra Vestlandet"]
        assert digest.since == NOON
    finally:
        core.close()


def test_numbers_follow_commit_order_and_only_grow(db: Database) -> None:
    ingestor = Ingestor(db, Settings(_env_file=None))  # type: ignore[call-arg]
    drafts = [
        ArticleDraft(url=f"https://example.no/{n}", title=f"Sak {n}", text=f"Sak {n} om været.")
        for n in range(3)
    ]
    with db.session() as session:
        assert stamp_visible(session) == 0
    ingestor.store(drafts[:2])
    with db.session() as session:
        first = stamp_visible(session)
    ingestor.store(drafts[2:])
    with db.session() as session:
        second = stamp_visible(session)
    with db.session() as session:
        again = stamp_visible(session)
        numbers = sorted(session.scalars(select(Article.stored_seq)))
    assert (first, second, again) == (2, 3, 3)
    assert numbers == [1, 2, 3]
