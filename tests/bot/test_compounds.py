"""Norwegian compounds: "Berlinmuren" is found by "Berlin", "samferdselsministeren" by
"minister", on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer.summariser import Summariser
from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

ROAD = {
    "url": "https://vestlandsposten.example/vei",
    "title": "Ny vei åpnet",
    "source": "Vestlandsposten",
    "language": "no",
    "published": "2019-10-01T08:00:00+00:00",
    "text": (
        "Samferdselsministeren Jon Georg Dale åpnet den nye veien i Sogndal fredag.\n"
        "Veien kostet 900 millioner kroner og har vært under bygging i fire år."
    ),
}
WALL = {
    "url": "https://vestlandsposten.example/muren",
    "title": "30 år siden",
    "source": "Vestlandsposten",
    "language": "no",
    "published": "2019-11-09T08:00:00+00:00",
    "text": (
        "Berlinmuren falt 9. november 1989 etter store demonstrasjoner i Øst-Tyskland.\n"
        "I dag står bare noen få rester av muren igjen."
    ),
}
SCHOOL = {
    "url": "https://vestlandsposten.example/skole",
    "title": "Fri for elevene",
    "source": "Vestlandsposten",
    "language": "no",
    "published": "2019-11-08T08:00:00+00:00",
    "text": "Elevene i Bergen fikk fri fredag.\nRektor var fornøyd med ordningen.",
}


@pytest.fixture
def summariser(db: Database, settings: Settings, tmp_path: Path) -> Summariser:
    return summariser_over(db, settings, tmp_path, ROAD, WALL, SCHOOL)


@pytest.mark.parametrize(
    "question", ["Hvilken minister åpnet veien?", "Hvem er samferdselsminister?"]
)
def test_a_word_inside_a_compound_finds_it(summariser: Summariser, question: str) -> None:
    answer = summariser.answer(question)
    assert answer.found
    assert answer.text.startswith("Samferdselsministeren Jon Georg Dale åpnet")


@pytest.mark.parametrize("question", ["Hva skjedde i Berlin?", "Når falt muren i Berlin?"])
def test_a_name_only_inside_a_compound_finds_the_article(
    summariser: Summariser, question: str
) -> None:
    answer = summariser.answer(question)
    assert answer.found
    assert answer.citations[0].url == WALL["url"]
    assert "Berlinmuren falt 9. november 1989" in answer.text


def test_a_word_no_article_holds_alone_finds_the_compounds_it_opens(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    # More articles match the question's other words than the index's best matches
    # hold: the one with "baseballkampen" is found by "baseball" all the same.
    others = [
        {
            "url": f"https://lokalavisa.example/kamp-{n}",
            "title": f"Kamp {n}",
            "source": "Lokalavisa",
            "language": "no",
            "published": "2019-06-01T08:00:00+00:00",
            "text": f"Lag {n} spilte i Washington lørdag. De spilte godt i Washington.",
        }
        for n in range(45)
    ]
    game = {
        "url": "https://lokalavisa.example/baseball",
        "title": "Buet ut",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2019-10-28T08:00:00+00:00",
        "text": "Presidenten ble buet ut på baseballkampen i Washington søndag.",
    }
    summariser = summariser_over(db, settings, tmp_path, *others, game)
    answer = summariser.answer("Hvem spilte baseball i Washington?")
    assert answer.found, answer.text
    assert answer.citations[0].url == game["url"]


def test_a_compound_no_article_holds_is_asked_as_its_parts(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    swimmer = {
        "url": "https://lokalavisa.example/svommer",
        "title": "Tøff beskjed",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2019-02-12T08:00:00+00:00",
        "text": (
            "Svømmeren fikk beskjeden i februar.\n"
            "Legene fant en sjelden type kreft i blodet, leukemi."
        ),
    }
    coach = {
        "url": "https://lokalavisa.example/trener",
        "title": "Ny trener",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2019-02-13T08:00:00+00:00",
        "text": "Svømmeren har fått ny trener i februar.\nTreneren kommer fra Bergen.",
    }
    summariser = summariser_over(db, settings, tmp_path, swimmer, coach)
    # No article says "krefttype": the one that says "type kreft" answers.
    answer = summariser.answer("Hvilken krefttype fikk svømmeren?")
    assert answer.found, answer.text
    assert answer.citations[0].url == swimmer["url"]
    assert "Legene fant en sjelden type kreft" in answer.text
