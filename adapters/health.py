"""`GET /healthz` and `GET /metrics` over HTTP: on Slack's HTTP port, and on HEALTH_PORT.

`/healthz` answers 200 with a JSON body when the database answers, the scheduler runs and
every front end is connected, else 503 with the same body saying which is not. `/metrics`
is the Prometheus text format of the core's counters (see bot/metrics.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from bot.app import Core
from bot.errors import NewsbotError
from bot.health import check_health
from bot.metrics import CONTENT_TYPE

__all__ = ["HealthEndpoints", "HealthPortError"]

# Whether a front end is connected now (Socket Mode can only say so asynchronously).
Connected = Callable[[], Awaitable[bool]]


class HealthPortError(NewsbotError):
    """HEALTH_PORT cannot be listened on."""


class HealthEndpoints:
    """The two routes, for any aiohttp application, or served on a port of their own."""

    def __init__(
        self, core: Core, scheduler_running: Callable[[], bool], front_ends: Mapping[str, Connected]
    ) -> None:
        self.core = core
        self.scheduler_running = scheduler_running
        self.front_ends = front_ends
        self.address: tuple[str, int] | None = None

    def add_to(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)

    async def healthz(self, request: web.Request) -> web.Response:
        states = {name: await connected() for name, connected in self.front_ends.items()}
        report = await asyncio.to_thread(
            check_health, self.core.db, self.scheduler_running(), states
        )
        return web.json_response(report.as_dict(), status=200 if report.healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        # Scraping counts the articles: a database query, so off the event loop.
        body = await asyncio.to_thread(self.core.metrics.exposition)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def start(self, host: str, port: int) -> web.AppRunner:
        """Listen on ``host:port`` (0: any free port); the runner, to clean up when done."""
        app = web.Application()
        self.add_to(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            await runner.cleanup()
            raise HealthPortError(f"cannot listen on HEALTH_PORT {port}: {exc.strerror}.") from None
        bound_host, bound_port = runner.addresses[0][:2]
        self.address = (str(bound_host), int(bound_port))
        return runner
