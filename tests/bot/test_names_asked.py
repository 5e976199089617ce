"""A question that names someone is answered from an article that names them."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from storage import Database
from tests.support.ranking import assert_quotes, summariser_over

HANDBALL = {
    "url": "https://sportsavisa.example/cupen",
    "title": "Kolstad videre i cupen",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2024-10-02T20:00:00+00:00",
    "text": (
        "Kolstad scoret sitt første mål i kampen etter bare to minutter.\n"
        "Laget scoret mål etter mål og vant til slutt med ti."
    ),
}
FOOTBALL = {
    "url": "https://sportsavisa.example/landskamp",
    "title": "Danmark snudde mot Sveits",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2024-10-03T21:00:00+00:00",
    "text": (
        "Danmark lå under 0-3 mot Sveits borte, men kom tilbake til 3-3.\n"
        "Sveits tok ledelsen etter drøye 20 minutter da spissen scoret på corner."
    ),
}


def test_the_article_that_names_them_answers_past_a_closer_match_that_does_not(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, HANDBALL, FOOTBALL)
    answer = summariser.answer("Når scoret Sveits sitt første mål i kampen?")
    assert answer.found
    assert answer.citations[0].url == FOOTBALL["url"]
    assert "etter drøye 20 minutter" in answer.text


def test_no_article_naming_them_says_more_than_the_name_is_a_refusal(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, HANDBALL, FOOTBALL)
    # The article that names Danmark says only that it came back from 0-3: no answer.
    answer = summariser.answer("Når scoret Danmark sitt første mål i kampen?")
    assert not answer.found


SLALOM = {
    "url": "https://sportsavisa.example/slalom",
    "title": "Kristoffersen nummer to igjen",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2024-01-13T14:00:00+00:00",
    "text": (
        "I Adelboden tok Henrik Kristoffersen over ledelsen i første omgang.\n"
        "I andre omgang var Kristoffersen for forsiktig og endte som nummer to."
    ),
}
FOOTBALL_COACH = {
    "url": "https://sportsavisa.example/trener",
    "title": "Treneren om overgangen",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2024-01-14T10:00:00+00:00",
    "text": (
        "Vi ønsker ham lykke til videre, sier trener Eirik Horneland.\n"
        "Horneland tok over som trener i fjor."
    ),
}


def test_an_article_about_someone_else_of_that_surname_does_not_answer(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, SLALOM, FOOTBALL_COACH)
    # One article has Henrik Kristoffersen, the other an Eirik who is not a Kristoffersen.
    answer = summariser.answer("Når tok Eirik Kristoffersen over som forsvarssjef?")
    assert not answer.found
    # Asked by the full name the article has, it answers.
    answer = summariser.answer("Når tok Henrik Kristoffersen over ledelsen?")
    assert answer.found
    assert answer.citations[0].url == SLALOM["url"]
    assert "første omgang" in answer.text


def test_a_title_before_the_surname_is_no_other_person(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    budget = {
        "url": "https://nyhetsavisa.example/budsjett",
        "title": "Enige om budsjettet",
        "source": "Nyhetsavisa",
        "language": "no",
        "published": "2024-11-20T10:00:00+00:00",
        "text": (
            "Statsminister Solberg la fram budsjettet onsdag.\n"
            "Budsjettet gir mer penger til sykehusene, sa Solberg."
        ),
    }
    chess = {
        "url": "https://nyhetsavisa.example/sjakk",
        "title": "Sjakk i Bergen",
        "source": "Nyhetsavisa",
        "language": "no",
        "published": "2024-11-21T10:00:00+00:00",
        "text": "Erna Hansen vant sjakkturneringen i Bergen.\nHun vant alle partiene.",
    }
    summariser = summariser_over(sqlite_db, settings, tmp_path, budget, chess)
    # The article never says "Erna"; "Statsminister" opens a sentence and is a title.
    answer = summariser.answer("Når la Erna Solberg fram budsjettet?")
    assert answer.found, answer.text
    assert "onsdag" in answer.text


OPINION = {
    "url": "https://debattavisa.example/anmerkninger",
    "title": "Skolen trenger ikke anmerkninger | Ingrid Vålberg",
    "source": "Debattavisa",
    "language": "no",
    "published": "2024-03-05T08:00:00+00:00",
    "text": (
        "Skolen trenger ikke anmerkninger | Ingrid Vålberg\n"
        "Anmerkninger skal hjelpe elever til å gjøre gode valg.\n"
        "Mange lærere bruker likevel anmerkningene som et verktøy for å holde ro i klassen."
    ),
}


def test_a_name_only_the_headline_gives_is_held_by_the_article(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # An opinion piece names its writer in the headline only: asked by that name, the
    # article answers, quoting its text, not the headline.
    for item in (OPINION, {**OPINION, "text": OPINION["text"].split("\n", 1)[1]}):
        summariser = summariser_over(sqlite_db, settings, tmp_path, item)
        answer = summariser.answer("Hva bruker lærere anmerkninger til, ifølge Ingrid Vålberg?")
        assert answer.found, answer.text
        assert "holde ro i klassen" in answer.text
        assert "|" not in answer.text


PARTY_LEADER = {
    "url": "https://avisa.example/leder",
    "title": "Kari Nordvik blir ny leder",
    "source": "Avisa",
    "language": "no",
    "published": "2024-05-02T08:00:00+00:00",
    "text": (
        "Kari Nordvik er valgt til ny leder i Bygdepartiet.\n"
        "Nordvik vil ha lavere bompenger i hele fylket.\n"
        "Hun har vært ordfører i Vang i åtte år."
    ),
}
POWER_COMPANY = {
    "url": "https://avisa.example/kraft",
    "title": "Fjellkraft legger ned",
    "source": "Avisa",
    "language": "no",
    "published": "2024-05-03T08:00:00+00:00",
    "text": (
        "Fjellkraft legger ned kraftverket i Hemsedal.\n"
        "Styret i Fjellkraft mener strømprisen er for lav til å drive videre.\n"
        "Daglig leder Per Hauge gikk av i fjor."
    ),
}


def test_an_article_about_one_named_thing_does_not_answer_for_another_held_elsewhere(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # The articles name Kari Nordvik and Fjellkraft, never together: nothing tells why
    # she left its board, and the article about her is not quoted as if it did.
    summariser = summariser_over(sqlite_db, settings, tmp_path, PARTY_LEADER, POWER_COMPANY)
    asked = "Hvorfor gikk Kari Nordvik ut av styret i Fjellkraft?"
    assert not summariser.answer(asked).found
    assert_quotes(
        summariser,
        "Hva vil Kari Nordvik gjøre med bompengene?",
        PARTY_LEADER["url"],
        "lavere bompenger",
    )
    # Once an article tells of both, it answers.
    told = {
        **PARTY_LEADER,
        "text": PARTY_LEADER["text"] + "\nNordvik gikk ut av styret i Fjellkraft da hun ble leder.",
    }
    summariser = summariser_over(sqlite_db, settings, tmp_path, told, POWER_COMPANY)
    assert_quotes(summariser, asked, PARTY_LEADER["url"], "gikk ut av styret i Fjellkraft")


TEASER = {
    "url": "https://avisa.example/kort",
    "title": "Fjellkraft legger ned kraftverket i Hemsedal",
    "source": "Avisa",
    "language": "no",
    "published": "2024-05-03T07:00:00+00:00",
    # A feed entry with no description: its text is its headline.
    "text": "Fjellkraft legger ned kraftverket i Hemsedal",
}


def test_a_headline_alone_neither_answers_nor_hides_the_article_that_does(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, TEASER, POWER_COMPANY)
    assert_quotes(
        summariser,
        "Hvorfor legger Fjellkraft ned kraftverket i Hemsedal?",
        POWER_COMPANY["url"],
        "strømprisen er for lav",
    )


def test_a_headline_that_matches_does_not_make_its_unrelated_text_an_answer(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    unrelated = {
        **TEASER,
        "text": "Mange legger ut på tur i påsken.\nSkisesongen varte lenge i fjellet i år.",
    }
    summariser = summariser_over(sqlite_db, settings, tmp_path, unrelated)
    answer = summariser.answer("Hvorfor legger Fjellkraft ned kraftverket i Hemsedal?")
    assert not answer.found, answer.text


def test_a_given_name_no_article_holds_before_a_surname_one_does_is_not_a_missing_name(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    downhill = {
        "url": "https://sportsavisa.example/utfor",
        "title": "Paris vant utforrennet",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2024-03-13T12:00:00+00:00",
        "text": (
            "Italienske Paris var raskest i utforfinalen i Soldeu.\n"
            "Kjetil Jansrud endte 0,34 sekunder bak Paris og ble nummer to."
        ),
    }
    summariser = summariser_over(sqlite_db, settings, tmp_path, downhill, SLALOM)
    # No article says "Dominik": the question is still about the Paris they hold.
    answer = summariser.answer("Hvor langt bak Dominik Paris kom Kjetil Jansrud?")
    assert answer.found, answer.text
    assert "0,34 sekunder" in answer.text
    # But an article naming someone else of the surname ("Henrik Kristoffersen") is not
    # about a "Dominik Kristoffersen" either.
    answer = summariser.answer("Hvor langt bak kom Dominik Kristoffersen i Adelboden?")
    assert not answer.found, answer.text


GOVERNMENT = {
    "url": "https://nordavisa.example/regjering",
    "title": "Ny regjering i Danmark",
    "source": "Nordavisa",
    "language": "no",
    "published": "2024-06-27T09:00:00+00:00",
    "text": (
        "Mette Frederiksen la torsdag fram sin nye mindretallsregjering.\n"
        "Frederiksen får støtte fra tre partier i Folketinget."
    ),
}
WEATHER = {
    "url": "https://nordavisa.example/vaer",
    "title": "Regn i helgen",
    "source": "Nordavisa",
    "language": "no",
    "published": "2024-06-28T09:00:00+00:00",
    "text": (
        "Barn og voksne bør kle seg godt i helgen, melder meteorologen.\n"
        "Det ventes mye regn på Vestlandet."
    ),
}


def test_an_article_that_only_names_them_is_quoted_with_what_it_never_says(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, GOVERNMENT, WEATHER)
    # The article about her never says "barn": what it says of her is quoted, and the
    # asker is told so rather than handed it as the answer.
    children = summariser.answer("Hvor mange barn har Mette Frederiksen?")
    assert children.found
    assert children.citations[0].url == GOVERNMENT["url"]
    assert children.note == (
        "Det beste treffet bruker aldri ordet “barn”; dette er hva det sier om Mette Frederiksen."
    )
    # Asked what it does say, the answer needs no such word.
    support = summariser.answer("Hvem støtter Mette Frederiksen?")
    assert support.found
    assert "tre partier i Folketinget" in support.text
    assert support.note == ""


CUP_FINAL = {
    "url": "https://sportsavisa.example/cupfinalen",
    "title": "Valencia vant cupfinalen",
    "source": "Sportsavisa",
    "language": "no",
    "published": "2019-05-25T21:00:00+00:00",
    "text": (
        "Valencia slo Barcelona 2-1 i den spanske cupfinalen lørdag.\n"
        "Kévin Gameiro scoret det første målet etter 21 minutter.\n"
        "Venezuelas president Nicolás Maduro gratulerte klubben på Twitter."
    ),
}


def test_a_name_typed_without_its_accents_is_the_name_with_them(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, CUP_FINAL, HANDBALL)
    url = CUP_FINAL["url"]
    # As people type them: "Kevin", "Nicolas".
    assert_quotes(
        summariser,
        "Når scoret Kevin Gameiro?",
        url,
        "Kévin Gameiro scoret det første målet etter 21 minutter.",
    )
    assert_quotes(
        summariser,
        "What did Nicolas Maduro do?",
        url,
        "Venezuelas president Nicolás Maduro gratulerte klubben på Twitter.",
    )
    # A name alone, without them: the sentence is searched without its accents too.
    assert_quotes(
        summariser,
        "Hvem er Kevin?",
        url,
        "Kévin Gameiro scoret det første målet etter 21 minutter.",
    )
    # Typed with them, as before.
    assert_quotes(
        summariser,
        "Når scoret Kévin Gameiro?",
        url,
        "Kévin Gameiro scoret det første målet etter 21 minutter.",
    )


FACTORY = {
    "url": "https://naeringsavisa.example/fabrikk",
    "title": "Fabrikken på Raufoss settes i drift igjen",
    "source": "Næringsavisa",
    "language": "no",
    "published": "2024-09-12T08:00:00+00:00",
    "text": (
        "Fabrikken på Raufoss starter produksjonen igjen mandag etter tre uker med stans.\n"
        "Alle innstillinger på maskinene er kontrollert på nytt, sier fabrikksjefen."
    ),
}
PHONES = {
    "url": "https://techavisa.example/telefon",
    "title": "New phones in the shops",
    "source": "Techavisa",
    "language": "en",
    "published": "2024-09-13T08:00:00+00:00",
    "text": (
        "Apple said the new iPhone goes on sale in Norway on Friday.\n"
        "Shops in Oslo expect queues outside their doors before they open."
    ),
}


def test_a_product_named_with_a_capital_inside_is_a_name(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, FACTORY, HANDBALL, FOOTBALL)
    # "iPhone" is what is asked about, however it starts: no article names it, so the
    # factory's settings are no answer.
    answer = summariser.answer("How do I reset an iPhone to factory settings?")
    assert not answer.found
    assert "iPhone" in answer.text
    # A unit is no name: "kWh" in a question asks nothing the articles must name.
    assert summariser.answer("Hvor mange kWh bruker fabrikken på Raufoss?").found

    summariser = summariser_over(sqlite_db, settings, tmp_path, PHONES)
    assert_quotes(
        summariser,
        "When does the new iPhone go on sale in Norway?",
        PHONES["url"],
        "Apple said the new iPhone goes on sale in Norway on Friday.",
    )
