"""Sentence vector repository: float32 bytes in, numpy matrices out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.models import Article, SentenceVector

if TYPE_CHECKING:
    import numpy as np

__all__ = ["store_vectors", "articles_without_vectors", "load_vectors", "count_vectors"]


# numpy is imported where vectors are handled: most commands never touch one, and its
# import is a fifth of a second of every start.


def _unit(vector: Sequence[float]) -> bytes:
    import numpy as np

    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return (array / norm if norm else array).tobytes()


def store_vectors(
    session: Session, article_id: int, model: str, vectors: Sequence[Sequence[float]]
) -> None:
    """Replace an article's sentence vectors (position i is sentence i)."""
    session.execute(delete(SentenceVector).where(SentenceVector.article_id == article_id))
    session.add_all(
        SentenceVector(article_id=article_id, position=i, model=model, vector=_unit(v))
        for i, v in enumerate(vectors)
    )


def articles_without_vectors(session: Session, model: str, limit: int = 1000) -> list[int]:
    has = select(SentenceVector.article_id).where(SentenceVector.model == model)
    query = select(Article.id).where(Article.id.not_in(has)).order_by(Article.id).limit(limit)
    return list(session.scalars(query))


def count_vectors(session: Session, model: str) -> int:
    return int(session.scalar(select(func.count()).where(SentenceVector.model == model)) or 0)


def load_vectors(session: Session, model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Article ids, positions and the (n, dim) matrix of every stored vector for ``model``."""
    import numpy as np

    rows = session.execute(
        select(SentenceVector.article_id, SentenceVector.position, SentenceVector.vector).where(
            SentenceVector.model == model
        )
    ).all()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    ids = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    positions = np.fromiter((r[1] for r in rows), np.int64, len(rows))
    vectors = [np.frombuffer(r[2], dtype=np.float32) for r in rows]
    # Vectors of another size (a model changed under the same name) cannot be compared.
    size = max({len(v) for v in vectors}, key=[len(v) for v in vectors].count)
    keep = [i for i, v in enumerate(vectors) if len(v) == size]
    matrix = np.vstack([vectors[i] for i in keep])
    return ids[keep], positions[keep], matrix
