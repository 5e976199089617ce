"""The candidate articles weighed again here, the same way whichever database proposed them."""

from __future__ import annotations

from collections import Counter
from collections.abc import ItemsView

from bot.answer.question import Question

__all__ = ["rerank"]

# BM25's usual constants: how fast repeats of a term stop counting, how much length costs.
BM25_K1 = 1.2
BM25_B = 0.75


class _TermCounts:
    """How often each word stands in an article's index terms, counted only for the words
    asked about: a count of the whole list (~450 words) cost more than the ranking."""

    def __init__(self, terms: str, every_word: bool) -> None:
        # Written as `document_terms` writes them (single spaces, nothing else between
        # words), the words are counted in the text itself; anything else word by word.
        plain = terms.isprintable() and "  " not in terms and not terms.startswith(" ")
        plain = plain and not terms.endswith(" ")
        self.counts: Counter[str] | None = (
            None if plain and not every_word else Counter(terms.split())
        )
        self.padded = f" {terms} "
        self.length = (
            (terms.count(" ") + 1 if terms else 0) if self.counts is None else self.counts.total()
        )

    def get(self, word: str, default: int) -> int:
        if self.counts is not None:
            return self.counts.get(word, default)
        if not word or " " in word:
            return default  # no single word of the list
        found = self.padded.count(f" {word} ")
        if found and f" {word} {word} " in self.padded:
            found = self.padded.split().count(word)  # repeats side by side share a space
        return found or default

    def items(self) -> ItemsView[str, int]:
        if self.counts is None:
            self.counts = Counter(self.padded.split())
        return self.counts.items()


def rerank(
    question: Question,
    terms_by_id: dict[int, str],
    weights: dict[str, float],
    order: list[int],
    glued: frozenset[str] = frozenset(),
) -> list[tuple[int, float]]:
    """The candidates ``terms_by_id`` scored by BM25 over the question's terms, best first.

    Every form of a term (its exact form, stems, translations) counts as a word, as the
    index stores them, each weighted by ``weights``: its term's IDF over all its forms,
    which both databases know the same way. The index's own scores differ (SQLite's
    BM25 has IDF, PostgreSQL's ts_rank_cd none), so it only proposes the pool; this
    ranking picks from it, and the two databases answer alike. Ties keep ``order``.
    A name in ``glued`` counts in every word it opens ("berlin" in "berlinmuren").
    """
    if not terms_by_id:
        return []
    counted = {
        article_id: _TermCounts(terms, bool(glued)) for article_id, terms in terms_by_id.items()
    }
    lengths = {article_id: counts.length for article_id, counts in counted.items()}
    average = sum(lengths.values()) / len(lengths) or 1.0
    forms = [(term.exact, frozenset(term.all_forms)) for term in question.terms]
    rank = {article_id: position for position, article_id in enumerate(order)}
    scored: list[tuple[int, float]] = []
    for article_id, counts in counted.items():
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[article_id] / average)
        score = 0.0
        for exact, term_forms in forms:
            for form in term_forms:
                frequency = counts.get(form, 0)
                if exact in glued and form == exact:
                    frequency = sum(n for word, n in counts.items() if word.startswith(exact))
                if frequency:
                    score += (
                        weights.get(exact, 0.0) * frequency * (BM25_K1 + 1) / (frequency + norm)
                    )
        scored.append((article_id, score))
    scored.sort(key=lambda hit: (-hit[1], rank.get(hit[0], len(rank))))
    return [hit for hit in scored if hit[1] > 0]
