"""Captions and photo credits help find an article but are never quoted as its answer."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

FERRY = {
    "url": "https://fjordposten.example/grunnstoting",
    "title": "Ferje gikk på grunn ved Halsa",
    "source": "Fjordposten",
    "language": "no",
    "published": "2024-03-08T07:00:00+00:00",
    "text": (
        "FOTO: Kari Nordmann / NTB scanpix Ferja «Halsafjord» gikk på grunn ved Halsa fredag.\n"
        "Kaptein Ola Berg (t.v.) og styrmann Per Lie på brua på ferja «Halsafjord».\n"
        "Ingen av de 40 passasjerene ble skadd, opplyser rederiet.\n"
        "Kapteinen på ferja var Ola Berg, som har ført den i ti år."
    ),
}


def test_an_answer_quotes_the_statement_not_the_caption_nor_the_credit(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, FERRY)

    captain = summariser.answer("Hvem var kaptein på ferja Halsafjord?")
    assert "Kapteinen på ferja var Ola Berg" in captain.text
    assert "(t.v.)" not in captain.text

    grounded = summariser.answer("Hvor gikk ferja på grunn?")
    assert "Ferja «Halsafjord» gikk på grunn ved Halsa fredag." in grounded.text
    assert "scanpix" not in grounded.text


BEARS = {
    "url": "https://grenseposten.example/bjornemote",
    "title": "Bjørnemor med to unger på grusveien",
    "source": "Grenseposten",
    "language": "no",
    "published": "2024-05-11T09:00:00+00:00",
    "text": (
        "Guiden Per Sotkajærvi møtte en bjørnemor med to unger i Pasvikdalen lørdag.\n"
        "Per Sotkajærvi.\n"
        "– Vi ble stående helt stille i bilen, forteller Sotkajærvi.\n"
        "(Arkivfoto)\n"
        "Per Sotkajærvi.\n"
        "Han hadde med seg to britiske fugleturister.\n"
        "– Vi ble stående helt stille i bilen, forteller Sotkajærvi.\n"
        "Bjørnene gikk rolig videre inn i skogen etter noen minutter."
    ),
}


def test_an_answer_says_each_sentence_once_and_no_name_under_a_portrait(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # The article repeats a quote (pulled out as a heading), names its guide alone on a
    # line twice (the caption of his portrait) and credits a photo: the answer quotes
    # neither twice, nor the captions at all.
    summariser = summariser_over(sqlite_db, settings, tmp_path, BEARS)
    answer = summariser.answer("Hva gjorde Sotkajærvi da han møtte bjørnene?")
    assert answer.found
    quoted = [part.strip() for part in answer.text.split("[1]") if part.strip()]
    assert len(quoted) == len(set(quoted)) >= 2
    assert "Per Sotkajærvi." not in quoted
    # A short quote is followed by the next sentence, but not by a photo credit.
    car = summariser.answer("Hva gjorde de i bilen?")
    assert "stille i bilen" in car.text
    assert "Arkivfoto" not in car.text


INTERVIEW = {
    "url": "https://fjordbyavisa.example/ny-trener",
    "title": "Klubben har funnet sin nye trener",
    "source": "Fjordbyavisa",
    "language": "no",
    "published": "2024-11-02T08:00:00+00:00",
    "text": (
        "Styret brukte tre uker på å finne en ny trener etter at den gamle sa opp.\n"
        "Hvem blir ny hovedtrener i Fjordby IL?\n"
        "Kjetil Knutsen.\n"
        "Han kommer fra et lite opphold i utlandet og begynner i januar."
    ),
}


def test_a_name_alone_after_a_question_is_its_answer_not_a_caption(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # An interview asks and answers: the name on its own line after "Hvem ...?" is the
    # answer, though the same line under a portrait would be a caption.
    summariser = summariser_over(sqlite_db, settings, tmp_path, INTERVIEW)
    answer = summariser.answer("Hvem blir ny hovedtrener i Fjordby IL?")
    assert answer.found
    assert "Kjetil Knutsen." in answer.text


ASSAULT = {
    "url": "https://byavisa.example/overfall",
    "title": "Sportssjef overfalt i Oslo",
    "source": "Byavisa",
    "language": "no",
    "published": "2024-06-02T07:00:00+00:00",
    "text": (
        "Jon Lauvås, her fra en tidligere anledning.\n"
        "Les også: Slik ble sesongen for klubben\n"
        "Jon Lauvås, sportssjef i klubben, ble overfalt på Grünerløkka natt til lørdag.\n"
        "En mann i 20-årene er pågrepet, opplyser politiet.\n"
        "(Kilde: Politiets operasjonssentral)"
    ),
}


def test_a_portrait_line_a_story_pointer_and_a_source_line_are_never_quoted(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, ASSAULT)
    for question in ("Hva skjedde med Jon Lauvås?", "Hvem ble overfalt på Grünerløkka?"):
        answer = summariser.answer(question)
        assert answer.text.startswith("Jon Lauvås, sportssjef i klubben, ble overfalt"), answer.text
        assert "tidligere anledning" not in answer.text and "Les også" not in answer.text
    source = summariser.answer("Hva sa politiets operasjonssentral?")
    assert "(Kilde:" not in source.text


WIRE_STORY = {
    "url": "https://kystavisa.example/ferjer",
    "title": "Ferjer innstilt i Nordland",
    "source": "Kystavisa",
    "language": "no",
    "published": "2024-03-12T10:15:00+00:00",
    "text": (
        "Sist oppdatert 12. mars 2024 kl. 10.15\n"
        "Tolv ferjesamband i Nordland ble innstilt tirsdag på grunn av uværet.\n"
        "Vinden nådde 35 meter i sekundet på Bodø lufthavn i natt.\n"
        "Saken ble først publisert i Lofotposten.\n"
        "Monday, 11 March 2024\n"
        "Mannskapene jobbet hele natten for å få strømmen tilbake til 4000 hjem i Lofoten."
    ),
}


def test_a_line_that_only_dates_the_story_is_never_quoted(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # When it was published or updated, and where it ran first, is what the source line
    # says: the answer quotes what happened.
    summariser = summariser_over(sqlite_db, settings, tmp_path, WIRE_STORY)
    for question in ("Hvor mange ferjesamband ble innstilt i Nordland?", "Hva sa vinden i Bodø?"):
        answer = summariser.answer(question)
        assert answer.found
        assert "Tolv ferjesamband" in answer.text or "35 meter" in answer.text
        for line in ("Sist oppdatert", "først publisert", "Monday"):
            assert line not in answer.text, answer.text


def test_datelines_in_other_languages_are_told_from_times_that_say_what_happens() -> None:
    from bot.text.captions import is_caption

    for line in (
        "Latest update May 6th, 2022 12:49 AM May 06, 2022 News",
        "Stand des Artikels: 26. Februar 2020, 12:30 Uhr.",
        "Article mis à jour le 7 janvier 2020.",
        "22.12.2018",
        "This article originally appeared on VICE US.",
        "(KGO) --",
    ):
        assert is_caption(line), line
    for sentence in (
        "Avspark 18.30.",
        "I 2019.",
        "Han kom mandag 12. mars.",
        "Det var 13. mars.",
        # A date is what these say: "Når er valget?" is answered by the first.
        "Valget er 8. september.",
        "Closed on Monday.",
        "Søknadsfrist: 15. april.",
        "The article was published in Nature on Monday.",
        "Artikkelen ble publisert i tidsskriftet Science i går.",
        # Bild is a newspaper too, and a picture in a figure of speech.
        "Merz sagte der Bild: „Wir schaffen das nicht allein.“",
        "Es ergibt sich folgendes Bild: Die SPD verliert deutlich.",
    ):
        assert not is_caption(sentence), sentence
