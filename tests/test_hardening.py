"""Hostile input and hard stops: property tests over questions and ingested files, and a
SIGKILL in the middle of a 10,000-article ingest."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.ingest import Ingestor
from bot.ingest.model import ArticleDraft, normalise
from bot.text import sentences_of
from bot.types import Answer
from storage import Article, Database, check_database, store_articles, utcnow

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[1]

# -- (a) no question breaks the answerer -------------------------------------------------------

SEARCH_SYNTAX = [
    "AND",
    "OR",
    "NOT",
    "NEAR(",
    "NEAR/2",
    '"',
    "*",
    "^",
    ":",
    "-",
    "+",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "'",
    ";",
    "--",
    "/*",
    "*/",
    "%",
    "_",
    "\\",
    "&",
    "|",
    "!",
    "<->",
    "@@",
    "title:",
    "search_terms:",
    "article_fts",
    "'; DROP TABLE articles; --",
    "\x00",
    "\u200b",
    "\ufeff",
]
NEWS_WORDS = [
    "Haftar",
    "Haftars",
    "Libya",
    "Tyrkia",
    "Russland",
    "hvem",
    "støtter",
    "who",
    "backs",
    "how",
    "many",
]

QUESTIONS = st.one_of(
    st.text(max_size=400),  # any Unicode (hypothesis leaves out surrogates), controls included
    st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=200),  # ASCII and C0/C1 controls
    st.lists(st.sampled_from(SEARCH_SYNTAX + NEWS_WORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(SEARCH_SYNTAX + NEWS_WORDS), max_size=40).map("".join),
    # Long ones, up to 100,000 characters, built by repetition so generating them stays cheap.
    st.builds(
        lambda piece, times: (piece * times)[:100_000],
        st.text(min_size=1, max_size=30),
        st.integers(min_value=100, max_value=100_000),
    ),
)


def test_no_question_raises_out_of_the_answerer(loaded_db: Database, settings: Settings) -> None:
    summariser = Summariser(loaded_db, settings)

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(question=QUESTIONS)
    def check(question: str) -> None:
        answer = summariser.answer(question)
        assert isinstance(answer, Answer)
        assert isinstance(answer.found, bool)
        assert answer.text.strip()

    check()


# -- (b) ingest fuzzing ----------------------------------------------------------------------

SEED = (FIXTURES / "libya_2020-01.txt").read_bytes()
RSS_DOCUMENT = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Dagsnytt</title><link>https://dagsnytt.example/</link>
<item><title>Våpenhvile i Libya</title><link>https://dagsnytt.example/libya?utm_source=rss</link>
<pubDate>Mon, 13 Jan 2020 09:00:00 GMT</pubDate>
<description><![CDATA[<p>Partene i den libyske borgerkrigen møttes mandag i Moskva. Tyrkia støtter
regjeringen i Tripoli, mens Russland holder med Haftars styrker.</p>]]></description></item>
<item><title>Storm på Vestlandet</title><link>https://dagsnytt.example/storm</link>
<description>Stormen Ingrid stengte fergene, og 3000 husstander
mistet strømmen natt til torsdag.</description></item>
</channel></rss>""".encode()

TRICKY_BYTES = [
    b"\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xe2\x80\x8b",
    b"\r\n",
    b"\r",
    b"\x1b[31m",
    b"<!ENTITY",
    b"<!DOCTYPE rss [",
    b"]]>",
    b"<![CDATA[",
    b"&amp;",
    b"&#0;",
    b"&#x1F;",
    b"&nbsp;",
    b"date ",
    b"date 2020-13-45 ",
    b"<item>",
    b"</item>",
    b"<link>",
    b"<script>",
    b"\xc3",
    b"\xa0",
    b"Haftars",
    "våpenhvile bl.a. 15. juli kl. 15".encode(),
    b'{"url": "x", "text": "y"}\n',
]
SUFFIXES = [".txt", ".md", "", ".html", ".htm", ".xml", ".rss", ".atom", ".jsonl", ".ndjson"]
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        operation = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        if operation == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(min_value=0, max_value=255))
        elif operation == "insert":
            data[at:at] = draw(st.sampled_from(TRICKY_BYTES) | st.binary(max_size=24))
        elif operation == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=80))]
        elif operation == "truncate":
            del data[at:]
        elif operation == "repeat":
            data[at:at] = data[max(0, at - 60) : at] * draw(st.integers(min_value=1, max_value=20))
    return bytes(data)


def _jsonl(records: list[dict[str, object]]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


JSONL_RECORDS = st.lists(
    st.fixed_dictionaries(
        {"url": st.one_of(st.text(max_size=40), st.just("https://dagsnytt.example/x"))},
        optional={
            "text": st.one_of(st.text(max_size=300), st.just(SEED.decode())),
            "title": st.text(max_size=50),
            "published": st.one_of(st.text(max_size=25), st.just("2020-01-13T10:00:00+01:00")),
            "language": st.text(max_size=20),
        },
    ),
    max_size=5,
).map(_jsonl)

INPUTS = st.one_of(
    st.tuples(st.binary(max_size=3000), st.sampled_from(SUFFIXES)),
    st.tuples(mutated(SEED), st.sampled_from([".txt", ".txt", ".md", ".html", ".jsonl"])),
    st.tuples(mutated(RSS_DOCUMENT), st.sampled_from([".rss", ".xml", ".atom", ".txt"])),
    st.tuples(
        mutated(_jsonl([{"url": "https://a.example/1", "text": SEED.decode()}])), st.just(".jsonl")
    ),
    st.tuples(JSONL_RECORDS, st.just(".jsonl")),
)


def _assert_clean(db: Database, max_chars: int) -> None:
    with db.session() as session:
        assert check_database(session) == []
        for article in session.scalars(select(Article)):
            assert article.text.strip() and any(ch.isalpha() for ch in article.text), article.url
            assert not _CONTROL.search(article.text) and not _CONTROL.search(article.title), (
                article.url
            )
            assert "\n" not in article.title and len(article.text) <= max_chars
            sentences = sentences_of(article)
            assert sentences and all(isinstance(s, str) and s.strip() for s in sentences)
            assert article.search_terms.strip()


def test_ingesting_hostile_files_stores_clean_articles_or_says_why(
    sqlite_db: Database, settings: Settings, tmp_path: Path
) -> None:
    ingestor = Ingestor(sqlite_db, settings)
    names = count()

    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(case=INPUTS)
    # Found by longer runs of this test; kept so every run tries them.
    @example(case=(b"\xff\xfe", ".jsonl"))  # a byte-order mark and nothing else
    @example(case=("\n \n".encode("utf-16"), ".txt"))
    def check(case: tuple[bytes, str]) -> None:
        data, suffix = case
        path = tmp_path / f"input-{next(names)}{suffix}"
        path.write_bytes(data)
        note(f"{path.name}: {data[:300]!r}")
        report = ingestor.ingest([str(path)])  # must not raise, whatever the bytes
        for failure in report.failures:
            assert failure.where and failure.reason.strip() and "Traceback" not in failure.reason
        accounted = report.new + report.updated + report.unchanged + report.failed
        # Only a well-formed feed with no usable items may add nothing and fail nothing.
        assert accounted >= 1 or suffix in FEED_SUFFIXES, report.summary()
        _assert_clean(sqlite_db, settings.article_max_chars)

    check()
    with sqlite_db.session() as session:  # the inputs were not all refused: the property had teeth
        assert session.scalar(select(func.count(Article.id)))


# -- doctor ----------------------------------------------------------------------------------


def test_doctor_finds_what_a_crash_or_a_bug_could_leave(loaded_db: Database) -> None:
    with loaded_db.session() as session:
        assert check_database(session) == []
        first = session.scalars(select(Article).order_by(Article.id)).first()
        assert first is not None
        article_id, terms = first.id, first.search_terms
    damage = {
        "1 article has no text": "UPDATE articles SET text = '' WHERE id = :id",
        "1 article has no search terms": "UPDATE articles SET search_terms = '' WHERE id = :id",
        "the search index holds 7 articles but the articles table 8": (
            "INSERT INTO article_fts(article_fts, rowid, search_terms) "
            "VALUES ('delete', :id, :terms)"
        ),
        "the article count says 9 but the articles table holds 8": (
            "UPDATE article_count SET value = value + 1"
        ),
    }
    for finding, sql in damage.items():
        # Each damage in a transaction of its own, rolled back after the check.
        with loaded_db.engine.connect() as connection, connection.begin() as transaction:
            session = Session(bind=connection)
            session.execute(text(sql), {"id": article_id, "terms": terms})
            problems = check_database(session)
            transaction.rollback()
        assert any(finding in problem for problem in problems), (finding, problems)


def test_doctor_finds_half_stored_articles_on_every_dialect(db: Database) -> None:
    draft = ArticleDraft(
        url="https://dagsnytt.example/storm",
        title="Storm",
        text="Stormen Ingrid stengte fergene på Vestlandet natt til torsdag.",
    )
    with db.session() as session:
        store_articles(session, [normalise(draft, max_chars=10_000)], utcnow())
    with db.session() as session:
        assert check_database(session) == []
    with db.engine.connect() as connection, connection.begin() as transaction:
        session = Session(bind=connection)
        session.execute(text("UPDATE articles SET text = ' ', search_terms = ''"))
        problems = check_database(session)
        transaction.rollback()
    assert "1 article has no text" in problems and "1 article has no search terms" in problems


# -- (c) SIGKILL in the middle of an ingest --------------------------------------------------

ARTICLES = 10_000
_WORDS = (
    "storm ferry harbour minister council river bridge vote budget school hospital road "
    "fergene stormen kommunen statsråden brua valget budsjettet skolen sykehuset veien"
).split()


def _write_corpus(path: Path, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(ARTICLES):
            body = " ".join(rng.choice(_WORDS) for _ in range(30))
            record: dict[str, object] = {
                "url": f"https://news.example/{n % 97}/article-{n}",
                "title": f"Story number {n}",
                "text": f"Article {n} reports on the {body}. The count was {n}.",
                "published": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            }
            if n % 10:  # most with a language, some left to detection
                record["language"] = "en"
            out.write(json.dumps(record) + "\n")


def _newsbot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _stored(db_file: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(db_file, timeout=0.5)) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created or migrated yet


def _interruptible() -> None:
    """Ctrl-C as a terminal delivers it: a test run started in the background (`pytest &`
    from a script) ignores SIGINT, and so would every process it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _ingesting(
    corpus: Path,
    env: dict[str, str],
    cwd: Path,
    stderr: int = subprocess.DEVNULL,
    interruptible: bool = False,
) -> subprocess.Popen[str]:
    """`newsbot ingest corpus` started in a process of its own (``interruptible``: in a
    process group of its own too, as a terminal runs a command)."""
    return subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "ingest", str(corpus)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
        preexec_fn=_interruptible if interruptible else None,
        start_new_session=interruptible,
    )


def _wait_until_stored(
    process: subprocess.Popen[str], db_file: Path, target: int, note: str = ""
) -> None:
    """Wait until the ingest has committed ``target`` articles, still running."""
    give_up = time.monotonic() + 60
    while _stored(db_file) < target:
        assert process.poll() is None, f"ingest ended before {target} were stored{note}"
        assert time.monotonic() < give_up, "ingest wrote nothing within 60 s"
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_during_an_ingest_loses_nothing(tmp_path: Path) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    corpus = tmp_path / "many.jsonl"
    _write_corpus(corpus, rng)
    db_file = tmp_path / "killed.db"
    # cwd is tmp_path so no developer .env is read; the database comes from the environment.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "PYTHONPATH": str(PROJECT)}

    process = _ingesting(corpus, env, tmp_path)
    try:
        # Wait until it has committed some batches, then kill it a random moment later,
        # typically in the middle of normalising or writing the next batch. Early enough
        # that it cannot finish first: the text work runs ahead in worker processes, so
        # on a quiet machine the writer commits the last 4,000 within 0.3 s.
        _wait_until_stored(process, db_file, rng.randrange(300, 3_001), f" (seed {seed})")
        time.sleep(rng.uniform(0.0, 0.1))
        assert process.poll() is None, f"ingest finished before the kill (seed {seed})"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    survived = _stored(db_file)
    assert 0 < survived < ARTICLES, f"seed {seed}"
    doctor = _newsbot("doctor", env=env, cwd=tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert doctor.stdout.splitlines()[0] == (
        f"ok    database: {survived:,} articles, search index in step"
    )

    again = _newsbot("ingest", str(corpus), env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    summary = again.stdout.strip().splitlines()[-1]
    new, updated, unchanged, failed = (int(n) for n in re.findall(r"\d+", summary)[:4])
    assert (new + unchanged, updated, failed) == (ARTICLES, 0, 0), f"{summary} (seed {seed})"
    assert unchanged == survived

    doctor = _newsbot("doctor", env=env, cwd=tmp_path)
    assert doctor.returncode == 0, doctor.stdout
    assert f"ok    database: {ARTICLES:,} articles" in doctor.stdout, doctor.stdout
    database = Database.open(f"sqlite:///{db_file}")
    try:
        with database.session() as session:
            urls = session.scalar(select(func.count(func.distinct(Article.url))))
            rows = session.scalar(select(func.count(Article.id)))
            assert urls == rows == ARTICLES
            assert check_database(session) == []
    finally:
        database.close()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs SIGINT")
def test_ctrl_c_during_an_ingest_says_what_stays_and_how_to_finish(tmp_path: Path) -> None:
    rng = random.Random(3)
    corpus = tmp_path / "many.jsonl"
    _write_corpus(corpus, rng)
    db_file = tmp_path / "interrupted.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "PYTHONPATH": str(PROJECT)}
    # Two worker processes normalise (the corpus is past POOL_AFTER), and Ctrl-C reaches
    # them too: a terminal sends it to the whole process group.
    env["INGEST_WORKERS"] = "2"
    process = _ingesting(corpus, env, tmp_path, stderr=subprocess.PIPE, interruptible=True)
    try:
        _wait_until_stored(process, db_file, 500)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert "interrupted: what was stored stays; the same command again stores the rest" in stderr
    assert "Traceback" not in stderr
    again = _newsbot("ingest", str(corpus), env=env, cwd=tmp_path)
    assert again.returncode == 0
    assert _stored(db_file) == ARTICLES
