"""The running core: settings, database and the services built on them."""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.answer.question import analyse
from bot.answer.summariser import Summariser
from bot.claims import IncomingClaims, instance_name
from bot.commands import Commands
from bot.config import Settings
from bot.digest import DigestService
from bot.ingest import Ingestor
from bot.llm.client import LLMError, OpenAICompatible
from bot.llm.embed import Embedder
from bot.llm.writer import LLMWriter
from bot.logs import configure_logging
from bot.metrics import Metrics
from bot.service import ChatService
from bot.text import load_language_model
from storage import Database, count_articles

__all__ = ["Core", "open_core", "configure_logging", "settle_heap"]

log = logging.getLogger(__name__)


@dataclass
class Core:
    settings: Settings
    db: Database
    ingestor: Ingestor
    summariser: Summariser
    digests: DigestService
    commands: Commands
    chat: ChatService
    embedder: Embedder | None = None
    # This process among the instances sharing the database (claims say who answered).
    instance: str = ""
    metrics: Metrics = field(default_factory=Metrics)

    def close(self) -> None:
        self.db.close()

    def warm_up(self) -> float:
        """Load what the first questions would otherwise load while Slack waits for its ack
        (the language model, the bilingual lexicon, the database pool, the search index's
        pages): called before the front ends take traffic. Returns the seconds it took."""
        started = time.perf_counter()
        load_language_model()
        # Waits for the lexicon being read in the background (its parsing holds the GIL).
        question = analyse("Hvem støtter Haftar? Who backs Haftar?", self.summariser.lexicon)
        self.summariser.retrieve(question, datetime.now(UTC))  # no model call: retrieval only
        settle_heap()
        seconds = time.perf_counter() - started
        log.info("warmed up in %.2f s", seconds)
        return seconds

    def embed_backlog(self) -> int:
        """Embed the sentences of articles that have no vectors yet (when configured).
        A failing embeddings server is logged, never fatal: `newsbot embed` retries."""
        if self.embedder is None:
            return 0
        try:
            return self.embedder.backlog()
        except LLMError as exc:
            log.warning("embedding paused, run `newsbot embed` later: %s", exc)
            return 0


# Python collects cyclic garbage after every 700 new objects, and every few hundred answers
# walks every object the process holds: the lexicon, the language model and the answer
# caches, 100-250 ms at a time (2.8 ms an answer on average at 20,000 articles). Answers
# make little cyclic garbage, so a collection every 50,000 new objects does.
YOUNG_OBJECTS_PER_COLLECTION = 50_000


def settle_heap() -> None:
    """After start-up: what it loaded (lexicon, language model, modules) is kept out of
    every later collection, and young objects are collected less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, middle, old)


def open_core(settings: Settings) -> Core:
    """Open the database (migrating it) and build the core services."""
    db = Database.open(settings.database_url)
    ingestor = Ingestor(db, settings)
    embedder = _embedder(settings, db)
    writer = _writer(settings)
    summariser = Summariser(db, settings, writer=writer, embedder=embedder)
    digests = DigestService(db, writer, settings.lexicon_paths)
    commands = Commands(db, settings, ingestor, summariser, digests)
    instance = instance_name()
    metrics = Metrics()
    metrics.articles_from(lambda: _article_count(db))
    chat = ChatService(commands, IncomingClaims(db, instance), metrics)
    return Core(
        settings, db, ingestor, summariser, digests, commands, chat, embedder, instance, metrics
    )


def _article_count(db: Database) -> int:
    with db.session() as session:
        return count_articles(session)


def _writer(settings: Settings) -> LLMWriter | None:
    """The optional model writer; nothing changes when no LLM is configured."""
    if not settings.llm_base_url:
        return None
    if not settings.llm_model:
        log.warning("LLM_BASE_URL is set but LLM_MODEL is not: answers stay extractive")
        return None
    client = OpenAICompatible(
        settings.llm_base_url, api_key=settings.llm_api_key, timeout_s=settings.llm_timeout_s
    )
    return LLMWriter(client, settings.llm_model, settings.answer_max_chars)


def _embedder(settings: Settings, db: Database) -> Embedder | None:
    """The optional embeddings backend; it may share the LLM's server and key."""
    if not settings.embeddings_model:
        return None
    base = settings.embeddings_base_url or settings.llm_base_url
    if not base:
        log.warning("EMBEDDINGS_MODEL is set but no EMBEDDINGS_BASE_URL: searching by words only")
        return None
    # A key goes only to the server it was issued for.
    same_server = base.rstrip("/") == (settings.llm_base_url or "").rstrip("/")
    key = settings.embeddings_api_key or (settings.llm_api_key if same_server else None)
    client = OpenAICompatible(base, api_key=key, timeout_s=settings.llm_timeout_s)
    return Embedder(client, settings.embeddings_model, db)
