"""A question's word finds the article's word for the same thing: "keeper" the "målvakt"."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.text.synonyms import synonym_forms
from storage import Database
from tests.support.ranking import assert_quotes, scored, summariser_over

FINAL = {
    "url": "https://sportsavisa.example/cupfinale",
    "title": "Cupmareritt for Barcelona",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2019-05-26T08:00:00+00:00",
    "text": (
        "Valencia vant cupfinalen mot Barcelona lørdag.\n"
        "Barcelonas målvakt Jasper Cillessen slapp inn to mål før pause.\n"
        "Treneren var skuffet etter kampen."
    ),
}


def test_a_word_finds_its_synonyms_in_any_inflection() -> None:
    assert "målvakt" in synonym_forms("keeperen")
    assert "arrestere" in synonym_forms("pågrepet")
    assert synonym_forms("sykkelhjelm") == ()


def test_a_question_in_other_words_finds_the_sentence() -> None:
    ranked = scored("Hvem var keeper for Barcelona?", FINAL["text"].splitlines())
    best = max(ranked.values(), key=lambda s: s.score)
    assert best.text.startswith("Barcelonas målvakt Jasper Cillessen")


def test_a_people_or_adjective_finds_the_place(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    assert "england" in synonym_forms("engelske")
    assert "norge" in synonym_forms("nordmennene")
    volleyball = {
        "url": "https://sportsavisa.example/sandvolleyball",
        "title": "Gull i sanden",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2019-08-04T18:00:00+00:00",
        "text": "Norge vant første sett 21-11 mot Brasil i finalen.\nSå ble det jubel.",
    }
    handball = {
        "url": "https://sportsavisa.example/handball",
        "title": "Sterk start",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2019-08-05T18:00:00+00:00",
        "text": "Laget vant det første settet 25-20 i finalen i Spania.\nTreneren var fornøyd.",
    }
    summariser = summariser_over(db, settings, tmp_path, handball, volleyball)
    answer = summariser.answer(
        "Med hvilke sifre vant nordmennene det første settet mot brasilianerne?"
    )
    assert answer.found, answer.text
    assert answer.citations[0].url == volleyball["url"]
    assert "21-11" in answer.text


def test_a_party_asked_by_name_finds_it_by_its_letters_and_back(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    jets = {
        "url": "https://riksavisa.example/kampfly",
        "title": "Kampflyregningen stiger",
        "source": "Riksavisa",
        "language": "no",
        "published": "2019-10-10T08:00:00+00:00",
        "text": (
            "Regningen for de nye kampflyene har steget med 16 milliarder kroner.\n"
            "Sps forsvarspolitiske talsperson, Liv Signe Navarsete, sier saken er urovekkende.\n"
            "Fremskrittspartiet vil ikke kommentere saken."
        ),
    }
    tolls = {
        "url": "https://riksavisa.example/bompenger",
        "title": "Bompengestrid",
        "source": "Riksavisa",
        "language": "no",
        "published": "2019-10-11T08:00:00+00:00",
        "text": "Byrådet vil øke bompengene i Bergen.\nSaken skaper strid i bystyret.",
    }
    summariser = summariser_over(db, settings, tmp_path, tolls, jets)
    question = "Hva mener Senterpartiets talsperson om kampflysaken?"
    assert_quotes(summariser, question, jets["url"], "Liv Signe Navarsete")
    question = "Hva sier Frp om kampflyene?"
    assert_quotes(summariser, question, jets["url"], "Fremskrittspartiet vil ikke kommentere")
