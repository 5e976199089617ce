"""Optional LLM backend: a fake OpenAI-compatible server plays the model."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answer.summariser import Summariser
from bot.app import open_core
from bot.config import Settings
from bot.llm.client import LLMError, OpenAICompatible
from bot.llm.writer import LLMWriter
from storage import Database
from tests.support.fake_openai import FakeOpenAI, Reply, chat_reply, fake_openai


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with fake_openai() as server:
        yield server


def _summariser(
    db: Database, settings: Settings, fake: FakeOpenAI, timeout_s: float = 3.0
) -> Summariser:
    sleeps: list[float] = []
    client = OpenAICompatible(fake.base_url, timeout_s=timeout_s, sleep=sleeps.append)
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return Summariser(
        db, settings, writer=LLMWriter(client, "test-model", settings.answer_max_chars)
    )


QUESTION = "Hvem støtter Haftar?"


def test_the_model_gets_numbered_passages_and_its_cited_answer_is_shown(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI, libya_file: Path
) -> None:
    fake.then(
        "chat/completions",
        chat_reply("Russland støtter uoffisielt Haftar, mens Tyrkia støtter al-Sarraj [2]."),
    )
    answer = _summariser(loaded_db, settings, fake).answer(QUESTION)
    [request] = fake.bodies("chat/completions")
    assert request["model"] == "test-model"
    system, user = request["messages"]
    assert "only the numbered passages" in system["content"] and "Norwegian" in system["content"]
    assert "Question: Hvem støtter Haftar?" in user["content"]
    assert "[1] " in user["content"] and "[2] " in user["content"]
    assert "Russland uoffisielt holder med Haftars styrker" in user["content"]
    # The model cited passage 2; the user sees it renumbered as [1], with that source.
    assert answer.text == "Russland støtter uoffisielt Haftar, mens Tyrkia støtter al-Sarraj [1]."
    assert len(answer.citations) == 1 and answer.citations[0].n == 1
    cited_passage = user["content"].split("[2] ", 1)[1].split("\n", 1)[0]
    assert answer.citations[0].title == cited_passage


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (chat_reply("Russland støtter Haftar [7]."), "cites [7] but only"),
        (chat_reply("Russland støtter Haftar."), "cites no passage"),
        (chat_reply("NO ANSWER"), "found no answer"),
        (chat_reply("Russland [1]. " + "bla " * 200), "over the 500 limit"),
        (Reply(status=500, body={"error": "boom"}), "HTTP 500"),
        (Reply(body={"choices": []}), "has no message"),
    ],
)
def test_a_bad_reply_falls_back_to_the_extractive_answer(
    loaded_db: Database,
    settings: Settings,
    fake: FakeOpenAI,
    reply: Reply,
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.then("chat/completions", *([reply] * 4))
    extractive = Summariser(loaded_db, settings).answer(QUESTION)
    with caplog.at_level(logging.WARNING):
        answer = _summariser(loaded_db, settings, fake).answer(QUESTION)
    assert answer == extractive
    assert reason in caplog.text and "using the extractive answer" in caplog.text


def test_a_slow_model_times_out_and_falls_back(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI
) -> None:
    fake.then("chat/completions", Reply(body={}, delay_s=2.0))
    summariser = _summariser(loaded_db, settings, fake, timeout_s=0.5)
    answer = summariser.answer(QUESTION)
    assert "Russland uoffisielt holder med Haftars" in answer.text


def test_retries_honour_retry_after_then_succeed(fake: FakeOpenAI) -> None:
    fake.then(
        "chat/completions",
        Reply(status=429, body={}, headers={"Retry-After": "2"}),
        Reply(status=503, body={}),
        chat_reply("ok [1]"),
    )
    sleeps: list[float] = []
    client = OpenAICompatible(fake.base_url, timeout_s=30, sleep=sleeps.append, backoff_s=0.5)
    assert client.chat("m", [{"role": "user", "content": "hi"}]) == "ok [1]"
    assert sleeps == [2.0, 1.0]  # Retry-After, then exponential backoff (0.5 * 2**1)
    assert len(fake.bodies("chat/completions")) == 3


def test_retries_give_up(fake: FakeOpenAI) -> None:
    fake.then("chat/completions", *[Reply(status=500, body={})] * 5)
    client = OpenAICompatible(fake.base_url, timeout_s=30, retries=2, sleep=lambda _: None)
    with pytest.raises(LLMError, match="HTTP 500"):
        client.chat("m", [{"role": "user", "content": "hi"}])
    assert len(fake.bodies("chat/completions")) == 3


def test_api_key_is_sent_and_never_logged(
    fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    from pydantic import SecretStr

    fake.then("chat/completions", Reply(status=429, body={}), chat_reply("ok [1]"))
    client = OpenAICompatible(
        fake.base_url, api_key=SecretStr("sk-test-secret-123"), sleep=lambda _: None
    )
    with caplog.at_level(logging.DEBUG):
        client.chat("m", [{"role": "user", "content": "hi"}])
    assert fake.requests[0][2]["Authorization"] == "Bearer sk-test-secret-123"
    assert "sk-test-secret-123" not in caplog.text


def test_a_server_that_is_down_falls_back(loaded_db: Database, settings: Settings) -> None:
    client = OpenAICompatible("http://127.0.0.1:9/v1", timeout_s=1)
    summariser = Summariser(loaded_db, settings, writer=LLMWriter(client, "m", 500))
    assert "Russland uoffisielt holder med Haftars" in summariser.answer(QUESTION).text


def test_refusals_never_reach_the_model(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI
) -> None:
    answer = _summariser(loaded_db, settings, fake).answer("What did Zelensky say?")
    assert not answer.found and fake.requests == []


def test_nothing_changes_without_llm_settings(settings: Settings) -> None:
    assert open_core(settings).summariser.writer is None
    configured = settings.model_copy(
        update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m"}
    )
    assert open_core(configured).summariser.writer is not None


def test_digest_summaries_are_written_and_checked(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI
) -> None:
    from datetime import UTC, datetime

    from bot.digest import build_digest

    fake.then(
        "chat/completions",
        chat_reply(
            "Stormen Ingrid stengte 14 fergesamband, og 3000 husstander mistet strømmen [1][2]."
        ),
        chat_reply("The bank kept its rate [9]."),  # cites a report it was not given
    )
    summariser = _summariser(loaded_db, settings, fake)
    digest = build_digest(
        loaded_db,
        datetime(2024, 2, 1, tzinfo=UTC),
        datetime(2024, 2, 2, tzinfo=UTC),
        max_items=2,
        writer=summariser.writer,
    )
    storm, second = digest.items
    assert (
        storm.summary.startswith("Stormen Ingrid stengte 14 fergesamband")
        and len(storm.citations) == 2
    )
    assert "[9]" not in second.summary and second.summary  # fell back to the extractive lead
    first_request = fake.bodies("chat/completions")[0]["messages"][1]["content"]
    assert (
        first_request.startswith("[1] Stormen Ingrid stengte fergene")
        and "[2] Ingrid stanset" in first_request
    )
