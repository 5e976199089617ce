"""A question's verb finds its other forms: "stjålet" the article's "stjele"."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.text.verbs import verb_forms
from storage import Database
from tests.support.ranking import summariser_over

THEFT = {
    "url": "https://avisa.example/tyveri",
    "title": "Hackere tiltalt i USA",
    "source": "Avisa",
    "language": "no",
    "published": "2024-12-06T08:00:00+00:00",
    "text": (
        "To menn er tiltalt i USA for dataangrep mot banker.\n"
        "Slik skal de ha greid å stjele over 100 millioner dollar.\n"
        "Begge nekter straffskyld."
    ),
}


def test_a_strong_verb_knows_its_other_forms_and_so_do_its_prefixed_kin() -> None:
    assert {"stjele", "stjal"} <= set(verb_forms("stjålet"))
    assert {"oppstå", "oppstått"} <= set(verb_forms("oppsto"))
    assert verb_forms("bussen") == ()
    # Too short to look for: "sa" and "la" are other words as often as verbs.
    assert "sa" not in verb_forms("sier")


def test_a_question_in_one_tense_finds_the_sentence_in_another(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, THEFT)
    answer = summariser.answer("Hvor mye ble stjålet?")
    assert answer.found, answer.text
    assert answer.text.startswith("Slik skal de ha greid å stjele over 100 millioner dollar")
