"""A name asked in capitals ("NY", "VAR") is that abbreviation, not the word "Ny" or "Var"."""

from __future__ import annotations

from pathlib import Path

from bot.answer.question import analyse
from bot.config import Settings
from storage import Database
from tests.support.ranking import scored, summariser_over

SENTENCES = [
    "Var det riktig av dommeren å blåse av kampen?",
    "Dommeren fikk hjelp av VAR før målet ble godkjent.",
    "VARs rolle i kampen blir diskutert.",
]

JUBILEE = {
    "url": "https://historie.example/1989",
    "title": "Høsten da muren falt",
    "source": "Historieavisa",
    "language": "no",
    "published": "2019-11-09T08:00:00+00:00",
    "text": (
        "Under jubileet i DDR i oktober 1989 sa Gorbatsjov at livet straffer dem som "
        "kommer for sent. Livet straffer dem, sa han til Honecker."
    ),
}


def _scored(question: str) -> dict[int, int]:
    return {index: s.matched_names for index, s in scored(question, SENTENCES).items()}


def test_an_abbreviation_matches_only_where_it_is_written_in_capitals() -> None:
    names = _scored("Hva gjorde VAR i kampen?")
    assert names.get(0, 0) == 0  # "Var det ..." opens a question, it names nothing
    assert names[1] == 1
    assert names[2] == 1  # the genitive "VARs"


def test_an_abbreviation_asked_in_the_genitive_finds_the_bare_abbreviation(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, JUBILEE)
    answer = summariser.answer("Hva sa Gorbatsjov under DDRs jubileum?")
    assert answer.found, answer.text  # not "I found nothing about DDRs"
    assert "Livet straffer" in answer.text


def test_a_question_typed_in_capitals_asks_for_no_abbreviation() -> None:
    assert analyse("HVA GJORDE VAR I KAMPEN?", None).abbreviations == frozenset()
    assert analyse("Hva gjorde VAR i kampen?", None).abbreviations == {"var"}


def test_a_name_typed_in_capitals_finds_it_written_as_a_name(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, JUBILEE)
    for question in (
        "Hva sa GORBATSJOV?",
        "What did GORBATSJOV say?",
        "HVA SA GORBATSJOV?",
    ):
        answer = summariser.answer(question)
        assert answer.found, (question, answer.text)
        assert "Gorbatsjov" in answer.text
    # Written in capitals, it still is no ordinary word: "Var det ..." names no "VAR".
    assert _scored("Hva gjorde VAR i kampen?").get(0, 0) == 0
