"""Storage: SQLAlchemy models, sessions, migrations, the search index, repositories."""

from storage.articles import (
    ArticleRecord,
    Outcome,
    articles_between,
    articles_stored_after,
    count_articles,
    counts_by,
    existing_urls,
    get_articles,
    stamp_visible,
    store_articles,
)
from storage.db import Database, migrate
from storage.deliveries import (
    Coverage,
    DeliveryStatus,
    SessionFactory,
    claim_delivery,
    failed_deliveries,
    finish_delivery,
    first_period,
    has_delivery,
    is_settled,
    last_coverage,
    last_covered_until,
    renew_claim,
)
from storage.errors import StorageError
from storage.feeds import add_feed, get_feed, list_feeds, remove_feed
from storage.health import check_database
from storage.models import Article, Delivery, FeedSource, SentenceVector, Subscription, utcnow
from storage.search import (
    check_index,
    count_matching,
    count_matching_any,
    search_articles,
)
from storage.subscriptions import (
    add_subscription,
    list_subscriptions,
    remove_subscription,
)
from storage.vectors import articles_without_vectors, count_vectors, load_vectors, store_vectors

__all__ = [
    "Article",
    "ArticleRecord",
    "Database",
    "SentenceVector",
    "articles_without_vectors",
    "count_vectors",
    "existing_urls",
    "load_vectors",
    "store_vectors",
    "Delivery",
    "Subscription",
    "add_subscription",
    "DeliveryStatus",
    "SessionFactory",
    "claim_delivery",
    "has_delivery",
    "Coverage",
    "failed_deliveries",
    "first_period",
    "is_settled",
    "last_coverage",
    "renew_claim",
    "articles_stored_after",
    "stamp_visible",
    "finish_delivery",
    "last_covered_until",
    "list_subscriptions",
    "remove_subscription",
    "FeedSource",
    "Outcome",
    "StorageError",
    "add_feed",
    "articles_between",
    "check_database",
    "check_index",
    "count_articles",
    "count_matching",
    "count_matching_any",
    "counts_by",
    "get_articles",
    "get_feed",
    "list_feeds",
    "migrate",
    "remove_feed",
    "search_articles",
    "store_articles",
    "utcnow",
]
