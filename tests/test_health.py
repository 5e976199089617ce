"""`/healthz` and `/metrics` on HEALTH_PORT, the ready line, and LOG_FORMAT=json."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from tests.support.process import NewsbotProcess, free_port


async def get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_the_console_on_health_port_says_ready_in_json_and_serves_health(
    tmp_path: Path, corpus_file: Path
) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'news.db'}",
        "LOAD_DEMO_CORPUS": "false",
        "HEALTH_PORT": free_port(),
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
    }
    async with NewsbotProcess(tmp_path, env, "ingest", str(corpus_file)) as ingest:
        assert await ingest.wait() == 0
    async with NewsbotProcess(tmp_path, env, "run") as bot:
        match = await bot.wait_for_line(r'"message": "ready: console; .*\(HEALTH_PORT\)"')
        ready = json.loads(match.string)
        assert ready["level"] == "INFO" and ready["logger"] == "adapters.runner"
        assert ready["message"].startswith(
            f"ready: console; database sqlite:///{tmp_path / 'news.db'} (7 articles); "
            "health and metrics at port "
        )
        port = int(ready["message"].rsplit("port ", 1)[1].split()[0])

        status, kind, body = await get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and kind.startswith("application/json")
        assert json.loads(body) == {
            "status": "ok",
            "database": "ok",
            "scheduler": "running",
            "front_ends": {"console": "connected"},
        }
        status, kind, body = await get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and kind.startswith("text/plain")
        assert "newsbot_articles 7.0" in body.splitlines()
        assert 'newsbot_questions_total{outcome="answered"} 0.0' in body.splitlines()
        assert await bot.stop() == 0
    # Every line it logged is one JSON object.
    logged = [line for line in bot.stderr if line.startswith("{")]
    assert logged and all(json.loads(line)["message"] for line in logged)
