"""Two instances on one PostgreSQL database answer each Slack event and slash command once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from slack_fake import SIGNING_SECRET, FakeSlack
from slack_harness import start_front_end, stop_front_end, wait_idle
from slack_requests import SlackSender, mention

from adapters.slack import SlackFrontEnd
from bot.app import Core
from bot.config import Settings
from tests.support.instances import cores_sharing


@pytest.fixture
def cores(
    slack_settings: Settings, postgres_url: str, corpus_file: Path, libya_file: Path
) -> Iterator[list[Core]]:
    with cores_sharing(slack_settings, postgres_url, corpus_file, libya_file) as running:
        yield running


@pytest.fixture
async def instances(
    cores: list[Core],
) -> AsyncIterator[list[tuple[SlackFrontEnd, SlackSender]]]:
    fronts = [SlackFrontEnd(c.chat, c.settings, host="127.0.0.1") for c in cores]
    tasks = [await start_front_end(front) for front in fronts]
    async with aiohttp.ClientSession() as session:
        senders = []
        for front in fronts:
            assert front.address is not None
            host, port = front.address
            url = f"http://{host}:{port}/slack/events"
            senders.append(SlackSender(session, url, SIGNING_SECRET))
        yield list(zip(fronts, senders, strict=True))
    for task in tasks:
        await stop_front_end(task)


async def test_an_event_delivered_to_both_instances_is_answered_once(
    instances: list[tuple[SlackFrontEnd, SlackSender]], fake_slack: FakeSlack
) -> None:
    # Slack retried the event at the other instance (behind a load balancer, or Socket Mode).
    envelope = mention("Hvem støtter Haftar?", event_id="Ev0TWICE")
    sent = await asyncio.gather(*(sender.event(envelope) for _, sender in instances))
    assert [s.status for s in sent] == [200, 200]
    for front, _ in instances:
        await wait_idle(front)
    assert len(fake_slack.posts) == 1
    assert [front.seen_events.dropped for front, _ in instances].count(1) == 1


async def test_a_slash_command_delivered_to_both_instances_is_answered_once(
    instances: list[tuple[SlackFrontEnd, SlackSender]], fake_slack: FakeSlack
) -> None:
    hook = fake_slack.response_url("ask")
    trigger = "13345224609.900000001.8088930838d88f008e0"
    sent = await asyncio.gather(
        *(
            sender.slash("Hvem støtter Haftar?", response_url=hook, trigger_id=trigger)
            for _, sender in instances
        )
    )
    assert [s.status for s in sent] == [200, 200]  # both acknowledge within Slack's 3 s
    await fake_slack.wait_for(lambda: len(fake_slack.responses) >= 1)
    for front, _ in instances:
        await wait_idle(front)
    assert len(fake_slack.responses) == 1
    assert fake_slack.responses[0]["response_type"] == "in_channel"
