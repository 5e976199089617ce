"""Near-duplicate detection: the same story from several outlets, or a re-post."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.text.tokens import STOPWORDS, words

__all__ = ["signature", "jaccard", "near_duplicates"]


class _HasText(Protocol):
    title: str
    text: str


def signature(text: str) -> frozenset[str]:
    """The content words of ``text``: what two tellings of one story share."""
    return frozenset(w for w in words(text) if w not in STOPWORDS and len(w) > 2)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class _NearDuplicates:
    threshold = 0.8

    def fold(self, ids: Sequence[int], articles: Mapping[int, _HasText]) -> list[int]:
        """``ids`` in order, without any that nearly repeats an earlier one."""
        kept: list[tuple[int, frozenset[str]]] = []
        for article_id in ids:
            article = articles.get(article_id)
            if article is None:
                continue
            sig = signature(article.text[:5000])
            if any(jaccard(sig, other) >= self.threshold for _, other in kept):
                continue
            kept.append((article_id, sig))
        return [article_id for article_id, _ in kept]


near_duplicates = _NearDuplicates()
