"""Captions and photo credits help find an article but are never quoted as its answer."""

from __future__ import annotations

import json
from pathlib import Path

from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.ingest import Ingestor
from storage import Database

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
    path = tmp_path / "ferry.jsonl"
    path.write_text(json.dumps(FERRY, ensure_ascii=False) + "\n", encoding="utf-8")
    assert Ingestor(sqlite_db, settings).ingest([str(path)]).failed == 0
    summariser = Summariser(sqlite_db, settings)

    captain = summariser.answer("Hvem var kaptein på ferja Halsafjord?")
    assert "Kapteinen på ferja var Ola Berg" in captain.text
    assert "(t.v.)" not in captain.text

    grounded = summariser.answer("Hvor gikk ferja på grunn?")
    assert "Ferja «Halsafjord» gikk på grunn ved Halsa fredag." in grounded.text
    assert "scanpix" not in grounded.text
