"""Embeddings: sentences embedded at ingest (or by `newsbot embed`), searched by meaning."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.llm.client import OpenAICompatible
from bot.text import sentences_of
from storage import (
    Database,
    articles_without_vectors,
    count_vectors,
    get_articles,
    load_vectors,
    store_vectors,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Embedder", "SentenceHit"]

log = logging.getLogger(__name__)

BATCH = 64

SentenceHit = tuple[int, int, float]  # article id, sentence position, cosine similarity


class Embedder:
    """Embeds articles' sentences and finds the sentences nearest to a question."""

    def __init__(self, client: OpenAICompatible, model: str, db: Database) -> None:
        self.client = client
        self.model = model
        self.db = db
        self._lock = threading.Lock()
        self._cache: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None

    def embed_articles(self, article_ids: Iterable[int]) -> int:
        """Embed and store the sentences of these articles; returns how many were embedded.
        Raises `LLMError` when the server fails (what was stored before stays)."""
        done = 0
        ids = list(article_ids)
        for start in range(0, len(ids), 16):
            with self.db.session() as session:
                articles = get_articles(session, ids[start : start + 16])
            for article in articles.values():
                sentences = sentences_of(article) or [article.title]
                vectors: list[list[float]] = []
                for first in range(0, len(sentences), BATCH):
                    vectors.extend(self.client.embed(self.model, sentences[first : first + BATCH]))
                with self.db.session() as session:
                    store_vectors(session, article.id, self.model, vectors)
                done += 1
        return done

    def backlog(self, limit: int = 1_000_000) -> int:
        """Embed every article that has no vectors for this model yet."""
        total = 0
        while total < limit:
            with self.db.session() as session:
                missing = articles_without_vectors(session, self.model, limit=200)
            if not missing:
                break
            total += self.embed_articles(missing)
        return total

    def nearest(self, text: str, limit: int = 50) -> list[SentenceHit]:
        """The stored sentences most similar to ``text``, best first."""
        ids, positions, matrix = self._vectors()
        if not len(ids):
            return []
        import numpy as np  # here, not at import: only configured embeddings need it

        query = np.asarray(self.client.embed(self.model, [text])[0], dtype=np.float32)
        norm = float(np.linalg.norm(query))
        if not norm or query.shape[0] != matrix.shape[1]:
            log.warning(
                "question vector has %s dimensions, stored ones %s", query.shape[0], matrix.shape[1]
            )
            return []
        scores = matrix @ (query / norm)
        top = np.argsort(-scores)[:limit]
        return [(int(ids[i]), int(positions[i]), float(scores[i])) for i in top]

    def _vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Reloaded only when the stored count changes: a count is cheap, a load is not.
        with self.db.session() as session:
            count = count_vectors(session, self.model)
            with self._lock:
                if self._cache is None or self._cache[0] != count:
                    self._cache = (count, *load_vectors(session, self.model))
                return self._cache[1], self._cache[2], self._cache[3]
