"""`newsbot` as a separate process, for tests of what an operator sees when it runs."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from pathlib import Path

from bot.demo_news import DEMO_URL_PREFIX
from storage import Database, count_articles, count_articles_under

__all__ = ["NewsbotProcess", "article_counts", "free_port"]


class NewsbotProcess:
    """``newsbot ARGS`` in ``cwd`` with exactly ``env`` (plus PATH); stderr read as it comes."""

    def __init__(self, cwd: Path, env: dict[str, str], *args: str) -> None:
        self.cwd = cwd
        inherited = {
            name: os.environ[name] for name in ("PATH", "PYTHONPATH") if name in os.environ
        }
        self.env = {**inherited, "PYTHONUNBUFFERED": "1", **env}
        self.args = args
        self.stderr: list[str] = []
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> NewsbotProcess:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.cli",
            *self.args,
            cwd=self.cwd,
            env=self.env,
            # Kept open and never written: the console front end waits for input until stopped.
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        async for raw in self._process.stderr:
            async with self._changed:
                self.stderr.append(raw.decode(errors="replace").rstrip("\n"))
                self._changed.notify_all()
        async with self._changed:
            self.stderr.append("")  # end of output
            self._changed.notify_all()

    async def wait_for_line(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The first stderr line matching ``pattern``; fails when the process ends first."""
        compiled = re.compile(pattern)

        def found() -> re.Match[str] | bool | None:
            for line in self.stderr:
                match = compiled.search(line)
                if match:
                    return match
            return bool(self.stderr) and self.stderr[-1] == "" or None

        try:
            async with self._changed:
                result = await asyncio.wait_for(self._changed.wait_for(found), timeout)
        except TimeoutError:
            raise AssertionError(f"no line like {pattern!r}; stderr: {self.stderr}") from None
        if not isinstance(result, re.Match):
            raise AssertionError(f"ended before a line like {pattern!r}; stderr: {self.stderr}")
        return result

    async def wait(self, timeout: float = 60.0) -> int:
        """Until it ends by itself; the exit status."""
        assert self._process is not None
        return await asyncio.wait_for(self._process.wait(), timeout)

    async def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as `docker stop` sends it; the exit status."""
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self._process.wait(), timeout)


def article_counts(url: str) -> tuple[int, int]:
    """(all articles, demo articles) in the database at ``url``."""
    db = Database.open(url)
    try:
        with db.session() as session:
            return count_articles(session), count_articles_under(session, DEMO_URL_PREFIX)
    finally:
        db.close()


def free_port() -> str:
    """A TCP port nothing listens on now (settings want a real port, not 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])
