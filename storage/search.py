"""The full-text index, chosen by dialect: SQLite FTS5 (BM25) or PostgreSQL tsvector.

Both read `articles.search_terms`, which holds each word's exact lower-cased form
and its Snowball stem in the article's language. A query is a list of such terms
joined with OR, each quoted: the user's text is never parsed as search syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from typing import cast
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, TextClause, bindparam, text
from sqlalchemy.orm import Session

from storage.models import UTCDateTime
from storage.tenants import TenantScope, visible_ids, visible_sql

__all__ = [
    "search_articles",
    "scores_among",
    "any_matching",
    "starting_with",
    "count_matching",
    "count_matching_any",
    "INDEX_OUT_OF_STEP",
    "check_index",
    "rebuild_index",
]

_SAFE_TERM = re.compile(r"^\w+$", re.UNICODE)


def _safe(term: str) -> bool:
    """Whether ``term`` is letters, digits and the marks letters carry (the vowel signs of
    Hindi, "ने"; the joiners of a Persian word), and nothing a query could read as syntax."""
    if _SAFE_TERM.match(term):
        return True
    return bool(term) and all(
        ch.isalnum() or ch in "\u200c\u200d" or unicodedata.category(ch)[0] == "M" for ch in term
    )


def _clean(terms: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms:
        term = term.lower()
        if _safe(term):
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


def scores_among(session: Session, terms: Iterable[str], ids: Iterable[int]) -> dict[int, float]:
    """The scores (higher is better) of those of ``ids`` that hold any of ``terms``, as the
    whole query ranks them: how a digest's topic is matched within its own window, where
    the best hits of the whole archive may be none of the window's articles."""
    cleaned = _clean(terms)
    wanted = set(ids)
    if not cleaned or not wanted:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        # FTS5 runs its query once per value of a rowid IN (...) list (a second for 2,000
        # ids and a common word), but once over a rowid range: the span of ``ids`` is read
        # and the rest dropped here.
        sql = (
            "SELECT rowid, -bm25(article_fts) FROM article_fts "
            "WHERE article_fts MATCH :q AND rowid BETWEEN :low AND :high"
        )
        params: dict[str, object] = {
            "q": _fts5_query(cleaned),
            "low": min(wanted),
            "high": max(wanted),
        }
    else:
        index_scans(session)
        sql = (
            "SELECT id, ts_rank_cd(search_vector, to_tsquery('simple', :q), 1) FROM articles "
            "WHERE id = ANY(:ids) AND search_vector @@ to_tsquery('simple', :q)"
        )
        params = {"q": _tsquery(cleaned), "ids": sorted(wanted)}
    rows = session.execute(text(sql), params)
    return {int(row[0]): float(row[1]) for row in rows if int(row[0]) in wanted}


def _search(
    session: Session,
    cleaned: list[str],
    limit: int,
    since: datetime | None,
    visible_to: TenantScope | None,
) -> list[tuple[int, float]]:
    dialect = session.get_bind().dialect.name
    if dialect != "sqlite":
        index_scans(session)
        return _postgres_search(session, cleaned, limit, since, visible_to)
    return _sqlite_search(session, cleaned, limit, since, visible_to)


# Both indexes score every article that holds any of the terms: a question's common word
# ("flommen", in a quarter of the articles) costs a score per article holding it, ~20 us
# each in PostgreSQL (ts_rank_cd reads the row's tsvector out of TOAST) and 3-4 ms an
# answer at 20,000 articles in FTS5 (BM25). So the rare terms pick the candidates and every
# term ranks them: a term in at most RARE_MAX articles is rare. Only when the rare terms
# find too few does the whole query run, over its CANDIDATE_CAP most recently stored matches
# (FILLER_CAP when it only fills the list behind the rare hits).
RARE_MAX = 1000
CANDIDATE_CAP = 1000
FILLER_CAP = 200


def _rare_first(
    session: Session,
    cleaned: list[str],
    limit: int,
    counted: str,
    rare_hits: Callable[[list[str]], list[tuple[int, float]]],
    recent_hits: Callable[[int], list[tuple[int, float]]],
) -> list[tuple[int, float]]:
    """The best ``limit`` articles for ``cleaned``, each dialect's way: ``rare_hits(terms)``
    ranks the articles holding any of ``terms`` by the whole query, ``recent_hits(cap)``
    ranks its ``cap`` most recently stored matches, and ``counted`` selects one term's
    matches (the term's parameter named ``{term}``)."""
    # Ids only grow: while the highest is at most RARE_MAX, every term is rare.
    newest = _recall(session, ("newest",))
    if newest is None:
        newest = session.execute(text("SELECT coalesce(max(id), 0) FROM articles")).scalar_one()
        _remember(session, ("newest",), newest)
    if newest <= RARE_MAX:
        rare = cleaned
    else:
        frequencies = _bounded_frequencies(session, cleaned, counted, RARE_MAX + 1)
        rare = [term for term in cleaned if frequencies[term] <= RARE_MAX]
    hits = rare_hits(rare) if rare else []
    if len(hits) < limit and len(rare) < len(cleaned):
        # The articles holding only common terms come after those holding a rare one, as
        # a rare term's weight puts them in BM25: a longer list keeps its head. Behind
        # rare hits the common matches only fill the tail: fewer of them will do.
        cap = CANDIDATE_CAP if not hits else FILLER_CAP
        found = {article_id for article_id, _ in hits}
        filler = [hit for hit in recent_hits(max(cap, limit)) if hit[0] not in found]
        if hits and filler and filler[0][1] > hits[-1][1]:
            # Scores stay in list order: scaled to end at the last rare hit's.
            scale = hits[-1][1] / filler[0][1]
            filler = [(article_id, score * scale) for article_id, score in filler]
        hits += filler
    return hits[:limit]


def _sqlite_search(
    session: Session,
    cleaned: list[str],
    limit: int,
    since: datetime | None,
    visible_to: TenantScope | None,
) -> list[tuple[int, float]]:
    params: dict[str, object] = {"limit": limit, "q": _fts5_query(cleaned)}
    where = ""
    if since is not None:
        where = (
            "AND rowid IN (SELECT id FROM articles "
            "WHERE coalesce(published_at, fetched_at) >= :since)"
        )
        params["since"] = since
    where += _visible("article_fts.rowid", visible_to, params)

    def rare_hits(rare: list[str]) -> list[tuple[int, float]]:
        # FTS5 scores the AND of the rare terms and the whole query over both: the rare
        # terms count twice in the order of these hits.
        match = _fts5_query(rare)
        if len(rare) < len(cleaned):
            match = f"({match}) AND ({params['q']})"
        sql = (
            "SELECT rowid, -bm25(article_fts) AS score FROM article_fts "
            f"WHERE article_fts MATCH :match {where} ORDER BY bm25(article_fts) LIMIT :limit"
        )
        return _rows(session, sql, {**params, "match": match}, since)

    def recent_hits(cap: int) -> list[tuple[int, float]]:
        # The oldest of the ``cap`` most recent matches: from there on FTS5 ranks them.
        oldest = _statement(
            "SELECT rowid FROM article_fts "
            f"WHERE article_fts MATCH :q {where} ORDER BY rowid DESC LIMIT 1 OFFSET :offset",
            since,
        )
        floor = session.execute(oldest, {**params, "offset": cap - 1}).scalar() or 0
        sql = (
            "SELECT rowid, -bm25(article_fts) AS score FROM article_fts "
            f"WHERE article_fts MATCH :q AND rowid >= :floor {where} "
            "ORDER BY bm25(article_fts) LIMIT :limit"
        )
        return _rows(session, sql, {**params, "floor": floor}, since)

    counted = "SELECT 1 FROM article_fts WHERE article_fts MATCH {term}"
    return _rare_first(session, cleaned, limit, counted, rare_hits, recent_hits)


def _postgres_search(
    session: Session,
    cleaned: list[str],
    limit: int,
    since: datetime | None,
    visible_to: TenantScope | None,
) -> list[tuple[int, float]]:
    params: dict[str, object] = {"limit": limit, "q": _tsquery(cleaned)}
    where = ""
    if since is not None:
        where = "AND coalesce(published_at, fetched_at) >= :since"
        params["since"] = since
    where += _visible("articles.id", visible_to, params)

    def rare_hits(rare: list[str]) -> list[tuple[int, float]]:
        sql = (
            "SELECT id, ts_rank_cd(search_vector, to_tsquery('simple', :q), 1) AS score "
            "FROM articles WHERE search_vector @@ to_tsquery('simple', :rare) "
            f"{where} ORDER BY score DESC, id LIMIT :limit"
        )
        return _rows(session, sql, {**params, "rare": _tsquery(rare)}, since)

    def recent_hits(cap: int) -> list[tuple[int, float]]:
        sql = (
            "SELECT id, ts_rank_cd(search_vector, to_tsquery('simple', :q), 1) AS score "
            "FROM (SELECT id, search_vector FROM articles "
            f"WHERE search_vector @@ to_tsquery('simple', :q) {where} "
            "ORDER BY id DESC LIMIT :cap) AS recent ORDER BY score DESC, id LIMIT :limit"
        )
        return _rows(session, sql, {**params, "cap": cap}, since)

    counted = "SELECT 1 FROM articles WHERE search_vector @@ to_tsquery('simple', {term})"
    return _rare_first(session, cleaned, limit, counted, rare_hits, recent_hits)


def _bounded_frequencies(
    session: Session, cleaned: list[str], counted: str, bound: int
) -> dict[str, int]:
    """How many articles hold each term, counted up to ``bound`` (one round trip for the
    terms not remembered from an earlier question)."""
    known = {term: _recall(session, ("upto", bound, term)) for term in cleaned}
    missing = [term for term, count in known.items() if count is None]
    if missing:
        counts = ", ".join(
            f"(SELECT count(*) FROM ({counted.format(term=f':t{i}')} LIMIT :bound) AS f{i})"
            for i in range(len(missing))
        )
        match = _fts5_query if session.get_bind().dialect.name == "sqlite" else _tsquery
        params: dict[str, object] = {f"t{i}": match([term]) for i, term in enumerate(missing)}
        params["bound"] = bound
        row = session.execute(text(f"SELECT {counts}"), params).one()
        for term, count in zip(missing, row, strict=True):
            known[term] = int(count)
            _remember(session, ("upto", bound, term), int(count))
    return {term: int(count or 0) for term, count in known.items()}


_INDEX_SCANS = "newsbot_index_scans"


def index_scans(session: Session) -> None:
    """PostgreSQL reads through indexes for the rest of this transaction (terms through the
    GIN index, URLs and hashes through theirs).

    With table statistics the planner estimates a common term's share well, prices the
    per-row match at almost nothing, and reads the whole table instead: every row's
    tsvector out of TOAST, 10-20 times slower than the index. Set once a transaction (it
    ends with it): a round trip per statement would cost more than the statements.
    Without statistics (a table being filled) the narrow rows look cheap to read whole: a
    lookup of hundreds of URLs would compare each with every row.
    """
    transaction = session.get_transaction()
    if session.info.get(_INDEX_SCANS) is not transaction:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.info[_INDEX_SCANS] = transaction


def _statement(sql: str, since: datetime | None) -> TextClause:
    statement = text(sql)
    if since is not None:
        statement = statement.bindparams(bindparam("since", type_=UTCDateTime))
    return statement


def _rows(
    session: Session, sql: str, params: dict[str, object], since: datetime | None
) -> list[tuple[int, float]]:
    rows = session.execute(_statement(sql, since), params).all()
    return [(int(row[0]), float(row[1])) for row in rows]


def count_matching(session: Session, term: str) -> int:
    """How many articles hold ``term`` (an exact form or a stem)."""
    return count_matching_any(session, [term])


# How many articles hold a set of terms, by database and the articles' version: a question's
# common words come back question after question, and counting their articles is a scan of
# every match (tens of milliseconds a word on PostgreSQL at 100,000 articles).
_COUNTED: WeakKeyDictionary[Engine, OrderedDict[tuple[object, ...], int]] = WeakKeyDictionary()
_COUNTED_MAX = 4096
_VERSION = "newsbot_articles_version"


def _articles_version(session: Session) -> int | None:
    """The articles' version (see `ArticleCount.version`) as this transaction first read it."""
    transaction = session.get_transaction()
    seen = session.info.get(_VERSION)
    if seen is not None and seen[0] is transaction:
        return cast(int | None, seen[1])
    version = session.execute(text("SELECT version FROM article_count WHERE id = 1")).scalar()
    session.info[_VERSION] = (transaction, version)
    return None if version is None else int(version)


def note_articles_version(session: Session, version: int) -> None:
    """The articles' version, read with their count (`storage.count_articles`): the
    remembered counts need no round trip of their own to check it."""
    session.info[_VERSION] = (session.get_transaction(), version)


def _recall(session: Session, key: tuple[object, ...]) -> int | None:
    """A count remembered for ``key`` at the articles' present version, or None."""
    version = _articles_version(session)
    if version is None:
        return None
    counted = _COUNTED.setdefault(session.get_bind().engine, OrderedDict())
    hit = counted.get((version, *key))
    if hit is not None:
        with suppress(KeyError):  # another thread may have let it go meanwhile
            counted.move_to_end((version, *key))
    return hit


def _remember(session: Session, key: tuple[object, ...], count: int) -> None:
    version = _articles_version(session)
    if version is None:
        return
    counted = _COUNTED.setdefault(session.get_bind().engine, OrderedDict())
    counted[(version, *key)] = count
    if len(counted) > _COUNTED_MAX:
        with suppress(KeyError):
            counted.popitem(last=False)


def count_matching_any(
    session: Session, terms: Iterable[str], *, visible_to: TenantScope | None = None
) -> int:
    """How many articles hold at least one of ``terms`` (that ``visible_to`` may see)."""
    cleaned = _clean(terms)
    if not cleaned:
        return 0
    key = ("any", *cleaned)
    if visible_to is None and (hit := _recall(session, key)) is not None:
        return hit
    sql, params = _matching(session, "count(*)", cleaned, visible_to)
    if session.get_bind().dialect.name != "sqlite":
        index_scans(session)
    count = int(session.execute(text(sql), params).scalar_one())
    if visible_to is None:
        _remember(session, key, count)
    return count


def any_matching(session: Session, terms: Iterable[str], visible_to: TenantScope) -> bool:
    """Whether an article that ``visible_to`` may see holds any of ``terms``: stops at the
    first, where a count would visit every match."""
    cleaned = _clean(terms)
    if not cleaned:
        return False
    sql, params = _matching(session, "1", cleaned, visible_to)
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(text(sql + " LIMIT 1"), params).first() is not None
    index_scans(session)
    return session.execute(text(sql + " LIMIT 1"), params).first() is not None


def starting_with(
    session: Session, prefix: str, *, limit: int, visible_to: TenantScope | None = None
) -> list[int]:
    """Up to ``limit`` of the most recently stored articles (that ``visible_to`` may see)
    holding a word that starts with ``prefix`` ("Berlin" in "Berlinmuren")."""
    cleaned = _clean([prefix])
    if not cleaned:
        return []
    dialect = session.get_bind().dialect.name
    column = "article_fts.rowid" if dialect == "sqlite" else "articles.id"
    sql, params = _matching(session, column, cleaned, visible_to)
    if dialect == "sqlite":
        params["q"] = f'"{cleaned[0]}"*'
    else:
        params["q"] = f"'{cleaned[0]}':*"
        index_scans(session)
    sql += f" ORDER BY {column} DESC LIMIT :limit"
    params["limit"] = limit
    return [row[0] for row in session.execute(text(sql), params)]


def _matching(
    session: Session, columns: str, cleaned: list[str], visible_to: TenantScope | None
) -> tuple[str, dict[str, object]]:
    """``SELECT columns`` over the articles holding any of ``cleaned``, and its parameters."""
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {}
    if dialect == "sqlite":
        sql = f"SELECT {columns} FROM article_fts WHERE article_fts MATCH :q"
        sql += _visible("article_fts.rowid", visible_to, params)
        params["q"] = _fts5_query(cleaned)
    else:
        sql = f"SELECT {columns} FROM articles WHERE search_vector @@ to_tsquery('simple', :q)"
        sql += _visible("articles.id", visible_to, params)
        params["q"] = _tsquery(cleaned)
    return sql, params


def _visible(article_id: str, scope: TenantScope | None, params: dict[str, object]) -> str:
    """The tenant filter as an ``AND ...`` fragment (empty for the operator)."""
    if scope is None:
        return ""
    params["visible_tenant"] = scope.tenant
    return f" AND {visible_sql(article_id)}"


INDEX_OUT_OF_STEP = "full-text index out of step with articles"


def rebuild_index(session: Session) -> bool:
    """Build the full-text index anew from the stored articles' search terms; False when
    there is nothing to rebuild (PostgreSQL's search vector is a generated column)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    session.execute(text("INSERT INTO article_fts(article_fts) VALUES ('rebuild')"))
    return True


def check_index(session: Session) -> list[str]:
    """Problems found between the articles table and its index (empty when in step)."""
    problems: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        try:
            session.execute(
                text("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
            )
        except Exception as exc:  # noqa: BLE001 - the message is the finding
            # The driver's own words, without the statement SQLAlchemy adds.
            reason = (str(getattr(exc, "orig", exc)).splitlines() or [type(exc).__name__])[0]
            problems.append(f"{INDEX_OUT_OF_STEP} ({reason})")
    else:
        missing = session.execute(
            text("SELECT count(*) FROM articles WHERE search_vector IS NULL AND search_terms <> ''")
        ).scalar_one()
        if missing:
            have = "1 article has" if missing == 1 else f"{missing:,} articles have"
            problems.append(f"{have} no search vector")
    return problems
