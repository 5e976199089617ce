"""Whose articles a tenant sees: one search index, filtered by the inputs that carried each.

Every input that carried an article is an `ArticleOrigin` (a feed's address, a file or page
the operator ingested). A tenant sees an article when any of them is visible to it: an
operator source, one of its own feeds, or an input that is no feed (files, pages and demo
articles the operator ingested, rows stored before origins were kept: everyone's). A feed
that is neither an operator source nor one of the tenant's hides what only it carries.

It fails closed: an article with no recorded origin is seen by no tenant, nor is one whose
origin was cut to fit its column (an address of `URL_CHARS` characters that names no feed),
which would otherwise pass for an input that is no feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

from storage.models import URL_CHARS

__all__ = ["TenantScope", "visible_clause", "visible_ids", "visible_sql"]


@dataclass(frozen=True)
class TenantScope:
    """What one tenant may see; ``None`` in its place means the operator, who sees all."""

    tenant: str


# The feeds hidden from the tenant bound as :visible_tenant: one uncorrelated subquery,
# computed once per statement however many articles it is asked about.
_HIDDEN_FEEDS = (
    "SELECT hf.url FROM feed_sources hf WHERE NOT hf.operator AND NOT EXISTS "
    "(SELECT 1 FROM feed_memberships hm WHERE hm.feed_id = hf.id AND hm.tenant = :visible_tenant)"
)


def _visible_origin(origin: str) -> str:
    """SQL true when the input in the column ``origin`` is visible to :visible_tenant: not a
    hidden feed, and not an address cut to fit (one that long passes only as a feed)."""
    return (
        f"{origin} NOT IN ({_HIDDEN_FEEDS}) AND (length({origin}) < {URL_CHARS} "
        f"OR {origin} IN (SELECT kf.url FROM feed_sources kf))"
    )


def visible_sql(article_id: str) -> str:
    """SQL true when the article whose id is the expression ``article_id`` is visible to the
    tenant bound as ``:visible_tenant``: a lookup of its origins by the table's key, which
    holds them (no article row is read)."""
    return (
        f"EXISTS (SELECT 1 FROM article_origins vo WHERE vo.article_id = {article_id} "
        f"AND {_visible_origin('vo.origin')})"
    )


def visible_clause(scope: TenantScope) -> TextClause:
    """`visible_sql` over ``articles.id`` for ORM queries, the tenant bound."""
    return text(visible_sql("articles.id")).bindparams(visible_tenant=scope.tenant)


def visible_ids(session: Session, ids: Iterable[int], scope: TenantScope | None) -> set[int]:
    """Those of ``ids`` that ``scope`` may see (all of them for the operator)."""
    wanted = set(ids)
    if scope is None or not wanted:
        return wanted
    statement = text(
        "SELECT DISTINCT vo.article_id FROM article_origins vo WHERE vo.article_id IN :ids "
        f"AND {_visible_origin('vo.origin')}"
    ).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(statement, {"ids": sorted(wanted), "visible_tenant": scope.tenant})
    return {int(row[0]) for row in rows}
