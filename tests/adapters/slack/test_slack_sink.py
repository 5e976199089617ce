"""Digests posted through the Slack front end (the scheduler's ChatSink), and secrets in logs."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from slack_fake import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from slack_requests import SlackSender, mention

from adapters.slack import SlackFrontEnd, SlackSetupError
from adapters.slack.render import CONTEXT_ELEMENTS, MAX_BLOCKS, SECTION_LIMIT
from bot.app import Core
from bot.live import LiveSink
from bot.schedule.sink import ChatSink
from bot.types import ChannelRef, Citation, Digest, DigestItem, LiveItem


def long_digest(items: int = 40) -> Digest:
    return Digest(
        since=datetime(2024, 5, 1, 8, tzinfo=UTC),
        until=datetime(2024, 5, 2, 8, tzinfo=UTC),
        topic="Libya",
        items=[
            DigestItem(
                headline=f"Story {n:02d}: talks in Moscow",
                summary=f"Story {n:02d} summary. " + "The parties met again on Monday. " * 60,
                citations=[
                    Citation(
                        k,
                        f"Outlet {k} on story {n}",
                        f"https://news{k}.example/{n}",
                        f"Outlet {k}",
                        "2024-05-02",
                    )
                    for k in range(1, 4)
                ],
            )
            for n in range(1, items + 1)
        ],
    )


async def test_the_front_end_is_a_chat_sink(slack_core: Core) -> None:
    front = SlackFrontEnd(slack_core.chat, slack_core.settings)
    assert isinstance(front, ChatSink)
    assert front.platform == "slack"


async def test_long_digest_is_posted_in_order_within_slack_limits(
    slack_core: Core, fake_slack: FakeSlack
) -> None:
    front = SlackFrontEnd(slack_core.chat, slack_core.settings)
    ts = await front.post_digest(
        ChannelRef("slack", "C0DIGEST", "1700000000.000100"), long_digest()
    )

    posts = fake_slack.posts
    assert len(posts) > 1
    assert ts == "1700000001.000100"  # the first message's
    headlines = []
    for post in posts:
        assert post["channel"] == "C0DIGEST"
        assert post["thread_ts"] == "1700000000.000100"
        assert post["unfurl_links"] is False
        assert len(post["blocks"]) <= MAX_BLOCKS
        for block in post["blocks"]:
            if block["type"] == "section":
                assert 0 < len(block["text"]["text"]) <= SECTION_LIMIT
                if block["text"]["text"].startswith("*") and ". Story " in block["text"]["text"]:
                    headlines.append(block["text"]["text"].split(":")[0])
            else:
                assert len(block["elements"]) <= CONTEXT_ELEMENTS
    assert headlines == [f"*{n}. Story {n:02d}" for n in range(1, 41)]
    assert "*News digest about “Libya”*" in json.dumps(posts[0], ensure_ascii=False)
    assert "(continued)" in json.dumps(posts[1], ensure_ascii=False)


async def test_a_failed_post_raises_so_the_scheduler_records_it(
    slack_core: Core, fake_slack: FakeSlack
) -> None:
    slack_core.settings.slack_bot_token = SecretStr("xoxb-revoked-token-0000")
    front = SlackFrontEnd(slack_core.chat, slack_core.settings)
    with pytest.raises(Exception, match="invalid_auth") as caught:
        await front.post_digest(ChannelRef("slack", "C0DIGEST"), long_digest(1))
    assert "xoxb-revoked-token-0000" not in str(caught.value)


async def test_a_refused_token_stops_start_up_with_one_sentence(
    slack_core: Core, fake_slack: FakeSlack
) -> None:
    slack_core.settings.slack_bot_token = SecretStr("xoxb-revoked-token-0000")
    with pytest.raises(
        SlackSetupError, match=r"^Slack refused SLACK_BOT_TOKEN \(invalid_auth\)\.$"
    ):
        await SlackFrontEnd(slack_core.chat, slack_core.settings, host="127.0.0.1").run()


def test_missing_tokens_are_named(slack_core: Core) -> None:
    slack_core.settings.slack_signing_secret = None
    with pytest.raises(SlackSetupError, match="SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET"):
        SlackFrontEnd(slack_core.chat, slack_core.settings)
    slack_core.settings.slack_bot_token = None
    with pytest.raises(SlackSetupError, match="SLACK_BOT_TOKEN"):
        SlackFrontEnd(slack_core.chat, slack_core.settings)


async def test_tokens_never_reach_the_log(
    slack_core: Core,
    fake_slack: FakeSlack,
    sender: SlackSender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_slack.users["U0WSADMIN"] = {"is_admin": True}
    await sender.slash("Hvem støtter Haftar?", response_url=fake_slack.response_url())
    await sender.slash(
        "subscribe daily 08:00", user_id="U0WSADMIN", response_url=fake_slack.response_url()
    )
    await sender.event(mention("Hvem støtter Haftar?", event_id="Ev0LOGS"))
    await sender.slash("help", secret="wrong")  # refused: logged by Bolt
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 2 and len(fake_slack.posts) == 1)
    front = SlackFrontEnd(slack_core.chat, slack_core.settings)
    await front.post_digest(ChannelRef("slack", "C0DIGEST"), long_digest(2))

    assert any(r.name.startswith("adapters.slack") for r in caplog.records)
    assert any("chat.postMessage" in r.getMessage() for r in caplog.records)  # the SDK did log
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN):
        assert secret not in logged


async def test_a_rate_limited_post_is_retried_not_dropped(
    slack_core: Core, fake_slack: FakeSlack
) -> None:
    fake_slack.rate_limited = 1
    front = SlackFrontEnd(slack_core.chat, slack_core.settings)
    await front.post_digest(ChannelRef("slack", "C0LIMIT"), long_digest(1))
    attempts = fake_slack.called("chat.postMessage")
    assert len(attempts) == 2  # a 429 with Retry-After, then the same message again
    assert attempts[0].args["blocks"] == attempts[1].args["blocks"]


async def test_a_live_item_is_one_message_with_its_link_and_the_rest_one_line(
    slack_core: Core, fake_slack: FakeSlack
) -> None:
    front = SlackFrontEnd(slack_core.chat, slack_core.settings)
    assert isinstance(front, LiveSink)
    citation = Citation(1, "Ferry <cancelled>", "https://wire.example/ferry", "Wire", "2024-05-02")
    item = DigestItem("Ferry <cancelled>", "Storms stopped it. It sails tomorrow.", [citation])
    channel = ChannelRef("slack", "C0LIVE")
    assert await front.post_live(channel, LiveItem(item)) is not None
    assert await front.post_live(channel, LiveItem(None, 4)) is not None

    first, more = fake_slack.posts
    blocks = (
        json.dumps(first["blocks"]) if not isinstance(first["blocks"], str) else first["blocks"]
    )
    assert (
        "*Ferry &lt;cancelled&gt;*" in blocks and "Storms stopped it. It sails tomorrow." in blocks
    )
    assert "<https://wire.example/ferry|" in blocks and "Wire" in blocks
    assert more["text"] == "…and 4 more new items in this channel's live feeds."
