"""Ranking one made-up article's sentences against a question, every term weighted alike."""

from __future__ import annotations

from bot.answer.question import analyse
from bot.answer.rank import ScoredSentence, score_sentences


def scored(question: str, sentences: list[str], language: str = "no") -> dict[int, ScoredSentence]:
    """The sentences that match ``question`` (no lexicon), by their position."""
    asked = analyse(question, None)
    weights = {term.exact: 1.0 for term in asked.terms}
    ranked = score_sentences(asked, 1, sentences, language, weights, 1.0)
    return {s.index: s for s in ranked}
