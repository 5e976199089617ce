"""Socket Mode: the real front end against a fake `apps.connections.open` and websocket."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from slack_fake import APP_TOKEN, FakeSlack
from slack_harness import start_front_end, stop_front_end
from slack_requests import load_payload, mention

from adapters.slack import SlackFrontEnd
from bot.app import Core

RUSSIA_SENTENCE = "mens Russland uoffisielt holder med Haftars styrker."


@pytest.fixture
async def socket_bot(slack_core: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackFrontEnd]:
    slack_core.settings.slack_app_token = SecretStr(APP_TOKEN)
    slack_core.settings.slack_signing_secret = None
    front = SlackFrontEnd(slack_core.chat, slack_core.settings, shutdown_grace_s=2.0)
    task = await start_front_end(front)
    yield front
    await stop_front_end(task)


async def test_socket_mode_answers_mentions_and_slash_commands(
    socket_bot: SlackFrontEnd, fake_slack: FakeSlack
) -> None:
    assert socket_bot.socket_mode and socket_bot.address is None  # no port opened
    [opened] = fake_slack.called("apps.connections.open")
    assert opened.token == APP_TOKEN

    event = mention("Hvem støtter Haftar?", event_id="Ev0SOCKET", ts="1700000400.000500")
    await fake_slack.socket_outbox.put(
        {
            "envelope_id": "env-1",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": event,
        }
    )
    # Slack redelivers when an ack is late: the same event must not be answered again.
    await fake_slack.socket_outbox.put(
        {
            "envelope_id": "env-2",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 1,
            "retry_reason": "timeout",
            "payload": event,
        }
    )
    command = load_payload("slash_command.json") | {
        "text": "who backs Haftar?",
        "response_url": fake_slack.response_url("socket"),
    }
    await fake_slack.socket_outbox.put(
        {
            "envelope_id": "env-3",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": command,
        }
    )
    await fake_slack.wait_for(
        lambda: (
            len(fake_slack.socket_acks) == 3
            and len(fake_slack.posts) == 1
            and len(fake_slack.responses) == 1
        )
    )
    # Every envelope is acknowledged (in any order: each is claimed in the database first).
    assert sorted(ack["envelope_id"] for ack in fake_slack.socket_acks) == [
        "env-1",
        "env-2",
        "env-3",
    ]
    [post] = fake_slack.posts
    assert post["thread_ts"] == "1700000400.000500"
    assert RUSSIA_SENTENCE in str(post["blocks"])
    assert fake_slack.responses[0]["response_type"] == "in_channel"
    assert "Russia unofficially backs Haftar" in str(fake_slack.responses[0]["blocks"])
