"""Storage: SQLAlchemy models, sessions, migrations, the search index, repositories."""

from storage.articles import (
    ArticleRecord,
    Outcome,
    articles_between,
    count_articles,
    counts_by,
    existing_urls,
    get_articles,
    store_articles,
)
from storage.db import Database, migrate
from storage.deliveries import (
    DeliveryStatus,
    SessionFactory,
    claim_delivery,
    finish_delivery,
    has_delivery,
    last_covered_until,
    stale_claims,
    take_over_claim,
)
from storage.errors import StorageError
from storage.feeds import add_feed, count_operator_feeds, get_feed, list_feeds, remove_feed
from storage.health import check_database
from storage.models import (
    Article,
    Delivery,
    FeedMembership,
    FeedSource,
    SentenceVector,
    Subscription,
    utcnow,
)
from storage.search import (
    any_matching,
    check_index,
    count_matching,
    count_matching_any,
    search_articles,
)
from storage.subscriptions import (
    add_subscription,
    list_subscriptions,
    remove_subscription,
    remove_tenant_subscriptions,
)
from storage.tenants import TenantScope, visible_ids
from storage.vectors import articles_without_vectors, count_vectors, load_vectors, store_vectors

__all__ = [
    "Article",
    "FeedMembership",
    "any_matching",
    "TenantScope",
    "count_operator_feeds",
    "visible_ids",
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
    "stale_claims",
    "take_over_claim",
    "finish_delivery",
    "last_covered_until",
    "list_subscriptions",
    "remove_subscription",
    "remove_tenant_subscriptions",
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
