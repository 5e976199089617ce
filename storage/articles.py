"""Article repository: store with deduplication, fetch, count."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import Article, SentenceVector

__all__ = [
    "ArticleRecord",
    "Outcome",
    "store_articles",
    "existing_urls",
    "get_articles",
    "count_articles",
    "articles_between",
    "counts_by",
]


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """A normalised article, ready to store (see `bot.ingest.normalise`)."""

    url: str
    title: str
    text: str
    source: str
    language: str
    published_at: datetime | None
    published_precision: str
    content_hash: str
    sentences: list[str]
    search_terms: str


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def store_articles(
    session: Session, records: Sequence[ArticleRecord], fetched_at: datetime
) -> list[Outcome]:
    """Insert new articles and update changed ones, in the caller's transaction.

    The same URL with the same content is unchanged; the same URL with new content is
    updated in place; the same content under another URL (a mirror, a re-post) is
    unchanged, so ingesting one input twice never adds anything.
    """
    if not records:
        return []
    urls = {r.url for r in records}
    hashes = {r.content_hash for r in records}
    by_url = {
        url: (id_, h)
        for id_, url, h in session.execute(
            select(Article.id, Article.url, Article.content_hash).where(Article.url.in_(urls))
        )
    }
    known_hashes = set(
        session.scalars(select(Article.content_hash).where(Article.content_hash.in_(hashes)))
    )
    inserts: dict[str, dict[str, object]] = {}
    updates: list[dict[str, object]] = []
    outcomes: list[Outcome] = []
    for record in records:
        row = _row(record, fetched_at)
        existing = by_url.get(record.url)
        if record.url in inserts:
            if inserts[record.url]["content_hash"] == record.content_hash:
                outcomes.append(Outcome.UNCHANGED)
            else:
                inserts[record.url] = row
                outcomes.append(Outcome.UPDATED)
        elif existing is None:
            if record.content_hash in known_hashes:
                outcomes.append(Outcome.UNCHANGED)
                continue
            inserts[record.url] = row
            known_hashes.add(record.content_hash)
            outcomes.append(Outcome.NEW)
        elif existing[1] == record.content_hash:
            outcomes.append(Outcome.UNCHANGED)
        else:
            updates.append({"id": existing[0], **row})
            by_url[record.url] = (existing[0], record.content_hash)
            outcomes.append(Outcome.UPDATED)
    if inserts:
        session.execute(insert(Article), list(inserts.values()))
    if updates:
        session.execute(update(Article), updates)
        # The sentences changed: their old vectors would score the wrong sentences.
        changed = [row["id"] for row in updates]
        session.execute(delete(SentenceVector).where(SentenceVector.article_id.in_(changed)))
    return outcomes


def _row(record: ArticleRecord, fetched_at: datetime) -> dict[str, object]:
    return {
        "url": record.url,
        "title": record.title,
        "text": record.text,
        "source": record.source,
        "language": record.language,
        "published_at": record.published_at,
        "published_precision": record.published_precision,
        "fetched_at": fetched_at,
        "content_hash": record.content_hash,
        "sentences": record.sentences,
        "search_terms": record.search_terms,
    }


def existing_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` are stored already."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return set()
    return set(session.scalars(select(Article.url).where(Article.url.in_(wanted))))


def get_articles(session: Session, ids: Iterable[int]) -> dict[int, Article]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.scalars(select(Article).where(Article.id.in_(wanted)))
    return {article.id: article for article in rows}


def count_articles(session: Session) -> int:
    return int(session.scalar(select(func.count(Article.id))) or 0)


def articles_between(
    session: Session, since: datetime, until: datetime, *, limit: int = 2000, arrivals: bool = False
) -> list[Article]:
    """Articles published (or, undated, fetched) in ``[since, until)``, newest first;
    with ``arrivals``, the articles newsbot stored in that span, whatever their date."""
    when = (
        Article.fetched_at if arrivals else func.coalesce(Article.published_at, Article.fetched_at)
    )
    query = (
        select(Article)
        .where(when >= since, when < until)
        .order_by(when.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def counts_by(session: Session, column: str) -> list[tuple[str, int]]:
    """Article counts grouped by ``language`` or ``source``, largest first."""
    field = {"language": Article.language, "source": Article.source}[column]
    rows = session.execute(
        select(field, func.count(Article.id))
        .group_by(field)
        .order_by(func.count(Article.id).desc())
    )
    return [(str(value), int(count)) for value, count in rows]
