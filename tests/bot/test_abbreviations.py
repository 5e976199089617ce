"""A name asked in capitals ("NY", "VAR") is that abbreviation, not the word "Ny" or "Var"."""

from __future__ import annotations

from bot.answer.question import analyse
from tests.support.ranking import scored

SENTENCES = [
    "Var det riktig av dommeren å blåse av kampen?",
    "Dommeren fikk hjelp av VAR før målet ble godkjent.",
    "VARs rolle i kampen blir diskutert.",
]


def _scored(question: str) -> dict[int, int]:
    return {index: s.matched_names for index, s in scored(question, SENTENCES).items()}


def test_an_abbreviation_matches_only_where_it_is_written_in_capitals() -> None:
    names = _scored("Hva gjorde VAR i kampen?")
    assert names.get(0, 0) == 0  # "Var det ..." opens a question, it names nothing
    assert names[1] == 1
    assert names[2] == 1  # the genitive "VARs"


def test_a_question_typed_in_capitals_asks_for_no_abbreviation() -> None:
    assert analyse("HVA GJORDE VAR I KAMPEN?", None).abbreviations == frozenset()
    assert analyse("Hva gjorde VAR i kampen?", None).abbreviations == {"var"}
