"""Core replies as Discord messages: embeds for answers and digests, text for notices.

Everything here is pure: no network, no client. Article text is untrusted, so quoted
text has its markdown escaped and its mentions defused, and every message carries
``AllowedMentions.none()`` (see :meth:`Outgoing.send_kwargs`), which is what really
stops a ping; the escaping only keeps the text looking like what the article said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.utils import escape_markdown

from bot.commands import Notice, Reply
from bot.render import (
    about,
    citation_details,
    digest_span,
    live_text,
    more_stories,
    no_news,
    own_headline,
    truncate,
    unread_note,
)
from bot.types import Answer, Citation, Digest, DigestItem, LiveItem

__all__ = [
    "live_messages",
    "Outgoing",
    "NO_MENTIONS",
    "MESSAGE_LIMIT",
    "EMBED_DESCRIPTION_LIMIT",
    "EMBED_TOTAL_LIMIT",
    "EMBEDS_PER_MESSAGE",
    "render_reply",
    "answer_message",
    "digest_messages",
    "notice_messages",
    "quote_untrusted",
    "suppress_previews",
    "split_text",
]

# Discord's limits (https://discord.com/developers/docs/resources/message).
MESSAGE_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FIELDS_LIMIT = 25
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # per message: the sum over all of its embeds
EMBEDS_PER_MESSAGE = 10

NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour.blurple()

_ZWSP = "\u200b"
_MASS_MENTION = re.compile(r"@(everyone|here)\b")
_TAG_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
_BARE_URL = re.compile(r"(?<!<)(?<!\]\()\bhttps?://[^\s<>]+")
_URL_TRAILING = ".,:;!?)]}'\"”’"


@dataclass
class Outgoing:
    """One Discord message: text and/or up to ten embeds."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``send``/``reply``/``followup.send``: never pings anyone."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = self.embeds
        return kwargs

    def total_embed_chars(self) -> int:
        return sum(len(embed) for embed in self.embeds)


# -- text safety -------------------------------------------------------------------


def defuse_mentions(text: str) -> str:
    """Make ``@everyone``, ``@here``, ``<@id>``, ``<@&role>`` and ``<#channel>`` plain text."""
    text = _MASS_MENTION.sub(lambda m: f"@{_ZWSP}{m.group(1)}", text)
    return _TAG_MENTION.sub(lambda m: f"<{_ZWSP}{m.group(1)}{m.group(2)}>", text)


def quote_untrusted(text: str) -> str:
    """Article (or user) text as Discord shows it literally: markdown escaped, mentions defused."""
    return defuse_mentions(escape_markdown(text))


def suppress_previews(text: str) -> str:
    """Wrap bare links in ``<…>`` so Discord does not unfurl a preview for each."""

    def wrap(match: re.Match[str]) -> str:
        url = match.group(0)
        end = len(url)
        while end and url[end - 1] in _URL_TRAILING:
            # A closing bracket that pairs one inside the URL is part of it.
            if url[end - 1] == ")" and url.count("(", 0, end) >= url.count(")", 0, end):
                break
            end -= 1
        return f"<{url[:end]}>{url[end:]}"

    return _BARE_URL.sub(wrap, text)


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split at line ends (then spaces) into chunks of at most ``limit`` characters, in order."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces, line = line[:cut], line[cut:].lstrip()
            if current:
                chunks.append(current)
                current = ""
            chunks.append(pieces)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()] or [""]


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _link_target(url: str) -> str:
    # Characters that would end the markdown link early are percent-encoded, and so is
    # "@": a link target must not read as "@everyone" or "<@id>" anywhere it is shown.
    scheme, sep, rest = url.partition("://")
    for char, code in (
        (" ", "%20"),
        ("(", "%28"),
        (")", "%29"),
        ("<", "%3C"),
        (">", "%3E"),
        ("@", "%40"),
    ):
        rest = rest.replace(char, code)
    return scheme + sep + rest


def _link_text(text: str) -> str:
    escaped = quote_untrusted(truncate(" ".join(text.split()), 200))
    return escaped.replace("[", "\\[").replace("]", "\\]")


def markdown_link(text: str, url: str) -> str:
    """``[text](url)`` with the text escaped; plain escaped text when the URL is not http(s)."""
    if not _is_web_url(url):
        return _link_text(text)
    return f"[{_link_text(text)}]({_link_target(url)})"


def citation_line(citation: Citation) -> str:
    """``[1] [Title](url) — Outlet, 2020-01-13``, shortened when it would not fit a field."""
    details = citation_details(citation)
    tail = f" — {quote_untrusted(details)}" if details else ""
    line = f"[{citation.n}] {markdown_link(citation.title or citation.url, citation.url)}{tail}"
    if len(line) > EMBED_FIELD_VALUE_LIMIT:
        line = f"[{citation.n}] {markdown_link(citation.source or 'source', citation.url)}"
    if len(line) > EMBED_FIELD_VALUE_LIMIT:
        line = f"[{citation.n}] {_link_text(citation.title or citation.source)}"
    return line


# -- answers -----------------------------------------------------------------------


def _field_name(index: int) -> str:
    return "Sources" if index == 0 else "Sources (continued)"


def _source_fields(lines: list[str], budget: int) -> list[tuple[str, str]]:
    """Pack source lines into embed fields within ``budget`` characters; say what is left out."""
    fields: list[list[str]] = []
    used = 0
    for line in lines:
        fits_last = (
            bool(fields) and len("\n".join(fields[-1])) + 1 + len(line) <= EMBED_FIELD_VALUE_LIMIT
        )
        cost = 1 + len(line) if fits_last else len(_field_name(len(fields))) + len(line)
        if used + cost > budget or (not fits_last and len(fields) >= EMBED_FIELDS_LIMIT):
            break
        if fits_last:
            fields[-1].append(line)
        else:
            fields.append([line])
        used += cost
    packed = [(_field_name(i), "\n".join(group)) for i, group in enumerate(fields)]
    left_out = len(lines) - sum(len(group) for group in fields)
    if left_out and packed:
        more = f"\n…and {left_out} more"
        name, value = packed[-1]
        if len(value) + len(more) <= EMBED_FIELD_VALUE_LIMIT and used + len(more) <= budget:
            packed[-1] = (name, value + more)
    return packed


def answer_message(answer: Answer) -> Outgoing:
    """One embed: the question as title, the quoted answer, numbered sources as links.

    Within 6,000 characters the answer comes first, then the sources, then the note.
    """
    description = quote_untrusted(answer.text) or "I have no answer to that."
    embed = discord.Embed(
        title=truncate(quote_untrusted(" ".join(answer.question.split())), EMBED_TITLE_LIMIT)
        or None,
        description=truncate(description, EMBED_DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    note_room = min(len(answer.note), 300)
    budget = EMBED_TOTAL_LIMIT - len(embed) - note_room
    for name, value in _source_fields([citation_line(c) for c in answer.citations], budget):
        embed.add_field(name=name, value=value, inline=False)
    footer_room = min(EMBED_FOOTER_LIMIT, EMBED_TOTAL_LIMIT - len(embed))
    if answer.note and footer_room >= 20:
        embed.set_footer(text=truncate(answer.note, footer_room))
    return Outgoing(embeds=[embed])


# -- digests -----------------------------------------------------------------------


def live_messages(post: LiveItem) -> list[Outgoing]:
    """One live feed item as an embed (or the "and K more" line as text)."""
    if post.item is None:
        return notice_messages(Notice(live_text(post)))
    return pack_embeds([_item_embed(None, post.item)])


# A story's sources: at most this many links, in at most this many characters.
ITEM_LINKS = 10
ITEM_SOURCES_CHARS = 1000


def _item_sources(item: DigestItem) -> str:
    """The story's sources linked by outlet and date, each past the first with its own
    headline (a follow-up's news), whole links only, then "…and N more"."""
    links: list[str] = []
    used = 0
    for citation in item.citations[:ITEM_LINKS]:
        label = " — ".join(
            part for part in (own_headline(item, citation), citation_details(citation)) if part
        )
        link = markdown_link(label or citation.title or citation.url, citation.url)
        # Room is kept for the "…and N more" that would follow.
        if used + len(link) + 3 > ITEM_SOURCES_CHARS - 20:
            break
        links.append(link)
        used += len(link) + 3
    if len(item.citations) > len(links):
        links.append(f"…and {len(item.citations) - len(links)} more")
    return " · ".join(links)


def _item_embed(number: int | None, item: DigestItem) -> discord.Embed:
    sources = _item_sources(item)
    summary_room = EMBED_DESCRIPTION_LIMIT - len(sources) - 2
    description = truncate(quote_untrusted(item.summary), summary_room)
    first_url = next((c.url for c in item.citations if _is_web_url(c.url)), None)
    return discord.Embed(
        title=truncate(
            f"{number}. {quote_untrusted(item.headline)}"
            if number is not None
            else quote_untrusted(item.headline),
            EMBED_TITLE_LIMIT,
        ),
        url=_link_target(first_url) if first_url else None,
        description=f"{description}\n{sources}" if sources else description,
        colour=COLOUR,
    )


def pack_embeds(embeds: Iterable[discord.Embed]) -> list[Outgoing]:
    """Embeds in order, as few messages as fit: 10 a message, 6,000 characters a message."""
    messages: list[Outgoing] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        length = len(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + length > EMBED_TOTAL_LIMIT):
            messages.append(Outgoing(embeds=current))
            current, size = [], 0
        current.append(embed)
        size += length
    if current:
        messages.append(Outgoing(embeds=current))
    return messages


def digest_messages(digest: Digest) -> list[Outgoing]:
    """A heading, then one embed per story, split across as many messages as needed."""
    topic = quote_untrusted(digest.topic) if digest.topic else None
    unread = unread_note(digest)
    said = f"\n{defuse_mentions(unread)}" if unread else ""
    if not digest.items:
        return [Outgoing(content=truncate(no_news(digest, topic) + said, MESSAGE_LIMIT))]
    heading = truncate(f"**News digest**{about(topic)}, {digest_span(digest)}{said}", MESSAGE_LIMIT)
    messages = pack_embeds(_item_embed(n, item) for n, item in enumerate(digest.items, start=1))
    messages[0].content = heading
    more = more_stories(digest)
    if more:
        messages.append(Outgoing(content=truncate(more, MESSAGE_LIMIT)))
    return messages


# -- notices -----------------------------------------------------------------------


def notice_messages(notice: Notice) -> list[Outgoing]:
    """Plain text: help in a code block; anything else escaped, links without previews."""
    if notice.preformatted:
        return [Outgoing(content=f"```\n{notice.text}\n```")]
    text = suppress_previews(quote_untrusted(notice.text))
    return [Outgoing(content=chunk) for chunk in split_text(text, MESSAGE_LIMIT)]


def render_reply(reply: Reply) -> list[Outgoing]:
    """The messages that carry ``reply``, in the order they are to be sent."""
    if isinstance(reply, Answer):
        return [answer_message(reply)]
    if isinstance(reply, Digest):
        return digest_messages(reply)
    return notice_messages(reply)
