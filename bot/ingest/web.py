"""Feeds (feedparser) and article pages (trafilatura)."""

from __future__ import annotations

import calendar
import contextlib
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import trafilatura

# feedparser's own decoder (internal, but pinned below 7): it gives the exact UTF-8 bytes its
# XML parser will read, whatever encoding the document claims (UTF-16, UTF-7, EBCDIC...).
from feedparser.encodings import convert_to_utf8

from bot.errors import IngestError
from bot.ingest.model import ArticleDraft, parse_published
from bot.text import canonical_url

__all__ = [
    "looks_like_feed",
    "drafts_from_feed",
    "draft_from_html",
    "refuse_xml_entities",
    "MIN_ARTICLE_CHARS",
]

# Below this much extracted text a page is a front page, a login wall or an error page.
MIN_ARTICLE_CHARS = 200
# Feed items with less text than this are teasers: fetch the page when we can.
TEASER_CHARS = 400
# An entity declaration is only legal in a DTD; no feed needs one, and "billion laughs" and
# external entities (file:///etc/passwd) both start with it. Searched for anywhere, so a
# DTD hidden after a fake element in a comment is caught too; the price is refusing a feed
# that quotes "<!ENTITY" inside CDATA, which we accept.
_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


def looks_like_feed(content: bytes, content_type: str = "") -> bool:
    head = content[:2048].lstrip().lower()
    if any(kind in content_type for kind in ("rss", "atom")):
        return True
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return False
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def _entry_time(entry: feedparser.FeedParserDict) -> tuple[datetime | None, str]:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC), "minute"
    return None, "none"


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    parts = [c.get("value", "") for c in entry.get("content", []) or []]
    html = max(parts, key=len) if parts else entry.get("summary", "") or ""
    if "<" in html:
        extracted = trafilatura.extract(f"<html><body><article>{html}</article></body></html>")
        return extracted or ""
    return html


def refuse_xml_entities(content: bytes) -> None:
    """Raise `IngestError` when an XML document declares entities, in any encoding."""
    views = [content]
    # Undecodable: the raw bytes are checked all the same, and feedparser will fail on it.
    with contextlib.suppress(Exception):
        views.append(convert_to_utf8({}, content, {}))
    if any(_ENTITY_DECLARATION.search(view) for view in views):
        raise IngestError(
            "the feed declares XML entities (<!ENTITY …>), which newsbot refuses: "
            "they can expand to gigabytes or read files on the server"
        )


def _entry_url(entry: feedparser.FeedParserDict, feed_url: str) -> str | None:
    """The entry's canonical http(s) address, resolved against the feed's; None otherwise."""
    link = entry.get("link") or entry.get("id") or ""
    if not link:
        return None
    absolute = urljoin(feed_url, link)
    if not absolute.lower().startswith(("http://", "https://")):
        return None
    return canonical_url(absolute)


def drafts_from_feed(
    content: bytes,
    feed_url: str,
    fetch_page: Callable[[str], ArticleDraft | None] | None = None,
    *,
    max_items: int | None = None,
    known: Callable[[list[str]], set[str]] | None = None,
) -> list[ArticleDraft]:
    """Articles of an RSS/Atom document; teasers are completed from their page when possible.

    At most ``max_items`` entries are read (feeds list the newest first). Entries whose
    URL ``known`` reports as stored are skipped: their page is not fetched again, and a
    teaser never replaces the full text stored before.
    """
    refuse_xml_entities(content)
    # A file object, never bytes: given bytes that look like a path, feedparser opens the file.
    parsed = feedparser.parse(io.BytesIO(content))
    if not parsed.get("version") and not parsed.entries:
        raise IngestError("not an RSS or Atom feed")
    outlet = parsed.feed.get("title") or urlsplit(feed_url).hostname or "feed"
    entries = parsed.entries if max_items is None else parsed.entries[: max(max_items, 0)]
    linked = [(entry, _entry_url(entry, feed_url)) for entry in entries]
    stored = known([url for _, url in linked if url]) if known is not None else set()
    drafts: list[ArticleDraft] = []
    for entry, url in linked:
        if not url or url in stored:
            continue
        link = url
        text = _entry_text(entry)
        published, precision = _entry_time(entry)
        if len(text) < TEASER_CHARS and fetch_page is not None and link.startswith("http"):
            page = fetch_page(link)
            if page is not None and len(page.text) > len(text):
                text = page.text
        if not text.strip():
            text = entry.get("title", "")
        drafts.append(
            ArticleDraft(
                url=url,
                title=entry.get("title", ""),
                text=text,
                source=outlet,
                published_at=published,
                published_precision=precision,
            )
        )
    return drafts


def draft_from_html(html: str, url: str) -> ArticleDraft:
    """The article on a page; a page without one raises `IngestError`."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        raise IngestError("no article text on the page")
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = (data.get("text") or "").strip()
    title = (data.get("title") or "").strip()
    if title and text.startswith(title):
        text = text[len(title) :].lstrip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise IngestError("no article text on the page")
    published, precision = parse_published(data.get("date"))
    return ArticleDraft(
        url=url,
        title=title,
        text=text,
        source=data.get("sitename") or data.get("hostname") or urlsplit(url).hostname or "",
        published_at=published,
        published_precision=precision,
    )
