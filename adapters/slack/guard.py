"""The door of Slack's HTTP mode: what is not a well-formed request signed by Slack is
refused (401 unsigned, 400 unreadable) before Bolt sees it, with one short log line a
minute at most, never a traceback: anyone on the internet can knock on `/slack/events`."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

__all__ = ["RequestGuard"]

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Seconds between log lines about refused requests; the ones between are counted.
LOG_EVERY_S = 60.0
_MAX_TIMESTAMP_DIGITS = 12


class RequestGuard:
    """An aiohttp middleware for the events path: verifies Slack's signature itself."""

    def __init__(
        self,
        path: str,
        signing_secret: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.verifier = SignatureVerifier(signing_secret)
        self.clock = clock
        self.refused = 0  # every request refused, for tests and operators
        self._unlogged = 0
        self._next_log = float("-inf")

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != self.path:
            return await handler(request)
        try:
            body = await request.read()  # kept by aiohttp for Bolt to read again
        except web.HTTPException as refusal:  # e.g. larger than the server accepts
            return self.refuse(refusal.status, refusal.reason)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return self.refuse(400, "a body that is not UTF-8 text")
        problem = self._unsigned(request, body)
        if problem:
            return self.refuse(401, problem)
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 - a signed but unreadable body is the sender's
            return self.refuse(400, f"unreadable body ({exc.__class__.__name__})")

    def _unsigned(self, request: web.Request, body: bytes) -> str | None:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        if not timestamp or not signature:
            return "no Slack signature headers"
        if (
            not (timestamp.isascii() and timestamp.isdigit())
            or len(timestamp) > _MAX_TIMESTAMP_DIGITS
        ):
            return "a malformed X-Slack-Request-Timestamp"
        if not self.verifier.is_valid(body, timestamp, signature):
            return "a bad or expired signature"
        return None

    def refuse(self, status: int, problem: str) -> web.Response:
        """The refusal, and a log line unless one was written less than a minute ago."""
        self.refused += 1
        now = self.clock()
        if now >= self._next_log:
            also = f" (and {self._unlogged} more since the last note)" if self._unlogged else ""
            log.warning(
                "refused a request to %s with HTTP %s: %s%s", self.path, status, problem, also
            )
            self._next_log = now + LOG_EVERY_S
            self._unlogged = 0
        else:
            self._unlogged += 1
        reason = "Unauthorized" if status == 401 else "Bad Request"
        return web.Response(status=status, text=f"{reason}\n")
