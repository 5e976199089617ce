"""Storage on SQLite and PostgreSQL: the same behaviour on both."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, text

from bot.ingest import ArticleDraft, normalise
from bot.text import sentences_of
from storage import (
    ArticleRecord,
    Database,
    Outcome,
    articles_between,
    check_index,
    count_articles,
    count_matching,
    delete_articles_under,
    get_articles,
    scores_among,
    search_articles,
    store_articles,
)
from storage.articles import _row
from storage.migrations.repair import alembic_config
from storage.models import Article

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def record(
    url: str,
    title: str,
    body: str,
    *,
    language: str | None = None,
    published: datetime | None = None,
):  # type: ignore[no-untyped-def]
    return normalise(
        ArticleDraft(
            url=url,
            title=title,
            text=body,
            source="Test",
            language=language,
            published_at=published,
            published_precision="day" if published else "none",
        ),
        max_chars=100_000,
    )


LIBYA = record(
    "https://example.no/libya",
    "Våpenhvile i Libya",
    "Tyrkia støtter regjeringen i Tripoli, mens Russland uoffisielt står på Haftars side. "
    "Partene møttes i Moskva mandag.",
    published=datetime(2020, 1, 13, tzinfo=UTC),
)
STORM = record(
    "https://example.com/storm",
    "Storm hits the west coast",
    "A storm brought strong winds to Bergen and the west coast on Tuesday. Ferries were cancelled.",
    published=datetime(2024, 4, 30, tzinfo=UTC),
)


def _store(db: Database, *records):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return store_articles(session, list(records), NOW)


def _search(db: Database, *terms: str) -> list[str]:
    with db.session() as session:
        hits = search_articles(session, terms)
        articles = get_articles(session, [i for i, _ in hits])
        return [articles[i].url for i, _ in hits]


def test_sentences_are_split_when_read_and_an_update_drops_those_split_before(
    db: Database,
) -> None:
    _store(db, LIBYA)
    libya = [
        "Tyrkia støtter regjeringen i Tripoli, mens Russland uoffisielt står på Haftars side.",
        "Partene møttes i Moskva mandag.",
    ]
    with db.session() as session:
        assert sentences_of(get_articles(session, [1])[1]) == libya
        # As an earlier version stored them: split at ingest, kept as they were split.
        session.execute(text("""UPDATE articles SET sentences = '["Delt før."]'"""))
    with db.session() as session:
        assert sentences_of(get_articles(session, [1])[1]) == ["Delt før."]
    changed = record(LIBYA.url, LIBYA.title, LIBYA.text + " Ny våpenhvile fra søndag.")
    assert _store(db, changed) == [Outcome.UPDATED]
    with db.session() as session:
        assert sentences_of(get_articles(session, [1])[1]) == [*libya, "Ny våpenhvile fra søndag."]


def test_store_is_idempotent_and_updates_changed_articles(db: Database) -> None:
    assert _store(db, LIBYA, STORM) == [Outcome.NEW, Outcome.NEW]
    assert _store(db, LIBYA, STORM) == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    changed = record(LIBYA.url, LIBYA.title, "Haftar forlot Moskva uten å signere avtalen.")
    assert _store(db, changed) == [Outcome.UPDATED]
    assert _search(db, "signere") == [LIBYA.url]
    assert _search(db, "tyrkia") == []  # the old text is gone from the index too


def _counted(db: Database) -> tuple[int, int]:
    """What `count_articles` says, and what counting the rows says."""
    with db.session() as session:
        rows = int(session.execute(text("SELECT count(*) FROM articles")).scalar_one())
        return count_articles(session), rows


def test_the_article_count_follows_every_insert_and_delete(db: Database) -> None:
    _store(db, LIBYA, STORM)
    assert _counted(db) == (2, 2)
    mirror = record("https://mirror.example/libya", LIBYA.title, LIBYA.text)
    changed = record(LIBYA.url, LIBYA.title, "Haftar forlot Moskva uten å signere avtalen.")
    _store(db, LIBYA, mirror, changed)  # unchanged, a copy, an update: still two
    assert _counted(db) == (2, 2)
    with db.session() as session:
        assert delete_articles_under(session, "https://example.no/") == 1
    assert _counted(db) == (1, 1)


def test_word_counts_follow_every_insert_update_and_delete(db: Database) -> None:
    # Counts are remembered between questions: each change to the articles must show.
    def counted(term: str) -> int:
        with db.session() as session:
            return count_matching(session, term)

    _store(db, LIBYA, STORM)
    assert (counted("haftar"), counted("storm")) == (1, 1)
    assert (counted("haftar"), counted("storm")) == (1, 1)
    changed = record(LIBYA.url, LIBYA.title, "Tyrkia forlot Moskva uten å signere avtalen.")
    _store(db, changed)
    assert counted("haftar") == 0
    _store(db, record("https://example.com/storm-2", "Storm again", "Another storm."))
    assert counted("storm") == 2
    with db.session() as session:
        delete_articles_under(session, "https://example.com/")
    assert counted("storm") == 0


def test_an_upgraded_database_counts_the_articles_it_had(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        config = alembic_config(connection)
        command.upgrade(config, "0009")
        for i in range(3):
            connection.execute(
                text(
                    "INSERT INTO articles (url, title, text, source, language, "
                    "published_precision, fetched_at, content_hash, sentences, search_terms) "
                    "VALUES (:url, 't', 'x', '', 'en', 'none', :now, :hash, '[]', 'x')"
                ),
                {"url": f"https://example.com/{i}", "now": NOW, "hash": str(i)},
            )
    engine.dispose()
    db = Database.open(db_url)
    try:
        _store(db, STORM)
        assert _counted(db) == (4, 4)
    finally:
        db.close()


def test_same_content_under_another_url_is_not_stored_twice(db: Database) -> None:
    mirror = record("https://mirror.example/libya", LIBYA.title, LIBYA.text)
    assert _store(db, LIBYA, mirror) == [Outcome.NEW, Outcome.UNCHANGED]


def test_inflected_names_and_stems_find_the_article(db: Database) -> None:
    _store(db, LIBYA, STORM)
    assert _search(db, "haftar") == [LIBYA.url]  # the text says "Haftars"
    assert _search(db, "haftars") == [LIBYA.url]
    assert _search(db, "wind") == [STORM.url]  # English stem of "winds"


def test_search_ranks_the_article_with_more_matches_first(db: Database) -> None:
    _store(db, LIBYA, STORM)
    assert _search(db, "storm", "bergen", "tripoli")[0] == STORM.url


def _ferries_and_haftar(db: Database) -> tuple[list[ArticleRecord], ArticleRecord]:
    """Five articles of a common word ("ferry"), then one of a rare one ("Haftar")."""
    ferries = [
        record(f"https://example.com/ferry/{i}", f"Ferry news {i}", "Ferry ferry cancelled. " * 3)
        for i in range(5)
    ]
    haftar = record("https://example.no/haftar", "Haftar", "Haftar took a ferry to Tripoli.")
    _store(db, *ferries, haftar)
    return ferries, haftar


def test_a_large_collection_answers_from_the_articles_holding_the_rare_word(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past RARE_MAX articles a word is common (lowered here so six articles are "large").
    monkeypatch.setattr("storage.search.RARE_MAX", 2)
    ferries, haftar = _ferries_and_haftar(db)
    with db.session() as session:
        if db.dialect == "postgresql":
            session.execute(text("ANALYZE articles"))  # statistics must not change the answer
        best = search_articles(session, ["ferry", "haftar"], limit=1)
        every = search_articles(session, ["ferry", "haftar"], limit=20)
        common = search_articles(session, ["ferry"], limit=20)
    haftar_id = {url: i for i, url in _ids(db).items()}[haftar.url]
    assert [i for i, _ in best] == [haftar_id]
    assert len(every) == 6 and every[0][0] == haftar_id
    assert [score for _, score in every] == sorted((score for _, score in every), reverse=True)
    assert len(common) == 6


def test_behind_the_rare_hits_come_the_most_recent_common_ones(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both databases fill the list the same way: from the newest matches of the whole query.
    monkeypatch.setattr("storage.search.RARE_MAX", 2)
    monkeypatch.setattr("storage.search.FILLER_CAP", 2)
    ferries, haftar = _ferries_and_haftar(db)
    with db.session() as session:
        two = search_articles(session, ["ferry", "haftar"], limit=2)
    urls = _ids(db)
    assert [urls[i] for i, _ in two] == [haftar.url, ferries[-1].url]


def test_scores_among_given_articles_ignore_better_matches_elsewhere(db: Database) -> None:
    ferries, haftar = _ferries_and_haftar(db)
    _store(db, LIBYA)
    ids = {url: i for i, url in _ids(db).items()}
    window = [ids[haftar.url], ids[ferries[0].url], ids[LIBYA.url]]
    with db.session() as session:
        scores = scores_among(session, ["ferry"], window)
        assert scores_among(session, ["ferry"], []) == {}
        assert scores_among(session, ["*"], window) == {}
    # Only the given articles that hold the word, the one that says it more the higher.
    assert set(scores) == {ids[haftar.url], ids[ferries[0].url]}
    assert scores[ids[ferries[0].url]] > scores[ids[haftar.url]] > 0


def _ids(db: Database) -> dict[int, str]:
    with db.session() as session:
        rows = session.execute(text("SELECT id, url FROM articles"))
        return {int(i): str(url) for i, url in rows}


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        "*",
        "-",
        "NEAR(",
        "AND",
        "OR",
        "(",
        ")",
        "'",
        "\\",
        ":",
        "^",
        "title:x",
        "a'b",
        "''",
        "!!!",
    ],
)
def test_search_syntax_is_never_parsed(db: Database, hostile: str) -> None:
    _store(db, LIBYA)
    with db.session() as session:
        # The hostile text is a word like any other (or nothing), never an operator:
        # the real term beside it still finds the article, and it matches nothing itself.
        found = search_articles(session, [hostile, hostile + "haftar", "haftar"])
        assert [article_id for article_id, _ in found] == [1]
        assert count_matching(session, hostile) == 0


def test_time_window_and_timezone_aware_dates(db: Database) -> None:
    _store(db, LIBYA, STORM)
    with db.session() as session:
        recent = articles_between(session, NOW - timedelta(days=7), NOW)
        assert [a.url for a in recent] == [STORM.url]
        assert recent[0].published_at == datetime(2024, 4, 30, tzinfo=UTC)
        assert recent[0].fetched_at.tzinfo is not None
        assert [
            i
            for i, _ in search_articles(
                session, ["storm", "tripoli"], since=NOW - timedelta(days=7)
            )
        ] == [get_id(session, STORM.url)]


def get_id(session, url: str) -> int:  # type: ignore[no-untyped-def]
    return int(
        session.execute(text("SELECT id FROM articles WHERE url = :u"), {"u": url}).scalar_one()
    )


def test_index_is_in_step_with_the_articles(db: Database) -> None:
    _store(db, LIBYA, STORM)
    with db.session() as session:
        assert check_index(session) == []
        assert count_matching(session, "haftar") == 1


def test_reopening_an_existing_database_keeps_its_articles(db_url: str) -> None:
    first = Database.open(db_url)
    _store(first, LIBYA)
    first.close()
    again = Database.open(db_url)
    assert _search(again, "haftar") == [LIBYA.url]
    again.close()


def test_tidying_after_a_large_ingest_keeps_every_article_findable(db: Database) -> None:
    _store(db, LIBYA, STORM)
    db.after_bulk_write()
    assert _search(db, "haftar") == [LIBYA.url]
    assert _search(db, "storm") == [STORM.url]


def test_postgresql_keeps_the_long_values_out_of_the_rows_that_counts_visit(
    postgres_url: str,
) -> None:
    # Counting the articles that hold a word visits every matching row: narrow rows (the
    # text, sentences and terms kept aside) are ~10 times fewer pages to visit.
    rng = random.Random(1)
    vocabulary = [f"ord{n}" for n in range(3000)]
    records = [
        record(
            f"https://example.no/{n}",
            f"Sak {n}",
            ". ".join(" ".join(rng.choices(vocabulary, k=12)) for _ in range(40)) + ".",
        )
        for n in range(200)
    ]
    db = Database.open(postgres_url)
    try:
        _store(db, *records)
        db.after_bulk_write()
        with db.session() as session:
            pages = session.execute(
                text("SELECT pg_relation_size('articles') / current_setting('block_size')::int")
            ).scalar_one()
            assert count_matching(session, "ord7") > 0
    finally:
        db.close()
    assert pages <= 12  # in line, these 200 rows take 50 pages


def test_new_articles_are_stored_on_sqlite_as_sqlalchemys_own_insert_stores_them(
    tmp_path: Path,
) -> None:
    # `store_articles` inserts on SQLite through the driver: every column must hold what
    # SQLAlchemy's insert of the same rows holds (the times above all).
    undated = record("https://example.no/udatert", "Udatert", "Ingen dato her. Bare tekst.")
    zoned = record(
        "https://example.no/sone",
        "Med sone",
        "Publisert med en annen tidssone.",
        published=datetime(2021, 3, 4, 5, 6, 7, 89, tzinfo=timezone(timedelta(hours=2))),
    )
    records = [LIBYA, STORM, undated, zoned]
    stored = []
    for name, store in (
        ("driver", lambda s: store_articles(s, records, NOW)),
        ("core", lambda s: s.execute(insert(Article), [_row(r, NOW) for r in records])),
    ):
        db = Database.open(f"sqlite:///{tmp_path}/{name}.db")
        with db.session() as session:
            store(session)
        with db.engine.connect() as connection:
            stored.append(connection.exec_driver_sql("SELECT * FROM articles ORDER BY id").all())
        db.close()
    assert len(stored[0]) == len(records)
    assert stored[0] == stored[1]
