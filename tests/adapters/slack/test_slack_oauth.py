"""Several workspaces install newsbot by OAuth: each answers with its own token, keeps its
feeds to itself, and an uninstall takes its tokens, digests and live posts away."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from oauth_flow import Browser, event_in, oauth_settings, running_bot
from pydantic import SecretStr
from slack_fake import APP_TOKEN, CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, FakeSlack
from test_slack_http import texts
from typer.testing import CliRunner

from adapters.cli import app
from adapters.slack import SlackFrontEnd, SlackSetupError
from bot.app import Core, open_core
from bot.config import Settings
from bot.types import ChannelRef, Digest
from storage import Subscription, list_subscriptions, tenant_live_feeds
from tests.support.httpserver import FakeSite
from tests.support.news import FERRY_QUESTION

NORTH, SOUTH = "T0NORTH", "T0SOUTH"
NORTH_TOKEN = "xoxb-north-0000-installedtokenvalue"
SOUTH_TOKEN = "xoxb-south-0000-installedtokenvalue"
NORTH_ADMIN, SOUTH_ADMIN = "U0NORTHADMIN", "U0SOUTHADMIN"


@pytest.fixture
def distributed(settings: Settings, fake_slack: FakeSlack, db_url: str) -> Settings:
    fake_slack.users.update({NORTH_ADMIN: {"is_admin": True}, SOUTH_ADMIN: {"is_admin": True}})
    return oauth_settings(settings, fake_slack, db_url)


async def news(fake: FakeSlack, browser: Browser, team: str, user: str, text: str) -> str:
    """`/news TEXT` from ``user`` in ``team``; the text of the reply."""
    before = len(fake.responses)
    hook = f"hook{before}"
    sent = await browser.slack.slash(
        text, team_id=team, user_id=user, response_url=fake.response_url(hook)
    )
    assert sent.status == 200
    await fake.wait_for(lambda: len(fake.responses) > before)
    return texts(fake.responses[before])


def subscriptions_of(core: Core, team: str) -> list[Subscription]:
    with core.db.session() as session:
        return list_subscriptions(session, tenant=f"slack:{team}")


async def test_an_installed_workspace_answers_with_its_own_token(
    distributed: Settings,
    fake_slack: FakeSlack,
    site: FakeSite,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(distributed) as (core, _front, browser):
        page = await browser.install(fake_slack, NORTH, NORTH_TOKEN)
        assert "Thank you!" in page or "success" in page.lower()
        stored = core.chat.slack_installs(CLIENT_ID).find(None, NORTH)
        assert stored is not None and stored.bot_token == NORTH_TOKEN

        # An admin there adds a feed: Slack is asked who they are with that workspace's token.
        reply = await news(
            fake_slack, browser, NORTH, NORTH_ADMIN, f"feeds add {site.url('/north.rss')}"
        )
        assert "Added " in reply
        [lookup] = fake_slack.called("users.info")
        assert lookup.token == NORTH_TOKEN and lookup.args["user"] == NORTH_ADMIN
        assert "Azam Marine" in await news(fake_slack, browser, NORTH, "U0READER", FERRY_QUESTION)

        # A mention is answered in its thread, posted with the same token.
        event = {
            "type": "app_mention",
            "text": f"<@UBOTNEWS> {FERRY_QUESTION}",
            "user": "U0READER",
            "ts": "1700000200.000100",
            "channel": "C0NORTH",
            "team": NORTH,
        }
        await browser.slack.event(event_in(NORTH, event, "Ev0NORTHMENTION"))
        await fake_slack.wait_for(lambda: bool(fake_slack.posts))
        [post] = fake_slack.called("chat.postMessage")
        assert post.token == NORTH_TOKEN and "Azam Marine" in texts(post.args)
    # Neither the token nor the app's secret reached a log line, at DEBUG either.
    assert caplog.records
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert NORTH_TOKEN not in logged and distributed.slack_client_secret is not None
    assert distributed.slack_client_secret.get_secret_value() not in logged


async def test_a_second_workspace_cannot_see_or_remove_the_first_ones_feeds(
    distributed: Settings, fake_slack: FakeSlack, site: FakeSite
) -> None:
    north_feed = site.url("/north.rss")
    async with running_bot(distributed) as (_core, _front, browser):
        await browser.install(fake_slack, NORTH, NORTH_TOKEN)
        await browser.install(fake_slack, SOUTH, SOUTH_TOKEN)
        assert "Added " in await news(
            fake_slack, browser, NORTH, NORTH_ADMIN, f"feeds add {north_feed}"
        )

        listing = await news(fake_slack, browser, SOUTH, SOUTH_ADMIN, "feeds list")
        assert north_feed not in listing
        refusal = await news(fake_slack, browser, SOUTH, SOUTH_ADMIN, f"feeds remove {north_feed}")
        assert f"This workspace does not read {north_feed}" in refusal
        answer = await news(fake_slack, browser, SOUTH, "U0READER", FERRY_QUESTION)
        assert "Azam Marine" not in answer
        assert north_feed in await news(fake_slack, browser, NORTH, NORTH_ADMIN, "feeds list")
        # South's admin was looked up with South's token, never North's.
        tokens = {call.args["user"]: call.token for call in fake_slack.called("users.info")}
        assert tokens == {NORTH_ADMIN: NORTH_TOKEN, SOUTH_ADMIN: SOUTH_TOKEN}

        # Each Home tab is published with its own workspace's token and lists its own feeds.
        for team, event_id in ((SOUTH, "Ev0SOUTHHOME"), (NORTH, "Ev0NORTHHOME")):
            home = {"type": "app_home_opened", "user": "U0READER", "tab": "home"}
            await browser.slack.event(event_in(team, home, event_id))
        await fake_slack.wait_for(lambda: len(fake_slack.called("views.publish")) == 2)
        published = {
            call.token: str(call.args["view"]) for call in fake_slack.called("views.publish")
        }
        assert north_feed in published[NORTH_TOKEN] and north_feed not in published[SOUTH_TOKEN]


@pytest.mark.parametrize("farewell", ["app_uninstalled", "tokens_revoked"])
async def test_uninstalling_removes_the_workspaces_tokens_and_subscriptions(
    distributed: Settings, fake_slack: FakeSlack, site: FakeSite, farewell: str
) -> None:
    north_feed, south_feed = site.url("/north.rss"), site.url("/south.rss")
    async with running_bot(distributed) as (core, _front, browser):
        await browser.install(fake_slack, NORTH, NORTH_TOKEN)
        await browser.install(fake_slack, SOUTH, SOUTH_TOKEN)
        for team, admin, feed in (
            (NORTH, NORTH_ADMIN, north_feed),
            (SOUTH, SOUTH_ADMIN, south_feed),
        ):
            assert "Subscribed" in await news(
                fake_slack, browser, team, admin, "subscribe daily 08:00"
            )
            assert "posted here" in await news(
                fake_slack, browser, team, admin, f"feeds add {feed} here"
            )

        event: dict[str, object] = {"type": farewell}
        if farewell == "tokens_revoked":
            event["tokens"] = {"oauth": [], "bot": ["UBOTNEWS"]}
        fake_slack.revoke(NORTH_TOKEN)
        sent = await browser.slack.event(event_in(NORTH, event, f"Ev0{farewell}"))
        assert sent.status == 200

        installs = core.chat.slack_installs(CLIENT_ID)
        await fake_slack.wait_for(lambda: installs.find(None, NORTH) is None)
        await fake_slack.wait_for(lambda: not subscriptions_of(core, NORTH))
        assert subscriptions_of(core, NORTH) == []
        with core.db.session() as session:
            assert tenant_live_feeds(session, f"slack:{NORTH}") == []
            assert len(tenant_live_feeds(session, f"slack:{SOUTH}")) == 1
        # The other workspace keeps its token, its digest and its live feed.
        south = installs.find(None, SOUTH)
        assert south is not None and south.bot_token == SOUTH_TOKEN
        assert len(subscriptions_of(core, SOUTH)) == 1
        listing = await news(fake_slack, browser, SOUTH, SOUTH_ADMIN, "feeds list")
        assert south_feed in listing and "posted here live" in listing


async def test_a_digest_goes_out_with_its_workspaces_token(
    distributed: Settings, fake_slack: FakeSlack
) -> None:
    async with running_bot(distributed) as (_core, front, browser):
        await browser.install(fake_slack, SOUTH, SOUTH_TOKEN)
        channel = ChannelRef("slack", "C0SOUTH", tenant=f"slack:{SOUTH}")
        now = datetime.now(UTC)
        digest = Digest(since=now, until=now, items=[])
        assert await front.post_digest(channel, digest)
        [post] = fake_slack.called("chat.postMessage")
        assert post.token == SOUTH_TOKEN and post.args["channel"] == "C0SOUTH"
        # A workspace that never installed the app has no token to post with.
        with pytest.raises(SlackSetupError):
            await front.post_digest(ChannelRef("slack", "C0X", tenant="slack:T0NEVER"), digest)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"slack_signing_secret": None}, "SLACK_SIGNING_SECRET"),
        ({"slack_app_token": SecretStr(APP_TOKEN)}, "unset SLACK_APP_TOKEN"),
    ],
)
def test_the_oauth_install_needs_http_mode(
    distributed: Settings, change: dict[str, object], named: str
) -> None:
    core = open_core(distributed)
    try:
        with pytest.raises(SlackSetupError, match=named):
            SlackFrontEnd(core.chat, distributed.model_copy(update=change))
    finally:
        core.close()


async def test_newsbot_digest_now_posts_with_the_channels_workspace_token(
    distributed: Settings, fake_slack: FakeSlack
) -> None:
    async with running_bot(distributed) as (_core, _front, browser):
        await browser.install(fake_slack, SOUTH, SOUTH_TOKEN)
        reply = await news(fake_slack, browser, SOUTH, SOUTH_ADMIN, "subscribe daily 08:00")
        assert "Subscribed" in reply
    env = {
        "DATABASE_URL": distributed.database_url,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "LOAD_DEMO_CORPUS": "false",
    }
    command = ["digest", "--channel", "slack:C0NEWSROOM", "--now"]
    result = await asyncio.to_thread(CliRunner().invoke, app, command, env=env)
    assert result.exit_code == 0, result.output
    [post] = fake_slack.called("chat.postMessage")
    assert post.token == SOUTH_TOKEN and post.args["channel"] == "C0NEWSROOM"
