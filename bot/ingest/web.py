"""Feeds (feedparser) and article pages (trafilatura)."""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import html
import io
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from bot.errors import FetchError, IngestError
from bot.ingest.decode import declared_charset, sniff_wide, utf8_feed
from bot.ingest.model import (
    EPOCH,
    FUTURE_LEEWAY,
    ArticleDraft,
    Failure,
    Note,
    Unchanged,
    clean_text,
    occurrence,
    plain_title,
    read_date,
)
from bot.logs import demote_to_debug
from bot.text import canonical_url
from bot.text.tokens import unspaced_share

if TYPE_CHECKING:
    import feedparser
    from lxml.html import HtmlElement

log = logging.getLogger(__name__)

__all__ = [
    "feed_damage",
    "feed_problem",
    "NOT_A_FEED_BUT_A_PAGE",
    "looks_like_feed",
    "drafts_from_feed",
    "draft_from_html",
    "html_to_text",
    "refuse_xml_entities",
    "MIN_ARTICLE_CHARS",
]

NOT_A_FEED_BUT_A_PAGE = "not an RSS or Atom feed (the URL serves a web page)"
# Below this much extracted text a page is a front page, a login wall or an error page.
MIN_ARTICLE_CHARS = 200
# Feed items with less text than this are teasers: fetch the page when we can.
TEASER_CHARS = 400
# Pages fetched again a poll for entries stored as teasers (the page failed, or said less):
# a feed of teasers whose pages are paywalled costs at most this many fetches a poll more.
PAGE_RETRIES_A_POLL = 10
# An entity declaration is only legal in a DTD; no feed needs one, and "billion laughs" and
# external entities (file:///etc/passwd) both start with it. Searched for anywhere, so a
# DTD hidden after a fake element in a comment is caught too; the price is refusing a feed
# that quotes "<!ENTITY" inside CDATA, which we accept.
_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


def looks_like_feed(content: bytes, content_type: str = "") -> bool:
    """Whether ``content`` is a feed: an HTML page is none, whatever its server calls it
    (it is read as a page), and a feed is one whatever its server calls it."""
    head = content[:2048]
    wide, skip = sniff_wide(head)
    if wide is not None and wide != "utf-8":
        head = head[skip:].decode(wide, errors="ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return False
    if any(kind in content_type for kind in ("rss", "atom")):
        return True
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def _entry_time(entry: feedparser.FeedParserDict) -> tuple[datetime | None, str, str | None]:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            when = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            if when > datetime.now(UTC) + FUTURE_LEEWAY or when == EPOCH:
                # As `read_date` says of any date given: never news from the future, nor
                # the epoch that stands in for no date.
                return read_date(entry.get(key))
            return when, "minute", None
    for key in ("published", "updated", "created"):
        if entry.get(key):
            # feedparser reads RFC 822 and W3C dates; ours also reads "06.01.2020" and epochs.
            return read_date(entry.get(key))
    return None, "none", None


def _trafilatura() -> ModuleType:
    """trafilatura, imported at first use (a sixth of a second that answering never needs),
    its log lines kept at DEBUG: newsbot names a page without an article itself."""
    import trafilatura

    demote_to_debug("trafilatura", "htmldate", "courlan")
    return trafilatura


_GUID = re.compile(rb"<guid\b[^>]*>\s*(?:<!\[CDATA\[)?([^<\]]*)(?:\]\]>)?\s*</guid>", re.I)
_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]*>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


def html_to_text(fragment: str) -> str:
    """Plain text of a feed entry's HTML summary or content: the page extractor's reading
    (comments left out); markup stripped and entities unescaped when it finds no article."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    if "<" in fragment:
        extracted = _trafilatura().extract(
            f"<html><body><article>{fragment}</article></body></html>",
            include_comments=False,
        )
        if extracted:
            return str(extracted)
        fragment = _SCRIPTS.sub(" ", fragment)
        fragment = _BLOCK_END.sub("\n", fragment)
        fragment = _TAGS.sub(" ", fragment)
    return html.unescape(fragment)


def _entry_fragment(entry: feedparser.FeedParserDict) -> str:
    """An entry's longest content (or its summary), as given: HTML or text."""
    parts = [c.get("value", "") for c in entry.get("content", []) or []]
    return str(max(parts, key=len) if parts else entry.get("summary", "") or "")


# What HTML writes and plain text never does: a paragraph's, a line break's, a link's or an
# emphasis' tag.
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|u|ul|ol|li|img|h[1-6]|blockquote|table|tr|td"
    r"|figure|figcaption|section|article)\b[^<>]{0,300}>",
    re.IGNORECASE,
)


def _is_plain_text(entry: feedparser.FeedParserDict) -> bool:
    """Whether the entry's content (or summary) is plain text (Atom's type="text"): its
    "<" and "&" are the text's own ("the <blink> tag"), not markup. Atom takes a text
    without a type for plain, and many feeds put HTML there all the same: one that holds
    HTML's tags is HTML."""
    parts = entry.get("content", []) or []
    detail = max(parts, key=lambda c: len(c.get("value", ""))) if parts else None
    detail = detail or entry.get("summary_detail") or {}
    if detail.get("type") != "text/plain":
        return False
    return not _HTML_TAG.search(str(detail.get("value", "")))


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    fragment = _entry_fragment(entry)
    return fragment if _is_plain_text(entry) else html_to_text(fragment)


def _page_text(
    url: str, text: str, fetch_page: Callable[[str], ArticleDraft | None], place: str
) -> tuple[str, Failure | None]:
    """The text of the page behind a teaser when it says more; a page that could not be
    fetched is a failure to report, and the teaser stands for now."""
    try:
        page = fetch_page(url)
    except FetchError as exc:
        kept = "the entry is stored with the feed's own text for now"
        # A page down or slow may answer at the next poll; one gone (404) stays gone.
        return text, Failure(
            place, f"its page could not be fetched ({exc}); {kept}", retry=exc.transient, kept=True
        )
    if page is not None and len(page.text) > len(text):
        return page.text, None
    return text, None


def refuse_xml_entities(content: bytes) -> None:
    """Raise `IngestError` when an XML document declares entities, in any encoding."""
    # feedparser's own decoder (internal, but pinned below 7): it gives the exact UTF-8 bytes
    # its XML parser will read, whatever encoding the document claims (UTF-16, UTF-7,
    # EBCDIC...). Imported here, as feedparser itself: only feeds need them.
    from feedparser.encodings import convert_to_utf8

    views = [content]
    # Undecodable: the raw bytes are checked all the same, and feedparser will fail on it.
    with contextlib.suppress(Exception):
        views.append(convert_to_utf8({}, content, {}))
    if any(_ENTITY_DECLARATION.search(view) for view in views):
        raise IngestError(
            "the feed declares XML entities (<!ENTITY …>), which newsbot refuses: "
            "they can expand to gigabytes or read files on the server"
        )


_ENTRY_STARTS = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_ENTRY_ENDS = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")
_ROOT_END = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>(?:\s|<!--.*?-->)*\Z", re.S)


def _closed(document: bytes) -> bool:
    """Whether ``document`` ends with its root element's end tag (a cut-off one does not)."""
    return bool(_ROOT_END.search(document[-4096:]))


def feed_damage(parsed: feedparser.FeedParserDict, document: bytes) -> str | None:
    """Why a feed cannot be trusted whole, or None.

    feedparser reads past XML errors with its lenient parser and only sets ``bozo``: a feed
    cut off in transfer still yields the entries before the cut (and the cut one, part
    empty). Its harmless complaints (an encoding it overrode, a content type that is not
    XML's: `ThingsNobodyCaresAboutButMe`) are no damage, nor is an XML error it read past
    when the document is whole and every entry in it was read.
    """
    from xml.sax import SAXException, SAXParseException

    error = parsed.get("bozo_exception")
    if not parsed.get("bozo") or not isinstance(error, SAXException):
        return None
    closed = _closed(document)
    if closed and len(parsed.entries) >= len(_ENTRY_STARTS.findall(document)):
        log.info("the feed is not well-formed XML but was read whole: %s", error)
        return None
    line = error.getLineNumber() if isinstance(error, SAXParseException) else None
    what = "malformed" if closed else "cut off"
    at = f"at line {line}: " if line else ": "
    detail = error.getMessage() if isinstance(error, SAXParseException) else str(error)
    return f"the feed is {what} (XML error {at}{detail}): entries after that point are missing"


def _web(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def _entry_url(link: str, bases: list[str]) -> str | None:
    """The entry's canonical http(s) address: its link resolved against the feed's bases."""
    for base in ["", *bases]:
        absolute = urljoin(base, link) if base else link
        if _web(absolute):
            return canonical_url(absolute)
    return None


def _entry_place(where: str, number: int, entry: feedparser.FeedParserDict) -> str:
    label = plain_title(entry.get("title", "") or "").strip() or entry.get("link", "") or ""
    label = label if len(label) <= 80 else label[:77] + "..."
    return f'{where}, entry {number} "{label}"' if label else f"{where}, entry {number}"


def _linkless_url(entry: feedparser.FeedParserDict, home: str) -> str:
    """A stable address for an entry with no web link: the feed's, with a fragment made from
    the entry's guid (else from its content), so the citation still leads to the feed."""
    guid = entry.get("id") or ""
    key = f"guid:{guid}" if guid else f"entry:{entry.get('title', '')}\n{_entry_text(entry)}"
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:20]
    return f"{home.split('#', 1)[0]}#entry-{digest}"


def drafts_from_feed(
    content: bytes,
    feed_url: str,
    fetch_page: Callable[[str], ArticleDraft | None] | None = None,
    *,
    max_items: int | None = None,
    known: Callable[[list[str]], Mapping[str, int]] | None = None,
    declared: str | None = None,
    where: str | None = None,
) -> list[ArticleDraft | Failure | Unchanged | Note]:
    """Articles of an RSS/Atom document, one item per entry read: a draft, a failure naming
    the entry, or `Unchanged` for an entry ``known`` reports stored with at least as much
    text as it now has (a teaser never replaces the full text stored before). ``known`` maps
    the stored URLs to the length of their text.

    Relative links are resolved against xml:base, the feed's URL and the feed's own link; an
    entry without any web link is kept under its guid (else a hash of the entry) below the
    feed's address. At most ``max_items`` entries are read (feeds list the newest first).
    Teasers are completed from their page when ``fetch_page`` can; it raises `FetchError`
    for a page that could not be fetched, which is a failure of that entry (stored with the
    feed's text all the same). The page of an entry stored as a teaser is fetched again, up
    to `PAGE_RETRIES_A_POLL` a call. A damaged feed (see `feed_damage`) adds a failure
    at ``where``.
    """
    where = where or feed_url
    parsed, utf8, damage = _parse(content, feed_url, declared)
    outlet = plain_title(parsed.feed.get("title", "") or "").strip()
    outlet = outlet or urlsplit(feed_url).hostname or "feed"
    channel_link = parsed.feed.get("link", "") or ""
    bases = [b for b in (feed_url, channel_link) if _web(b)]
    home = channel_link if _web(channel_link) and not _web(feed_url) else feed_url
    entries = parsed.entries
    if damage and not _closed(utf8):
        # Cut off: the last entry read may end mid-text. Only entries whose end tag arrived
        # are stored; the rest are new again once the feed comes whole.
        entries = entries[: len(_ENTRY_ENDS.findall(utf8))]
    items: list[ArticleDraft | Failure | Unchanged | Note] = []
    if not entries and not damage:
        # Read whole, and nothing in it: said, so that "0 new" is not taken for a failure.
        items.append(Note(where, "the feed lists no entries (yet)"))
    if max_items is not None and len(entries) > max(max_items, 0):
        items.append(
            Note(
                where,
                f"the feed lists {len(entries)} entries; the first {max(max_items, 0)} "
                "are read (FEED_MAX_ITEMS)",
            )
        )
        entries = entries[: max(max_items, 0)]
    # The guids written as no web address, as written and as feedparser resolves them
    # against the feed's address ("12345" becomes "https://feed.example/12345").
    written = (html.unescape(g.decode("utf-8", "replace")).strip() for g in _GUID.findall(utf8))
    guids = {g for g in written if g and not _web(g)}
    not_links = guids | {urljoin(base, g) for g in guids for base in [feed_url, *bases]}
    linked: list[tuple[feedparser.FeedParserDict, str | None, str]] = []
    for number, entry in enumerate(entries, start=1):
        place = _entry_place(where, number, entry)
        link = entry.get("link") or (entry.get("id") if entry.get("guidislink") else "") or ""
        if entry.get("guidislink") and link == entry.get("id") and link in not_links:
            # A guid no address ("12345", "urn:uuid:…", "tag:…"), which RSS takes for a
            # permalink unless told otherwise: the entry has no web link of its own.
            link = ""
        url = _entry_url(link, bases) if link else None
        if link and url is None and urlsplit(link).scheme not in ("", "file"):
            items.append(Failure(place, f"its link {link[:100]!r} is not a web address"))
            continue
        linked.append((entry, url, place))
    stored = known([url for _, url, _ in linked if url]) if known is not None else {}
    retries = PAGE_RETRIES_A_POLL
    seen: dict[int, int] = {}
    for entry, url, place in linked:
        held = stored.get(url) if url else None
        # Stored already (``held``): then this feed carries the article stored under it.
        unchanged = Unchanged(place, url or "", feed_url)
        fragment = _entry_fragment(entry)
        title = plain_title(entry.get("title", "") or "")
        if held is not None and max(len(fragment), len(title)) < held:
            # Stored with more text than the entry's markup holds (its page): unchanged.
            items.append(unchanged)
            continue
        text = fragment if _is_plain_text(entry) else html_to_text(fragment)
        if not text.strip():
            text = title
        if held is not None and len(clean_text(text)) < held:
            items.append(unchanged)
            continue
        published, precision, note = _entry_time(entry)
        # Stored, but no longer than its feed text: the page may have failed last time, so
        # a few such pages are fetched again each time.
        if url and len(text) < TEASER_CHARS and fetch_page and (held is None or retries > 0):
            retries -= held is not None
            text, failure = _page_text(url, text, fetch_page, place)
            if failure is not None:
                items.append(failure)
        if held is not None and len(clean_text(text)) <= held:
            items.append(unchanged)  # nothing more than is stored
            continue
        address = url or _linkless_url(entry, home)
        items.append(
            ArticleDraft(
                url=address,
                origin=occurrence(feed_url, address, seen),
                title=entry.get("title", ""),
                text=text,
                source=outlet,
                published_at=published,
                published_precision=precision,
                where=place,
                note=note,
            )
        )
    if damage:
        items.append(Failure(where, damage))
    return items


# An ampersand that starts no reference ("Q&A", "Johnson & Johnson"), which XML forbids:
# the feed parser's lenient reading makes "Q&A" an entity, "Q&A;". Written as "&amp;" it is
# the ampersand it was meant to be. (Inside CDATA an ampersand is text already.)
_BARE_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z_][\w.-]*;)")


def _ampersands_escaped(document: bytes) -> bytes:
    if b"&" not in document:
        return document
    pieces = []
    at = 0
    # One scan: a CDATA section left open runs to the end of the document.
    while (start := document.find(b"<![CDATA[", at)) >= 0:
        end = document.find(b"]]>", start)
        end = len(document) if end < 0 else end + 3
        pieces += [_BARE_AMPERSAND.sub(b"&amp;", document[at:start]), document[start:end]]
        at = end
    pieces.append(_BARE_AMPERSAND.sub(b"&amp;", document[at:]))
    return b"".join(pieces)


def _parse(
    content: bytes, feed_url: str, declared: str | None
) -> tuple[feedparser.FeedParserDict, bytes, str | None]:
    """The feed parsed, the UTF-8 document it was parsed from, and its damage if any;
    `IngestError` for a document that is no feed."""
    refuse_xml_entities(content)
    utf8 = _ampersands_escaped(utf8_feed(content, declared))
    # A file object, never bytes: given bytes that look like a path, feedparser opens the file.
    headers = {"content-location": feed_url} if _web(feed_url) else {}
    import feedparser

    parsed = feedparser.parse(io.BytesIO(utf8), response_headers=headers)
    damage = feed_damage(parsed, utf8)
    if not parsed.get("version") and not parsed.entries:
        # Damage is named only where a feed began: a text with no feed in it is not one.
        raise IngestError(damage if damage and looks_like_feed(utf8) else "not an RSS or Atom feed")
    return parsed, utf8, damage


def feed_problem(content: bytes, content_type: str, feed_url: str) -> str | None:
    """Why a fetched document cannot be read as a feed (a web page, no feed, cut off), or
    None. Nothing is read beyond parsing it: no entry's text, no page."""
    if not looks_like_feed(content, content_type):
        return NOT_A_FEED_BUT_A_PAGE
    try:
        return _parse(content, feed_url, declared_charset(content_type))[2]
    except IngestError as exc:
        return str(exc)


# A page whose extracted text is this many lines or more, nearly all of them the text of
# a link, is a front page or an index, not an article.
LINK_LIST_LINES = 5
LINK_LIST_SHARE = 0.8


def _is_link_list(page: str, text: str) -> bool:
    """Whether the lines of ``text`` (a page's extracted text) are, nearly all, the texts
    of the page's links: "Sak nummer 0: kort tittel" twenty times over."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) < LINK_LIST_LINES:
        return False
    import lxml.html

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return False
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    links.discard("")
    linked = sum(line in links for line in lines)
    return linked >= LINK_LIST_SHARE * len(lines)


# A template's placeholders, which a page's scripts fill in the browser: "{{item.title}}".
_PLACEHOLDER = re.compile(r"\{\{[^{}]{0,2000}\}\}")
# The share of a page's text in placeholders from which it is a template, not an article.
TEMPLATE_SHARE = 0.3


def _is_template(text: str) -> bool:
    """Whether ``text`` is mostly a template's placeholders (AngularJS, Vue, Handlebars)."""
    if "{{" not in text:
        return False
    held = sum(len(m.group()) for m in _PLACEHOLDER.finditer(text))
    return held >= TEMPLATE_SHARE * len(text)


def _least_article_chars(text: str) -> int:
    """How much text a page's article holds at least: `MIN_ARTICLE_CHARS`, and a third of
    that in Chinese, Japanese or Korean, where a character says about what a word does (an
    eight-sentence Chinese article is some 160 characters)."""
    return MIN_ARTICLE_CHARS // 3 if unspaced_share(text) > 0.5 else MIN_ARTICLE_CHARS


# Extracted elements whose line breaks are the text's own.
_PREFORMATTED = ("code", "pre")
# The words on either side of each line break in a page's source that falls between words,
# perhaps inside a link or an emphasis (not between paragraphs or list items): where the
# source wrapped a line.
_INLINE_TAGS = (
    r"(?:</?(?:a|abbr|b|cite|em|font|i|mark|q|small|span|strong|sub|sup|time|u)\b[^<>]{0,300}>)*"
)
_SOURCE_BREAK = re.compile(
    rf"(?<![^\s<>])([^\s<>]+){_INLINE_TAGS}[ \t\r]*\n[ \t\r\n]*(?={_INLINE_TAGS}([^\s<>]+))"
)
# Preformatted text, whose line breaks are its own, and scripts and styles, which hold no
# text of the article (and minified code would keep the scan above busy).
_PREFORMATTED_SOURCE = re.compile(r"<(pre|textarea|script|style)\b", re.IGNORECASE)


def _without_preformatted(page: str) -> str:
    """``page`` without its preformatted text, scripts and styles (one scan: an element
    left open runs to the end of the page)."""
    pieces = []
    at = 0
    lowered = page.lower()
    while match := _PREFORMATTED_SOURCE.search(page, at):
        pieces.append(page[at : match.start()])
        end = lowered.find(f"</{match.group(1).lower()}", match.end())
        at = len(page) if end < 0 else end
    pieces.append(page[at:])
    return " ".join(pieces)


def _unwrapped(text: str, wrapped: set[tuple[str, str]]) -> str:
    """``text`` with each line break between words the source wraps a line between made a
    space."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        before, after = out[-1].split(), line.split()
        if before and after and (before[-1], after[0]) in wrapped:
            out[-1] = f"{out[-1].rstrip()} {line.lstrip()}"
        else:
            out.append(line)
    return "\n".join(out)


def _as_shown(body: HtmlElement, page: str) -> str:
    """The text of a page's extracted article as a browser shows it: a line break in the
    HTML source inside a paragraph ("bis nach\nMadrid?") is a space, not the end of a
    sentence. A <br> still breaks the line, code keeps its lines, and so do the lines the
    extractor itself puts between the pieces of a page it reads another way (the source
    holds no break between those)."""
    source = _without_preformatted(page)
    wrapped = {(m.group(1), m.group(2)) for m in _SOURCE_BREAK.finditer(source)}
    kept = {node for code in body.iter(*_PREFORMATTED) for node in code.iter()}
    for node in body.iter():
        if node not in kept and node.text and "\n" in node.text:
            node.text = _unwrapped(node.text, wrapped)
        if node.getparent() not in kept and node.tail and "\n" in node.tail:
            node.tail = _unwrapped(node.tail, wrapped)
    from trafilatura.xml import xmltotxt

    return str(xmltotxt(body, False))


# A page's text may open with its headline again, worded a little otherwise, perhaps after a
# section's name: "Tech\nMeta Outage Hits Facebook, Instagram and Messenger Worldwide".
# At most this many lines are looked at, the lines before the headline this short.
_HEAD_LINES = 3
_LABEL_WORDS = 3
# The share of the two lines' words that both hold, at least.
_SAME_HEADLINE = 0.5
_SENTENCE_END = (".", "!", "?", "…", ":", ";", "»", '"', "”")


def _without_headline(text: str, title: str) -> str:
    """``text`` without the headline it opens with, and the labels before it (the citation
    shows the headline): a line with no sentence's end whose words are mostly the title's."""
    title_words = {w.lower() for w in re.findall(r"\w+", title)}
    if not title_words:
        return text
    lines = text.split("\n", _HEAD_LINES)
    for index, line in enumerate(lines[:_HEAD_LINES]):
        words = {w.lower() for w in re.findall(r"\w+", line)}
        if not words or line.rstrip().endswith(_SENTENCE_END):
            return text
        if len(words & title_words) >= _SAME_HEADLINE * len(words | title_words):
            rest = "\n".join(lines[index + 1 :]).lstrip()
            return rest or text
        if len(words) > _LABEL_WORDS:
            return text
    return text


def _bare(text: str) -> str:
    """Letters and digits only, lower-cased: "Battery-News.de" and "batterynewsde" agree."""
    return "".join(c for c in text.lower() if c.isalnum())


def _outlet(sitename: str, host: str) -> str:
    """The outlet a page names, or its host: a page may name its outlet by a link
    ("https://www.facebook.com/tagesspiegel"), or the extractor make one of the host's
    letters ("Futurezoneat" for futurezone.at)."""
    host = host.removeprefix("www.")
    if not sitename or "://" in sitename or sitename.startswith("www."):
        return host
    if " " not in sitename and "." not in sitename and _bare(sitename) == _bare(host):
        return host
    return sitename


# What separates a headline from the site's name and the date a page's title adds:
# "Berlin confronts its colonial past | DW | 19.01.2020", "Ultium Cells ... - Battery-News.de".
_TITLE_PARTS = re.compile(r"(\s+[|–—-]\s+|\s*\|\s*|\s+::\s+|\s+[·•]\s+)")
_DATE_PART = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
# A host's labels that name no site: "www", and "co" of "co.uk".
_NO_SITE = frozenset({"www", "m", "co", "or", "ne", "com", "org", "net"})
# How many letters a title's end may hold besides the site's name ("the", "online", "de").
_SITE_EXTRA = 6


def _without_site(title: str, source: str, host: str) -> str:
    """``title`` without the site's name and the date its ends add, as a citation names
    the outlet and the date already. The headline stays whole: only an end that names the
    site (its outlet name or its host) or is a date goes."""
    pieces = _TITLE_PARTS.split(title)
    if len(pieces) < 3:
        return title
    labels = host.lower().split(".")
    names = {_bare(source), _bare(host), _bare(host.removeprefix("www."))}
    names.update(label for label in labels[:-1] if label not in _NO_SITE)
    names.discard("")

    def site(part: str) -> bool:
        bare = _bare(part)
        return (
            bare in names
            # With a word or a domain's ending besides: "The Japan Times" of japantimes.co.jp.
            or any(
                len(n) >= 4
                and len(bare) - len(n) <= _SITE_EXTRA
                and n in (bare[: len(n)], bare[-len(n) :])
                for n in names
            )
            or bool(_DATE_PART.fullmatch(part.strip()))
        )

    parts, separators = pieces[0::2], pieces[1::2]
    while len(parts) > 1 and site(parts[-1]):
        parts.pop()
        separators.pop()
    # A name before a dash is often the headline's own ("Brann - Rosenborg 2-1"): only one
    # set off by a bar is the site's ("INDUSTRIEMAGAZIN | Luftfahrt ..."); a date is none.
    while (
        len(parts) > 1
        and site(parts[0])
        and ("|" in separators[0] or _DATE_PART.fullmatch(parts[0].strip()))
    ):
        parts.pop(0)
        separators.pop(0)
    kept = [parts[0]]
    for separator, part in zip(separators, parts[1:], strict=True):
        kept += [separator, part]
    return "".join(kept).strip()


def _year_only(published: datetime, page: str) -> bool:
    """Whether a page's date of 1 January is a year the extractor read somewhere on the
    page ("© 1998-2015", a schema's address ".../2000/01/rdf-schema#") with the first day
    made up: the page never writes that day itself. The year is all it tells."""
    if (published.month, published.day) != (1, 1):
        return False
    year = published.year
    numbers = (f"{year}-01-01", f"{year}/01/01", f"01.01.{year}", f"1.1.{year}", f"{year}0101")
    if any(form in page for form in numbers):
        return False
    # "1. januar 2024", "1 Jan 2024", "Jan. 1, 2024", "January 1, 2024", "1er janvier 2024".
    named = re.compile(
        rf"\b(?:0?1(?:\.|er)?\s+(?:jan|janu|janv)\w*\.?,?\s+{year}"
        rf"|jan\w*\.?\s+0?1(?:st)?,?\s+{year})\b",
        re.IGNORECASE,
    )
    return not named.search(page)


def draft_from_html(page: str, url: str, where: str = "") -> ArticleDraft:
    """The article on a page (reader comments left out); a page without one raises
    `IngestError`."""
    document = _trafilatura().bare_extraction(
        page, url=url, with_metadata=True, include_comments=False
    )
    if document is None:
        raise IngestError("no article text on the page")
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    body = getattr(document, "body", None)
    text = (_as_shown(body, page) if body is not None else data.get("text") or "").strip()
    title = (data.get("title") or "").strip()
    if title and text.startswith(title):
        text = text[len(title) :].lstrip()
    text = _without_headline(text, title)
    host = data.get("hostname") or urlsplit(url).hostname or ""
    source = _outlet(data.get("sitename") or "", host)
    title = _without_site(title, source, host)
    if not text:
        raise IngestError("no article text on the page")
    least = _least_article_chars(text)
    if len(text) < least:
        raise IngestError(
            f"too little article text on the page ({len(text):,} characters; an article "
            f"has {least} or more, a login wall or an error page less): a "
            "short one goes in as a text file or a JSON Lines record"
        )
    if _is_link_list(page, text):
        raise IngestError("no article on the page: its text is a list of links (a front page?)")
    if _is_template(text):
        raise IngestError(
            "no article on the page: its text is a template its scripts fill in "
            '("{{...}}"); its feed, or the page as a browser saves it, would hold the article'
        )
    published, precision, note = read_date(data.get("date"))
    if published is not None and precision == "day" and _year_only(published, page):
        precision = "year"
    return ArticleDraft(
        url=url,
        title=title,
        text=text,
        source=source,
        published_at=published,
        published_precision=precision,
        where=where or url,
        note=note,
    )
