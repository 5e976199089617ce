"""The scheduler as `newsbot run` wires it, a clock tests move by hand, a recording sink, and
news and subscriptions to schedule."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from bot.app import Core
from bot.ingest import ArticleDraft
from bot.schedule.runner import DigestScheduler
from bot.schedule.spec import ScheduleSpec
from bot.types import ChannelRef, Digest
from storage import Subscription, add_subscription

__all__ = [
    "Clock",
    "RecordingSink",
    "distinct_story",
    "scheduler_for",
    "store_story",
    "subscribe",
]


class RecordingSink:
    platform = "slack"

    def __init__(self) -> None:
        self.posts: list[tuple[ChannelRef, Digest]] = []

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        await asyncio.sleep(0.01)  # a real post takes a moment; races show up here
        self.posts.append((channel, digest))
        return f"msg-{len(self.posts)}"

    def urls(self) -> list[str]:
        """Every article linked in every digest posted, in order, repeats included."""
        return [c.url for _, d in self.posts for item in d.items for c in item.citations]


def scheduler_for(core: Core, sinks: list[Any], **options: Any) -> DigestScheduler:
    """The scheduler as `newsbot run` wires it: its collaborators, and told of chat changes."""
    scheduler = DigestScheduler(
        core.settings,
        core.db,
        core.digests,
        core.ingestor,
        sinks,
        after_new_articles=core.embed_backlog,
        **options,
    )
    core.commands.on_change.append(scheduler.changed)
    return scheduler


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Waiting, as the scheduler sees it: the clock moves on at once."""
        self.now += timedelta(seconds=seconds)


def subscribe(core: Core, spec: ScheduleSpec, created: datetime, channel: str = "C1") -> int:
    with core.db.session() as session:
        row = add_subscription(
            session,
            Subscription(
                platform="slack",
                channel_id=channel,
                thread_id=None,
                schedule=spec.kind,
                at=spec.at,
                interval_minutes=spec.interval_minutes,
                timezone=spec.timezone,
                topic=None,
                max_items=10,
                created_by="U1",
                created_at=created,
            ),
        )
        return row.id


_LETTERS = "bdfgklmnprstv"


def _word(n: int, k: int) -> str:
    value, letters = n * 11 + k + 1, []
    while value:
        value, digit = divmod(value, len(_LETTERS))
        letters.append(_LETTERS[digit] + "a")
    return "".join(letters).capitalize() + "sen"


def distinct_story(n: int, when: datetime) -> ArticleDraft:
    """Story ``n``: words of its own, so no two are taken for one story."""
    words = [_word(n, k) for k in range(8)]
    title = f"{words[0]} {words[1]} {words[2]}"
    return ArticleDraft(
        url=f"https://example.no/sak-{n}",
        title=title,
        text=f"{title}. {' '.join(words[3:])} {words[0]} {words[2]}.",
        source=f"Outlet {n}",
        published_at=when,
        published_precision="minute",
    )


def store_story(core: Core, n: int, when: datetime) -> str:
    """Store story ``n`` as an ingest would (fetched at ``when``); its URL."""
    draft = distinct_story(n, when)
    assert core.ingestor.store([draft], fetched_at=when).new == 1
    return draft.url
