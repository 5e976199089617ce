"""Storage: SQLAlchemy models, sessions, migrations, the search index, repositories."""

from storage.articles import (
    ArticleRecord,
    Outcome,
    articles_between,
    count_articles,
    counts_by,
    get_articles,
    store_articles,
)
from storage.db import Database, migrate
from storage.errors import StorageError
from storage.feeds import add_feed, get_feed, list_feeds, remove_feed
from storage.models import Article, FeedSource, utcnow
from storage.search import (
    check_index,
    count_matching,
    count_matching_any,
    document_terms,
    search_articles,
)

__all__ = [
    "Article",
    "ArticleRecord",
    "Database",
    "FeedSource",
    "Outcome",
    "StorageError",
    "add_feed",
    "articles_between",
    "check_index",
    "count_articles",
    "count_matching",
    "count_matching_any",
    "counts_by",
    "document_terms",
    "get_articles",
    "get_feed",
    "list_feeds",
    "migrate",
    "remove_feed",
    "search_articles",
    "store_articles",
    "utcnow",
]
