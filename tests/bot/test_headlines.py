"""A headline line is never quoted, but it tells what its article covers; a first sentence
that is also the title (a text file's) is quoted like any other."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.ingest import Ingestor
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


def test_a_text_file_whose_title_is_its_first_sentence_quotes_that_sentence(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # A text file has no headline of its own: its title is its first sentence, which is
    # its lead and may hold the answer. So may a record whose text opens with its
    # headline written as a sentence.
    news = tmp_path / "mosjoen.txt"
    news.write_text(
        "date 2020-01\n"
        "Kommunestyret i Mosjøen vedtok nye parkeringsregler for sentrum tirsdag.\n"
        "Ordføreren er godt fornøyd med vedtaket.\n"
        "Reglene gjelder fra første mars.\n",
        encoding="utf-8",
    )
    assert Ingestor(sqlite_db, settings).ingest([str(news)]).failed == 0
    school = {
        "url": "https://lokalavisa.example/hemsedal",
        "title": "Skolen i Hemsedal stengte mandag etter en stor vannlekkasje",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2024-02-05T08:00:00+00:00",
        "text": (
            "Skolen i Hemsedal stengte mandag etter en stor vannlekkasje.\n"
            "Rektor Eva Berg lover at elevene er tilbake snart.\n"
            "Reparasjonen vil ta noen dager."
        ),
    }
    summariser = summariser_over(sqlite_db, settings, tmp_path, school)
    rules = summariser.answer("Hva vedtok kommunestyret i Mosjøen?")
    assert rules.found, rules.text
    assert "vedtok nye parkeringsregler for sentrum" in rules.text
    closed = summariser.answer("Hvorfor stengte skolen i Hemsedal?")
    assert closed.found, closed.text
    assert "etter en stor vannlekkasje" in closed.text
