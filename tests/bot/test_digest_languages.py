"""One story told in Norwegian and in English is one digest item (through the lexicon)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.digest import build_digest
from bot.ingest import Ingestor
from bot.text.lexicon import read_lexicon, resolve_paths
from storage import Database
from tests.bot.test_lexicon import write_dictd

ENTRIES = {
    "moscow": "Moscow <pn>\nMoskva\ncapital city of Russia\n",
    "ceasefire": "ceasefire <n>\nvåpenhvile\na truce\n",
    "agreement": "agreement <n>\navtale\nan understanding\n",
    "sign": "sign <v>\nsignere, undertegne\nto write one's name\n",
    "meet": "meet <v>\nmøte\nto come together\n",
    "capital": "capital <n>\nhovedstad\nthe seat of government\n",
    "sunday": "Sunday <n>\nsøndag\nday of the week\n",
    "monday": "Monday <n>\nmandag\nday of the week\n",
    "turkey": "Turkey <pn>\nTyrkia\ncountry\n",
    "government": "government <n>\nregjering\nthe cabinet\n",
    "support": "support <v>\nstøtte\nto help\n",
}
NOW = datetime(2020, 1, 13, 18, 0, tzinfo=UTC)
ARTICLES = [
    {
        "url": "https://dagsnytt.example/moskva",
        "title": "Partene i Libya møtes i Moskva for å undertegne våpenhvile",
        "source": "Dagsnytt",
        "language": "no",
        "published": "2020-01-13T08:00:00+00:00",
        "text": (
            "Partene i Libya møtes i Moskva mandag for å undertegne en avtale om våpenhvile.\n"
            "Khalifa Haftar kom til hovedstaden søndag.\n"
            "Tyrkia støtter regjeringen i Tripoli."
        ),
    },
    {
        "url": "https://harbour.example/moscow",
        "title": "Libya's rivals meet in Moscow to sign a ceasefire",
        "source": "Harbour Times",
        "language": "en",
        "published": "2020-01-13T11:00:00+00:00",
        "text": (
            "The rival sides in Libya meet in Moscow on Monday to sign a ceasefire agreement.\n"
            "Khalifa Haftar arrived in the capital on Sunday.\n"
            "Turkey supports the government in Tripoli."
        ),
    },
    {
        "url": "https://fjordposten.example/ferje",
        "title": "Ferjesambandet stengt etter uværet",
        "source": "Fjordposten",
        "language": "no",
        "published": "2020-01-13T09:00:00+00:00",
        "text": (
            "Ferjesambandet mellom Halsa og Kanestraum ble stengt mandag etter uværet.\n"
            "Rederiet venter at sambandet er i drift igjen om en uke."
        ),
    },
]


def _ingest(db: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "stories.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n")
    assert Ingestor(db, settings).ingest([str(path)]).failed == 0


def test_one_story_in_two_languages_is_one_item_with_both_links(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    _ingest(sqlite_db, settings, tmp_path)
    lexicon = read_lexicon(resolve_paths(str(write_dictd(tmp_path, ENTRIES))))
    digest = build_digest(sqlite_db, NOW - timedelta(days=1), NOW, lexicon=lexicon)
    assert len(digest.items) == 2
    libya = next(item for item in digest.items if "Libya" in item.headline)
    assert {c.source for c in libya.citations} == {"Dagsnytt", "Harbour Times"}


def test_without_a_lexicon_the_two_tellings_stay_apart(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    _ingest(sqlite_db, settings, tmp_path)
    digest = build_digest(sqlite_db, NOW - timedelta(days=1), NOW, lexicon=None)
    assert len(digest.items) == 3
