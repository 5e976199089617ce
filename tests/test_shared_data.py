"""The real data in ../shared/data (present in CI, absent from a user's clone): the seed
article and the NorQuAD quality floor the project promises."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest

from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.ingest import Ingestor
from storage import Database
from tests.conftest import SHARED_DATA

SEED = SHARED_DATA / "seed" / "000_3298c541ebf2f95d.txt"
NORQUAD = SHARED_DATA / "norquad-news"
ENGLISH = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "questions_en.jsonl"

pytestmark = pytest.mark.skipif(
    not (SEED.exists() and (NORQUAD / "articles.jsonl").exists()),
    reason=f"the shared data set is not beside this checkout ({SHARED_DATA})",
)


def _fold(text: str) -> str:
    return " " + " ".join(re.sub(r"[^\w]+", " ", text.lower()).split()) + " "


@pytest.fixture(scope="module")
def summariser(tmp_path_factory: pytest.TempPathFactory) -> Summariser:
    path: Path = tmp_path_factory.mktemp("shared") / "shared.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{path}")  # type: ignore[call-arg]
    db = Database.open(settings.database_url)
    report = Ingestor(db, settings).ingest([str(NORQUAD / "articles.jsonl"), str(SEED)])
    assert report.summary() == "183 new, 0 updated, 0 unchanged, 0 failed"
    return Summariser(db, settings)


def test_who_backs_haftar_quotes_the_russland_sentence_from_the_seed(
    summariser: Summariser,
) -> None:
    answer = summariser.answer("who backs Haftar?")
    assert "Russland som uoffisielt står på Haftars side" in answer.text
    assert answer.citations[0].url == SEED.resolve().as_uri()
    assert answer.citations[0].published == "2020-01"


def _doc_and_answer_hits(
    summariser: Summariser, questions: list[dict[str, str]]
) -> tuple[float, float]:
    """doc@1 and answer hit over ``questions``, as ../shared/data/README.md defines them."""
    doc_hits = answer_hits = 0
    for item in questions:
        answer = summariser.answer(item["question"])
        assert len(answer.text) <= 500
        doc_hits += bool(answer.citations) and answer.citations[0].url == item["document"]
        answer_hits += answer.found and _fold(item["answer"]) in _fold(answer.text)
    return doc_hits / len(questions), answer_hits / len(questions)


def test_norquad_quality_floor(summariser: Summariser) -> None:
    questions = [json.loads(line) for line in (NORQUAD / "questions.jsonl").open(encoding="utf-8")]
    doc_at_1, answer_hit = _doc_and_answer_hits(summariser, questions)
    # Measured 0.924 and 0.870 (benchmarks/quality.py); a drop below the floor fails.
    # doc@1 was 0.933 before captions were never quoted: one answer stands only in a
    # photo caption ("Arkivbilde av ...") and is refused now; 0.929 before the candidates
    # were ranked here rather than by the index, which PostgreSQL ranks worse (0.882).
    assert doc_at_1 >= 0.92
    assert answer_hit >= 0.86


def test_english_questions_over_norwegian_articles_quality_floor(summariser: Summariser) -> None:
    if summariser.lexicon is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the FreeDict eng-nor lexicon is required in CI (make setup installs it)")
        pytest.skip(
            "no English-Norwegian lexicon installed (apt-get install dict-freedict-eng-nor)"
        )
    questions = [json.loads(line) for line in ENGLISH.open(encoding="utf-8")]
    doc_at_1, answer_hit = _doc_and_answer_hits(summariser, questions)
    # Measured 0.807 and 0.693 (0.391 and 0.252 without the lexicon).
    assert doc_at_1 >= 0.79
    assert answer_hit >= 0.68


NYNORSK = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "questions_nn.jsonl"


def test_nynorsk_questions_quality_floor(summariser: Summariser) -> None:
    if summariser.nynorsk is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "the FreeDict nno-nob dictionary is required in CI (make setup installs it)"
            )
        pytest.skip(
            "no Nynorsk-Bokmål dictionary installed (apt-get install dict-freedict-nno-nob)"
        )
    questions = [json.loads(line) for line in NYNORSK.open(encoding="utf-8")]
    doc_at_1, answer_hit = _doc_and_answer_hits(summariser, questions)
    # Measured 0.864 and 0.786 with the Nynorsk-Bokmål dictionary; 0.807 and 0.729 without
    # it, once Nynorsk's function words ("kva", "frå", "ikkje") were no search terms and
    # its question words asked as Bokmål's do; 0.586 and 0.514 before that.
    assert doc_at_1 >= 0.86
    assert answer_hit >= 0.78


ABSENT = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "absent.jsonl"


@pytest.mark.parametrize("language", ["no", "en"])
def test_questions_about_what_no_article_tells_are_refused(
    summariser: Summariser, language: str
) -> None:
    questions = [
        item["question"]
        for item in map(json.loads, ABSENT.open(encoding="utf-8"))
        if item["language"] == language
    ]
    answered = [q for q in questions if summariser.answer(q).found]
    # Measured 47 of 52 refused in Norwegian, 48 of 50 in English; each is a false answer.
    assert len(answered) <= 0.15 * len(questions), answered


@pytest.mark.parametrize(("language", "floor"), [("no", 84), ("en", 83)])
def test_fresh_questions_about_what_no_article_tells_are_refused_as_often_as_measured(
    summariser: Summariser, language: str, floor: int
) -> None:
    # Questions written without sight of the bot's answers: many still get the nearest
    # sentence (measured: refused 84 of 132 in Norwegian, 83 of 133 in English; topics
    # no article touches 58 and 53 of 66, a named person's untold event far fewer), and
    # fewer refusals than that would be a step back.
    questions = [
        item["question"]
        for item in map(json.loads, ABSENT.with_name("absent_fresh.jsonl").open(encoding="utf-8"))
        if item["language"] == language
    ]
    refused = [q for q in questions if not summariser.answer(q).found]
    assert len(refused) >= floor, len(refused)


def test_own_questions_ask_about_the_tuning_half_with_answers_from_the_article() -> None:
    # The benchmark's own questions are only worth tuning on while the checking half's
    # documents stay unseen, and only count a hit when their answer is the article's.
    own = ENGLISH.with_name("own_questions.jsonl")
    questions = [json.loads(line) for line in own.open(encoding="utf-8")]
    articles = {
        item["url"]: item["text"]
        for item in map(json.loads, (NORQUAD / "articles.jsonl").open(encoding="utf-8"))
    }
    norquad = [json.loads(line) for line in (NORQUAD / "questions.jsonl").open(encoding="utf-8")]
    documents = sorted({item["document"] for item in norquad})
    random.Random(11).shuffle(documents)
    tuning = set(documents[: len(documents) // 2])
    assert len(questions) >= 500
    for item in questions:
        assert item["document"] in tuning, item
        assert item["answer"] in articles[item["document"]], item
        assert item["question"].strip() and item["question_en"].strip(), item
