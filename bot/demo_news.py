"""The built-in demo news: for trying newsbot at a terminal, never for a team's channels.

Its 18 short invented articles live under one address that cannot exist
(``https://demo.newsbot.invalid/``), so they can be told apart from real news and removed.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from importlib import resources

from bot.ingest import ArticleDraft, Ingestor, IngestReport
from storage import Database, count_articles, count_articles_under, delete_articles_under, utcnow

__all__ = ["DEMO_URL_PREFIX", "DemoState", "demo_state", "load_demo_news", "remove_demo_news"]

log = logging.getLogger(__name__)

DEMO_URL_PREFIX = "https://demo.newsbot.invalid/"


class DemoState:
    """How many articles a database holds, and how many of them are the demo's."""

    def __init__(self, total: int, demo: int) -> None:
        self.total = total
        self.demo = demo

    @property
    def real(self) -> int:
        return self.total - self.demo


def demo_state(db: Database) -> DemoState:
    with db.session() as session:
        return DemoState(count_articles(session), count_articles_under(session, DEMO_URL_PREFIX))


def load_demo_news(db: Database, ingestor: Ingestor) -> IngestReport | None:
    """Load the demo articles into an empty database; None (nothing loaded) when it is not."""
    if demo_state(db).total:
        return None
    now = utcnow()
    drafts = []
    source = resources.files("bot") / "demo" / "articles.jsonl"
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        drafts.append(
            ArticleDraft(
                url=record["url"],
                title=record["title"],
                text=record["text"],
                source=record["source"],
                language=record.get("language"),
                # Dated relative to loading, so the demo digest always has a day of news.
                published_at=now - timedelta(hours=float(record.get("age_hours", 1))),
                published_precision="minute",
            )
        )
    report = ingestor.store(drafts)
    log.info("loaded the demo news: %s", report.summary())
    return report


def remove_demo_news(db: Database) -> int:
    """Delete the demo articles (when real news arrives or a chat front end starts)."""
    with db.session() as session:
        removed = delete_articles_under(session, DEMO_URL_PREFIX)
    if removed:
        log.info("removed the %d demo articles: they are invented, not news", removed)
    return removed
