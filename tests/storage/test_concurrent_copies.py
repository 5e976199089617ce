"""Two ingests at once, each storing the same text under its own URL (a wire story that
two feeds carry), keep one article, carried by both inputs: what one ingest alone does
(`test_origins`), also when the second reads before the first has committed."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from storage import Database, Outcome, store_articles
from storage.models import Article, ArticleOrigin
from tests.storage.test_storage import LIBYA

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_the_same_text_stored_at_once_under_two_urls_is_one_article(db: Database) -> None:
    first = dataclasses.replace(LIBYA, origin="https://a.example/a.rss")
    copy = dataclasses.replace(
        LIBYA, url="https://mirror.example/libya", origin="https://b.example/b.rss"
    )
    outcomes: list[Outcome] = []
    failures: list[BaseException] = []

    def second_ingest() -> None:
        try:
            for attempt in range(2):
                try:
                    with db.session() as session:
                        outcomes.extend(store_articles(session, [copy], NOW))
                    return
                except Exception:
                    # The pipeline stores a batch that lost to a concurrent writer again,
                    # in a transaction of its own: so does this ingest.
                    if attempt:
                        raise
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    with db.session() as session:
        assert store_articles(session, [first], NOW) == [Outcome.NEW]
        other = threading.Thread(target=second_ingest)
        other.start()
        # The second ingest reads and writes while the first has not committed yet.
        time.sleep(0.5)
    other.join(timeout=30)
    assert not other.is_alive() and not failures
    assert outcomes == [Outcome.UNCHANGED]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        origins = set(session.scalars(select(ArticleOrigin.origin)))
    assert origins == {"https://a.example/a.rss", "https://b.example/b.rss"}
