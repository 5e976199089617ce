"""The App Home tab: how to use newsbot, and the workspace's feeds and scheduled digests."""

from __future__ import annotations

import re
from typing import Any

from adapters.slack.mrkdwn import cut, escape, link
from bot.commands import HELP
from bot.commands.overview import DigestLine, FeedLine, TenantOverview

__all__ = ["render_home", "HOME_BLOCKS"]

HOME_BLOCKS = 100  # Slack: blocks in a Home tab view
SECTION_LIMIT = 3000  # Slack: a section's text
_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{2,}$")

Block = dict[str, Any]

INTRO = (
    "Ask me about the news and I answer with quotes and numbered sources: "
    "`/news who backs Haftar?` in any channel, `@newsbot` in a channel I am in, "
    "or write to me under *Messages*."
)


def render_home(overview: TenantOverview) -> dict[str, Any]:
    """The Home tab view for ``overview``'s workspace, within Slack's limits."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "newsbot"}},
        _section(INTRO),
        _section(f"```{escape(HELP)}```"),
        {"type": "divider"},
        _section("*Feeds of this workspace*"),
        *_sections(_feed_lines(overview)),
        {"type": "divider"},
        _section("*Scheduled digests*"),
        *_sections(_digest_lines(overview.digests)),
    ]
    if len(blocks) > HOME_BLOCKS:
        blocks = blocks[: HOME_BLOCKS - 1] + [_section("… (more than fits here)")]
    return {"type": "home", "blocks": blocks}


def _feed_lines(overview: TenantOverview) -> list[str]:
    lines = [_feed(feed) for feed in overview.feeds]
    if not lines:
        lines.append("None of its own yet. An admin adds one: `/news feeds add URL`")
    shared = overview.shared_feeds
    if shared:
        plural = "s" if shared != 1 else ""
        lines.append(f"_and {shared} feed{plural} the operator reads for everyone_")
    return lines


def _feed(feed: FeedLine) -> str:
    line = f"• {link(feed.url, feed.title or feed.url)}"
    if feed.live_in:
        line += " — posted live in " + ", ".join(_channel(c) for c in feed.live_in)
    if feed.last_error:
        line += f" — last error: {cut(escape(feed.last_error), 300)}"
    return line


def _digest_lines(digests: list[DigestLine]) -> list[str]:
    if not digests:
        return ["None yet. In a channel: `/news subscribe daily 08:00`"]
    lines = []
    for digest in digests:
        about = f" about “{cut(escape(digest.topic), 200)}”" if digest.topic else ""
        lines.append(
            f"• #{digest.id} in {_channel(digest.channel_id)}: {escape(digest.schedule)}{about}"
        )
    return lines


def _channel(channel_id: str) -> str:
    return f"<#{channel_id}>" if _CHANNEL.match(channel_id) else escape(channel_id)


def _sections(lines: list[str]) -> list[Block]:
    """Lines packed into as few sections as Slack's section limit allows."""
    sections: list[str] = []
    for line in lines:
        piece = line if len(line) <= SECTION_LIMIT else cut(line, SECTION_LIMIT)
        if sections and len(sections[-1]) + 1 + len(piece) <= SECTION_LIMIT:
            sections[-1] += "\n" + piece
        else:
            sections.append(piece)
    return [_section(text) for text in sections]


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn, "verbatim": True}}
