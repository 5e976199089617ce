"""`/metrics` while the database is down: the counters are what an operator needs then."""

from __future__ import annotations

import math

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError

from bot.metrics import Metrics, QuestionOutcome


def _samples(metrics: Metrics) -> dict[str, float]:
    text = metrics.exposition().decode()
    return {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_served_when_the_database_does_not_answer() -> None:
    answering = True

    def count() -> int:
        if not answering:
            raise OperationalError("SELECT value FROM article_count", {}, Exception("gone"))
        return 7

    metrics = Metrics()
    metrics.articles_from(count)
    metrics.question(QuestionOutcome.FAILED)
    up = _samples(metrics)
    assert up["newsbot_articles[]"] == 7.0 and up["newsbot_database_up[]"] == 1.0

    answering = False
    down = _samples(metrics)  # no exception: the scrape is served
    assert math.isnan(down["newsbot_articles[]"])
    assert down["newsbot_database_up[]"] == 0.0
    assert down["newsbot_questions_total[('outcome', 'failed')]"] == 1.0

    answering = True
    assert _samples(metrics)["newsbot_database_up[]"] == 1.0
