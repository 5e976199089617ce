"""The candidates' second ranking (BM25 over their index terms) counts every word."""

from __future__ import annotations

from bot.answer.question import analyse
from bot.answer.rerank import rerank


def test_a_word_repeated_side_by_side_counts_each_time_however_the_terms_are_spaced() -> None:
    question = analyse("Hva sa Klesen om flommen?")
    weights = {term.exact: 1.0 for term in question.terms}
    # The same four words, as `document_terms` writes them and otherwise.
    terms = {
        1: "klesen klesen flommen byen",
        2: "klesen  klesen\tflommen byen ",
        3: "klesen byen flommen klesen",
    }
    scores = dict(rerank(question, terms, weights, [1, 2, 3]))
    assert scores[1] == scores[2] == scores[3] > 0


def test_more_of_the_question_words_ranks_higher_at_the_same_length() -> None:
    question = analyse("Hva sa Klesen om flommen?")
    weights = {term.exact: 1.0 for term in question.terms}
    terms = {1: "byen klesen byen byen", 2: "klesen klesen klesen flommen", 3: "byen byen byen"}
    assert [article_id for article_id, _ in rerank(question, terms, weights, [1, 2, 3])] == [2, 1]
