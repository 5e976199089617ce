"""A fake Discord on 127.0.0.1: the REST routes and the gateway websocket discord.py uses.

REST requests are recorded (tests assert on what "Discord" received); the gateway says
HELLO, takes IDENTIFY, sends READY and a GUILD_CREATE, answers heartbeats, and then
dispatches whatever events a test hands to :meth:`FakeDiscord.dispatch`. Frames are
zlib-stream compressed when the client asks for it, as Discord does.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

PAYLOADS = Path(__file__).parent / "payloads"

BOT_ID = 1180000000000000001
GUILD_ID = 1190000000000000001
NEWS_CHANNEL_ID = 1190000000000000010
QUIET_CHANNEL_ID = 1190000000000000011
THREAD_ID = 1190000000000000020
DM_CHANNEL_ID = 1190000000000000030
USER_ID = 1170000000000000001
EDITOR_ROLE_ID = 1190000000000000101
MODERATOR_ROLE_ID = 1190000000000000102

# Shaped like a real bot token (user id . timestamp . HMAC); never a real one.
TOKEN = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.GfAkE1.s3cr3t-NOT-a-real-token-0123456789abcd"

_ZLIB_SUFFIX = b"\x00\x00\xff\xff"


def payload(name: str) -> dict[str, Any]:
    """A fresh copy of a recorded payload from ``payloads/``."""
    data: dict[str, Any] = json.loads((PAYLOADS / name).read_text(encoding="utf-8"))
    return data


@dataclass
class Request:
    """One REST request as the fake received it (path without the ``/api/v10`` prefix)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]


@dataclass
class FakeDiscord:
    """Discord's REST API and gateway, enough of them for discord.py's bot to run."""

    token: str
    requests: list[Request] = field(default_factory=list)
    identify: dict[str, Any] | None = None
    gateway_query: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    port: int = 0
    # How many channel message posts to answer with 429 before accepting them.
    rate_limited: int = 0
    # False: READY but never the guild's GUILD_CREATE (as during a Discord outage), so the
    # bot has no cache of the server its messages come from.
    send_guilds: bool = True
    # The application's global commands, as the last PUT registered them.
    global_commands: list[dict[str, Any]] = field(default_factory=list)
    # Channels the bot may not see (GET /channels/ID answers 403).
    hidden_channels: set[int] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1240000000000000001))

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._senders: list[Callable[[dict[str, Any]], Any]] = []
        # Sessions that have identified (two bots on one token make two).
        self.sessions = 0
        self._sequence = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- what tests use --------------------------------------------------------------

    async def _wait(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        except TimeoutError:
            raise AssertionError(
                f"fake Discord: timed out waiting for {what}; problems: {self.problems}; "
                f"requests: {[(r.method, r.path) for r in self.requests]}"
            ) from None
        return ready()

    async def wait_until_identified(self, timeout: float = 5.0) -> dict[str, Any]:
        """The IDENTIFY payload, once the bot has sent it and READY has gone out."""
        return await self._wait(lambda: self.identify, timeout, "IDENTIFY")  # type: ignore[no-any-return]

    async def wait_for_sessions(self, count: int, timeout: float = 5.0) -> None:
        """Until ``count`` bots have identified (several instances on one token)."""
        await self._wait(lambda: self.sessions >= count, timeout, f"{count} sessions")

    async def wait_for_requests(
        self, method: str, path: str, count: int = 1, timeout: float = 5.0
    ) -> list[Request]:
        """The first ``count`` requests to ``method path`` (``path`` may end in ``*``)."""

        def found() -> list[Request] | None:
            hits = self.matching(method, path)
            return hits[:count] if len(hits) >= count else None

        return await self._wait(found, timeout, f"{count} × {method} {path}")  # type: ignore[no-any-return]

    def matching(self, method: str, path: str) -> list[Request]:
        prefix = path[:-1] if path.endswith("*") else None
        return [
            r
            for r in self.requests
            if r.method == method
            and (r.path.startswith(prefix) if prefix is not None else r.path == path)
        ]

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH (op 0) event to every connected bot (as Discord does to every
        session of one token)."""
        assert self._senders, "no bot is connected to the fake gateway"
        for send in list(self._senders):
            await self._dispatch_to(send, event, data)

    async def _dispatch_to(
        self, send: Callable[[dict[str, Any]], Any], event: str, data: dict[str, Any]
    ) -> None:
        self._sequence += 1
        await send({"op": 0, "t": event, "s": self._sequence, "d": data})

    def next_id(self) -> str:
        return str(next(self._ids))

    # -- REST ------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body = await request.read()
        recorded = Request(
            request.method,
            path,
            dict(request.query),
            json.loads(body) if body and request.content_type == "application/json" else None,
            dict(request.headers),
        )
        parts = path.strip("/").split("/")
        authorised = request.headers.get("Authorization") == f"Bot {self.token}"
        needs_auth = parts[0] not in ("webhooks", "interactions")
        response: web.StreamResponse
        if needs_auth and not authorised:
            response = _json({"message": "401: Unauthorized", "code": 0}, status=401)
        else:
            response = self._answer(recorded, parts)
        async with self._changed:
            self.requests.append(recorded)
            self._changed.notify_all()
        return response

    def _answer(self, request: Request, parts: list[str]) -> web.StreamResponse:
        method = request.method
        if method == "GET" and parts == ["users", "@me"]:
            return _json(payload("ready.json")["user"])
        if method == "GET" and parts == ["oauth2", "applications", "@me"]:
            return _json(_application())
        if method == "GET" and parts == ["gateway", "bot"]:
            limits = {
                "total": 1000,
                "remaining": 999,
                "reset_after": 14400000,
                "max_concurrency": 1,
            }
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limits})
        if method == "POST" and len(parts) == 3 and parts[0] == "channels" and parts[2] == "typing":
            return web.Response(status=204)
        if (
            method == "POST"
            and len(parts) == 3
            and parts[0] == "channels"
            and parts[2] == "messages"
        ):
            if self.rate_limited > 0:
                self.rate_limited -= 1
                limited = {
                    "message": "You are being rate limited.",
                    "retry_after": 0.2,
                    "global": False,
                }
                response = _json(limited, status=429)
                # Real Discord 429s come through its proxy; discord.py reads one without
                # "Via" as a Cloudflare ban and gives up.
                response.headers.update(
                    {"Retry-After": "1", "X-RateLimit-Scope": "user", "Via": "1.1 google"}
                )
                return response
            return _json(self._message(parts[1], request.json or {}))
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return _json(self._callback(parts[1], request.json or {}))
        if method in ("POST", "PATCH") and parts[0] == "webhooks":
            if method == "POST" and request.query.get("wait") in ("0", None):
                return web.Response(status=204)
            return _json(self._message(str(NEWS_CHANNEL_ID), request.json or {}, webhook=parts[1]))
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            guild = parts[3] if len(parts) == 5 else None
            registered = [self._command(c, guild) for c in request.json or []]
            if guild is None:
                self.global_commands = registered
            return _json(registered)
        if method == "GET" and parts[0] == "applications" and parts[-1] == "commands":
            return _json(self.global_commands if len(parts) == 3 else [])
        if method == "GET" and len(parts) == 2 and parts[0] == "channels":
            return self._channel(parts[1])
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _message(
        self, channel_id: str, sent: dict[str, Any], webhook: str | None = None
    ) -> dict[str, Any]:
        reference = sent.get("message_reference")
        message: dict[str, Any] = {
            "type": 19 if reference else 0,
            "content": sent.get("content") or "",
            "embeds": sent.get("embeds") or [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "attachments": [],
            "components": [],
            "author": payload("ready.json")["user"],
            "id": self.next_id(),
            "channel_id": channel_id,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "pinned": False,
            "flags": sent.get("flags", 0),
        }
        if reference:
            message["message_reference"] = {"type": 0, "channel_id": channel_id, **reference}
        if webhook:
            message["webhook_id"] = webhook
            message["application_id"] = str(BOT_ID)
        return message

    def _channel(self, channel_id: str) -> web.Response:
        known = {NEWS_CHANNEL_ID: "news", QUIET_CHANNEL_ID: "quiet", THREAD_ID: "storm-thread"}
        if int(channel_id) in self.hidden_channels:
            return _json({"message": "Missing Access", "code": 50001}, status=403)
        if int(channel_id) not in known:
            return _json({"message": "Unknown Channel", "code": 10003}, status=404)
        channel = {"id": channel_id, "type": 0, "guild_id": str(GUILD_ID)}
        return _json(channel | {"name": known[int(channel_id)]})

    def _callback(self, interaction_id: str, sent: dict[str, Any]) -> dict[str, Any]:
        kind = sent.get("type")
        flags = (sent.get("data") or {}).get("flags", 0)
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": self.next_id(),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": {"type": kind},
        }
        if kind == 4:
            result["resource"]["message"] = self._message(
                str(NEWS_CHANNEL_ID), sent.get("data") or {}
            )
        return result

    def _command(self, command: dict[str, Any], guild: str | None) -> dict[str, Any]:
        registered = copy.deepcopy(command)
        registered.update(id=self.next_id(), application_id=str(BOT_ID), version=self.next_id())
        if guild:
            registered["guild_id"] = guild
        return registered

    # -- gateway ---------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        self.gateway_query = dict(request.query)
        compression = request.query.get("compress")
        compressor = zlib.compressobj() if compression == "zlib-stream" else None
        if compression not in (None, "zlib-stream"):
            self.problems.append(f"the fake gateway cannot speak compress={compression}")
            await socket.close()
            return socket

        async def send(message: dict[str, Any]) -> None:
            data = json.dumps(message)
            if compressor is None:
                await socket.send_str(data)
            else:
                frame = compressor.compress(data.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)
                assert frame.endswith(_ZLIB_SUFFIX)
                await socket.send_bytes(frame)

        await send({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                await self._on_gateway_message(json.loads(message.data), send)
        finally:
            self._sockets.remove(socket)
            if send in self._senders:
                self._senders.remove(send)
        return socket

    async def _on_gateway_message(
        self, message: dict[str, Any], send: Callable[[dict[str, Any]], Any]
    ) -> None:
        op = message.get("op")
        if op == 1:  # heartbeat
            await send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:  # identify
            if message["d"].get("token") != self.token:
                self.problems.append("IDENTIFY with the wrong token")
                return
            ready = payload("ready.json")
            ready["resume_gateway_url"] = self.gateway_url
            await self._dispatch_to(send, "READY", ready)
            if self.send_guilds:
                await self._dispatch_to(send, "GUILD_CREATE", payload("guild_create.json"))
            self._senders.append(send)
            async with self._changed:
                self.identify = message["d"]
                self.sessions += 1
                self._changed.notify_all()
        elif op == 6:  # resume: this fake keeps no sessions
            await send({"op": 9, "d": False, "s": None, "t": None})


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py compares the header verbatim.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _application() -> dict[str, Any]:
    owner = {"id": str(USER_ID), "username": "kari.nordmann", "discriminator": "0", "avatar": None}
    return {
        "id": str(BOT_ID),
        "name": "newsbot",
        "icon": None,
        "description": "Reads the news, answers with sources.",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": 565248,
        "team": None,
        "interactions_endpoint_url": None,
        "install_params": {
            "scopes": ["bot", "applications.commands"],
            "permissions": "274877991936",
        },
    }
