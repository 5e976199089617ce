"""`newsbot doctor` run as a user runs it, off the test's event loop (the fakes run on it)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from typer.testing import CliRunner

from adapters.cli import app

__all__ = ["DoctorReport", "doctor"]


@dataclass
class DoctorReport:
    exit_code: int
    lines: list[str]
    checks: list[dict[str, Any]]

    def status(self, name: str) -> str:
        [found] = [check for check in self.checks if check["name"] == name]
        return str(found["status"])


async def doctor(env: dict[str, str]) -> DoctorReport:
    """`newsbot doctor` and `newsbot doctor --json` with ``env``."""
    runner = CliRunner()
    text = await asyncio.to_thread(runner.invoke, app, ["doctor"], env=env)
    as_json = await asyncio.to_thread(runner.invoke, app, ["doctor", "--json"], env=env)
    assert text.exit_code == as_json.exit_code, (text.output, as_json.output)
    report = json.loads(as_json.stdout)
    assert report["ok"] is (as_json.exit_code == 0)
    return DoctorReport(text.exit_code, text.stdout.splitlines(), report["checks"])
