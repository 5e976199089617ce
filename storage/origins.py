"""The inputs that carried each article (`ArticleOrigin`): what the tenant filter reads.

Triggers record the input an article is stored or updated from; this module records the
others: an input that carries an article stored already (the same URL, the same text under
another URL, a feed entry known and not read again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import URL_CHARS, Article, ArticleOrigin
from storage.search import index_scans

__all__ = ["add_origins", "count_carried", "input_of", "note_carried"]


def input_of(origin: str | None) -> str:
    """The input an `Article.origin` names, as `ArticleOrigin` keeps it: a feed's second
    record of one URL is "FEED#2" (a feed's canonical address has no fragment); "" for none."""
    return (origin or "").split("#", 1)[0][:URL_CHARS]


def add_origins(session: Session, rows: Iterable[tuple[int, str]]) -> None:
    """Record each (article id, input) pair not recorded yet, in the caller's transaction."""
    wanted = sorted(set(rows))  # one order for every writer: no two wait on each other
    if not wanted:
        return
    table = cast(Table, ArticleOrigin.__table__)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    session.execute(
        insert.on_conflict_do_nothing(),
        [{"article_id": article_id, "origin": origin} for article_id, origin in wanted],
    )


def note_carried(session: Session, carried: Iterable[tuple[str, str]]) -> None:
    """Record that the input ``origin`` carries the stored article ``url``, for each
    (url, origin) pair; a URL not stored is passed over."""
    inputs: dict[str, set[str]] = {}
    for url, origin in carried:
        inputs.setdefault(url, set()).add(input_of(origin))
    if not inputs:
        return
    if session.get_bind().dialect.name == "postgresql":
        index_scans(session)
    found = session.execute(select(Article.id, Article.url).where(Article.url.in_(list(inputs))))
    add_origins(session, ((int(i), origin) for i, url in found for origin in inputs[url]))


def count_carried(session: Session, origin: str) -> int:
    """How many stored articles the input ``origin`` (a feed's address) carries."""
    query = select(func.count()).select_from(ArticleOrigin)
    return int(session.scalar(query.where(ArticleOrigin.origin == input_of(origin))) or 0)
