"""Block Kit rendering of core replies, within Slack's limits.

An answer is a section (mrkdwn) with its sources as numbered links in a context
block; a digest is a header and one section plus sources per story. Long replies
are split, in order, across several messages: at most 50 blocks and 3,000
characters a section each, and a character budget per message so none is a wall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.mrkdwn import cut, escape, link, split_escaped
from bot.commands import Notice, Reply
from bot.render import about, digest_span, live_text, more_stories, no_news, unread_note
from bot.types import Answer, Citation, Digest, DigestItem, LiveItem

__all__ = [
    "SlackMessage",
    "render_reply",
    "render_answer",
    "render_digest",
    "render_live",
    "render_notice",
    "request_header",
    "citation_mrkdwn",
    "SECTION_LIMIT",
    "MAX_BLOCKS",
    "CONTEXT_ELEMENTS",
    "MESSAGE_CHARS",
    "FALLBACK_LIMIT",
]

SECTION_LIMIT = 3000  # Slack: a section's text
MAX_BLOCKS = 50  # Slack: blocks in one message
CONTEXT_ELEMENTS = 10  # Slack: elements in one context block
MESSAGE_CHARS = 12_000  # ours: keeps each message readable
FALLBACK_LIMIT = 3000  # ours: the notification text
TITLE_LIMIT = 200
HEADLINE_LIMIT = 300

Block = dict[str, Any]
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class SlackMessage:
    """One chat message: Block Kit blocks and the plain-text fallback shown in notifications."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def render_reply(reply: Reply, *, header: str | None = None) -> list[SlackMessage]:
    """Any core reply as one or more messages; ``header`` (mrkdwn) leads the first."""
    if isinstance(reply, Answer):
        return render_answer(reply, header=header)
    if isinstance(reply, Digest):
        return render_digest(reply, header=header)
    return render_notice(reply, header=header)


def request_header(user_id: str, text: str, *, question: bool) -> str:
    """Who asked what, restated for the channel (others never see a slash command's text)."""
    who = f"<@{user_id}>" if _SLACK_USER.match(user_id) else "Someone"
    shown = cut(escape(" ".join(text.split())), 500)
    return f"{who} asked: {shown}" if question else f"{who} used /news {shown}"


def citation_mrkdwn(citation: Citation) -> str:
    """`[1] <url|title> — Outlet, 2020-01`, every part escaped."""
    title = (
        citation.title
        if len(citation.title) <= TITLE_LIMIT
        else citation.title[: TITLE_LIMIT - 1] + "…"
    )
    details = ", ".join(
        escape(part) for part in (citation.source[:TITLE_LIMIT], citation.published) if part
    )
    line = f"[{citation.n}] {link(citation.url, title or citation.url)}"
    return cut(f"{line} — {details}" if details else line, SECTION_LIMIT)


def render_answer(answer: Answer, *, header: str | None = None) -> list[SlackMessage]:
    units: list[list[Block]] = []
    if header:
        units.append([_context([header])])
    units.append([_section(piece) for piece in split_escaped(answer.text or "…", SECTION_LIMIT)])
    if answer.note:
        units.append([_context([cut(f"_{escape(answer.note)}_", SECTION_LIMIT)])])
    if answer.citations:
        units.append(_sources(answer.citations))
    return _messages(units, continued="(answer continued)")


def render_digest(digest: Digest, *, header: str | None = None) -> list[SlackMessage]:
    topic = cut(escape(digest.topic), 300) if digest.topic else None
    lead: list[Block] = [_context([header])] if header else []
    # The commands these name carry the topic as given: escaped like any text of a user's.
    unread = unread_note(digest)
    said = [_context([cut(escape(unread), SECTION_LIMIT)])] if unread else []
    if not digest.items:
        return _messages([[*lead, _section(no_news(digest, topic)), *said]])
    lead.append(_section(f"*News digest{about(topic)}*, {digest_span(digest)}"))
    lead.extend(said)
    units = [lead] + [_item(number, item) for number, item in enumerate(digest.items, start=1)]
    more = more_stories(digest)
    if more:
        units.append([_section(cut(escape(more), SECTION_LIMIT))])
    return _messages(units, continued=f"*News digest{about(topic)}* (continued)")


def render_notice(notice: Notice, *, header: str | None = None) -> list[SlackMessage]:
    lead: list[Block] = [_context([header])] if header else []
    if notice.preformatted:
        # Aligned in columns (help): shown as it is.
        body = [
            _section(f"```{piece}```") for piece in split_escaped(notice.text, SECTION_LIMIT - 6)
        ]
    else:
        body = [_section(piece) for piece in split_escaped(notice.text or "…", SECTION_LIMIT)]
    return _messages([lead, body])


# -- blocks -----------------------------------------------------------------------


def _section(mrkdwn: str) -> Block:
    # verbatim: Slack must not auto-link or parse anything we did not mark up ourselves.
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn, "verbatim": True}}


def _context(elements: list[str]) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": text, "verbatim": True} for text in elements],
    }


def _sources(citations: list[Citation]) -> list[Block]:
    lines = [citation_mrkdwn(c) for c in citations]
    return [
        _context(lines[i : i + CONTEXT_ELEMENTS]) for i in range(0, len(lines), CONTEXT_ELEMENTS)
    ]


def render_live(post: LiveItem) -> list[SlackMessage]:
    """One live feed item as a digest item without a number (or the "and K more" line)."""
    if post.item is None:
        return render_notice(Notice(live_text(post)))
    return _messages([_item(None, post.item)])


def _item(number: int | None, item: DigestItem) -> list[Block]:
    headline = cut(escape(" ".join(item.headline.split())), HEADLINE_LIMIT)
    head = f"*{number}. {headline}*" if number is not None else f"*{headline}*"
    pieces = split_escaped(item.summary, SECTION_LIMIT - len(head) - 1) if item.summary else []
    blocks = [_section(f"{head}\n{pieces[0]}" if pieces else head)]
    blocks.extend(_section(piece) for piece in pieces[1:])
    return blocks + _sources(item.citations)


# -- messages ---------------------------------------------------------------------


def _block_texts(block: Block) -> list[str]:
    if block["type"] == "section":
        return [block["text"]["text"]]
    return [element["text"] for element in block.get("elements", [])]


def _size(blocks: list[Block]) -> int:
    return sum(len(text) for block in blocks for text in _block_texts(block))


def _fallback(blocks: list[Block]) -> str:
    return cut("\n".join(t for b in blocks for t in _block_texts(b)), FALLBACK_LIMIT)


def _messages(units: list[list[Block]], continued: str | None = None) -> list[SlackMessage]:
    """Pack units (blocks that belong together) into messages, in order, within the limits."""
    carry = [_context([continued])] if continued else []
    room = MAX_BLOCKS - len(carry)
    pages: list[list[Block]] = []
    current: list[Block] = []
    for unit in units:
        # A unit larger than a whole message (never in practice) is cut into pages of its own.
        for start in range(0, len(unit), room):
            part = unit[start : start + room]
            if current and (
                len(current) + len(part) > MAX_BLOCKS
                or _size(current) + _size(part) > MESSAGE_CHARS
            ):
                pages.append(current)
                current = list(carry)
            current.extend(part)
    if current:
        pages.append(current)
    return [SlackMessage(_fallback(page), page) for page in pages]
