"""A scheduled digest while Slack answers 500: retried with backoff, posted once it recovers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack

from adapters.slack import SlackFrontEnd, render_digest
from bot.app import Core, open_core
from bot.config import Settings
from bot.schedule.spec import ScheduleSpec
from bot.types import Digest, DigestItem
from storage import failed_deliveries
from tests.support.schedule import Clock, scheduler_for, store_story, subscribe

NOON = datetime(2024, 1, 10, 12, tzinfo=UTC)
HOURLY = ScheduleSpec("every", None, 60, "UTC")


@pytest.fixture
def core(db_url: str, fake_slack: FakeSlack) -> Iterator[Core]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=db_url,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=fake_slack.api_url,
    )
    running = open_core(settings)
    yield running
    running.close()


async def test_slack_failing_then_recovering_gets_the_digest_once(
    core: Core, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: Slack's own three attempts within 3 s, then the period marked failed and
    its stories lost."""
    fake_slack.server_errors = 4  # the client's own three tries fail, then one more
    sub_id = subscribe(core, HOURLY, NOON - timedelta(days=1))
    story = store_story(core, 1, NOON - timedelta(minutes=10))
    clock = Clock(NOON)
    front = SlackFrontEnd(core.chat, core.settings)
    scheduler = scheduler_for(core, [front], clock=clock, sleep=clock.sleep)
    with caplog.at_level(logging.WARNING, logger="bot.schedule.runner"):
        assert await scheduler.fire(sub_id)
    assert len(fake_slack.posts) == 5 and fake_slack.refused == 4  # one delivered
    assert story in json.dumps(fake_slack.posts[-1])
    assert clock.now == NOON + timedelta(seconds=5)  # one backoff of the scheduler's own
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.schedule.runner"]
    assert "retrying in 5 s" in line and "Traceback" not in caplog.text
    with core.db.session() as session:
        assert failed_deliveries(session) == []


async def test_slack_down_for_the_whole_grace_window_is_reported(
    core: Core, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.server_errors = 10_000
    sub_id = subscribe(core, HOURLY, NOON - timedelta(days=1))
    story = store_story(core, 1, NOON - timedelta(minutes=10))
    clock = Clock(NOON)
    front = SlackFrontEnd(core.chat, core.settings)
    scheduler = scheduler_for(
        core, [front], clock=clock, sleep=clock.sleep, retry_first=timedelta(minutes=10)
    )
    assert not await scheduler.fire(sub_id)
    with core.db.session() as session:
        [failed] = failed_deliveries(session)
    assert failed.period == NOON and "500" in (failed.error or "")
    assert any("not posted to slack:C1 after" in r.getMessage() for r in caplog.records)
    fake_slack.server_errors = 0
    clock.now = NOON + timedelta(hours=1)
    assert await scheduler.fire(sub_id)
    assert story in json.dumps(fake_slack.posts[-1])


def test_a_digest_with_more_stories_than_it_lists_says_so() -> None:
    item = DigestItem("Harbour reopens", "The harbour reopened on Monday.", [], latest=NOON)
    listed = Digest(NOON, NOON + timedelta(hours=4), items=[item])
    assert "more stor" not in json.dumps([m.blocks for m in render_digest(listed)])
    capped = Digest(NOON, NOON + timedelta(hours=4), items=[item], more=3)
    last = json.dumps(render_digest(capped)[-1].blocks[-1], ensure_ascii=False)
    assert "…and 3 more stories" in last and "newsbot digest --since 2024-01-10T12:00Z" in last
