"""Requests signed exactly as Slack signs them, built from the recorded payloads beside them."""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

PAYLOADS = Path(__file__).parent / "payloads"
_triggers = itertools.count(738474921)


def load_payload(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((PAYLOADS / name).read_text(encoding="utf-8")))


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`X-Slack-Signature`: v0 HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Sent:
    status: int
    body: str
    seconds: float


class SlackSender:
    """Posts to the bot's `/slack/events` the way Slack does."""

    def __init__(self, session: aiohttp.ClientSession, url: str, secret: str) -> None:
        self.session = session
        self.url = url
        self.secret = secret

    async def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Sent:
        when = int(time.time()) if timestamp is None else timestamp
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(when),
            "X-Slack-Signature": signature(secret or self.secret, when, body),
            **(headers or {}),
        }
        started = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=signed) as response:
            text = await response.text()
        return Sent(response.status, text, time.perf_counter() - started)

    async def slash(self, text: str, **fields: Any) -> Sent:
        """A `/news TEXT` slash command, form-encoded."""
        options = {k: fields.pop(k) for k in ("timestamp", "secret", "headers") if k in fields}
        # Slack gives every invocation a trigger id of its own.
        trigger = {"trigger_id": f"13345224609.{next(_triggers)}.8088930838d88f008e0"}
        payload = load_payload("slash_command.json") | {"text": text} | trigger | fields
        body = urlencode(payload).encode()
        return await self.post(body, "application/x-www-form-urlencoded", **options)

    async def event(self, envelope: dict[str, Any], **options: Any) -> Sent:
        """An Events API `event_callback`, as JSON."""
        body = json.dumps(envelope).encode()
        return await self.post(body, "application/json", **options)


def mention(text: str, *, event_id: str = "Ev0MENTION01", **event: Any) -> dict[str, Any]:
    """An `app_mention` event_callback saying ``text`` (after the bot's mention)."""
    envelope = load_payload("app_mention.json")
    envelope["event_id"] = event_id
    envelope["event"]["text"] = f"<@UBOTNEWS> {text}"
    envelope["event"].update(event)
    return envelope
