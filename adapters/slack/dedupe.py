"""Slack retries events it thinks were missed; a retried event must never be answered twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.service import ChatService

__all__ = ["SeenEvents", "retry_middleware"]

log = logging.getLogger(__name__)

# The first delivery of a retry for this reason reached us (we were only slow to
# acknowledge), so it is being answered already, here or on another instance.
_ANSWERED_ANYWAY = {"http_timeout"}


class SeenEvents:
    """Slack event ids, claimed in the database: the first delivery to any instance is
    answered; every later one (a retry, or the same event at another instance) is not."""

    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        # Deliveries acknowledged without being answered (repeats and late-ack retries).
        self.dropped = 0

    async def first_time(self, event_id: str) -> bool:
        """True the first time any instance offers ``event_id``, False on every repeat."""
        return await self.chat.claim("slack", "event", event_id)


def _header(req: AsyncBoltRequest, name: str) -> str:
    values: Sequence[str] | str | None = req.headers.get(name)
    if isinstance(values, str):
        return values
    return values[0] if values else ""


def retry_middleware(
    seen: SeenEvents,
) -> Callable[
    [AsyncBoltRequest, dict[str, Any], Callable[[], Awaitable[None]]],
    Awaitable[BoltResponse | None],
]:
    """A Bolt global middleware: acknowledge duplicates without dispatching them.

    It runs after Bolt's signature check, so forged requests never reach the database.
    A repeat of an event id is dropped; so is a retry whose first delivery reached us
    but was acknowledged late (reason `http_timeout`). A retry after a failed
    connection is answered: its first delivery never arrived.
    """

    async def skip_repeated_events(
        req: AsyncBoltRequest, body: dict[str, Any], next_: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            await next_()
            return None
        retry = _header(req, "x-slack-retry-num")
        reason = _header(req, "x-slack-retry-reason")
        first = await seen.first_time(event_id)
        if not first or (retry and reason in _ANSWERED_ANYWAY):
            seen.dropped += 1
            log.info("skipped event %s (retry %s, %s)", event_id, retry or "0", reason or "repeat")
            return BoltResponse(status=200, body="")
        await next_()
        return None

    return skip_repeated_events
