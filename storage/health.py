"""Consistency checks behind `newsbot doctor`: what a crash or a bad input could leave behind."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.search import INDEX_OUT_OF_STEP, check_index

# How a problem of the search index alone begins (`rebuild_index` mends it).
INDEX_PROBLEMS = (INDEX_OUT_OF_STEP, "the search index holds")

__all__ = ["INDEX_PROBLEMS", "check_database", "ping"]


def _count(session: Session, sql: str) -> int:
    return int(session.execute(text(sql)).scalar_one())


def _articles(count: int) -> str:
    return f"{count:,} article{'s' if count != 1 else ''}"


def _have(count: int, what: str) -> str:
    """ "1 article has no sentences", "3 articles have no sentences"."""
    return f"{_articles(count)} {'has' if count == 1 else 'have'} {what}"


def check_database(session: Session) -> list[str]:
    """Every problem found, one sentence each; an empty list means the database is sound."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    problems: list[str] = []
    if sqlite:
        # quick_check reads every page: torn writes and broken b-trees show up here.
        verdicts = [str(row[0]) for row in session.execute(text("PRAGMA quick_check"))]
        if verdicts != ["ok"]:
            problems.append("the SQLite file is damaged: " + "; ".join(verdicts[:5]))
            return problems  # the checks below would only repeat the damage
    problems.extend(check_index(session))

    articles = _count(session, "SELECT count(*) FROM articles")
    # The answerer quotes sentences of the stored text and searches stored terms; an
    # article with neither can never be found or cited, so it is a half-stored article.
    no_text = _count(session, "SELECT count(*) FROM articles WHERE text IS NULL OR trim(text) = ''")
    if no_text:
        problems.append(_have(no_text, "no text"))
    no_terms = _count(
        session,
        "SELECT count(*) FROM articles WHERE search_terms IS NULL OR trim(search_terms) = ''",
    )
    if no_terms:
        problems.append(_have(no_terms, "no search terms"))

    if sqlite:
        # The FTS5 table has external content, so count(*) on it would read the articles
        # table; its docsize shadow table holds one row per document actually indexed.
        indexed = _count(session, "SELECT count(*) FROM article_fts_docsize")
        if indexed != articles:
            problems.append(
                f"{INDEX_PROBLEMS[1]} {_articles(indexed)} but the articles table {articles:,}"
            )
    # On PostgreSQL, check_index above already looks for articles without a search vector.
    kept = session.execute(text("SELECT value FROM article_count WHERE id = 1")).scalar()
    if kept is not None and kept != articles:
        # Answers weigh words and refusals report totals by this number.
        problems.append(
            f"the article count says {kept:,} but the articles table holds {articles:,}"
        )
    return problems


def ping(session: Session) -> None:
    """A round trip to the database; raises when it cannot be reached."""
    session.execute(text("SELECT 1"))
