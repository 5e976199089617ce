"""What the scheduler posts (a DigestSource) and where (each front end's ChatSink)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.types import ChannelRef, Digest
from storage import Subscription

__all__ = ["ChatSink", "DigestSource"]


class DigestSource(Protocol):
    """What the scheduler posts: a subscription's digest for the period ending ``until``
    (the digest service, `bot.digest.DigestService`)."""

    def for_subscription(self, subscription: Subscription, until: datetime) -> Digest: ...


@runtime_checkable
class ChatSink(Protocol):
    """A front end that can post into its channels."""

    platform: str

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        """Post ``digest``; return the platform's message id (None when it has none)."""
        ...
