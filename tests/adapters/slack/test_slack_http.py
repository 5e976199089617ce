"""The real slack-bolt app in HTTP mode, driven by signed requests, answering into a fake Slack."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_fake import BOT_TOKEN, FakeSlack
from slack_harness import ADMIN_IN_SETTINGS, start_front_end, stop_front_end, wait_idle
from slack_requests import SlackSender, mention

from adapters.slack import SlackFrontEnd
from bot.app import Core
from bot.commands import Command, CommandContext, Reply
from bot.ingest import ArticleDraft
from bot.render import SORRY

RUSSIA_SENTENCE = "mens Russland uoffisielt holder med Haftars styrker."
DAGSNYTT_LINK = "<https://dagsnytt.example/libya-moskva|Libyas parter til forhandlinger i Moskva>"


def texts(message: dict[str, Any]) -> str:
    """Every text Slack would show for a message: blocks and the fallback."""
    parts = [str(message.get("text", ""))]
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):  # form-encoded API calls carry blocks as JSON text
        blocks = json.loads(blocks)
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(element["text"] for element in block.get("elements", []))
    return "\n".join(parts)


def gate_core(
    core: Core, monkeypatch: pytest.MonkeyPatch, words: str
) -> tuple[threading.Event, threading.Event]:
    """Make the core take up to 5 s for commands containing ``words`` (until the gate opens)."""
    started, gate = threading.Event(), threading.Event()
    real = core.commands.run

    def slow(command: Command, context: CommandContext) -> Reply:
        if words in command.text:
            started.set()
            gate.wait(5.0)
        return real(command, context)

    monkeypatch.setattr(core.commands, "run", slow)
    return started, gate


async def test_slash_command_acks_at_once_and_answers_in_channel_with_sources(
    slack_core: Core, fake_slack: FakeSlack, sender: SlackSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, gate = gate_core(slack_core, monkeypatch, "Haftar")
    try:
        sent = await sender.slash(
            "Hvem støtter Haftar?", response_url=fake_slack.response_url("ask")
        )
        assert sent.status == 200
        assert sent.seconds < 3.0
        assert await asyncio.to_thread(started.wait, 5.0)
        assert fake_slack.responses == []  # acknowledged while the core is still busy

        # The event loop is free meanwhile: another command is answered before the slow one.
        other = await sender.slash("help", response_url=fake_slack.response_url("help"))
        assert other.status == 200
        await fake_slack.wait_for(lambda: len(fake_slack.responses) == 1)
        assert fake_slack.responses[0]["hook"] == "help"
        assert fake_slack.responses[0]["response_type"] == "ephemeral"
    finally:
        gate.set()

    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 2)
    answer = fake_slack.responses[1]
    assert answer["hook"] == "ask"
    assert answer["response_type"] == "in_channel"
    shown = texts(answer)
    assert "<@U0ASKER> asked: Hvem støtter Haftar?" in shown
    assert RUSSIA_SENTENCE in shown
    assert f"[1] {DAGSNYTT_LINK} — Dagsnytt, 2020-01-13 08:00 UTC" in shown
    kinds = [block["type"] for block in answer["blocks"]]
    assert kinds == ["context", "section", "context"]
    assert answer["blocks"][1]["text"]["type"] == "mrkdwn"
    assert fake_slack.posts == []  # answered through response_url, not chat.postMessage


@pytest.mark.parametrize(
    "options",
    [
        {"secret": "not-the-signing-secret"},
        {"timestamp": int(time.time()) - 10 * 60},  # signed correctly, but stale
        {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}},
    ],
    ids=["bad-secret", "stale", "forged-signature"],
)
async def test_unsigned_requests_are_refused_and_nothing_is_posted(
    slack_core: Core,
    slack_bot: SlackFrontEnd,
    fake_slack: FakeSlack,
    sender: SlackSender,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any],
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        slack_core.commands, "run", lambda command, context: asked.append(command.text)
    )
    slash = await sender.slash(
        "who backs Haftar?", response_url=fake_slack.response_url(), **options
    )
    event = await sender.event(mention("who backs Haftar?"), **options)
    assert (slash.status, event.status) == (401, 401)
    # Refused before dispatch: no listener is working on anything.
    assert slack_bot.listeners.inflight == set()
    assert asked == []
    assert fake_slack.posts == []
    assert fake_slack.responses == []


async def test_mention_is_answered_in_its_thread(
    fake_slack: FakeSlack, sender: SlackSender
) -> None:
    top = await sender.event(
        mention("Hvem støtter Haftar?", event_id="Ev1", ts="1700000200.000300")
    )
    assert top.status == 200
    in_thread = mention(
        "who backs Haftar?", event_id="Ev2", ts="1700000300.000400", thread_ts="1700000250.000100"
    )
    assert (await sender.event(in_thread)).status == 200
    await fake_slack.wait_for(lambda: len(fake_slack.posts) == 2)

    by_thread = {post["thread_ts"]: post for post in fake_slack.posts}
    assert set(by_thread) == {"1700000200.000300", "1700000250.000100"}
    assert RUSSIA_SENTENCE in texts(by_thread["1700000200.000300"])
    assert "Russia unofficially backs Haftar" in texts(by_thread["1700000250.000100"])
    assert all(post["channel"] == "C0NEWSROOM" for post in fake_slack.posts)
    assert all(call.token == BOT_TOKEN for call in fake_slack.calls)


async def test_retried_event_is_answered_once(
    fake_slack: FakeSlack, sender: SlackSender, slack_bot: SlackFrontEnd
) -> None:
    envelope = mention("Hvem støtter Haftar?", event_id="Ev0RETRIED")
    first = await sender.event(envelope)
    retry = await sender.event(
        envelope, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    again = await sender.event(
        envelope, headers={"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "connection_failed"}
    )
    assert (first.status, retry.status, again.status) == (200, 200, 200)
    # Both repeats were acknowledged without being dispatched, so one answer is all there is.
    assert slack_bot.seen_events.dropped == 2
    await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1)
    await wait_idle(slack_bot)
    assert len(fake_slack.posts) == 1


async def test_retry_of_a_delivery_that_never_arrived_is_answered_once(
    fake_slack: FakeSlack, sender: SlackSender, slack_bot: SlackFrontEnd
) -> None:
    # Slack could not connect the first time, so this retry is the first we see.
    envelope = mention("Hvem støtter Haftar?", event_id="Ev0LOST")
    lost = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "connection_failed"}
    assert (await sender.event(envelope, headers=lost)).status == 200
    assert (await sender.event(envelope, headers=lost | {"X-Slack-Retry-Num": "2"})).status == 200
    assert slack_bot.seen_events.dropped == 1
    await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1)
    await wait_idle(slack_bot)
    assert len(fake_slack.posts) == 1


async def test_article_markup_is_quoted_escaped(
    slack_core: Core, fake_slack: FakeSlack, sender: SlackSender
) -> None:
    report = slack_core.ingestor.store(
        [
            ArticleDraft(
                url="https://wire.example/zork?a=1&b=2|x>y",
                title="Zorkia <!here> alert",
                source="<@U0VICTIM> Wire",
                text=(
                    "The Zorkian rebels are backed by Freedonia <!channel> and <@U0VICTIM>, "
                    "see <http://evil.example|the official statement>. Nobody else backs them."
                ),
                language="en",
                published_at=datetime(2024, 5, 1, tzinfo=UTC),
                published_precision="day",
            )
        ]
    )
    assert report.new == 1
    # Someone typing "<!channel>" literally reaches us escaped, as Slack escapes what people type.
    await sender.slash(
        "Who backs the Zorkian rebels? &lt;!channel&gt;", response_url=fake_slack.response_url()
    )
    await sender.event(mention("Who backs the Zorkian rebels?", event_id="Ev0ZORK"))
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 1 and len(fake_slack.posts) == 1)

    for received in (fake_slack.responses[0], fake_slack.posts[0]):
        shown = texts(received)
        assert "Freedonia &lt;!channel&gt; and &lt;@U0VICTIM&gt;" in shown
        assert "&lt;http://evil.example|the official statement&gt;" in shown
        assert "Zorkia &lt;!here&gt; alert" in shown
        assert "&lt;@U0VICTIM&gt; Wire" in shown
        assert "<https://wire.example/zork?a=1&amp;b=2%7Cx%3Ey|Zorkia &lt;!here&gt; alert>" in shown
        for markup in ("<!channel>", "<!here>", "<@U0VICTIM>", "<http://evil"):
            assert markup not in json.dumps(received)
    assert "asked: Who backs the Zorkian rebels? &lt;!channel&gt;" in texts(fake_slack.responses[0])


async def test_feed_changes_need_an_admin(
    fake_slack: FakeSlack, sender: SlackSender, slack_core: Core
) -> None:
    fake_slack.users["U0WSADMIN"] = {"is_admin": True}
    feed = f"{fake_slack.base_url}/feeds/wire.rss"

    await sender.slash(
        f"feeds add {feed}", user_id="U0PLAIN", response_url=fake_slack.response_url("plain")
    )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 1)
    refusal = fake_slack.responses[0]
    assert refusal["response_type"] == "ephemeral"
    assert "only admins can change this workspace's feeds" in texts(refusal)
    assert [c.args["user"] for c in fake_slack.called("users.info")] == ["U0PLAIN"]

    await sender.slash(
        f"feeds add {feed}",
        user_id=ADMIN_IN_SETTINGS,
        response_url=fake_slack.response_url("listed"),
    )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 2)
    added = fake_slack.responses[1]
    assert added["response_type"] == "in_channel"
    assert "Added " in texts(added) and "1 new article." in texts(added)
    assert len(fake_slack.called("users.info")) == 1  # the listed admin needs no lookup

    await sender.slash(
        f"feeds remove {feed}", user_id="U0WSADMIN", response_url=fake_slack.response_url("ws")
    )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 3)
    assert "Removed " in texts(fake_slack.responses[2])
    assert [c.args["user"] for c in fake_slack.called("users.info")] == ["U0PLAIN", "U0WSADMIN"]

    # Questions never cost a users.info call.
    await sender.slash(
        "who backs Haftar?", user_id="U0PLAIN2", response_url=fake_slack.response_url()
    )
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 4)
    assert len(fake_slack.called("users.info")) == 2


async def test_a_failure_reaches_the_user_as_one_sentence(
    slack_core: Core,
    fake_slack: FakeSlack,
    sender: SlackSender,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(command: Command, context: CommandContext) -> Reply:
        raise RuntimeError("index file vanished at /var/lib/newsbot")

    monkeypatch.setattr(slack_core.commands, "run", broken)
    await sender.slash("who backs Haftar?", response_url=fake_slack.response_url())
    await sender.event(mention("who backs Haftar?", event_id="Ev0BROKEN"))
    await fake_slack.wait_for(lambda: len(fake_slack.responses) == 1 and len(fake_slack.posts) == 1)
    assert fake_slack.responses[0]["text"] == SORRY
    assert fake_slack.responses[0]["response_type"] == "ephemeral"
    assert fake_slack.posts[0]["text"] == SORRY
    assert "index file vanished" in caplog.text
    assert "index file vanished" not in json.dumps([fake_slack.responses, fake_slack.posts])


async def test_front_end_stops_cleanly_when_cancelled(
    slack_core: Core, fake_slack: FakeSlack
) -> None:
    front = SlackFrontEnd(slack_core.chat, slack_core.settings, host="127.0.0.1")
    task = await start_front_end(front)
    assert front.address is not None
    await stop_front_end(task)
    assert task.cancelled()
    with pytest.raises(OSError):
        _, writer = await asyncio.open_connection(*front.address)
        writer.close()
