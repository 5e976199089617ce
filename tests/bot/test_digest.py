from __future__ import annotations

from datetime import UTC, datetime

from bot.digest import build_digest
from storage import Database

DAY_START = datetime(2024, 2, 1, tzinfo=UTC)
DAY_END = datetime(2024, 2, 2, tzinfo=UTC)


def test_the_same_story_from_two_outlets_is_one_item_ranked_first(loaded_db: Database) -> None:
    digest = build_digest(loaded_db, DAY_START, DAY_END)
    assert len(digest.items) == 4  # storm (two outlets), rate, sprint, rescue
    storm = digest.items[0]
    assert "Ingrid" in storm.headline
    assert [c.source for c in storm.citations] == ["Dagsnytt", "Nordlys Avis"]
    assert [c.n for c in storm.citations] == [1, 2]
    assert storm.summary.startswith("Stormen Ingrid nådde Bergen")
    others = [item.headline for item in digest.items[1:]]
    assert others[0] == "Fishing boat crew rescued off the coast"  # then newest first


def test_digest_window_and_topic(loaded_db: Database) -> None:
    assert build_digest(loaded_db, DAY_END, datetime(2024, 3, 1, tzinfo=UTC)).items == []
    libya = build_digest(
        loaded_db, datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 2, 1, tzinfo=UTC)
    )
    # The seed-form file, dated only 2020-01, counts from the month's start. Its story and
    # Dagsnytt's are one item; the English telling shares too few words to be merged.
    assert [[c.source for c in item.citations] for item in libya.items] == [
        ["fixtures", "Dagsnytt"],
        ["Harbour Times"],
    ]
    topical = build_digest(loaded_db, DAY_START, DAY_END, topic="interest rate")
    assert [item.headline for item in topical.items] == [
        "Central bank holds its rate at 4.5 percent"
    ]


def test_max_items_and_json_shape(loaded_db: Database) -> None:
    digest = build_digest(loaded_db, DAY_START, DAY_END, max_items=2)
    data = digest.as_dict()
    assert len(data["items"]) == 2
    assert set(data["items"][0]) == {"headline", "summary", "citations"}
    assert set(data["items"][0]["citations"][0]) == {"n", "title", "url", "source", "published"}
    assert data["since"] == "2024-02-01T00:00:00+00:00"


def test_photo_credits_are_not_summaries(sqlite_db: Database, settings) -> None:  # type: ignore[no-untyped-def]
    from bot.ingest import ArticleDraft, Ingestor

    Ingestor(sqlite_db, settings).store(
        [
            ArticleDraft(
                url="https://example.no/kreditt",
                title="Ny bro åpnet i Tromsø",
                text="Ny bro åpnet i Tromsø\n"
                "ÅPNET: Ordføreren klipper snoren. Foto: Ola Nordmann / NTB\n"
                "Den nye brua over sundet åpnet lørdag etter tre års bygging.",
                published_at=DAY_START,
                published_precision="day",
            )
        ]
    )
    [item] = build_digest(sqlite_db, DAY_START, DAY_END).items
    assert item.summary.startswith("Den nye brua over sundet åpnet lørdag")


def test_with_a_topic_the_story_most_about_it_leads(sqlite_db: Database, settings) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bot.ingest import ArticleDraft, Ingestor

    Ingestor(sqlite_db, settings).store(
        [
            ArticleDraft(
                url="https://a.example/bro",
                title="Ny bro over Tromsøysundet",
                text=(
                    "Tromsø fikk ny bro lørdag. Brua i Tromsø er 1200 meter lang, "
                    "og Tromsø kommune betalte halvparten."
                ),
                source="Nordlys",
                published_at=DAY_START,
                published_precision="day",
            ),
            ArticleDraft(
                url="https://b.example/fisk",
                title="Rekordår for fiskeeksporten",
                text=(
                    "Eksporten av sjømat økte med 12 prosent i fjor. "
                    "Mest gikk til Polen, noe via Tromsø."
                ),
                source="Fiskeribladet",
                published_at=DAY_START + timedelta(hours=5),
                published_precision="day",
            ),
        ]
    )
    digest = build_digest(sqlite_db, DAY_START, DAY_END, topic="Tromsø")
    assert [item.headline for item in digest.items][0] == "Ny bro over Tromsøysundet"
