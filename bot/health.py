"""How the running bot is: what `GET /healthz` reports, and the line logged when it is ready."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from bot.render import counted
from storage import Database, count_articles, ping

__all__ = ["HealthReport", "check_health", "database_label", "ready_line"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HealthReport:
    """Healthy when the database answers, the scheduler runs and every front end is connected."""

    database: str  # "ok", or why not
    scheduler: str  # "running" or "stopped"
    front_ends: Mapping[str, str]  # platform: "connected" or "disconnected"

    @property
    def healthy(self) -> bool:
        return (
            self.database == "ok"
            and self.scheduler == "running"
            and all(state == "connected" for state in self.front_ends.values())
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ok" if self.healthy else "unavailable",
            "database": self.database,
            "scheduler": self.scheduler,
            "front_ends": dict(self.front_ends),
        }


def check_health(
    db: Database, scheduler_running: bool, front_ends: Mapping[str, bool]
) -> HealthReport:
    """Blocking (a database round trip): call it off the event loop."""
    try:
        with db.session() as session:
            ping(session)
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - whatever it is, it is the answer
        log.warning("health check: the database did not answer: %s", exc)
        database = f"unreachable ({exc.__class__.__name__})"
    return HealthReport(
        database,
        "running" if scheduler_running else "stopped",
        {name: "connected" if up else "disconnected" for name, up in front_ends.items()},
    )


def database_label(url: str) -> str:
    """The database URL without its password, for logs and reports."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unreadable URL is named by its scheme only
        return url.split(":", 1)[0] + ":…"


def ready_line(front_ends: list[str], db: Database, url: str, endpoints: list[str]) -> str:
    """ "ready: slack, discord; database postgresql+psycopg://bot:***@db/news (1,204 articles)"."""
    with db.session() as session:
        articles = count_articles(session)
    line = (
        f"ready: {', '.join(front_ends)}; "
        f"database {database_label(url)} ({counted(articles, 'article')})"
    )
    if endpoints:
        line += "; health and metrics at " + ", ".join(endpoints)
    return line
