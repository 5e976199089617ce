"""A year the question names is part of the question: another year's news does not answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer.summariser import Summariser
from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

ARTICLES = [
    {
        "url": "https://sportsavisa.example/serien-2019",
        "title": "Molde vant serien",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2019-11-24T18:00:00+00:00",
        "text": (
            "Molde vant Eliteserien etter 4-0 over Viking søndag.\n"
            "Treneren Erling Moe sa at laget hadde vært best hele høsten.\n"
            "Neste sesong starter i mars 2020."
        ),
    },
    {
        "url": "https://sportsavisa.example/historikk",
        "title": "Seriemesterne gjennom tidene",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2019-11-25T08:00:00+00:00",
        "text": (
            "Rosenborg vant Eliteserien i 2015 med rekordmange poeng.\n"
            "Klubben har vunnet serien flere ganger enn noen annen."
        ),
    },
]


@pytest.fixture
def summariser(sqlite_db: Database, settings: Settings, tmp_path: Path) -> Summariser:
    return summariser_over(sqlite_db, settings, tmp_path, *ARTICLES)


def test_a_year_no_article_tells_of_is_refused(summariser: Summariser) -> None:
    answer = summariser.answer("Hvem vant Eliteserien i 2023?")
    assert not answer.found
    assert answer.text == "Jeg fant ingen artikkel som svarer på det, blant 2 artikler."


def test_the_article_that_mentions_the_year_answers(summariser: Summariser) -> None:
    answer = summariser.answer("Hvem vant Eliteserien i 2015?")
    assert answer.found
    assert answer.text.startswith("Rosenborg vant Eliteserien i 2015")


def test_the_year_an_article_was_published_counts_as_its_year(summariser: Summariser) -> None:
    answer = summariser.answer("Who won the Eliteserien in 2019?")
    assert answer.found
    assert "Molde vant Eliteserien" in answer.text
    assert answer.citations[0].url == "https://sportsavisa.example/serien-2019"
