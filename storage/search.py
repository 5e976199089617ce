"""The full-text index, chosen by dialect: SQLite FTS5 (BM25) or PostgreSQL tsvector.

Both read `articles.search_terms`, which holds each word's exact lower-cased form
and its Snowball stem in the article's language. A query is a list of such terms
joined with OR, each quoted: the user's text is never parsed as search syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from storage.models import UTCDateTime
from storage.tenants import TenantScope, visible_ids, visible_sql

__all__ = [
    "search_articles",
    "any_matching",
    "count_matching",
    "count_matching_any",
    "check_index",
]

_SAFE_TERM = re.compile(r"^\w+$", re.UNICODE)


def _clean(terms: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms:
        term = term.lower()
        if _SAFE_TERM.match(term):
            seen.setdefault(term, None)
    return list(seen)


def _fts5_query(terms: Sequence[str]) -> str:
    return " OR ".join(f'"{term}"' for term in terms)


def _tsquery(terms: Sequence[str]) -> str:
    return " | ".join(f"'{term}'" for term in terms)


# A tenant's search first takes this many times ``limit`` of everyone's best hits and
# keeps the ones it may see; only when too few remain does the index filter every match.
OVERFETCH = 8


def search_articles(
    session: Session,
    terms: Iterable[str],
    *,
    limit: int = 20,
    since: datetime | None = None,
    visible_to: TenantScope | None = None,
) -> list[tuple[int, float]]:
    """Article ids and scores (higher is better) for articles holding any of ``terms``;
    with ``visible_to``, only the articles that tenant may see."""
    cleaned = _clean(terms)
    if not cleaned:
        return []
    if visible_to is None:
        return _search(session, cleaned, limit, since, None)
    # The best hits a tenant may see are the first it may see among everyone's best.
    wider = max(limit * OVERFETCH, 100)
    hits = _search(session, cleaned, wider, since, None)
    shown = visible_ids(session, [article_id for article_id, _ in hits], visible_to)
    kept = [hit for hit in hits if hit[0] in shown][:limit]
    if len(kept) == limit or len(hits) < wider:
        return kept
    return _search(session, cleaned, limit, since, visible_to)


def _search(
    session: Session,
    cleaned: list[str],
    limit: int,
    since: datetime | None,
    visible_to: TenantScope | None,
) -> list[tuple[int, float]]:
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {"limit": limit}
    if dialect == "sqlite":
        params["q"] = _fts5_query(cleaned)
        where = ""
        if since is not None:
            where = (
                "AND rowid IN (SELECT id FROM articles "
                "WHERE coalesce(published_at, fetched_at) >= :since)"
            )
            params["since"] = since
        where += _visible(dialect, "article_fts.rowid", visible_to, params)
        sql = (
            "SELECT rowid, -bm25(article_fts) AS score FROM article_fts "
            f"WHERE article_fts MATCH :q {where} ORDER BY bm25(article_fts) LIMIT :limit"
        )
    else:
        params["q"] = _tsquery(cleaned)
        where = ""
        if since is not None:
            where = "AND coalesce(published_at, fetched_at) >= :since"
            params["since"] = since
        where += _visible(dialect, "articles.id", visible_to, params)
        sql = (
            "SELECT id, ts_rank_cd(search_vector, q, 1) AS score "
            "FROM articles, to_tsquery('simple', :q) AS q "
            f"WHERE search_vector @@ q {where} ORDER BY score DESC, id LIMIT :limit"
        )
    statement = text(sql)
    if since is not None:
        statement = statement.bindparams(bindparam("since", type_=UTCDateTime))
    rows = session.execute(statement, params).all()
    return [(int(row[0]), float(row[1])) for row in rows]


def count_matching(session: Session, term: str) -> int:
    """How many articles hold ``term`` (an exact form or a stem)."""
    return count_matching_any(session, [term])


def count_matching_any(
    session: Session, terms: Iterable[str], *, visible_to: TenantScope | None = None
) -> int:
    """How many articles hold at least one of ``terms`` (that ``visible_to`` may see)."""
    cleaned = _clean(terms)
    if not cleaned:
        return 0
    sql, params = _matching(session, "count(*)", cleaned, visible_to)
    return int(session.execute(text(sql), params).scalar_one())


def any_matching(session: Session, terms: Iterable[str], visible_to: TenantScope) -> bool:
    """Whether an article that ``visible_to`` may see holds any of ``terms``: stops at the
    first, where a count would visit every match."""
    cleaned = _clean(terms)
    if not cleaned:
        return False
    sql, params = _matching(session, "1", cleaned, visible_to)
    return session.execute(text(sql + " LIMIT 1"), params).first() is not None


def _matching(
    session: Session, columns: str, cleaned: list[str], visible_to: TenantScope | None
) -> tuple[str, dict[str, object]]:
    """``SELECT columns`` over the articles holding any of ``cleaned``, and its parameters."""
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {}
    if dialect == "sqlite":
        sql = f"SELECT {columns} FROM article_fts WHERE article_fts MATCH :q"
        sql += _visible(dialect, "article_fts.rowid", visible_to, params)
        params["q"] = _fts5_query(cleaned)
    else:
        sql = f"SELECT {columns} FROM articles WHERE search_vector @@ to_tsquery('simple', :q)"
        sql += _visible(dialect, "articles.id", visible_to, params)
        params["q"] = _tsquery(cleaned)
    return sql, params


def _visible(
    dialect: str, article_id: str, scope: TenantScope | None, params: dict[str, object]
) -> str:
    """The tenant filter as an ``AND ...`` fragment (empty for the operator)."""
    if scope is None:
        return ""
    params["visible_tenant"] = scope.tenant
    return f" AND {visible_sql(dialect, article_id)}"


def check_index(session: Session) -> list[str]:
    """Problems found between the articles table and its index (empty when in step)."""
    problems: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        try:
            session.execute(
                text("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
            )
        except Exception as exc:  # noqa: BLE001 - the message is the finding
            problems.append(f"full-text index out of step with articles: {exc}")
    else:
        missing = session.execute(
            text("SELECT count(*) FROM articles WHERE search_vector IS NULL AND search_terms <> ''")
        ).scalar_one()
        if missing:
            problems.append(f"{missing} articles have no search vector")
    return problems
