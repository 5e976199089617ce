"""Installing the real Slack front end by OAuth, as a browser and Slack would, for tests."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from pydantic import SecretStr
from slack_fake import CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, FakeSlack
from slack_harness import ADMIN_IN_SETTINGS, start_front_end, stop_front_end
from slack_requests import SlackSender, load_payload

from adapters.slack import SlackFrontEnd
from bot.app import Core, open_core
from bot.config import Settings

STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(settings: Settings, fake: FakeSlack, db_url: str) -> Settings:
    """A distributed app: client id and secret, a signing secret, and no bot token."""
    return settings.model_copy(
        update={
            "database_url": db_url,
            "slack_bot_token": None,
            "slack_client_id": CLIENT_ID,
            "slack_client_secret": SecretStr(CLIENT_SECRET),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": fake.api_url,
            "port": 0,
            "slack_admin_user_ids": ADMIN_IN_SETTINGS,
        }
    )


class Browser:
    """The installer's browser and Slack's requests to one running bot."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url
        self.slack = SlackSender(session, f"{base_url}/slack/events", SIGNING_SECRET)

    async def install(self, fake: FakeSlack, team_id: str, token: str) -> str:
        """Open /slack/install, approve in "Slack", follow the redirect; the page shown."""
        async with self.session.get(f"{self.base_url}/slack/install") as response:
            assert response.status == 200, await response.text()
            page = await response.text()
            cookie = response.headers.get("Set-Cookie", "")
        found = re.search(r"state=([A-Za-z0-9_\-]+)", page)
        assert found is not None, page
        state = found.group(1)
        assert f"{STATE_COOKIE}={state}" in cookie
        code = f"code-{team_id}-{time.monotonic_ns()}"
        fake.grant(code, team_id, token)
        async with self.session.get(
            f"{self.base_url}/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": f"{STATE_COOKIE}={state}"},
        ) as response:
            assert response.status == 200, await response.text()
            return await response.text()


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[tuple[Core, SlackFrontEnd, Browser]]:
    """The core and the Slack front end in OAuth mode on 127.0.0.1, and a browser for it."""
    core = open_core(settings)
    front = SlackFrontEnd(core.chat, settings, host="127.0.0.1", shutdown_grace_s=2.0)
    task = await start_front_end(front)
    assert front.address is not None
    host, port = front.address
    try:
        # The state cookie is sent by hand: aiohttp keeps no cookies for IP addresses.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            yield core, front, Browser(session, f"http://{host}:{port}")
    finally:
        await stop_front_end(task)
        core.close()


def event_in(team_id: str, event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """An Events API envelope from workspace ``team_id``."""
    envelope = load_payload("app_mention.json")
    envelope.update(team_id=team_id, event_id=event_id, event=event)
    envelope["authorizations"][0]["team_id"] = team_id
    return envelope
