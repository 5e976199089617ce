"""Article repository: store with deduplication, fetch, count."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import ColumnElement, Table, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session

from storage.models import (
    Article,
    ArticleCount,
    ArticleOrigin,
    ArticleSequence,
    SentenceVector,
)
from storage.origins import add_origins, input_of, note_carried
from storage.search import index_scans, note_articles_version
from storage.tenants import TenantScope, visible_clause

__all__ = [
    "ArticleRecord",
    "Outcome",
    "store_articles",
    "stored_lengths",
    "get_articles",
    "count_articles",
    "articles_between",
    "articles_stored_after",
    "counts_by",
    "stamp_visible",
    "count_articles_under",
    "delete_articles_under",
    "reread_search_terms",
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
    search_terms: str
    # The input it was read from (see `Article.origin`); "" when unknown.
    origin: str = ""

    def __reduce__(self) -> tuple[type[ArticleRecord], tuple[object, ...]]:
        # Pickled as its fields, in order: an ingest's worker processes send back thousands
        # of records, and a frozen dataclass's own unpickling sets them one by one in Python.
        return ArticleRecord, _record_fields(self)


_record_fields = operator.attrgetter(*(field.name for field in fields(ArticleRecord)))


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class _Stored:
    id: int
    content_hash: str
    published_at: datetime | None
    origin: str | None
    length: int


def _rank(published_at: datetime | None, length: int, content_hash: str) -> tuple[float, int, str]:
    return (published_at.timestamp() if published_at else float("-inf"), length, content_hash)


def replaces(record: ArticleRecord, stored: _Stored) -> bool:
    """Whether ``record`` replaces the stored version of its URL, whose content differs.

    The same input read again with new content is an update. When another input carries
    the same URL, one rule decides, whatever order the inputs come in: the newer published
    time wins; between equal times the longer text (a correction that adds, a full text
    over its teaser), then the greater content hash. So re-reading identical inputs
    settles: it changes nothing.
    """
    if stored.origin is None or stored.origin == record.origin:
        return True
    mine = _rank(record.published_at, len(record.text), record.content_hash)
    return mine > _rank(stored.published_at, stored.length, stored.content_hash)


def _stored_by_url(session: Session, urls: Iterable[str]) -> dict[str, _Stored]:
    rows = session.execute(
        select(
            Article.url,
            Article.id,
            Article.content_hash,
            Article.published_at,
            Article.origin,
            func.length(Article.text),
        ).where(Article.url.in_(list(urls)))
    )
    return {url: _Stored(*values) for url, *values in rows}


def _insert_new(session: Session, records: list[ArticleRecord], fetched_at: datetime) -> set[str]:
    """Insert ``records``; a URL another writer stored meanwhile is skipped, not an error.
    Returns the URLs inserted."""
    table = cast(Table, Article.__table__)
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return _insert_new_sqlite(session, records, fetched_at)
    rows = [_row(record, fetched_at) for record in records]
    on_postgres = postgresql_insert(table).on_conflict_do_nothing(index_elements=["url"])
    return set(session.scalars(on_postgres.returning(table.c.url), rows))


# The columns a new article's row sets, in the order `_insert_new_sqlite` gives them.
_NEW_ROW = (
    "url",
    "title",
    "text",
    "source",
    "language",
    "published_at",
    "published_precision",
    "fetched_at",
    "content_hash",
    "sentences",
    "search_terms",
    "origin",
    "stored_seq",
)


@functools.lru_cache(maxsize=16)
def _sqlite_insert(rows: int) -> str:
    values = ", ".join(["(" + ", ".join(["?"] * len(_NEW_ROW)) + ")"] * rows)
    return (
        f"INSERT INTO articles ({', '.join(_NEW_ROW)}) VALUES {values} "
        "ON CONFLICT (url) DO NOTHING RETURNING url"
    )


def _insert_new_sqlite(
    session: Session, records: list[ArticleRecord], fetched_at: datetime
) -> set[str]:
    """`_insert_new` on SQLite, through the driver: SQLAlchemy's insert of a bulk ingest
    processes each value of each row in Python (~20 us an article, in the one writing
    process). Only the times need converting; the columns' own converter does it, so the
    stored values are the same."""
    dialect = session.get_bind().dialect
    time_type = cast(Table, Article.__table__).c.fetched_at.type
    to_stored = time_type.dialect_impl(dialect).bind_processor(dialect)
    assert to_stored is not None

    def stored_time(value: datetime | None) -> object:
        return None if value is None else to_stored(value)

    fetched = stored_time(fetched_at)
    connection = session.connection()
    per_statement = max(1, dialect.insertmanyvalues_max_parameters // len(_NEW_ROW))
    inserted: set[str] = set()
    for start in range(0, len(records), per_statement):
        chunk = records[start : start + per_statement]
        values: list[object] = []
        for r in chunk:
            values += (
                r.url,
                r.title,
                r.text,
                r.source,
                r.language,
                stored_time(r.published_at),
                r.published_precision,
                fetched,
                r.content_hash,
                "[]",  # split when read (see `Article.sentences`)
                r.search_terms,
                r.origin or None,
                None,  # numbered once visible (`stamp_visible`)
            )
        result = connection.exec_driver_sql(_sqlite_insert(len(chunk)), tuple(values))
        inserted.update(result.scalars())
    return inserted


def store_articles(
    session: Session, records: Sequence[ArticleRecord], fetched_at: datetime
) -> list[Outcome]:
    """Insert new articles and update changed ones, in the caller's transaction.

    The same URL with the same content is unchanged; with other content, `replaces`
    decides between the two versions; the same content under another URL (a mirror, a
    re-post) is unchanged, so ingesting one input twice never adds anything. An insert
    that loses a race to a concurrent ingest is judged against the row that won it.
    Whatever the outcome, each record's input is recorded as carrying the article stored
    (an `ArticleOrigin`): a tenant sees an article through any input that carried it.
    """
    if not records:
        return []
    if session.get_bind().dialect.name == "postgresql":
        index_scans(session)
    _one_writer_per_text(session, {r.content_hash for r in records})
    stored = _stored_by_url(session, {r.url for r in records})
    # The articles holding each text: stored already (their ids), or inserted by this batch.
    stored_texts: dict[str, list[int]] = {}
    for content_hash, article_id in session.execute(
        select(Article.content_hash, Article.id).where(
            Article.content_hash.in_({r.content_hash for r in records})
        )
    ):
        stored_texts.setdefault(content_hash, []).append(article_id)
    batch_texts: dict[str, str] = {}  # hash -> URL
    inserts: dict[str, tuple[ArticleRecord, int]] = {}
    updates: dict[int, dict[str, object]] = {}
    outcomes: list[Outcome] = []
    # Inputs that carry an article stored already (its own input the triggers record).
    carriers: set[tuple[int, str]] = set()
    carried: list[tuple[str, str]] = []  # (URL, input) of articles this batch inserts
    for record in records:
        existing = stored.get(record.url)
        pending = inserts.get(record.url)
        if pending is not None:
            first, index = pending
            pending_row = _Stored(
                0, first.content_hash, first.published_at, first.origin, len(first.text)
            )
            if first.content_hash != record.content_hash and replaces(record, pending_row):
                inserts[record.url] = (record, index)
            carried += [(record.url, first.origin), (record.url, record.origin)]
            outcomes.append(Outcome.UNCHANGED)
        elif existing is None:
            if record.content_hash in stored_texts or record.content_hash in batch_texts:
                for held in stored_texts.get(record.content_hash, []):
                    carriers.add((held, input_of(record.origin)))
                if record.content_hash in batch_texts:
                    carried.append((batch_texts[record.content_hash], record.origin))
                outcomes.append(Outcome.UNCHANGED)
                continue
            inserts[record.url] = (record, len(outcomes))
            batch_texts[record.content_hash] = record.url
            outcomes.append(Outcome.NEW)
        else:
            _carry(record, existing, carriers)
            outcomes.append(_update(record, existing, stored, updates, fetched_at))
    if inserts:
        inserted = _insert_new(session, [record for record, _ in inserts.values()], fetched_at)
        lost = {url: pair for url, pair in inserts.items() if url not in inserted}
        if lost:
            winners = _stored_by_url(session, lost)
            for url, (record, index) in lost.items():
                winner = winners.get(url)
                if winner is not None:
                    _carry(record, winner, carriers)
                outcomes[index] = (
                    Outcome.UNCHANGED
                    if winner is None
                    else _update(record, winner, winners, updates, fetched_at)
                )
    if updates:
        session.execute(update(Article), list(updates.values()))
        # The sentences changed: their old vectors would score the wrong sentences.
        session.execute(delete(SentenceVector).where(SentenceVector.article_id.in_(updates)))
    add_origins(session, carriers)
    note_carried(session, carried)
    return outcomes


# The advisory locks of texts being stored, apart from other keys locked so (`ratehits`).
_TEXT_LOCKS = 1


def _one_writer_per_text(session: Session, hashes: set[str]) -> None:
    """Two ingests storing the same text take turns, so the second sees the first's article
    (a wire story two feeds carry under their own URLs is one article, not two): on
    PostgreSQL each text's advisory lock, taken in one order so that no two wait on each
    other crosswise; SQLite has one writer, whose lock is taken before anything is read."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT pg_advisory_xact_lock(:locks, key) FROM ("
                "SELECT DISTINCT hashtext(h) AS key FROM unnest(CAST(:hashes AS text[])) AS h "
                "ORDER BY key) AS keys"
            ),
            {"locks": _TEXT_LOCKS, "hashes": sorted(hashes)},
        )
    else:
        # A write that changes nothing: the driver opens the transaction with it, and
        # SQLite grants the write lock at once or when the other writer commits.
        session.execute(text(f"UPDATE {Article.__tablename__} SET id = id WHERE 0"))


def _carry(record: ArticleRecord, existing: _Stored, carriers: set[tuple[int, str]]) -> None:
    """Note that ``record``'s input carries the stored article ``existing`` (unless it is
    the input that stored it, which is recorded already)."""
    carrier = input_of(record.origin)
    if carrier != input_of(existing.origin):
        carriers.add((existing.id, carrier))


def _update(
    record: ArticleRecord,
    existing: _Stored,
    stored: dict[str, _Stored],
    updates: dict[int, dict[str, object]],
    fetched_at: datetime,
) -> Outcome:
    if existing.content_hash == record.content_hash or not replaces(record, existing):
        return Outcome.UNCHANGED
    updates[existing.id] = {"id": existing.id, **_row(record, fetched_at)}
    stored[record.url] = _Stored(
        existing.id, record.content_hash, record.published_at, record.origin, len(record.text)
    )
    return Outcome.UPDATED


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
        # Split when read (see `Article.sentences`); an update drops what was split before.
        "sentences": [],
        "search_terms": record.search_terms,
        "origin": record.origin or None,
        # Numbered once visible (`stamp_visible`); an update is news again.
        "stored_seq": None,
    }


def stored_lengths(session: Session, urls: Iterable[str]) -> dict[str, int]:
    """The length in characters of the stored text of each of ``urls`` stored already."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return {}
    rows = session.execute(
        select(Article.url, func.length(Article.text)).where(Article.url.in_(wanted))
    )
    return {url: int(length) for url, length in rows}


def get_articles(session: Session, ids: Iterable[int]) -> dict[int, Article]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.scalars(select(Article).where(Article.id.in_(wanted)))
    return {article.id: article for article in rows}


def index_terms_of(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The indexed terms (`Article.search_terms`) of the articles ``ids``, by id."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Article.id, Article.search_terms).where(Article.id.in_(wanted))
    ).all()
    return {int(article_id): terms for article_id, terms in rows}


def count_articles(session: Session, *, visible_to: TenantScope | None = None) -> int:
    """How many articles are stored (that ``visible_to`` may see)."""
    if visible_to is None:
        # Kept by triggers: counting the rows costs a scan of an index every question.
        kept = session.execute(
            select(ArticleCount.value, ArticleCount.version).where(ArticleCount.id == 1)
        ).first()
        if kept is not None:
            note_articles_version(session, int(kept.version))
            return int(kept.value)
    # count(*), not count(id): SQLite answers it from the b-tree's own count, not a scan.
    query = select(func.count()).select_from(Article)
    if visible_to is not None:
        query = query.where(_visible(visible_to))
    return int(session.scalar(query) or 0)


def _visible(scope: TenantScope) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], visible_clause(scope))


def articles_between(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    limit: int = 2000,
    arrivals: bool = False,
    visible_to: TenantScope | None = None,
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
    if visible_to is not None:
        query = query.where(_visible(visible_to))
    return list(session.scalars(query))


def stamp_visible(session: Session) -> int:
    """Number the articles committed since the last stamp; return the highest number given.

    Run in a short transaction of its own. Stamps are serialised by the counter row's lock
    (PostgreSQL) or the write lock (SQLite), and a stamp sees only committed articles, so
    numbers become visible in increasing order: every article numbered at most the value
    returned is visible now, and one whose transaction is still open (an ingest straddling
    a digest) gets a higher number later. That is what lets a digest that covered up to N
    hand over to the next one at exactly N, whatever the commit timing.
    """
    counter = cast(Table, ArticleSequence.__table__)
    start = session.scalar(
        update(counter)
        .where(counter.c.id == 1)
        .values(value=counter.c.value)
        .returning(counter.c.value)
    )
    if start is None:  # a schema not built by the migrations: start the counter
        start = int(session.scalar(select(func.coalesce(func.max(Article.stored_seq), 0))) or 0)
        session.execute(counter.insert().values(id=1, value=start))
    pending = (
        select(Article.id, func.row_number().over(order_by=Article.id).label("n"))
        .where(Article.stored_seq.is_(None))
        .subquery()
    )
    session.execute(
        update(Article)
        .where(Article.id == pending.c.id)
        .values(stored_seq=start + pending.c.n)
        .execution_options(synchronize_session=False)
    )
    top = int(
        session.scalar(
            select(func.coalesce(func.max(Article.stored_seq), start)).where(
                Article.stored_seq > start
            )
        )
        or start
    )
    if top > start:
        session.execute(update(counter).where(counter.c.id == 1).values(value=top))
    return top


def articles_stored_after(
    session: Session,
    after: int | None,
    upto: int,
    *,
    fetched_since: datetime | None = None,
    limit: int = 2000,
    visible_to: TenantScope | None = None,
) -> list[Article]:
    """Articles numbered in ``(after, upto]`` by `stamp_visible`, in the order they became
    visible, at most ``limit`` (the rest are for a later window). Without ``after`` (a first
    digest), those fetched since ``fetched_since``. Only those ``visible_to`` may see."""
    query = select(Article).where(Article.stored_seq <= upto)
    if visible_to is not None:
        query = query.where(_visible(visible_to))
    if after is not None:
        query = query.where(Article.stored_seq > after)
    elif fetched_since is not None:
        query = query.where(Article.fetched_at >= fetched_since)
    return list(session.scalars(query.order_by(Article.stored_seq).limit(limit)))


def counts_by(session: Session, column: str) -> list[tuple[str, int]]:
    """Article counts grouped by ``language`` or ``source``, largest first."""
    field = {"language": Article.language, "source": Article.source}[column]
    rows = session.execute(
        select(field, func.count(Article.id))
        .group_by(field)
        .order_by(func.count(Article.id).desc())
    )
    return [(str(value), int(count)) for value, count in rows]


def count_articles_under(session: Session, url_prefix: str) -> int:
    """Articles whose URL starts with ``url_prefix`` (one site, or the demo's invented one)."""
    return int(
        session.scalar(
            select(func.count(Article.id)).where(
                Article.url.startswith(url_prefix, autoescape=True)
            )
        )
        or 0
    )


def delete_articles_under(session: Session, url_prefix: str) -> int:
    """Delete the articles whose URL starts with ``url_prefix`` (index and vectors too)."""
    ids = (
        select(Article.id)
        .where(Article.url.startswith(url_prefix, autoescape=True))
        .scalar_subquery()
    )
    # SQLite enforces no cascades unless asked; say it outright on every dialect.
    session.execute(delete(SentenceVector).where(SentenceVector.article_id.in_(ids)))
    session.execute(delete(ArticleOrigin).where(ArticleOrigin.article_id.in_(ids)))
    result = session.execute(
        delete(Article).where(Article.url.startswith(url_prefix, autoescape=True))
    )
    return int(getattr(result, "rowcount", 0) or 0)


# Articles read a batch at a time by `reread_search_terms`: their texts, not all at once.
_REREAD_BATCH = 500


def reread_search_terms(session: Session, terms_of: Callable[[str, str, str], str]) -> int:
    """Store anew the search terms of every article for which ``terms_of(title, text,
    language)`` gives other terms than those stored: after the words of a text are read
    otherwise (Chinese, once a clause, now its characters), so that articles stored before
    are found as those stored since. How many changed."""
    changed = 0
    last = 0
    while True:
        rows = session.execute(
            select(Article.id, Article.title, Article.text, Article.language, Article.search_terms)
            .where(Article.id > last)
            .order_by(Article.id)
            .limit(_REREAD_BATCH)
        ).all()
        if not rows:
            return changed
        last = rows[-1].id
        for row in rows:
            terms = terms_of(row.title, row.text, row.language)
            if terms != row.search_terms:
                session.execute(
                    update(Article).where(Article.id == row.id).values(search_terms=terms)
                )
                changed += 1
