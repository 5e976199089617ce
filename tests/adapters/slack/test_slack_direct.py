"""Direct messages to newsbot: the real slack-bolt app, a fake Slack."""

from __future__ import annotations

from typing import Any

from slack_fake import BOT_TOKEN, BOT_USER_ID, FakeSlack
from slack_harness import wait_idle
from slack_requests import SlackSender, load_payload
from test_slack_http import RUSSIA_SENTENCE, texts

from adapters.slack import SlackFrontEnd

DM_CHANNEL = "D0ASKER"


def direct(text: str, *, event_id: str, **event: Any) -> dict[str, Any]:
    """A `message.im` event: ``text`` written to newsbot in a direct conversation."""
    envelope = load_payload("app_mention.json")
    envelope["event_id"] = event_id
    envelope["event"] = {
        "type": "message",
        "channel_type": "im",
        "channel": DM_CHANNEL,
        "user": "U0ASKER",
        "text": text,
        "ts": "1700000300.000100",
        "event_ts": "1700000300.000100",
        **event,
    }
    return envelope


async def test_a_direct_question_is_answered_there_once(
    fake_slack: FakeSlack, sender: SlackSender, slack_bot: SlackFrontEnd
) -> None:
    envelope = direct("Hvem støtter Haftar?", event_id="Ev0DIRECT")
    assert (await sender.event(envelope)).status == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await sender.event(envelope, headers=retry)).status == 200
    assert slack_bot.seen_events.dropped == 1
    await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1)
    # newsbot's own reply comes back as a message in the conversation: not answered.
    echo = direct("Russland støtter Haftar.", event_id="Ev0ECHO", bot_id="B0NEWS")
    assert (await sender.event(echo)).status == 200
    await wait_idle(slack_bot)
    [post] = fake_slack.posts
    assert post["channel"] == DM_CHANNEL and "thread_ts" not in post
    assert RUSSIA_SENTENCE in texts(post)
    assert all(call.token == BOT_TOKEN for call in fake_slack.calls)


async def test_a_direct_message_that_mentions_newsbot_is_answered_once(
    fake_slack: FakeSlack, sender: SlackSender, slack_bot: SlackFrontEnd
) -> None:
    text = f"<@{BOT_USER_ID}> Hvem støtter Haftar?"
    await sender.event(direct(text, event_id="Ev0DMMESSAGE"))
    # Were Slack to send the same message as a mention too, it is not answered again.
    mention = direct(text, event_id="Ev0DMMENTION", type="app_mention")
    mention["event"].pop("channel_type")
    await sender.event(mention)
    await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1)
    await wait_idle(slack_bot)
    [post] = fake_slack.posts
    assert RUSSIA_SENTENCE in texts(post)


async def test_a_direct_message_in_a_thread_is_answered_in_it(
    fake_slack: FakeSlack, sender: SlackSender, slack_bot: SlackFrontEnd
) -> None:
    thread = "1700000290.000100"
    await sender.event(direct("help", event_id="Ev0DMTHREAD", thread_ts=thread))
    await fake_slack.wait_for(lambda: len(fake_slack.posts) >= 1)
    [post] = fake_slack.posts
    assert post["thread_ts"] == thread and "feeds add URL" in texts(post)
