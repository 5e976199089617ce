"""SQLAlchemy 2 typed models. Timestamps are timezone-aware UTC on every dialect."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "Article",
    "ArticleCount",
    "ArticleOrigin",
    "ArticleSequence",
    "FeedSource",
    "FeedMembership",
    "LiveFeed",
    "LivePost",
    "Subscription",
    "Delivery",
    "SentenceVector",
    "IncomingClaim",
    "RateHit",
    "SlackInstallation",
    "OAuthState",
    "URL_CHARS",
    "UTCDateTime",
    "utcnow",
]

# The longest address a URL column holds (an article's, a feed's, an origin): PostgreSQL
# refuses a longer one, and SQLite would keep it whole where the code cuts it.
URL_CHARS = 2048


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware datetimes (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One news article, identified by its canonical URL (or `file://`/`urn:` URI)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_CHARS), unique=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(16), default="und")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # "year", "month", "day", "minute" or "none": the seed says only "2020-01".
    published_precision: Mapped[str] = mapped_column(String(8), default="none")
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The sentences as versions before 0014 split them at ingest; [] for an article stored
    # since, whose text is split when read (`bot.text.sentences_of`): storing them cost a
    # sixth of a bulk ingest's work and a fifth of the database, and splitting the few
    # articles a question ranks takes under a millisecond.
    sentences: Mapped[list[str]] = mapped_column(JSON)
    # Exact forms and stems, space-separated: what the dialect's full-text index reads.
    search_terms: Mapped[str] = mapped_column(Text)
    # The input it was read from (a file, a feed, a URL given): when two inputs carry the
    # same URL, which one a stored version came from decides whether another replaces it.
    # Every input that carried it, this one included, is an `ArticleOrigin`.
    origin: Mapped[str | None] = mapped_column(String(URL_CHARS))
    # When it became visible to readers, as a number that only grows: stamped after its
    # transaction committed (`storage.articles.stamp_visible`), NULL until then and again
    # after an update. Scheduled digests window by it, not by clock time.
    stored_seq: Mapped[int | None] = mapped_column(BigInteger, index=True)

    @property
    def sort_time(self) -> datetime:
        return self.published_at or self.fetched_at


class ArticleOrigin(Base):
    """An input that carried an article: what tenants may see is decided by these (see
    `storage.tenants`). Every article has at least one; one with none is hidden from every
    tenant.

    ``origin`` is the input without the ``#2`` of a second record of one URL in it (a
    feed's address, a file's URI, a page's address), "" for articles stored before origins
    were kept. An address longer than `URL_CHARS` is kept cut (and then hidden from
    tenants).
    """

    __tablename__ = "article_origins"
    # The key is the table on SQLite (no rowid): the filter reads an article's origins in
    # one b-tree lookup, without a row beside them; on PostgreSQL, an index-only scan.
    __table_args__ = ({"sqlite_with_rowid": False},)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    origin: Mapped[str] = mapped_column(String(URL_CHARS), primary_key=True)


class ArticleCount(Base):
    """How many articles are stored: one row, kept in step by triggers on `articles`."""

    __tablename__ = "article_count"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    # Grows with every insert, delete and change of search terms (see `count_matching_any`).
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class ArticleSequence(Base):
    """The one counter `Article.stored_seq` is drawn from; its row lock serialises stamping."""

    __tablename__ = "article_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SubscriptionNumbers(Base):
    """The highest subscription number given (one row): on SQLite a new subscription is
    numbered past it, never with a removed one's number (see `add_subscription`)."""

    __tablename__ = "subscription_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedSource(Base):
    """An RSS/Atom feed polled for new articles.

    An ``operator`` source serves every tenant; any other feed serves the tenants that
    hold a `FeedMembership` of it (none: it is no longer polled, and its articles are
    seen by no tenant).
    """

    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_CHARS), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedMembership(Base):
    """A tenant (a Slack workspace, a Discord server, the console) reads a feed."""

    __tablename__ = "feed_memberships"
    __table_args__ = (UniqueConstraint("feed_id", "tenant", name="uq_feed_membership"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_sources.id", ondelete="CASCADE"))
    tenant: Mapped[str] = mapped_column(String(200), index=True)
    added_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LiveFeed(Base):
    """A feed whose new items are posted one by one into a channel as they arrive."""

    __tablename__ = "live_feeds"
    __table_args__ = (
        UniqueConstraint("feed_id", "platform", "channel_id", name="uq_live_feed_channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feed_sources.id", ondelete="CASCADE"), index=True
    )
    tenant: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(200))
    thread_id: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200), default="")
    # Items stored from this time on are posted; the backlog before it is not.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LivePost(Base):
    """One article in one channel, claimed before it is posted so it is posted once."""

    __tablename__ = "live_posts"
    __table_args__ = (
        UniqueConstraint("platform", "channel_id", "article_id", name="uq_live_post"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(200))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # a storage.live.LiveStatus
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)


class Subscription(Base):
    """A channel's scheduled digest."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(200))
    thread_id: Mapped[str | None] = mapped_column(String(200))
    # The tenant's key ("slack:T1", "discord:42"); None for rows made before tenants,
    # until a command in their channel adopts them.
    tenant: Mapped[str | None] = mapped_column(String(200), index=True)
    # "daily" or "weekdays" at `at` (HH:MM), or "every" `interval_minutes`.
    schedule: Mapped[str] = mapped_column(String(16))
    at: Mapped[str | None] = mapped_column(String(5))
    interval_minutes: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(Text)
    max_items: Mapped[int] = mapped_column(Integer, default=10)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One period of one subscription, claimed before posting so it is posted once."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "period", name="uq_delivery_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[datetime] = mapped_column(UTCDateTime)  # the scheduled time it stands for
    status: Mapped[str] = mapped_column(String(16))  # a storage.deliveries.DeliveryStatus
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(200))
    covered_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last `Article.stored_seq` it covered: the next digest starts just after it.
    covered_seq: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)


class SentenceVector(Base):
    """One sentence's embedding (float32, unit length), for hybrid retrieval."""

    __tablename__ = "sentence_vectors"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(200), index=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class IncomingClaim(Base):
    """An incoming message or command, claimed by the one instance that answers it."""

    __tablename__ = "incoming_claims"

    # Platform, kind and the platform's own id: "slack:event:Ev0123", "discord:message:42".
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RateHit(Base):
    """One counted request against a rate-limit key ("user:slack:U1"), shared by instances."""

    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SlackInstallation(Base):
    """A Slack workspace (or organisation) that installed newsbot by OAuth: its bot token.

    The token is a secret: it is read to answer and post in that workspace, and never
    written to a log or a message.
    """

    __tablename__ = "slack_installations"
    __table_args__ = (
        Index("ix_slack_installations_owner", "client_id", "enterprise_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100))
    app_id: Mapped[str | None] = mapped_column(String(100))
    enterprise_id: Mapped[str | None] = mapped_column(String(100))
    enterprise_name: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[str | None] = mapped_column(String(100))
    team_name: Mapped[str | None] = mapped_column(Text)
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(String(100))
    bot_user_id: Mapped[str | None] = mapped_column(String(100))
    bot_scopes: Mapped[str] = mapped_column(Text, default="")
    # Token rotation, when the app turned it on.
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    installer_user_id: Mapped[str | None] = mapped_column(String(100))
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OAuthState(Base):
    """The `state` of an OAuth install begun at /slack/install, consumed by its redirect."""

    __tablename__ = "slack_oauth_states"

    state: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
