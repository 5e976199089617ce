"""What newsbot counts, for `GET /metrics` (Prometheus text format).

One :class:`Metrics` per core, in a registry of its own, so two cores in one process
(tests, or a tool) never add to each other's numbers. The core counts through these
methods; nothing else imports prometheus_client.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE", "Metrics", "QuestionOutcome"]

CONTENT_TYPE = CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)


class QuestionOutcome(StrEnum):
    ANSWERED = "answered"  # an answer with sources
    NOT_FOUND = "not_found"  # "I found nothing about …"
    REFUSED = "refused"  # a rate limit or a refusal
    FAILED = "failed"  # an error: the asker got the apology


class Metrics:
    """Counters, a latency histogram and the article gauge of one running core."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._questions = Counter(
            "newsbot_questions",
            "Questions asked in chat, by outcome (answered, not_found, refused, failed).",
            ["outcome"],
            registry=self.registry,
        )
        self._answer_seconds = Histogram(
            "newsbot_answer_seconds",
            "Seconds from a question to its answer (the core's work, not the platform's).",
            buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0),
            registry=self.registry,
        )
        self._digests = Counter(
            "newsbot_digests",
            "Scheduled digests, by result (posted, empty, failed).",
            ["result"],
            registry=self.registry,
        )
        self._feed_polls = Counter("newsbot_feed_polls", "Feed polls made.", registry=self.registry)
        self._feed_failures = Counter(
            "newsbot_feed_poll_failures", "Feed polls that failed.", registry=self.registry
        )
        self._incoming = Counter(
            "newsbot_incoming",
            "Incoming messages and commands, by who answers: here, or elsewhere (another "
            "instance claimed it, or it was a repeat).",
            ["claim"],
            registry=self.registry,
        )
        self._articles = Gauge(
            "newsbot_articles",
            "Articles stored in the database (NaN when it could not be read).",
            registry=self.registry,
        )
        # Registered after the article count, which sets it as it is read: so a scrape shows
        # what that same scrape found.
        self._database_up = Gauge(
            "newsbot_database_up",
            "1 when the database answered this scrape, else 0.",
            registry=self.registry,
        )
        for outcome in QuestionOutcome:
            self._questions.labels(outcome.value)
        for result in ("posted", "empty", "failed"):
            self._digests.labels(result)
        for claim in ("here", "elsewhere"):
            self._incoming.labels(claim)

    def question(self, outcome: QuestionOutcome, seconds: float | None = None) -> None:
        self._questions.labels(outcome.value).inc()
        if seconds is not None:
            self._answer_seconds.observe(seconds)

    def digest(self, result: str) -> None:
        """``result``: posted, empty or failed."""
        self._digests.labels(result).inc()

    def feed_polls(self, polled: int, failed: int) -> None:
        self._feed_polls.inc(polled)
        self._feed_failures.inc(failed)

    def incoming(self, answered_here: bool) -> None:
        self._incoming.labels("here" if answered_here else "elsewhere").inc()

    def count(self, name: str, **labels: str) -> float:
        """A counter's current value (``newsbot_questions``, outcome="answered"), for tests
        and for `newsbot doctor`."""
        value = self.registry.get_sample_value(f"{name}_total", labels or None)
        return value or 0.0

    def articles_from(self, count: Callable[[], int]) -> None:
        """Read the article count from ``count`` at every scrape. A database that does not
        answer leaves the count unknown, and the counters are served all the same: they
        matter most then (`/healthz` says what is wrong)."""

        def read() -> float:
            try:
                value = float(count())
            except Exception as exc:  # noqa: BLE001 - a scrape must outlive the database
                log.warning("metrics: the database did not answer (%s)", exc.__class__.__name__)
                self._database_up.set(0)
                return math.nan
            self._database_up.set(1)
            return value

        self._articles.set_function(read)

    def exposition(self) -> bytes:
        """The Prometheus text format of everything above."""
        return generate_latest(self.registry)
