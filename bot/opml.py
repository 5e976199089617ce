"""OPML, the feed list other readers import and export: read one, write one.

Reading refuses what XML can hide (a DOCTYPE, entity declarations); a file that is not
OPML is one `OpmlError` naming what is wrong and where.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from bot.errors import NewsbotError

__all__ = ["OpmlError", "OpmlFeed", "read_opml", "write_opml"]

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class OpmlError(NewsbotError):
    """A file that could not be read as OPML."""


@dataclass(frozen=True)
class OpmlFeed:
    """One outline's feed: its address as written and its title."""

    url: str
    title: str = ""


def read_opml(data: bytes, name: str = "the file") -> list[OpmlFeed]:
    """The feeds of every outline with an `xmlUrl`, in document order (folders flattened)."""
    if _DECLARATION.search(data):
        raise OpmlError(f"{name} declares a DOCTYPE or XML entities, which newsbot refuses")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"{name} is not well-formed XML ({exc})") from exc
    if root.tag != "opml":
        raise OpmlError(f"{name} is not OPML: its root element is <{root.tag}>, not <opml>")
    body = root.find("body")
    if body is None:
        raise OpmlError(f"{name} is OPML without a <body>, so it lists no feeds")
    feeds: list[OpmlFeed] = []
    for outline in body.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            title = outline.get("title") or outline.get("text") or ""
            feeds.append(OpmlFeed(url, " ".join(title.split())))
    return feeds


def write_opml(feeds: Iterable[OpmlFeed], title: str, now: datetime | None = None) -> str:
    """An OPML 2.0 document listing ``feeds`` as RSS outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = ET.SubElement(root, "body")
    for feed in feeds:
        text = feed.title or feed.url
        ET.SubElement(body, "outline", type="rss", text=text, title=text, xmlUrl=feed.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
