"""Cold start: 50 questions at once to a freshly started `newsbot run` in Slack HTTP mode.

Starts a fake Slack (the one the tests use: Web API and response_url hooks) and a new
`newsbot run` process on a temporary SQLite file with the demo corpus, waits until the
process is listening on `/slack/events`, then sends N signed `/news QUESTION` slash
commands at the same moment and times each acknowledgement (Slack gives up after 3 s),
and the time until each answer reached its response_url. Prints the figures and exits
non-zero when any acknowledgement took a second or more.

    python benchmarks/cold_start.py [--questions 50] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "adapters" / "slack"))

from slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack  # noqa: E402
from slack_requests import SlackSender  # noqa: E402

QUESTIONS = [
    "who backs Haftar?",
    "Hvor mange ferjesamband ble innstilt?",
    "what happened in Moscow?",
    "hva skjedde med strømmen?",
    "who met in Berlin?",
    "hvor mange mistet strømmen?",
    "what did the central bank decide?",
    "hvem er samferdselsminister?",
    "when did the storm hit?",
    "what about Tromsø?",
]
ACK_LIMIT_S = 1.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _listening(port: int, process: asyncio.subprocess.Process, timeout: float) -> float:
    """Seconds until the new process accepts connections on ``port``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.returncode is not None:
            raise SystemExit(f"newsbot run exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        await writer.wait_closed()
        return time.perf_counter() - started
    raise SystemExit(f"newsbot run did not listen on {port} within {timeout:.0f} s")


async def one_run(count: int) -> dict[str, float]:
    fake = FakeSlack()
    await fake.start()
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/newsbot.db",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "PORT": str(port),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("SLACK_APP_TOKEN", None)
        env.pop("DISCORD_TOKEN", None)
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.cli",
            "run",
            cwd=tmp,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await _listening(port, process, timeout=120)
            ready = time.perf_counter() - started
            url = f"http://127.0.0.1:{port}/slack/events"
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                sender = SlackSender(session, url, SIGNING_SECRET)
                sent = await asyncio.gather(
                    *(
                        sender.slash(
                            QUESTIONS[n % len(QUESTIONS)],
                            response_url=fake.response_url(f"q{n}"),
                        )
                        for n in range(count)
                    )
                )
                fired = time.perf_counter()
                await fake.wait_for(lambda: len(fake.responses) >= count, timeout=120)
                answered = time.perf_counter() - fired
                # The same again on the now warm process, for comparison.
                again = await asyncio.gather(
                    *(
                        sender.slash(
                            QUESTIONS[n % len(QUESTIONS)],
                            response_url=fake.response_url(f"w{n}"),
                        )
                        for n in range(count)
                    )
                )
                await fake.wait_for(lambda: len(fake.responses) >= 2 * count, timeout=120)
        finally:
            process.terminate()
            await process.wait()
            await fake.close()
    acks = [s.seconds for s in sent]
    if any(s.status != 200 for s in sent):
        raise SystemExit(f"not every ack was 200: {sorted({s.status for s in sent})}")
    return {
        "ready_s": ready,
        "ack_p50_s": statistics.median(acks),
        "ack_p95_s": _percentile(acks, 0.95),
        "ack_max_s": max(acks),
        "acks_over_1s": sum(a >= ACK_LIMIT_S for a in acks),
        "acks_over_3s": sum(a >= 3.0 for a in acks),
        "all_answered_s": answered,
        "warm_ack_p95_s": _percentile([s.seconds for s in again], 0.95),
        "warm_ack_max_s": max(s.seconds for s in again),
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    worst = 0.0
    for run in range(1, args.runs + 1):
        figures = await one_run(args.questions)
        worst = max(worst, figures["ack_max_s"])
        print(
            f"run {run}: {args.questions} questions at once, {figures['ready_s']:.2f} s after "
            f"start: acks p50 {figures['ack_p50_s']:.3f} s, p95 {figures['ack_p95_s']:.3f} s, "
            f"max {figures['ack_max_s']:.3f} s; {figures['acks_over_1s']:.0f} over 1 s, "
            f"{figures['acks_over_3s']:.0f} over 3 s; all answered "
            f"{figures['all_answered_s']:.2f} s after the acks; the next 50: acks p95 "
            f"{figures['warm_ack_p95_s']:.3f} s, max {figures['warm_ack_max_s']:.3f} s"
        )
    print("every ack under 1 s" if worst < ACK_LIMIT_S else "SOME ACKS TOOK 1 s OR MORE")
    return 0 if worst < ACK_LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
