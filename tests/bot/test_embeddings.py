"""Hybrid retrieval: full-text and vector rankings fused, vectors from a fake server."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.answer.summariser import Summariser
from bot.app import open_core
from bot.config import Settings
from bot.llm.client import OpenAICompatible
from bot.llm.embed import Embedder
from bot.text import sentences_of
from storage import Article, Database, SentenceVector
from tests.support.fake_openai import FakeOpenAI, fake_openai


def meaning(text: str) -> list[float]:
    """The test's own vectors: the question and the Norwegian sentence that answers it
    point one way, everything else (the English telling too) another."""
    lowered = text.lower()
    if lowered.startswith("who backs") or "russland uoffisielt" in lowered:
        return [1.0, 0.0, 0.0]
    return [0.0, 1.0, 0.1]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with fake_openai() as server:
        server.embed = meaning
        yield server


def _embedder(db: Database, fake: FakeOpenAI) -> Embedder:
    return Embedder(OpenAICompatible(fake.base_url, timeout_s=5), "test-embed", db)


def test_backlog_embeds_every_sentence_in_batches(loaded_db: Database, fake: FakeOpenAI) -> None:
    embedder = _embedder(loaded_db, fake)
    assert embedder.backlog() == 8
    with loaded_db.session() as session:
        stored = session.scalar(select(func.count()).select_from(SentenceVector))
        sentences = sum(len(sentences_of(a)) for a in session.scalars(select(Article)))
    assert stored == sentences
    assert all(body["model"] == "test-embed" for body in fake.bodies("embeddings"))
    assert embedder.backlog() == 0  # nothing left


def test_vectors_rank_the_passage_they_point_to(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI
) -> None:
    words_only = Summariser(loaded_db, settings).answer("who backs Haftar?")
    assert words_only.citations[0].source == "Harbour Times"  # shares the word "backs"
    embedder = _embedder(loaded_db, fake)
    embedder.backlog()
    hybrid = Summariser(loaded_db, settings, embedder=embedder).answer("who backs Haftar?")
    assert hybrid.found
    assert hybrid.citations[0].source in ("Dagsnytt", "fixtures")  # the Norwegian tellings
    assert "Russland uoffisielt holder med Haftars styrker" in hybrid.text


def test_embeddings_server_down_searches_by_words(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    _embedder(loaded_db, fake).backlog()
    broken = Embedder(
        OpenAICompatible("http://127.0.0.1:9/v1", timeout_s=1), "test-embed", loaded_db
    )
    with caplog.at_level(logging.WARNING):
        answer = Summariser(loaded_db, settings, embedder=broken).answer("who backs Haftar?")
    assert answer.found and "searching by words only" in caplog.text


def test_ingest_embeds_when_configured(settings: Settings, fake: FakeOpenAI, corpus_file) -> None:  # type: ignore[no-untyped-def]
    configured = settings.model_copy(
        update={"embeddings_base_url": fake.base_url, "embeddings_model": "test-embed"}
    )
    core = open_core(configured)
    assert core.ingestor.ingest([str(corpus_file)]).new == 7
    assert core.embed_backlog() == 7
    assert core.summariser.retriever.embedder is core.embedder
    core.close()


def test_an_updated_article_is_embedded_again(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI, corpus_file, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import json

    from bot.ingest import Ingestor
    from storage import articles_without_vectors

    embedder = _embedder(loaded_db, fake)
    embedder.backlog()
    record = json.loads(corpus_file.read_text(encoding="utf-8").splitlines()[0])
    changed = tmp_path / "changed.jsonl"
    record["text"] += "\nEn ny setning kom til etterpå."
    changed.write_text(json.dumps(record), encoding="utf-8")
    assert Ingestor(loaded_db, settings).ingest([str(changed)]).updated == 1
    with loaded_db.session() as session:
        assert len(articles_without_vectors(session, "test-embed")) == 1
    assert embedder.backlog() == 1


def test_a_malformed_embeddings_reply_falls_back_to_words(
    loaded_db: Database, settings: Settings, fake: FakeOpenAI
) -> None:
    from tests.support.fake_openai import Reply

    _embedder(loaded_db, fake).backlog()
    fake.then("embeddings", Reply(body={"data": [[0.1]]}))
    answer = Summariser(loaded_db, settings, embedder=_embedder(loaded_db, fake)).answer(
        "who backs Haftar?"
    )
    assert answer.found


def test_the_llm_key_is_not_sent_to_another_embeddings_server(
    settings: Settings, fake: FakeOpenAI
) -> None:
    from pydantic import SecretStr

    other = settings.model_copy(
        update={
            "llm_base_url": "https://llm.example/v1",
            "llm_model": "m",
            "llm_api_key": SecretStr("sk-llm-only"),
            "embeddings_base_url": fake.base_url,
            "embeddings_model": "test-embed",
        }
    )
    core = open_core(other)
    assert core.embedder is not None
    core.embedder.client.embed("test-embed", ["hei"])
    assert "Authorization" not in fake.requests[-1][2]
    core.close()
