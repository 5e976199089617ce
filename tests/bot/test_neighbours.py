"""When the best sentence lacks what is asked for, its neighbour that holds it is quoted."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

ELDERLY = {
    "url": "https://bergensposten.example/eldreomsorg",
    "title": "Venstre vil ha flere sykehjem",
    "source": "Bergensposten",
    "language": "no",
    "published": "2024-09-02T08:00:00+00:00",
    "text": (
        "Bergen Venstre går til valg på å bygge tre nye sykehjem i bydelene før 2030, "
        "og partiet vil samtidig styrke hjemmetjenesten i alle bydeler.\n"
        "– Dette har vært fire tapte år for de eldre i byen, sier Kari Holm.\n"
        "Bergen Venstres helsepolitiker mener byrådet har sviktet de eldre, og at "
        "ventelistene for sykehjemsplass nå er de lengste partiet har sett i byen.\n"
        "Bergen Venstre vil også gi de eldre et reelt fritt brukervalg i "
        "hjemmetjenesten, slik flere andre storbyer har gjort de siste årene.\n"
        "Bergen Venstre har regnet på kostnadene og mener at byggingen kan betales "
        "innenfor dagens budsjettrammer uten å øke eiendomsskatten i byen."
    ),
}


def test_who_question_quotes_the_name_beside_the_description(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    summariser = summariser_over(sqlite_db, settings, tmp_path, ELDERLY)
    answer = summariser.answer("Hvem er helsepolitiker i Bergen Venstre?")
    assert answer.found
    assert "Bergen Venstres helsepolitiker mener" in answer.text
    assert "sier Kari Holm" in answer.text
