from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answer.summariser import Summariser
from bot.config import Settings
from storage import Database


@pytest.fixture
def summariser(loaded_db: Database, settings: Settings) -> Summariser:
    return Summariser(loaded_db, settings)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s*\[\d+\]\s*", text) if s.strip()]


def test_who_question_quotes_the_sentence_that_answers_it_with_its_source(
    summariser: Summariser, libya_file: Path
) -> None:
    answer = summariser.answer("Hvem støtter Haftar?")
    assert answer.found
    assert "Russland uoffisielt holder med Haftars" in answer.text
    first = answer.citations[0]
    assert first.n == 1 and first.url.startswith(("https://dagsnytt.example/", "file://"))
    assert first.title and first.published


def test_every_quoted_sentence_is_verbatim_from_its_cited_article(
    summariser: Summariser, loaded_db: Database
) -> None:
    from sqlalchemy import select

    from storage import Article

    with loaded_db.session() as session:
        texts = {a.url: a.text for a in session.scalars(select(Article))}
    for question in [
        "who backs Haftar?",
        "How many fishermen were rescued?",
        "Hvor mange ferger ble innstilt?",
    ]:
        answer = summariser.answer(question)
        assert answer.found, question
        cited = " ".join(texts[c.url] for c in answer.citations)
        for sentence in _sentences(answer.text):
            assert sentence in cited


def test_english_question_over_english_article_and_numbers_for_how_many(
    summariser: Summariser,
) -> None:
    answer = summariser.answer("How many fishermen were rescued?")
    assert "seven fishermen" in answer.text
    assert answer.citations[0].source == "Harbour Times"
    assert answer.citations[0].published == "2024-02-01 18:00 UTC"


def test_seed_form_file_is_cited_with_its_month(summariser: Summariser, libya_file: Path) -> None:
    answer = summariser.answer("Hva skjedde i Libya i 2011?")
    assert answer.citations[0].url == libya_file.resolve().as_uri()
    assert answer.citations[0].published == "2020-01"


def test_unknown_name_is_refused_plainly(summariser: Summariser) -> None:
    answer = summariser.answer("What did Zelensky say about the ceasefire?")
    assert not answer.found and answer.citations == []
    assert answer.text == "I found nothing about Zelensky in 8 indexed articles."


def test_unknown_names_are_named_as_asked_in_the_question_s_language(
    summariser: Summariser,
) -> None:
    # A full name no article holds is one subject, not "Erna or Solberg".
    answer = summariser.answer("Hvorfor gikk Erna Solberg og Jonas Støre av?")
    assert answer.text == "Jeg fant ingenting om Erna Solberg eller Jonas Støre i 8 artikler."
    answer = summariser.answer("Did Zelensky meet Erna Solberg?")
    assert answer.text == "I found nothing about Zelensky or Erna Solberg in 8 indexed articles."
    # A name asked in the genitive or in a compound is named as written, capitalised.
    answer = summariser.answer("What is Zelensky's plan for the Kyiv-summit?")
    assert answer.text == "I found nothing about Zelensky or Kyiv in 8 indexed articles."


def test_question_matching_only_common_words_is_refused(summariser: Summariser) -> None:
    answer = summariser.answer("What is the weather like on the moon these days?")
    assert not answer.found
    assert "moon" in answer.text or "no article" in answer.text


def test_answers_stay_within_the_limit(loaded_db: Database, settings: Settings) -> None:
    short = Summariser(loaded_db, settings.model_copy(update={"answer_max_chars": 120}))
    answer = short.answer("Hvem støtter Haftar?")
    assert answer.found and len(answer.text) <= 120


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "???", "!!! ... ---", "\x00\x1b\x07"])
def test_empty_or_punctuation_only_questions_get_a_clear_reply(
    summariser: Summariser, question: str
) -> None:
    answer = summariser.answer(question)
    assert not answer.found
    assert answer.text.startswith(("Ask me", "I could not find anything to look up"))


def test_search_operators_in_a_question_are_plain_words(summariser: Summariser) -> None:
    answer = summariser.answer('"" AND OR NEAR() *')
    assert not answer.found
    assert (
        answer.text == "I found no article that uses “near” in 8 indexed articles. Try other words."
    )
    assert summariser.answer('"Haftar" AND -(Moskva*)').citations  # still answered


def test_over_long_question_is_cut_with_a_note(summariser: Summariser) -> None:
    answer = summariser.answer("Who backs Haftar? " + "blah " * 3000)
    assert answer.note == "Your question was cut to its first 1000 characters."
    assert answer.found


def test_empty_database_says_so(sqlite_db: Database, settings: Settings) -> None:
    answer = Summariser(sqlite_db, settings).answer("who backs Haftar?")
    assert not answer.found and "no articles yet" in answer.text


def test_a_slightly_misspelt_name_is_still_found(summariser: Summariser) -> None:
    answer = summariser.answer("Hvem vant sprinten foran Johanesen i Holmenkollen?")
    assert answer.found and "Kari Johannessen vant sprinten" in answer.text


def test_a_name_the_matching_article_never_mentions_is_not_answered_from_it(
    summariser: Summariser,
) -> None:
    # "Bergen" is in the storm stories, the sprint is in another: neither answers this.
    answer = summariser.answer("Who won the sprint in Bergen?")
    assert not answer.found and answer.citations == []


def test_one_article_alone_answers_an_english_question_by_its_shared_name(
    sqlite_db: Database, settings: Settings, libya_file: Path
) -> None:
    from bot.ingest import Ingestor

    Ingestor(sqlite_db, settings).ingest([str(libya_file)])
    answer = Summariser(sqlite_db, settings).answer("who backs Haftar?")
    assert answer.found and "Russland uoffisielt holder med Haftars styrker" in answer.text
    assert answer.citations[0].published == "2020-01"


def test_subheadings_are_not_quoted_as_sentences() -> None:
    from bot.answer.summariser import looks_like_heading

    assert looks_like_heading("Hvem står bak partene")
    assert not looks_like_heading("Russland står bak Haftar.")
    assert not looks_like_heading(
        "Partene i den libyske borgerkrigen møttes mandag i Moskva for å undertegne"
    )


def test_the_rare_word_picks_the_article_on_sqlite_and_postgresql_alike(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    """PostgreSQL's own ranking (ts_rank_cd) knows no word's rarity: an article that
    repeats a common word outranks one holding the question's rare name. Both databases
    answer from the article with the name."""
    import json

    from bot.ingest import Ingestor

    common = "Kommunestyret behandlet budsjettet for skolen i går kveld."
    records = [
        {
            "url": f"https://lokal.example/sak-{n}",
            "title": f"Sak {n} fra kommunestyret",
            "source": "Lokalavisa",
            "language": "no",
            "published": "2024-05-02T08:00:00+00:00",
            "text": f"{common} Møtet varte i {n + 2} timer og endte sent.",
        }
        for n in range(30)
    ]
    records.append(
        {
            "url": "https://lokal.example/budsjett",
            "title": "Budsjettet for skolen, budsjettet for kommunen",
            "source": "Lokalavisa",
            "language": "no",
            "published": "2024-05-03T08:00:00+00:00",
            "text": " ".join([common] * 6 + ["Budsjettet ble vedtatt med knapt flertall."]),
        }
    )
    records.append(
        {
            "url": "https://lokal.example/rektor",
            "title": "Rektor går av",
            "source": "Lokalavisa",
            "language": "no",
            "published": "2024-05-04T08:00:00+00:00",
            "text": (
                "Rektor Ingrid Solbakken går av etter tolv år ved skolen. "
                "Hun sier budsjettet for neste år gjorde valget lett."
            ),
        }
    )
    path = tmp_path / "lokal.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    assert Ingestor(db, settings).ingest([str(path)]).failed == 0
    answer = Summariser(db, settings).answer("Hva sa Solbakken om budsjettet for skolen?")
    assert answer.found
    assert answer.citations[0].url == "https://lokal.example/rektor"
    assert "budsjettet for neste år" in answer.text


def test_a_refusal_counts_one_article_in_the_singular_and_cuts_an_endless_word(
    sqlite_db: Database, settings: Settings, libya_file: Path
) -> None:
    from bot.ingest import Ingestor

    assert Ingestor(sqlite_db, settings).ingest([str(libya_file)]).failed == 0
    summariser = Summariser(sqlite_db, settings)
    reply = summariser.answer("Who won the Eurovision song contest?")
    assert not reply.found
    assert "in 1 indexed article." in reply.text
    norsk = summariser.answer("Hvem vant Eurovision?")
    assert "i 1 artikkel." in norsk.text
    endless = summariser.answer("x" * 5000)
    assert not endless.found
    assert len(endless.text) < 200


def test_a_name_glued_into_a_compound_is_no_missing_name(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    import json

    from bot.ingest import Ingestor

    record = {
        "url": "https://avisa.example/fredsprisen",
        "title": "Fredsprisen til Abiy Ahmed",
        "source": "Avisa",
        "language": "no",
        "published": "2019-10-11T09:00:00+00:00",
        "text": (
            "Nobelkomiteen kunngjorde fredag at fredsprisen går til Etiopias statsminister "
            "Abiy Ahmed. Han får prisen for arbeidet med fred mellom Etiopia og Eritrea."
        ),
    }
    path = tmp_path / "pris.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    assert Ingestor(db, settings).ingest([str(path)]).failed == 0
    summariser = Summariser(db, settings)
    answer = summariser.answer("Hva kunngjorde Nobel om fredsprisen?")
    assert answer.found
    assert "Nobelkomiteen kunngjorde fredag" in answer.text
    # A name no word begins with is still missing.
    refused = summariser.answer("Hva kunngjorde Zelensky om fredsprisen?")
    assert not refused.found and "Zelensky" in refused.text


def test_a_norwegian_reply_writes_thousands_as_norwegian_does() -> None:
    from bot.answer.messages import count, say

    assert say("no_answer", "no", total=count(12_001, "no")) == (
        "Jeg fant ingen artikkel som svarer på det, blant 12\u00a0001 artikler."
    )
    assert say("no_answer", "en", total=count(12_001, "en")) == (
        "I found no article that answers that in 12,001 indexed articles."
    )
