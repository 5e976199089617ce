"""Every input that carried an article is kept, whatever the article's outcome, and the tenant
filter sees an article through any of them (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sqlalchemy import create_engine, select, text

from storage import (
    ArticleOrigin,
    ArticleRecord,
    Database,
    Outcome,
    TenantScope,
    add_feed,
    count_articles,
    count_carried,
    delete_articles_under,
    migrate,
    note_carried,
    store_articles,
    visible_ids,
)
from storage.models import Article
from tests.storage.test_storage import LIBYA, STORM

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)
A, B, OP = "https://a.example/a.rss", "https://b.example/b.rss", "https://op.example/op.rss"


def carried(article: ArticleRecord, origin: str, **changes: object) -> ArticleRecord:
    return dataclasses.replace(article, origin=origin, **changes)  # type: ignore[arg-type]


def _store(db: Database, *records: ArticleRecord) -> list[Outcome]:
    with db.session() as session:
        return store_articles(session, list(records), NOW)


def _origins(db: Database) -> dict[str, set[str]]:
    with db.session() as session:
        rows = session.execute(
            select(Article.url, ArticleOrigin.origin).join(
                ArticleOrigin, ArticleOrigin.article_id == Article.id
            )
        )
        found: dict[str, set[str]] = {}
        for url, origin in rows:
            found.setdefault(url, set()).add(origin)
        return found


def test_each_input_that_carries_an_article_is_kept_whatever_the_outcome(db: Database) -> None:
    assert _store(db, carried(LIBYA, A)) == [Outcome.NEW]
    # The same URL and text from another feed; a newer version from a third; the same text
    # under another URL from a fourth; a feed's second record of the URL.
    assert _store(db, carried(LIBYA, B)) == [Outcome.UNCHANGED]
    newer = carried(LIBYA, OP, published_at=datetime(2020, 1, 14, tzinfo=UTC), content_hash="2")
    assert _store(db, newer) == [Outcome.UPDATED]
    mirror = carried(newer, "file:///archive/mirror.jsonl", url="https://mirror.example/l")
    assert _store(db, mirror, carried(LIBYA, "https://e.example/e.rss#2")) == [
        Outcome.UNCHANGED,
        Outcome.UNCHANGED,
    ]
    assert _origins(db) == {
        LIBYA.url: {A, B, OP, "file:///archive/mirror.jsonl", "https://e.example/e.rss"}
    }


def test_inputs_of_one_batch_that_carry_the_same_article_are_all_kept(db: Database) -> None:
    mirror = carried(STORM, "https://m.example/m.rss", url="https://mirror.example/storm")
    assert _store(db, carried(STORM, A), carried(STORM, B), mirror) == [
        Outcome.NEW,
        Outcome.UNCHANGED,
        Outcome.UNCHANGED,
    ]
    assert _origins(db) == {STORM.url: {A, B, "https://m.example/m.rss"}}


def test_a_known_entry_not_read_again_is_noted_as_carried(db: Database) -> None:
    _store(db, carried(STORM, A))
    with db.session() as session:
        note_carried(session, [(STORM.url, B), ("https://not.stored/x", B)])
        assert count_carried(session, B) == 1
    assert _origins(db) == {STORM.url: {A, B}}


def test_a_tenant_sees_an_article_through_any_input_visible_to_it(db: Database) -> None:
    both = carried(LIBYA, A)
    _store(db, both, carried(LIBYA, B), carried(STORM, A))
    with db.session() as session:
        add_feed(session, A, tenant="slack:TA")
        add_feed(session, B, tenant="slack:TB")
        ids = {url: i for url, i in session.execute(select(Article.url, Article.id))}
        everything = set(ids.values())
        assert visible_ids(session, everything, TenantScope("slack:TA")) == everything
        assert visible_ids(session, everything, TenantScope("slack:TB")) == {ids[LIBYA.url]}
        assert visible_ids(session, everything, TenantScope("slack:TC")) == set()
        assert count_articles(session, visible_to=TenantScope("slack:TB")) == 1
        # An operator source carries the story too: everyone's.
        add_feed(session, A)
        assert visible_ids(session, everything, TenantScope("slack:TC")) == everything


def test_deleting_articles_deletes_their_origins(db: Database) -> None:
    _store(db, carried(STORM, A), carried(STORM, B), carried(LIBYA, A))
    with db.session() as session:
        assert delete_articles_under(session, "https://example.com/") == 1
        assert session.scalar(text("SELECT count(*) FROM article_origins")) == 1


def test_an_upgrade_keeps_what_each_tenant_saw_and_reads_every_feed_whole_again(
    db_url: str,
) -> None:
    engine = create_engine(db_url)
    db = Database(engine)
    migrate(engine, "0014")
    with engine.begin() as connection:
        for n, origin in enumerate((A, f"{A}#2", None, B, "file:///x.jsonl")):
            connection.execute(
                text(
                    "INSERT INTO articles (url, title, text, source, language, origin, "
                    "published_precision, fetched_at, content_hash, sentences, search_terms) "
                    "VALUES (:url, 't', 'x', '', 'en', :origin, 'none', :now, :hash, '[]', 'x')"
                ),
                {"url": f"https://example.com/{n}", "origin": origin, "now": NOW, "hash": str(n)},
            )
    with db.session() as session:
        feed, _ = add_feed(session, A, tenant="slack:TA")
        add_feed(session, B, tenant="slack:TB")
        feed.etag, feed.last_modified = '"v1"', "Wed, 01 May 2024 12:00:00 GMT"
    migrate(engine)
    with db.session() as session:
        for tenant, expected in (("slack:TA", [0, 1, 2, 4]), ("slack:TB", [2, 3, 4])):
            shown = visible_ids(session, range(1, 6), TenantScope(tenant))
            assert sorted(i - 1 for i in shown) == expected
        assert session.execute(text("SELECT etag, last_modified FROM feed_sources")).all() == [
            (None, None),
            (None, None),
        ]
    migrate(engine, "0014")  # and back
    with db.session() as session:
        assert session.scalar(text("SELECT count(*) FROM articles")) == 5
    engine.dispose()
