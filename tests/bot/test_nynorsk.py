"""A question written in Nynorsk finds the Bokmål article that answers it: its function
words are no search terms, and its own words are also looked for in their Bokmål forms."""

from __future__ import annotations

from pathlib import Path

from bot.answer.summariser import Summariser
from bot.config import Settings
from storage import Database
from tests.bot.test_common_words import _TOWNS, _council
from tests.bot.test_lexicon import write_dictd
from tests.support.ranking import summariser_over

HOSPITAL = {
    "url": "https://nordlandsposten.example/sykehus",
    "title": "Nytt sykehus i Bodø",
    "source": "Nordlandsposten",
    "language": "no",
    "published": "2024-09-02T07:00:00+00:00",
    "text": (
        "Det nye sykehuset i Bodø åpner om en uke.\n"
        "Sykehuset har kostet fire milliarder kroner, opplyser helseforetaket."
    ),
}
SCHOOL = {
    "url": "https://nordlandsposten.example/skole",
    "title": "Ny skole i Bodø",
    "source": "Nordlandsposten",
    "language": "no",
    "published": "2024-09-03T07:00:00+00:00",
    "text": (
        "Den nye skolen i Bodø er klar etter sommeren.\n"
        "Kommunen har brukt 300 millioner kroner på bygget."
    ),
}
# FreeDict's layout: the Nynorsk headword's line, then its Bokmål forms.
ENTRIES = {
    "sjukehus": "sjukehus\nsykehus\n",
    "skule": "skule\nskole\n",
    "veke": "veke\nuke\n",
}


def _summariser(db: Database, settings: Settings, folder: Path, dictionary: str) -> Summariser:
    """A summariser over the two articles and a hundred others, with ``dictionary`` as
    its Nynorsk-Bokmål dictionary ("" for none)."""
    councils = [_council(town, day) for day, town in enumerate(_TOWNS)]
    return summariser_over(
        db,
        settings.model_copy(update={"nynorsk_lexicon": dictionary}),
        folder,
        HOSPITAL,
        SCHOOL,
        *councils,
    )


def test_a_nynorsk_word_finds_the_bokmal_article(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = _summariser(sqlite_db, settings, tmp_path, str(write_dictd(tmp_path, ENTRIES)))
    # "veke" is "uke": the hospital opens in a week.
    answer = summariser.answer("Kva skjer om ei veke i Bodø?")
    assert answer.found, answer.text
    assert answer.citations[0].url == HOSPITAL["url"]
    assert "Det nye sykehuset i Bodø åpner om en uke." in answer.text


def test_without_the_dictionary_a_nynorsk_word_is_only_itself(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = _summariser(sqlite_db, settings, tmp_path, "")
    assert not summariser.answer("Kva skjer om ei veke i Bodø?").found


def test_a_bokmal_question_is_asked_as_it_was(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # A Bokmål question holds no word only Nynorsk writes: nothing is reread.
    summariser = _summariser(sqlite_db, settings, tmp_path, str(write_dictd(tmp_path, ENTRIES)))
    answer = summariser.answer("Hva skjer om en uke i Bodø?")
    assert answer.found, answer.text
    assert answer.citations[0].url == HOSPITAL["url"]
