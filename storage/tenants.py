"""Whose articles a tenant sees: one search index, filtered by where each article came from.

An article carries the input it was read from (`Article.origin`: a feed's address, with
``#2`` for a feed's second record of one URL, or a file or page the operator ingested).
A tenant sees every article except those whose feed is neither an operator source nor
one of its own feeds. Articles without a feed origin (files, pages and demo articles the
operator ingested, rows stored before origins were kept) are the operator's: everyone's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

__all__ = ["TenantScope", "visible_clause", "visible_ids", "visible_origin_sql", "visible_sql"]


@dataclass(frozen=True)
class TenantScope:
    """What one tenant may see; ``None`` in its place means the operator, who sees all."""

    tenant: str


def _origin_feed(dialect: str, column: str) -> str:
    # A feed's second record of one URL is stored as "FEED#2"; feed addresses are
    # canonical and carry no fragment, so the part before "#" is the feed.
    if dialect == "postgresql":
        return f"split_part({column}, '#', 1)"
    return (
        f"CASE WHEN instr({column}, '#') > 0 "
        f"THEN substr({column}, 1, instr({column}, '#') - 1) ELSE {column} END"
    )


# (id, origin): the filter reads an article's origin without touching its row, whose
# long text comes first (in SQLite a row lookup would walk its overflow pages).
VISIBILITY_INDEX = "ix_articles_visibility"


def visible_sql(dialect: str, article_id: str) -> str:
    """SQL true when the article whose id is the expression ``article_id`` is visible to the
    tenant bound as ``:visible_tenant``. The feeds hidden from that tenant are one
    uncorrelated subquery, computed once per statement; the rest is an index lookup."""
    articles = (
        f"articles va INDEXED BY {VISIBILITY_INDEX}" if dialect == "sqlite" else "articles va"
    )
    return (
        f"EXISTS (SELECT 1 FROM {articles} WHERE va.id = {article_id} "
        f"AND {visible_origin_sql(dialect, 'va.origin')})"
    )


def visible_origin_sql(dialect: str, origin: str) -> str:
    """SQL true when an article whose origin is the column ``origin`` is visible to the
    tenant bound as ``:visible_tenant`` (for queries over the articles table itself)."""
    return (
        f"({origin} IS NULL OR {_origin_feed(dialect, origin)} "
        "NOT IN (SELECT hf.url FROM feed_sources hf WHERE NOT hf.operator AND NOT EXISTS "
        "(SELECT 1 FROM feed_memberships hm WHERE hm.feed_id = hf.id "
        "AND hm.tenant = :visible_tenant)))"
    )


def visible_clause(dialect: str, scope: TenantScope) -> TextClause:
    """`visible_origin_sql` over ``articles.origin`` for ORM queries, the tenant bound."""
    sql = visible_origin_sql(dialect, "articles.origin")
    return text(sql).bindparams(visible_tenant=scope.tenant)


def visible_ids(session: Session, ids: Iterable[int], scope: TenantScope | None) -> set[int]:
    """Those of ``ids`` that ``scope`` may see (all of them for the operator)."""
    wanted = set(ids)
    if scope is None or not wanted:
        return wanted
    dialect = session.get_bind().dialect.name
    articles = (
        f"articles va INDEXED BY {VISIBILITY_INDEX}" if dialect == "sqlite" else "articles va"
    )
    statement = text(
        f"SELECT va.id FROM {articles} WHERE va.id IN :ids "
        f"AND {visible_origin_sql(dialect, 'va.origin')}"
    ).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(statement, {"ids": sorted(wanted), "visible_tenant": scope.tenant})
    return {int(row[0]) for row in rows}
