"""Shared wording of core results, and their plain-text form (terminal and console).

Every front end says the same things: the span a digest covers, "No news…", a
citation's details, where a long text is cut, the apology for a failure. They live
here once; adapters add only their escaping and layout.
"""

from __future__ import annotations

import shlex
from datetime import timedelta

from bot.types import Answer, Citation, Digest, DigestItem, LiveItem

__all__ = [
    "SORRY",
    "about",
    "answer_text",
    "citation_details",
    "citation_line",
    "counted",
    "digest_span",
    "digest_text",
    "more_stories",
    "no_news",
    "own_headline",
    "truncate",
    "unread_note",
]

# The one apology for a failure on our side; the log has the detail.
SORRY = "Sorry, something went wrong on my side; the details are in my log."


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 article", "1,204 articles": a count and its noun, singular for one."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where one is near, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def digest_span(digest: Digest) -> str:
    """The window a digest covers: "2024-05-01 08:00 – 2024-05-02 08:00 UTC"."""
    return f"{digest.since:%Y-%m-%d %H:%M} – {digest.until:%Y-%m-%d %H:%M} UTC"


def about(topic: str | None) -> str:
    """The words " about “topic”", or nothing (callers pass the topic escaped for display)."""
    return f" about “{topic}”" if topic else ""


def no_news(digest: Digest, topic: str | None = None) -> str:
    """What an empty digest says; ``topic`` is the digest's topic as the platform shows it."""
    return f"No news{about(topic)} in {digest_span(digest)}."


def more_stories(digest: Digest) -> str | None:
    """What a digest with more stories than it lists says last; None when it lists all."""
    if not digest.more:
        return None
    command = f"newsbot digest --since {digest.since:%Y-%m-%dT%H:%M}Z"
    if digest.covered_seq is not None:
        command += " --arrived"  # a scheduled digest takes stories as they were stored
    if digest.topic:
        command += f" --topic {shlex.quote(digest.topic)}"
    command += f" --max-items {len(digest.items) + digest.more}"
    return f"…and {counted(digest.more, 'more story', 'more stories')}: `{command}` lists them all."


def unread_note(digest: Digest) -> str | None:
    """What a digest of a window holding more articles than it reads says of the rest
    (None when it read them all)."""
    if not digest.read_limit:
        return None
    read = f"{digest.read_limit:,}"
    if digest.read_from is None:
        # Windowed by arrival: the rest come after, and start a scheduled digest's next one.
        return (
            f"More than {read} articles arrived in this window: this digest is of the first "
            f"{read}; a scheduled digest's next one starts with the rest."
        )
    # The older ones, up to the minute after the oldest read: an overlap, never a gap.
    upto = digest.read_from.replace(second=0, microsecond=0) + timedelta(minutes=1)
    command = (
        f"newsbot digest --since {digest.since:%Y-%m-%dT%H:%M}Z --until {upto:%Y-%m-%dT%H:%M}Z"
    )
    if digest.topic:
        command += f" --topic {shlex.quote(digest.topic)}"
    return (
        f"This window holds more than {read} articles: this digest is of the newest {read}, "
        f"published since {digest.read_from:%Y-%m-%d %H:%M} UTC; `{command}` covers the older ones."
    )


def citation_details(citation: Citation) -> str:
    """ "Outlet, 2020-01": what is known of where and when, without the title."""
    return ", ".join(part for part in (citation.source, citation.published) if part)


def own_headline(item: DigestItem, citation: Citation) -> str | None:
    """A digest item's source that is not the article its headline comes from, by its own
    headline: another outlet's, or the same outlet's earlier news of the story."""
    if citation is item.citations[0] or citation.title in ("", item.headline):
        return None
    return citation.title


def citation_line(citation: Citation) -> str:
    details = citation_details(citation)
    head = f"[{citation.n}] {citation.title}"
    return f"{head} — {details}\n    {citation.url}" if details else f"{head}\n    {citation.url}"


def answer_text(answer: Answer) -> str:
    lines = [answer.text]
    if answer.note:
        lines.append(f"({answer.note})")
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        lines.extend(citation_line(c) for c in answer.citations)
    return "\n".join(lines)


def live_text(post: LiveItem) -> str:
    """A live post as plain lines: title, outlet and time, two sentences, link."""
    if post.item is None:
        return f"…and {counted(post.more, 'more new item')} in this channel's live feeds."
    item = post.item
    lines = [item.headline]
    for citation in item.citations[:1]:
        details = citation_details(citation)
        if details:
            lines.append(details)
    lines.append(item.summary)
    lines.extend(citation.url for citation in item.citations[:1])
    return "\n".join(lines)


def digest_text(digest: Digest) -> str:
    unread = unread_note(digest)
    if not digest.items:
        return "\n".join(filter(None, [no_news(digest, digest.topic), unread]))
    lines = [f"News digest{about(digest.topic)}, {digest_span(digest)}"]
    if unread:
        lines.append(unread)
    for number, item in enumerate(digest.items, start=1):
        lines.append("")
        lines.append(f"{number}. {item.headline}")
        if item.summary:
            lines.append(f"   {item.summary}")
        for citation in item.citations:
            said = " — ".join(
                part for part in (own_headline(item, citation), citation_details(citation)) if part
            )
            lines.append(f"   - {said}: {citation.url}" if said else f"   - {citation.url}")
    more = more_stories(digest)
    if more:
        lines.extend(["", more])
    return "\n".join(lines)
