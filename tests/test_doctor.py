"""`newsbot doctor` on the core's parts: model servers (a models call) and feeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.doctor import doctor
from tests.support.fake_openai import fake_openai
from tests.support.httpserver import serve


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.db'}", "LOAD_DEMO_CORPUS": "false"}


async def test_model_servers_are_asked_for_their_models(env: dict[str, str]) -> None:
    with fake_openai() as server:
        models = {
            "LLM_BASE_URL": server.base_url,
            "LLM_MODEL": "llama3.1",
            "EMBEDDINGS_MODEL": "bge-m3",
        }
        report = await doctor(env | models)
    assert report.exit_code == 0  # a model the server does not list is a warning
    assert f"ok    LLM: llama3.1 at {server.base_url}" in report.lines
    assert (
        f"warn  embeddings: {server.base_url} does not list bge-m3 (it lists llama3.1, "
        "nomic-embed-text) — check EMBEDDINGS_MODEL, or pull the model on that server"
        in report.lines
    )
    assert [path for path, *_ in server.requests] == ["models", "models"] * 2


async def test_an_unreachable_model_server_fails(env: dict[str, str]) -> None:
    with fake_openai() as server:
        gone = server.base_url  # nothing listens there once the server is closed
    report = await doctor(env | {"LLM_BASE_URL": gone, "LLM_MODEL": "llama3.1"})
    assert report.exit_code == 1
    assert report.status("LLM") == "fail"
    assert any(
        line.startswith(f"fail  LLM: {gone}: cannot reach the model server")
        and line.endswith("answers stay extractive until it answers")
        for line in report.lines
    )


async def test_a_feed_that_keeps_failing_fails_and_a_new_one_warns(env: dict[str, str]) -> None:
    from typer.testing import CliRunner

    from adapters.cli import app

    env = env | {"FETCH_ALLOW_HOSTS": "127.0.0.1"}
    runner = CliRunner()
    with serve() as site:
        broken = site.add("/broken.rss", status=500)
        assert runner.invoke(app, ["feeds", "add", "--anyway", broken], env=env).exit_code == 0
        for _ in range(3):
            runner.invoke(app, ["feeds", "poll"], env=env)
        runner.invoke(app, ["feeds", "add", "--anyway", site.url("/never.rss")], env=env)
        report = await doctor(env)
    assert report.exit_code == 1
    assert report.status(f"feed {broken}") == "fail"
    [line] = [line for line in report.lines if broken in line]
    assert "failed 3 times in a row, last " in line and "answered HTTP 500" in line
    assert report.status(f"feed {site.url('/never.rss')}") == "warn"


async def test_a_failing_tenant_feed_is_named_with_the_command_that_removes_it(
    env: dict[str, str],
) -> None:
    from typer.testing import CliRunner

    from adapters.cli import app

    env = env | {"FETCH_ALLOW_HOSTS": "127.0.0.1"}
    runner = CliRunner()
    with serve() as site:
        broken = site.add("/team.rss", status=500)
        added = runner.invoke(
            app, ["feeds", "add", "--anyway", broken, "--tenant", "slack:TA"], env=env
        )
        assert added.exit_code == 0, added.output
        for _ in range(3):
            runner.invoke(app, ["feeds", "poll"], env=env)
        report = await doctor(env)
    [line] = [line for line in report.lines if broken in line]
    assert f"`newsbot feeds remove {broken} --tenant slack:TA`" in line
    listed = runner.invoke(app, ["feeds", "list"], env=env).stdout
    assert "slack:TA" in listed
    # Without --tenant it is no operator source: whose it is, and how to stop it.
    wrong = runner.invoke(app, ["feeds", "remove", broken], env=env)
    assert wrong.exit_code == 1 and "slack:TA reads it" in wrong.stderr
    assert f"newsbot feeds remove {broken} --tenant TENANT" in wrong.stderr
    assert (
        runner.invoke(app, ["feeds", "remove", broken, "--tenant", "slack:TA"], env=env).exit_code
        == 0
    )
    assert "No feeds yet" in runner.invoke(app, ["feeds", "list"], env=env).stdout


async def test_a_search_index_out_of_step_is_named_and_repaired(
    env: dict[str, str], tmp_path: Path
) -> None:
    import asyncio
    import sqlite3

    from typer.testing import CliRunner

    from adapters.cli import app

    news = tmp_path / "news.jsonl"
    news.write_text(
        '{"url": "https://avisa.example/1", "title": "Ferja innstilt", "language": "no", '
        '"text": "Ferja til Hareid er innstilt på grunn av uværet. Rederiet venter bedring."}\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(news)], env=env).exit_code == 0
    # Rows taken out of the index behind the triggers' back (a hand-made repair, a bug).
    with sqlite3.connect(tmp_path / "doctor.db") as connection:
        connection.execute("DELETE FROM article_fts")
    broken = await doctor(env)
    assert broken.exit_code == 1
    [line] = [line for line in broken.lines if "database" in line]
    assert "full-text index out of step with articles" in line
    assert "SELECT" not in line and "INSERT" not in line  # the reason, not the statement
    assert "newsbot doctor --repair" in "\n".join(broken.lines)
    repaired = await asyncio.to_thread(runner.invoke, app, ["doctor", "--repair"], env=env)
    assert "Rebuilt the search index" in repaired.stderr
    assert repaired.stdout.splitlines()[0] == "ok    database: 1 article, search index in step"
    answer = runner.invoke(app, ["ask", "Hvorfor er ferja til Hareid innstilt?"], env=env)
    assert "på grunn av uværet" in answer.stdout
