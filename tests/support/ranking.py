"""Answers over made-up articles: their sentences ranked, or a summariser over them."""

from __future__ import annotations

import json
from pathlib import Path

from bot.answer.question import analyse
from bot.answer.rank import ScoredSentence, score_sentences
from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.ingest import Ingestor
from storage import Database


def scored(question: str, sentences: list[str], language: str = "no") -> dict[int, ScoredSentence]:
    """The sentences that match ``question`` (no lexicon), by their position."""
    asked = analyse(question, None)
    weights = {term.exact: 1.0 for term in asked.terms}
    ranked = score_sentences(asked, 1, sentences, language, weights, 1.0)
    return {s.index: s for s in ranked}


def summariser_over(
    db: Database, settings: Settings, folder: Path, *articles: dict[str, str]
) -> Summariser:
    """A summariser over ``articles`` (JSON Lines records), ingested as a user would."""
    path = folder / "articles.jsonl"
    path.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8"
    )
    assert Ingestor(db, settings).ingest([str(path)]).failed == 0
    return Summariser(db, settings)


def assert_quotes(summariser: Summariser, question: str, url: str, quote: str) -> None:
    """``question`` is answered from the article at ``url``, quoting ``quote``."""
    answer = summariser.answer(question)
    assert answer.found, answer.text
    assert answer.citations[0].url == url, answer.text
    assert quote in answer.text, answer.text
