"""A headline is never quoted, but it tells what its article covers."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

BILL = {
    "url": "https://bergensavisen.example/kampfly",
    "title": "Kampflyregningen har steget med 16 milliarder kroner",
    "source": "Bergensavisen",
    "language": "no",
    "published": "2019-10-08T06:00:00+00:00",
    "text": (
        "Kampflyregningen har steget med 16 milliarder kroner\n"
        "F-35.\n"
        "Totalprisen for flyinvesteringen ligger nå 16 milliarder kroner over anslaget fra 2012.\n"
        "Forsvarsdepartementet har fjernet styringsmålet fra årets budsjett."
    ),
}
MARKETS = {
    "url": "https://finansavisen.example/indeks",
    "title": "Børsen i New York",
    "source": "Finansavisen",
    "language": "no",
    "published": "2019-10-08T07:00:00+00:00",
    "text": "Indeksen har steget i ti av årets 13 første uker.\nAnalytikerne venter mer.",
}


def test_an_article_whose_headline_holds_the_question_answers_with_its_lead(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, BILL, MARKETS)
    answer = summariser.answer("Hvor mye har kampflyregningen steget?")
    assert answer.found, answer.text
    assert answer.citations[0].url == BILL["url"]
    # The lead says it in other words; the headline is shown with the source, not quoted.
    assert answer.text.startswith("Totalprisen for flyinvesteringen ligger nå 16 milliarder")
    assert "Indeksen" not in answer.text
