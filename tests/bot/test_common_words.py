"""A best sentence that shares only common words with the question does not answer it."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

_TOWNS = [
    f"{first}{last}"
    for first in ("Fjell", "Sjø", "Elve", "Berg", "Skog", "Strand", "Dal", "Nord", "Sør", "Øst")
    for last in ("vik", "nes", "dal", "by", "haug", "mo", "stad", "lia", "rud", "seter")
]


def _council(town: str, day: int) -> dict[str, str]:
    return {
        "url": f"https://lokalavisa.example/{town.lower()}/{day}",
        "title": f"Nytt fra {town}",
        "source": "Lokalavisa",
        "language": "no",
        "published": f"2024-03-{day % 28 + 1:02d}T08:00:00+00:00",
        "text": (
            f"Kommunestyret i {town} holdt møte tirsdag kveld.\n"
            f"Ordføreren i {town} la fram planene for den nye skolen, som skal stå ferdig i "
            f"{2025 + day % 4}."
        ),
    }


def test_a_question_of_only_common_words_is_not_answered_by_chance(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # A hundred councils met: every word of the question is in every article, so the
    # best sentence is one of a hundred alike, not an answer.
    articles = [_council(town, day) for day, town in enumerate(_TOWNS)]
    summariser = summariser_over(sqlite_db, settings, tmp_path, *articles)
    vague = summariser.answer("Når holdt kommunestyret møte?")
    assert not vague.found, vague.text
    # Naming the town is enough: the answer is that council's.
    named = summariser.answer("Når holdt kommunestyret i Skogmo møte?")
    assert named.found, named.text
    assert "Kommunestyret i Skogmo holdt møte tirsdag kveld." in named.text


MISSING_MAN = {
    "url": "https://lokalavisa.example/savnet",
    "title": "Politiet leter etter savnet mann",
    "source": "Lokalavisa",
    "language": "no",
    "published": "2024-03-09T08:00:00+00:00",
    "text": (
        "Politiet leter etter en mann i 40-årene som ble sist sett ved kaia lørdag.\n"
        "Han hadde på seg en blå genser og svarte bukser da han forsvant."
    ),
}


def test_one_word_in_common_while_a_rare_one_is_missing_is_luck(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # A hundred other articles: enough to tell that few hold "himmelen".
    councils = [_council(town, day) for day, town in enumerate(_TOWNS)]
    summariser = summariser_over(sqlite_db, settings, tmp_path, *councils, MISSING_MAN)
    # "blå" alone: the article never says "himmelen", so a blue sweater is no answer.
    assert not summariser.answer("Hvorfor er himmelen blå?").found
    # Two of its words there: answered.
    sweater = summariser.answer("Hvilken genser hadde mannen på seg?")
    assert sweater.found
    assert "blå genser" in sweater.text


def test_a_letter_alone_is_not_what_a_question_asks_about(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # "vitamin D" asks about a vitamin; the "D" of a page's ";D" smiley is not it. A
    # letter in a name still counts: "O'Donnell" is found.
    debate = {
        "url": "https://lokalavisa.example/debatt",
        "title": "Si ;D om skolemat",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2024-03-10T08:00:00+00:00",
        "text": (
            "Si ;D er avisens debattside for ungdom og en voksen eller to.\n"
            "En elev skriver om maten i kantina.\n"
            "Rektor Anne O'Donnell svarer at skolen vil prøve gratis frukt."
        ),
    }
    councils = [_council(town, day) for day, town in enumerate(_TOWNS)]
    summariser = summariser_over(sqlite_db, settings, tmp_path, debate, *councils)
    vitamin = summariser.answer("Hvor mye vitamin D trenger en voksen?")
    assert not vitamin.found, vitamin.text
    rector = summariser.answer("Hva svarer O'Donnell?")
    assert rector.found
    assert "gratis frukt" in rector.text


def test_a_common_name_and_a_year_are_not_what_was_asked(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # Oslo and 2019 are in many articles; an Oslo rescue of 2019 says nothing of house
    # prices, though it holds both. Asked of the rescue, it answers.
    councils = [_council(town, day) for day, town in enumerate(_TOWNS)]
    for council in councils[:15]:
        council["text"] += (
            "\nKommunen ligger en time med tog fra Oslo, og folketallet vokste i 2019."
        )
    rescue = {
        "url": "https://lokalavisa.example/oslo/redning",
        "title": "Mann reddet fra sjøen",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2019-06-10T08:00:00+00:00",
        "text": (
            "Nødetatene ble kalt ut til Tjuvholmen i Oslo natt til lørdag i 2019.\n"
            "En mann ble plukket opp av sjøen og kjørt til sykehus."
        ),
    }
    summariser = summariser_over(sqlite_db, settings, tmp_path, rescue, *councils)
    prices = summariser.answer("Hvor mye steg boligprisene i Oslo i 2019?")
    assert not prices.found, prices.text
    rescued = summariser.answer("Hvem ble plukket opp av sjøen ved Tjuvholmen?")
    assert rescued.found
    assert "En mann ble plukket opp av sjøen" in rescued.text


def test_a_set_phrase_is_not_what_a_question_asks_about(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # "i løpet av en dag" is "in a day": no race ("løpet"), and "bør" (should) no stock
    # exchange. A question about the race still finds it.
    race = {
        "url": "https://lokalavisa.example/maraton",
        "title": "Maraton i sentrum",
        "source": "Lokalavisa",
        "language": "no",
        "published": "2024-09-20T08:00:00+00:00",
        "text": (
            "Løpet starter på torget klokka ti og går langs elva.\n"
            "I løpet av kvelden blir det varmt, og arrangøren ber alle løperne drikke på "
            "drikkestasjonene.\n"
            "Veien er stengt for biler til klokka fire."
        ),
    }
    councils = [_council(town, day) for day, town in enumerate(_TOWNS)]
    summariser = summariser_over(sqlite_db, settings, tmp_path, race, *councils)
    water = summariser.answer("Hvor mye vann bør en voksen drikke i løpet av en dag?")
    assert not water.found, water.text
    start = summariser.answer("Når starter løpet?")
    assert start.found
    assert "Løpet starter på torget klokka ti" in start.text


def test_a_misspelt_name_is_told_as_the_articles_write_it(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # "Fossenholm" is read as "Fossesholm"; the caveat writes it as a name is written,
    # not "fossesholm".
    race = {
        "url": "https://sportsavisa.example/langrenn",
        "title": "Seier i fellesstarten",
        "source": "Sportsavisa",
        "language": "no",
        "published": "2024-09-20T08:00:00+00:00",
        "text": (
            "Stortalentet Helene Fossesholm stakk av med seieren i fellesstarten.\n"
            "Hun slo Ingvild Flugstad Østberg på oppløpet."
        ),
    }
    councils = [_council(town, day) for day, town in enumerate(_TOWNS)]
    summariser = summariser_over(sqlite_db, settings, tmp_path, race, *councils)
    answer = summariser.answer("Hvor mange barn har Helene Fossenholm?")
    assert answer.found
    assert "Fossesholm." in answer.note, answer.note
