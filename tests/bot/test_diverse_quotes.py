"""After the best sentence, an answer quotes what adds to it, not more of the same."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from storage import Database
from tests.support.ranking import summariser_over

COACH = {
    "url": "https://fjordbyavisa.example/trenerskifte",
    "title": "Trenerskifte i klubben etter sesongen",
    "source": "Fjordbyavisa",
    "language": "no",
    "published": "2024-10-14T08:00:00+00:00",
    "text": (
        "Ola Dahl gir seg som hovedtrener i Fjordby IL etter denne sesongen, etter fire og "
        "et halvt år i jobben, der han både har tatt klubben opp og holdt den i Eliteserien.\n"
        "Fjordby IL har hatt gode resultater under Dahl, men har slitt den siste tiden og "
        "tapt fem seriekamper på rad i Eliteserien, den verste rekken siden opprykket.\n"
        "Dahl spilte selv over 300 seriekamper for Fjordby IL fram til 2011, noe som er "
        "klubbrekord for en utespiller.\n"
        "Fjordby IL har ennå ikke sagt hvem som skal overta etter Dahl, men flere navn skal "
        "ha vært diskutert i styret de siste ukene, både norske og utenlandske.\n"
        "Supporterne i Fjordby IL har lenge vært delt i synet på treneren og hans defensive "
        "spillestil på hjemmebane.\n"
        "Fjordby IL møter Lillevik på hjemmebane søndag i en kamp klubben må vinne for å "
        "holde seg unna nedrykksplassene.\n"
        "– Vi har hatt et godt samarbeid, men nå er det riktig med nye impulser til "
        "sommeren, sier sportssjef Kari Vik."
    ),
}

# Other clubs' news: a sports director is no rare thing in the sports pages.
OTHERS = [
    {
        "url": f"https://fjordbyavisa.example/overgang-{n}",
        "title": f"{club} henter ny spiss",
        "source": "Fjordbyavisa",
        "language": "no",
        "published": f"2024-10-1{n}T08:00:00+00:00",
        "text": (
            f"{club} har hentet en ny spiss fra Sverige, bekrefter sportssjef {chief}.\n"
            f"– Han passer godt inn i laget, sier sportssjef {chief} til avisen."
        ),
    }
    for n, (club, chief) in enumerate(
        [("Lillevik", "Per Lund"), ("Nordvik FK", "Anne Moe"), ("Sandnes Ulf", "Jon Ås")]
    )
]


def test_the_sentence_holding_what_the_best_one_lacks_is_quoted(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    # Every sentence names the club; only the last says who its sports director is.
    summariser = summariser_over(sqlite_db, settings, tmp_path, COACH, *OTHERS)
    answer = summariser.answer("Hvem er sportssjef i Fjordby IL?")
    assert answer.found
    assert "sier sportssjef Kari Vik" in answer.text
