"""The real discord.py bot against the fake Discord: mentions, DMs, /news, digests, tokens."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.discord import DiscordError, DiscordFrontEnd, sync_commands
from adapters.discord.render import EMBED_TOTAL_LIMIT, EMBEDS_PER_MESSAGE, MESSAGE_LIMIT
from bot.app import Core
from bot.ingest import ArticleDraft
from bot.types import ChannelRef, Citation, Digest, DigestItem, LiveItem
from storage import list_feeds, list_subscriptions
from tests.adapters.discord.fake_discord import (
    BOT_ID,
    DM_CHANNEL_ID,
    EDITOR_ROLE_ID,
    MODERATOR_ROLE_ID,
    NEWS_CHANNEL_ID,
    QUIET_CHANNEL_ID,
    THREAD_ID,
    TOKEN,
    FakeDiscord,
    Request,
)
from tests.adapters.discord.gateway_events import (
    MANAGE_SERVER,
    channel_message,
    direct_message,
    slash_command,
)

RUSSLAND = "mens Russland uoffisielt holder med Haftars styrker"
LIBYA_SOURCE = "[Libyas parter til forhandlinger i Moskva](https://dagsnytt.example/libya-moskva)"


def embed_chars(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward an embed's 6,000."""
    fields = embed.get("fields", [])
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
    )


def pings_nobody(sent: dict[str, Any]) -> bool:
    """allowed_mentions that let no mention ping: nothing parsed, nobody listed, no reply ping."""
    allowed = sent["allowed_mentions"]
    return (
        allowed["parse"] == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user", False)
    )


def everything_sent(fake: FakeDiscord) -> str:
    return json.dumps([r.json for r in fake.requests], ensure_ascii=False)


async def messages_to(fake: FakeDiscord, channel_id: int, count: int = 1) -> list[Request]:
    return await fake.wait_for_requests("POST", f"/channels/{channel_id}/messages", count)


async def test_mention_is_answered_as_a_reply_with_quote_and_sources(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    question = channel_message(f"<@{BOT_ID}> Hvem støtter Haftar?")
    await fake_discord.dispatch("MESSAGE_CREATE", question)

    [reply] = await messages_to(fake_discord, NEWS_CHANNEL_ID)
    sent = reply.json
    assert sent["message_reference"]["message_id"] == int(question["id"])
    assert pings_nobody(sent) and sent["allowed_mentions"]["replied_user"] is False
    [embed] = sent["embeds"]
    assert RUSSLAND in embed["description"]
    assert "[1]" in embed["description"]
    assert embed["fields"][0]["name"] == "Sources"
    assert embed["fields"][0]["value"].startswith(f"[1] {LIBYA_SOURCE} — Dagsnytt")
    # The typing indicator ran while the answer was prepared.
    paths = [r.path for r in fake_discord.requests]
    assert paths.index(f"/channels/{NEWS_CHANNEL_ID}/typing") < paths.index(reply.path)


async def test_messages_not_for_the_bot_get_nothing(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    await fake_discord.dispatch(
        "MESSAGE_CREATE",
        channel_message("Hvem støtter Haftar?", channel_id=QUIET_CHANNEL_ID, mentions_bot=False),
    )
    everyone = channel_message(
        "@everyone Hvem støtter Haftar?",
        channel_id=QUIET_CHANNEL_ID,
        mentions_bot=False,
        mention_everyone=True,
    )
    await fake_discord.dispatch("MESSAGE_CREATE", everyone)
    from_a_bot = channel_message(f"<@{BOT_ID}> Hvem støtter Haftar?", channel_id=QUIET_CHANNEL_ID)
    from_a_bot["author"]["bot"] = True
    await fake_discord.dispatch("MESSAGE_CREATE", from_a_bot)
    # A later mention is answered; by then the earlier events have long been handled.
    await fake_discord.dispatch("MESSAGE_CREATE", channel_message(f"<@{BOT_ID}> help"))
    await messages_to(fake_discord, NEWS_CHANNEL_ID)

    assert not [r for r in fake_discord.requests if str(QUIET_CHANNEL_ID) in r.path]


async def test_a_direct_message_is_answered(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    question = direct_message("Hvem støtter Haftar?")
    await fake_discord.dispatch("MESSAGE_CREATE", question)

    [reply] = await messages_to(fake_discord, DM_CHANNEL_ID)
    assert reply.json["message_reference"]["message_id"] == int(question["id"])
    assert RUSSLAND in reply.json["embeds"][0]["description"]
    assert pings_nobody(reply.json)


async def test_nobody_is_admin_in_a_direct_message(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord, core: Core
) -> None:
    await fake_discord.dispatch(
        "MESSAGE_CREATE", direct_message("feeds add https://feeds.example/rss")
    )

    [reply] = await messages_to(fake_discord, DM_CHANNEL_ID)
    assert reply.json["content"].startswith("Sorry, only admins")
    with core.db.session() as session:
        assert list_feeds(session) == []


async def test_a_mention_in_a_thread_is_answered_in_the_thread(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord, core: Core
) -> None:
    command = channel_message(
        f"<@{BOT_ID}> subscribe daily 08:00 Libya", channel_id=THREAD_ID, roles=(EDITOR_ROLE_ID,)
    )
    await fake_discord.dispatch("MESSAGE_CREATE", command)

    [reply] = await messages_to(fake_discord, THREAD_ID)
    # The configured admin role may subscribe; the subscription belongs to the thread.
    assert reply.json["content"].startswith("Subscribed (#")
    with core.db.session() as session:
        [subscription] = list_subscriptions(session, "discord", str(NEWS_CHANNEL_ID))
        assert subscription.thread_id == str(THREAD_ID)


async def test_a_role_with_manage_server_may_manage_feeds_by_mention(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    command = channel_message(
        f"<@{BOT_ID}> feeds remove https://feeds.example/rss", roles=(MODERATOR_ROLE_ID,)
    )
    await fake_discord.dispatch("MESSAGE_CREATE", command)

    [reply] = await messages_to(fake_discord, NEWS_CHANNEL_ID)
    # Not refused: the core looked for the feed (and suppress_previews kept the link quiet).
    assert reply.json["content"] == "This server does not read <https://feeds.example/rss>."


async def test_an_app_command_is_deferred_then_followed_up(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    interaction = slash_command("ask", {"question": "Hvem støtter Haftar?"})
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)

    [callback] = await fake_discord.wait_for_requests(
        "POST", f"/interactions/{interaction['id']}/{interaction['token']}/callback"
    )
    assert callback.json["type"] == 5  # deferred: "newsbot is thinking…"
    [followup] = await fake_discord.wait_for_requests(
        "POST", f"/webhooks/{BOT_ID}/{interaction['token']}"
    )
    assert fake_discord.requests.index(callback) < fake_discord.requests.index(followup)
    assert RUSSLAND in followup.json["embeds"][0]["description"]
    assert LIBYA_SOURCE in followup.json["embeds"][0]["fields"][0]["value"]
    assert pings_nobody(followup.json)


async def test_an_article_with_everyone_is_quoted_without_pinging(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord, core: Core
) -> None:
    text = (
        "Brann på Bryggen i Bergen natt til fredag. @everyone Brannvesenet sendte tolv biler til "
        "Bryggen, sier vakthavende <@&1190000000000000102> __Ola__ Nordmann. Ingen ble skadet."
    )
    article = ArticleDraft(
        url="https://spam.example/brann",
        title="Brann på *Bryggen*",
        text=text,
        source="Spam Tidende",
        language="nb",
        published_at=datetime.now(UTC),
        published_precision="minute",
    )
    assert core.ingestor.store([article]).new == 1

    await fake_discord.dispatch(
        "MESSAGE_CREATE",
        channel_message(f"<@{BOT_ID}> Hvor mange biler sendte brannvesenet til Bryggen?"),
    )

    [reply] = await messages_to(fake_discord, NEWS_CHANNEL_ID)
    assert pings_nobody(reply.json)
    description = reply.json["embeds"][0]["description"]
    assert "@\u200beveryone Brannvesenet sendte tolv biler" in description
    assert "\\_\\_Ola\\_\\_" in description
    assert "<\u200b@&1190000000000000102>" in description
    assert "@everyone" not in everything_sent(fake_discord)
    assert "Brann på \\*Bryggen\\*" in reply.json["embeds"][0]["fields"][0]["value"]


async def test_a_non_admin_gets_a_polite_refusal_for_feeds_add(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord, core: Core
) -> None:
    interaction = slash_command("feeds", {"action": "add", "url": "https://feeds.example/rss"})
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)

    [callback] = await fake_discord.wait_for_requests(
        "POST", f"/interactions/{interaction['id']}/*"
    )
    assert callback.json == {"type": 5, "data": {"flags": 64}}  # deferred, only they see it
    [followup] = await fake_discord.wait_for_requests(
        "POST", f"/webhooks/{BOT_ID}/{interaction['token']}"
    )
    assert (
        followup.json["content"]
        == "Sorry, only admins can change this server's feeds and subscriptions."
    )
    assert followup.json["flags"] == 64
    assert pings_nobody(followup.json)
    with core.db.session() as session:
        assert list_feeds(session) == []


async def test_manage_server_may_subscribe_with_an_app_command(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    interaction = slash_command(
        "subscribe", {"schedule": "weekdays 07:30 Libya"}, permissions=MANAGE_SERVER
    )
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)

    [callback] = await fake_discord.wait_for_requests(
        "POST", f"/interactions/{interaction['id']}/*"
    )
    assert callback.json == {"type": 5}
    [followup] = await fake_discord.wait_for_requests(
        "POST", f"/webhooks/{BOT_ID}/{interaction['token']}"
    )
    assert followup.json["content"].startswith("Subscribed (#1): a digest about “Libya”")


async def test_a_failure_is_one_sentence_to_the_user_and_detail_in_the_log(
    discord_bot: DiscordFrontEnd,
    fake_discord: FakeDiscord,
    core: Core,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(command: object, context: object) -> None:
        raise RuntimeError("index file /var/lib/newsbot/x is corrupt")

    monkeypatch.setattr(core.commands, "run", broken)
    await fake_discord.dispatch("MESSAGE_CREATE", channel_message(f"<@{BOT_ID}> Hvem?"))
    interaction = slash_command("ask", {"question": "Hvem?"})
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)

    [reply] = await messages_to(fake_discord, NEWS_CHANNEL_ID)
    [followup] = await fake_discord.wait_for_requests(
        "POST", f"/webhooks/{BOT_ID}/{interaction['token']}"
    )
    for sent in (reply.json, followup.json):
        assert (
            sent["content"] == "Sorry, something went wrong on my side; the details are in my log."
        )
    assert "corrupt" not in everything_sent(fake_discord)
    assert "index file /var/lib/newsbot/x is corrupt" in caplog.text


async def test_post_digest_splits_a_long_digest_in_order(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    until = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    items = [
        DigestItem(
            headline=f"Story {n}",
            summary=f"Story {n} says " + "a great deal, " * 120,
            citations=[
                Citation(1, f"Story {n}", f"https://news.example/{n}", "Outlet", "2024-05-02")
            ],
        )
        for n in range(1, 26)
    ]
    digest = Digest(until - timedelta(days=1), until, items)

    first_id = await discord_bot.post_digest(ChannelRef("discord", str(NEWS_CHANNEL_ID)), digest)

    sent = fake_discord.matching("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    assert len(sent) > 2
    titles = [embed["title"] for request in sent for embed in request.json["embeds"]]
    assert titles == [f"{n}. Story {n}" for n in range(1, 26)]
    for request in sent:
        assert len(request.json["embeds"]) <= EMBEDS_PER_MESSAGE
        assert sum(embed_chars(e) for e in request.json["embeds"]) <= EMBED_TOTAL_LIMIT
        assert len(request.json.get("content") or "") <= MESSAGE_LIMIT
        assert pings_nobody(request.json)
    assert sent[0].json["content"].startswith("**News digest**")
    assert first_id is not None and first_id.isdigit()


async def test_the_token_never_reaches_the_log_or_a_message(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    await fake_discord.dispatch(
        "MESSAGE_CREATE", channel_message(f"<@{BOT_ID}> Hvem støtter Haftar?")
    )
    interaction = slash_command("help")
    await fake_discord.dispatch("INTERACTION_CREATE", interaction)
    await messages_to(fake_discord, NEWS_CHANNEL_ID)
    await fake_discord.wait_for_requests("POST", f"/webhooks/{BOT_ID}/{interaction['token']}")

    assert fake_discord.requests[0].headers["Authorization"] == f"Bot {TOKEN}"
    assert fake_discord.identify is not None and fake_discord.identify["intents"] & (1 << 15) == 0
    assert "discord.http" in caplog.text  # discord.py's debug log was captured...
    assert TOKEN not in caplog.text  # ...and it holds no token
    assert TOKEN not in everything_sent(fake_discord)


async def test_a_rejected_token_is_one_sentence_without_the_token(
    core: Core, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.token = "a-different-token-altogether"
    with pytest.raises(DiscordError, match="did not accept DISCORD_TOKEN"):
        await asyncio.wait_for(DiscordFrontEnd(core.chat, core.settings).run(), 5)
    assert "did not accept DISCORD_TOKEN" in caplog.text
    assert TOKEN not in caplog.text


async def test_a_gateway_url_setting_is_used_as_given(
    core: Core, fake_discord: FakeDiscord
) -> None:
    core.settings = core.settings.model_copy(
        update={"discord_gateway_url": fake_discord.gateway_url}
    )
    front_end = DiscordFrontEnd(core.chat, core.settings, guild_ready_timeout=0.05)
    task = asyncio.create_task(front_end.run())
    await fake_discord.wait_until_identified()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert front_end.bot.is_closed()
    assert not fake_discord.matching("GET", "/gateway/bot")
    assert fake_discord.gateway_query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}


async def test_sync_commands_registers_the_news_group(
    core: Core, fake_discord: FakeDiscord
) -> None:
    assert await sync_commands(core.chat, core.settings) == ["news"]

    [put] = fake_discord.matching("PUT", f"/applications/{BOT_ID}/commands")
    [news] = put.json
    subcommands = [option["name"] for option in news["options"]]
    assert subcommands == [
        "ask",
        "digest",
        "subscribe",
        "unsubscribe",
        "subscriptions",
        "feeds",
        "help",
    ]
    feeds = news["options"][subcommands.index("feeds")]
    assert [c["value"] for c in feeds["options"][0]["choices"]] == ["add", "list", "remove"]
    assert not fake_discord.matching("GET", "/gateway/bot")  # syncing needs no gateway


async def test_sync_commands_with_a_rejected_token_is_one_sentence(
    core: Core, fake_discord: FakeDiscord
) -> None:
    fake_discord.token = "a-different-token-altogether"
    with pytest.raises(DiscordError, match="did not accept DISCORD_TOKEN"):
        await sync_commands(core.chat, core.settings, guild_id=1190000000000000001)


async def test_sync_commands_to_one_server(core: Core, fake_discord: FakeDiscord) -> None:
    assert await sync_commands(core.chat, core.settings, guild_id=1190000000000000001) == ["news"]

    [put] = fake_discord.matching(
        "PUT", f"/applications/{BOT_ID}/guilds/1190000000000000001/commands"
    )
    assert [command["name"] for command in put.json] == ["news"]


async def test_commands_are_synced_at_start_only_when_asked(
    core: Core, fake_discord: FakeDiscord
) -> None:
    for sync, expected_puts in ((False, 0), (True, 1)):
        fake_discord.identify = None
        front_end = DiscordFrontEnd(
            core.chat, core.settings, sync_commands=sync, guild_ready_timeout=0.05
        )
        task = asyncio.create_task(front_end.run())
        await fake_discord.wait_until_identified()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert (
            len(fake_discord.matching("PUT", f"/applications/{BOT_ID}/commands")) == expected_puts
        )


async def test_a_rate_limited_post_is_retried_not_dropped(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    until = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    story = DigestItem(
        "Storm closes ferries",
        "Fourteen ferry routes stopped.",
        [Citation(1, "Storm closes ferries", "https://news.example/storm", "Outlet", "2024-05-02")],
    )
    fake_discord.rate_limited = 1
    await discord_bot.post_digest(
        ChannelRef("discord", str(NEWS_CHANNEL_ID)),
        Digest(until - timedelta(days=1), until, [story]),
    )
    sent = fake_discord.matching("POST", f"/channels/{NEWS_CHANNEL_ID}/messages")
    assert len(sent) == 2  # refused with 429 and retry_after, then sent again
    assert sent[0].json == sent[1].json


async def test_a_live_item_is_one_embed_and_the_rest_one_line(
    discord_bot: DiscordFrontEnd, fake_discord: FakeDiscord
) -> None:
    citation = Citation(1, "Ferry cancelled", "https://wire.example/ferry", "Wire", "2024-05-02")
    item = DigestItem("Ferry **cancelled**", "Storms stopped it. It sails tomorrow.", [citation])
    channel = ChannelRef("discord", str(QUIET_CHANNEL_ID))
    assert await discord_bot.post_live(channel, LiveItem(item)) is not None
    await discord_bot.post_live(channel, LiveItem(None, 1))

    first, more = await messages_to(fake_discord, QUIET_CHANNEL_ID, 2)
    [embed] = first.json["embeds"]
    assert embed["title"] == "Ferry \\*\\*cancelled\\*\\*"
    assert embed["url"] == "https://wire.example/ferry"
    assert "Storms stopped it. It sails tomorrow." in embed["description"]
    assert pings_nobody(first.json)
    assert more.json["content"] == "…and 1 more new item in this channel's live feeds."
