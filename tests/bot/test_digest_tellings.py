"""No article's news disappears into a digest item: one outlet's several articles stay
readable, a shared teaser joins nothing, and a summary never repeats its headline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.digest import build_digest
from bot.ingest import ArticleDraft, Ingestor
from bot.render import digest_text
from storage import Database

MORNING = datetime(2024, 2, 1, 6, 0, tzinfo=UTC)
SINCE, UNTIL = MORNING - timedelta(hours=1), MORNING + timedelta(days=1)


def _article(path: str, title: str, text: str, source: str, hours: float) -> ArticleDraft:
    return ArticleDraft(
        url=f"https://{source.lower().replace(' ', '')}.example/{path}",
        title=title,
        text=text,
        source=source,
        published_at=MORNING + timedelta(hours=hours),
        published_precision="minute",
    )


def _digest_text(db: Database, settings: Settings, *drafts: ArticleDraft) -> str:
    assert Ingestor(db, settings).store(list(drafts)).failed == 0
    return digest_text(build_digest(db, SINCE, UNTIL))


STRIKE = _article(
    "strike",
    "Quintara dockworkers begin strike",
    "Dockworkers in the port of Quintara began a strike on Thursday morning. "
    "The union demands a pay rise of eight percent. No ships were unloaded in Quintara.",
    "Harbour Times",
    0,
)
STRIKE_ENDS = _article(
    "strike-ends",
    "Quintara strike ends after pay deal",
    "The dockworkers' strike in the port of Quintara ended on Thursday evening. "
    "The union accepted a pay rise of six percent. Ships are unloaded in Quintara again.",
    "Harbour Times",
    10,
)


def test_a_follow_up_from_the_same_outlet_leads_and_the_first_report_stays_listed(
    sqlite_db: Database, settings: Settings
) -> None:
    text = _digest_text(sqlite_db, settings, STRIKE, STRIKE_ENDS)

    assert text.splitlines()[2] == "1. Quintara strike ends after pay deal"
    assert "accepted a pay rise of six percent" in text
    assert "https://harbourtimes.example/strike-ends" in text
    # The strike's start is still there, by its own headline and link.
    assert (
        "   - Quintara dockworkers begin strike — Harbour Times, 2024-02-01 06:00 UTC: "
        "https://harbourtimes.example/strike" in text
    )
    assert "2. " not in text  # one story, one item


def test_the_same_story_from_another_outlet_is_still_one_item_led_by_the_first_report(
    sqlite_db: Database, settings: Settings
) -> None:
    wire = _article(
        "quintara",
        "Strike halts the port of Quintara",
        "Dockworkers in the port of Quintara began a strike on Thursday morning. "
        "The union demands a pay rise of eight percent.",
        "Coast Wire",
        2,
    )
    Ingestor(sqlite_db, settings).store([STRIKE, wire])
    [item] = build_digest(sqlite_db, SINCE, UNTIL).items
    assert item.headline == "Quintara dockworkers begin strike"
    assert [c.source for c in item.citations] == ["Harbour Times", "Coast Wire"]


def test_a_shared_paywall_teaser_does_not_join_different_headlines(
    sqlite_db: Database, settings: Settings
) -> None:
    teaser = "Read the full story for subscribers only."
    headlines = [
        "Hammerfest hospital closes its maternity ward",
        "Kirkenes airport gets a longer runway",
        "Vadsø school to be rebuilt after the fire",
    ]
    text = _digest_text(
        sqlite_db,
        settings,
        *(
            _article(f"sak{n}", title, teaser, "Finnmarken", n)
            for n, title in enumerate(headlines, start=1)
        ),
    )

    for n, title in enumerate(headlines, start=1):
        assert f". {title}\n" in text
        assert f"https://finnmarken.example/sak{n}" in text
    assert "4. " not in text
    # The teaser says nothing of the story: no item is summarised by it.
    assert teaser not in text


def test_two_events_one_outlet_told_alike_keep_both_headlines_and_links(
    sqlite_db: Database, settings: Settings
) -> None:
    text = _digest_text(
        sqlite_db,
        settings,
        _article(
            "mo",
            "Car fire on the E6 at Mo i Rana",
            "A car caught fire on the E6 at Mo i Rana on Thursday. "
            "Nobody was hurt, the police say. The road was closed for an hour.",
            "Nordpost",
            4,
        ),
        _article(
            "fauske",
            "Car fire on the E6 at Fauske",
            "A car caught fire on the E6 at Fauske on Thursday. "
            "Nobody was hurt, the police say. The road was closed for two hours.",
            "Nordpost",
            5,
        ),
    )

    for place, path in (("Mo i Rana", "mo"), ("Fauske", "fauske")):
        assert f"Car fire on the E6 at {place}" in text
        assert f"https://nordpost.example/{path}" in text


def test_an_article_at_a_second_address_under_the_same_headline_is_cited_once(
    sqlite_db: Database, settings: Settings
) -> None:
    again = ArticleDraft(
        url="https://harbourtimes.example/app/strike",
        title=STRIKE.title,
        text=STRIKE.text,
        source=STRIKE.source,
        published_at=MORNING + timedelta(hours=1),
        published_precision="minute",
    )
    Ingestor(sqlite_db, settings).store([STRIKE, again])
    [item] = build_digest(sqlite_db, SINCE, UNTIL).items
    assert [c.url for c in item.citations] == ["https://harbourtimes.example/strike"]


def test_an_article_printed_again_under_a_new_headline_keeps_its_summary(
    sqlite_db: Database, settings: Settings
) -> None:
    again = _article(
        "strike-live",
        "Quintara port at a standstill as the strike goes on",
        STRIKE.text,
        STRIKE.source,
        3,
    )
    Ingestor(sqlite_db, settings).store([STRIKE, again])
    [item] = build_digest(sqlite_db, SINCE, UNTIL).items
    assert item.headline == again.title
    assert item.summary.startswith("Dockworkers in the port of Quintara began a strike")
    assert [c.title for c in item.citations] == [again.title, STRIKE.title]


def test_a_two_sentence_headline_is_not_repeated_as_the_summary(
    sqlite_db: Database, settings: Settings
) -> None:
    title = "Mol og Sørum fortsetter å herje. Duoen er klar for EM-semifinale."
    text = _digest_text(
        sqlite_db,
        settings,
        _article(
            "mol",
            title,
            f"{title}\n"
            "Sandvolleyballspillerne Anders Mol (bildet) og Christian Sørum er klar for "
            "semifinale i EM. Foto: Pavel Golovkin / TT NYHETSBYRÅN\n"
            "I kvartfinalen ventet Julius Thole og Clemens Wickler, den tyske duoen som slo "
            "Mol og Sørum i VM-semifinalen i sommer.",
            "Sportsavisa",
            1,
        ),
    )

    [summary] = [line.strip() for line in text.splitlines() if line.startswith("   ")][:1]
    assert summary.startswith("I kvartfinalen ventet Julius Thole")
    assert "fortsetter å herje" not in summary and "Duoen er klar" not in summary
