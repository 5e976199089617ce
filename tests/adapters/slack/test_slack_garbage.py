"""Garbage to `/slack/events`: 400 or 401, one short log line a minute, never a traceback.

Before: invalid JSON or `X-Slack-Request-Timestamp: abc` got HTTP 500 and a full traceback
each; 200 such requests wrote 390 KB of log in 4 seconds.
"""

from __future__ import annotations

import logging

import pytest
from slack_fake import SIGNING_SECRET, FakeSlack
from slack_requests import SlackSender, signature

from adapters.slack import SlackFrontEnd


async def test_garbage_is_refused_with_400_or_401_and_logged_once(
    slack_bot: SlackFrontEnd,
    sender: SlackSender,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    session, url = sender.session, sender.url
    now = "1700000000"
    unsigned = [
        ({}, b"\x00\xff garbage"),
        ({"Content-Type": "application/json"}, b"{not json"),
        ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, b"{}"),
        ({"X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=00"}, b"{}"),
        ({"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=deadbeef"}, b"x=1"),
        ({"X-Slack-Request-Timestamp": now}, b"token=x&command=/news"),
    ]
    statuses = []
    with caplog.at_level(logging.DEBUG):
        for _ in range(40):  # 240 requests
            for headers, body in unsigned:
                async with session.post(url, data=body, headers=headers) as response:
                    statuses.append(response.status)
        # Signed by someone holding the secret, but not readable as Slack's JSON.
        for body in (b"{not json", b'["a list"]', b"\xff\xfe"):
            sent = await sender.post(body, "application/json")
            statuses.append(sent.status)
        # Slack itself still gets in.
        assert (await sender.slash("help", response_url=fake_slack.response_url())).status == 200
        await fake_slack.wait_for(lambda: len(fake_slack.responses) == 1)
    assert set(statuses[:240]) == {400, 401}  # 400: the body that is not text
    assert all(status in (400, 401) for status in statuses[240:]), statuses[240:]
    assert slack_bot.guard.refused == len(statuses)
    refusals = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 1 and len(refusals[0].getMessage()) < 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert "Traceback" not in caplog.text


async def test_an_old_signed_request_is_refused(sender: SlackSender) -> None:
    body = b"token=x&command=%2Fnews&text=help"
    stale = 1_000_000_000
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(stale),
        "X-Slack-Signature": signature(SIGNING_SECRET, stale, body),
    }
    async with sender.session.post(sender.url, data=body, headers=headers) as response:
        assert response.status == 401
