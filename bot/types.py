"""Platform-neutral core types: what every front end receives and renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

__all__ = [
    "Citation",
    "Answer",
    "DigestItem",
    "Digest",
    "LiveItem",
    "ChannelRef",
    "format_published",
]


def format_published(when: datetime | None, precision: str) -> str:
    """A date at the precision it was known: "2020-01", "2024-05-02", "2024-05-02 08:15 UTC"."""
    if when is None or precision == "none":
        return ""
    formats = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}
    return when.strftime(formats.get(precision, "%Y-%m-%d %H:%M UTC"))


class _Source(Protocol):
    title: str
    url: str
    source: str
    published_at: datetime | None
    published_precision: str


@dataclass(frozen=True)
class Citation:
    """A numbered source: title, outlet, date (at its precision) and link."""

    n: int
    title: str
    url: str
    source: str
    published: str

    @classmethod
    def of(cls, n: int, article: _Source) -> Citation:
        """Source number ``n`` for a stored article."""
        published = format_published(article.published_at, article.published_precision)
        return cls(
            n=n, title=article.title, url=article.url, source=article.source, published=published
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question. ``text`` is quoted sentences with [n] markers."""

    question: str
    found: bool
    text: str
    citations: list[Citation] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.text,
            "citations": [c.as_dict() for c in self.citations],
            **({"note": self.note} if self.note else {}),
        }


@dataclass(frozen=True)
class DigestItem:
    """One story, however many outlets told it. ``citations`` start with the article the
    headline and summary come from; the story's other articles follow by time."""

    headline: str
    summary: str
    citations: list[Citation]
    latest: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "summary": self.summary,
            "citations": [c.as_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Digest:
    since: datetime
    until: datetime
    items: list[DigestItem]
    topic: str | None = None
    # Stories in the window beyond the ones listed (the item limit).
    more: int = 0
    # A scheduled digest's end in the storage sequence, where the next one starts.
    covered_seq: int | None = None
    # The window held more articles than one digest reads: it read this many (the newest
    # published or, windowed by arrival, the first stored) and left the rest out.
    read_limit: int = 0
    # With ``read_limit``, in a window of publication times: the oldest article read was
    # published then; those published before it were not read.
    read_from: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            **({"topic": self.topic} if self.topic else {}),
            "items": [item.as_dict() for item in self.items],
            **({"more": self.more} if self.more else {}),
            **({"read_limit": self.read_limit} if self.read_limit else {}),
            **({"read_from": self.read_from.isoformat()} if self.read_from else {}),
        }


@dataclass(frozen=True)
class LiveItem:
    """One live post: a new item of a live feed, or (``item`` None) the line saying that
    ``more`` further items were left out of this poll's burst."""

    item: DigestItem | None
    more: int = 0


@dataclass(frozen=True)
class ChannelRef:
    """Where to post: platform ids stay opaque strings. ``tenant`` (the owner's key, such as
    "slack:T123") says whose token posts there when one bot serves several workspaces."""

    platform: str
    channel_id: str
    thread_id: str | None = None
    tenant: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        base = f"{self.platform}:{self.channel_id}"
        return f"{base}/{self.thread_id}" if self.thread_id else base

    @classmethod
    def parse(cls, text: str) -> ChannelRef:
        platform, _, rest = text.partition(":")
        channel, _, thread = rest.partition("/")
        if not platform or not channel:
            raise ValueError(f"a channel is written platform:channel_id, not {text!r}")
        return cls(platform, channel, thread or None)
