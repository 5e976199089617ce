"""A fake Slack on 127.0.0.1: the Web API, response_url hooks, a Socket Mode websocket, a feed.

It records what the bot sent, so tests assert on what "Slack" received.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-1111-2222-fakebottokenvalue"
APP_TOKEN = "xapp-1-A111-3333-fakeapptokenvalue"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_USER_ID = "UBOTNEWS"
# The distributed app's credentials (OAuth install).
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fakeclientsecret0123456789"
SCOPES = ("commands", "app_mentions:read", "chat:write", "chat:write.public", "users:read")

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fake Wire</title><link>https://wire.example/</link>
<item><title>Harbour reopens after storm</title><link>https://wire.example/harbour</link>
<pubDate>Mon, 13 Jan 2020 08:00:00 GMT</pubDate>
<description>The harbour reopened on Monday after the storm closed it for three days.</description>
</item></channel></rss>"""


@dataclass
class ApiCall:
    """One Web API call the bot made: method, arguments and the token it used."""

    method: str
    args: dict[str, Any]
    token: str


@dataclass
class FakeSlack:
    """Plays Slack for one test; start with `started()`."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Channels conversations.info knows (any other: channel_not_found).
    channels: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"C0NEWSROOM": {"name": "newsroom"}}
    )
    calls: list[ApiCall] = field(default_factory=list)
    # Bot tokens Slack honours, and the workspace (team id) each belongs to.
    tokens: dict[str, str] = field(default_factory=lambda: {BOT_TOKEN: "T0FAKE"})
    # OAuth codes Slack gave installers, and what oauth.v2.access answers for each.
    grants: dict[str, dict[str, Any]] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    socket_envelopes: list[dict[str, Any]] = field(default_factory=list)
    socket_outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    base_url: str = ""
    # How many chat.postMessage calls to answer with 429 before accepting them.
    rate_limited: int = 0
    # How many chat.postMessage calls to answer with HTTP 500 (Slack having a bad moment).
    server_errors: int = 0
    refused: int = 0  # calls answered with a 500 so far
    _runner: web.AppRunner | None = None
    _ts: int = 0

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, hook: str = "hook1") -> str:
        return f"{self.base_url}/response/{hook}"

    def grant(self, code: str, team_id: str, token: str, installer: str = "U0INSTALLER") -> None:
        """An installer of ``team_id`` approved the app: ``code`` is exchanged for ``token``."""
        self.grants[code] = {"team_id": team_id, "token": token, "installer": installer}

    def revoke(self, token: str) -> None:
        """Slack stops honouring ``token`` (the workspace uninstalled the app)."""
        self.tokens.pop(token, None)

    def called(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    @property
    def posts(self) -> list[dict[str, Any]]:
        """The chat.postMessage arguments, in the order received."""
        return [call.args for call in self.called("chat.postMessage")]

    async def wait_for(self, done: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not done():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the fake Slack did not receive what was expected in time")
            await asyncio.sleep(0.01)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{hook}", self._response)
        app.router.add_get("/feeds/wire.rss", self._feed)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- Socket Mode: the test puts envelopes in the outbox, the bot acknowledges them --

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
        )

        async def pump() -> None:
            while True:
                envelope = await self.socket_outbox.get()
                self.socket_envelopes.append(envelope)
                await ws.send_json(envelope)

        sender = asyncio.create_task(pump())
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
        return ws

    # -- HTTP -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        authorization = request.headers.get("Authorization", "")
        if method == "oauth.v2.access":
            self.calls.append(ApiCall(method, args, ""))
            return web.json_response(self._oauth_access(authorization, args))
        token = authorization.removeprefix("Bearer ")
        self.calls.append(ApiCall(method, args, token))
        known = token == APP_TOKEN if method == "apps.connections.open" else token in self.tokens
        if not known:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method == "chat.postMessage" and self.rate_limited > 0:
            self.rate_limited -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        if method == "chat.postMessage" and self.server_errors > 0:
            self.server_errors -= 1
            self.refused += 1
            return web.Response(status=500, text="Internal Server Error")
        handler = self._methods().get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        # Handlers see the token too (auth.test answers for its workspace).
        return web.json_response(await handler({**args, "_token": token}))

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]]:
        return {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "chat.postMessage": self._post_message,
            "apps.connections.open": self._connections_open,
            "conversations.info": self._conversations_info,
            "views.publish": self._views_publish,
        }

    def _oauth_access(self, authorization: str, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: the app's credentials (HTTP Basic) and a granted code, once."""
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != f"Basic {expected}":
            return {"ok": False, "error": "invalid_client_id"}
        grant = self.grants.pop(str(args.get("code", "")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        self.tokens[grant["token"]] = grant["team_id"]
        return {
            "ok": True,
            "app_id": "A0NEWSBOT",
            "authed_user": {"id": grant["installer"]},
            "scope": ",".join(SCOPES),
            "token_type": "bot",
            "access_token": grant["token"],
            "bot_user_id": BOT_USER_ID,
            "team": {"id": grant["team_id"], "name": f"Team {grant['team_id']}"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    async def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team_id = self.tokens[args["_token"]]
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "user": "newsbot",
            "team_id": team_id,
            "user_id": BOT_USER_ID,
            "bot_id": "B0NEWS",
        }

    async def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user", ""))
        user = {"id": user_id, "is_admin": False, "is_owner": False, **self.users.get(user_id, {})}
        return {"ok": True, "user": user}

    async def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        self._ts += 1
        ts = f"1700000{self._ts:03d}.000100"
        return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}

    async def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {"id": args["channel"], "is_member": True, **channel}}

    async def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        return {"ok": True, "view": {"id": "V0HOME", **(view or {})}}

    async def _connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.base_url.replace("http://", "ws://") + "/socket"}

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"hook": request.match_info["hook"], **body})
        return web.Response(text="ok")

    async def _feed(self, request: web.Request) -> web.Response:
        return web.Response(text=FEED, content_type="application/rss+xml")
