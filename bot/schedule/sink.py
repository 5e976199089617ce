"""How the scheduler posts: each running front end provides a ChatSink."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.types import ChannelRef, Digest

__all__ = ["ChatSink"]


@runtime_checkable
class ChatSink(Protocol):
    """A front end that can post into its channels."""

    platform: str

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        """Post ``digest``; return the platform's message id (None when it has none)."""
        ...
