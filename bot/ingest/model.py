"""What ingest produces: drafts from any source, normalised into storable records."""

from __future__ import annotations

import hashlib
import html
import logging
import operator
import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from bot.errors import IngestError
from bot.text import detect_language, document_terms, language_code, split_sentences
from storage import URL_CHARS, ArticleRecord

__all__ = [
    "ArticleDraft",
    "Failure",
    "Note",
    "Unchanged",
    "occurrence",
    "normalise",
    "normalise_all",
    "parse_published",
    "read_date",
    "derive_title",
    "plain_title",
]

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# Every byte but the ASCII controls of `_CONTROL`: what `bytes.translate` deletes to find them.
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_DATE = re.compile(
    r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?\s*$"
)


@dataclass(slots=True)
class ArticleDraft:
    """An article as read, before cleaning, language detection and splitting."""

    url: str
    title: str
    text: str
    source: str = ""
    language: str | None = None
    published_at: datetime | None = None
    published_precision: str = "none"
    # Where it was read (a file and line, a feed and its entry), for every line about it.
    where: str = ""
    # Something worth telling although the article is stored (a date that could not be read).
    note: str | None = None
    # The input it came from, stable across runs (a file, a feed; "#2" for a second record
    # with the same URL in it): decides between two inputs that carry the same URL.
    origin: str = ""

    def __reduce__(self) -> tuple[type[ArticleDraft], tuple[object, ...]]:
        # Pickled as its fields, in order: a large ingest sends thousands to its worker
        # processes (see `ArticleRecord.__reduce__`).
        return ArticleDraft, _draft_fields(self)


_draft_fields = operator.attrgetter(*(field.name for field in fields(ArticleDraft)))


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be ingested, and why (file, line, URL...)."""

    where: str
    reason: str
    # Worth trying again at the next poll (an entry's page that was down).
    retry: bool = False
    # Stored all the same (an entry whose page failed is kept with the feed's text).
    kept: bool = False


def occurrence(origin: str, url: str, seen: dict[int, int]) -> str:
    """``origin`` for the first record of ``url`` in one input, ``origin#2`` for the second...
    (``seen`` counts by the URL's hash: an archive of many articles keeps no URL strings)."""
    key = hash(url)
    count = seen[key] = seen.get(key, 0) + 1
    return origin if count == 1 else f"{origin}#{count}"


@dataclass(frozen=True, slots=True)
class Note:
    """Something to tell about an input read all the same (a feed longer than is read)."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class Unchanged:
    """An input found stored already and not read again (a known feed entry): the article
    stored under ``url``, which the input ``origin`` carries too."""

    where: str
    url: str = ""
    origin: str = ""


def clean_text(text: str) -> str:
    """Printable text with one space between words and no blank-line runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _has_control(text):
        text = _CONTROL.sub("", text)
    # This runs on every article of an archive: each pass only where it has work (a regex
    # replacing each single space by itself costs more than the rest together).
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        # Whitespace around line breaks (str.strip and the regex \s agree on what it is).
        text = "\n".join([line.strip() for line in text.split("\n")])
        if "\n\n\n" in text:
            text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def _has_control(text: str) -> bool:
    """Whether ``text`` holds a character of `_CONTROL`. Most texts hold none, and the regex
    tests its class at every character (~6 us for 2 KB of text); this is ~1.5 us. (UTF-8
    writes every other character in bytes of 0x80 and over.)"""
    data = text.encode("utf-8", "surrogatepass")
    return bool(data.translate(None, _NOT_CONTROL)) or "\u200b" in text or "\ufeff" in text


# A script or style element goes whole, what it holds too: that is code, not words.
_TAG = re.compile(
    r"<(script|style)\b[^<>]*>.*?</\1\s*>|</?[A-Za-z][^<>]*>|<!--.*?-->", re.S | re.IGNORECASE
)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]{1,31});")


def plain_title(title: str) -> str:
    """A title as readers see it: tags removed, then entities unescaped once
    ("<b>AT&amp;T</b>" is "AT&T"; "&lt;blink&gt;" stays the text "<blink>")."""
    if "<" in title:
        title = _TAG.sub("", title)
    if "&" in title and _ENTITY.search(title):
        title = html.unescape(title)
    return title


def derive_title(text: str, limit: int = 100) -> str:
    """A title for an article that has none: its first sentence, cut at a word."""
    sentences = split_sentences(text)
    first = sentences[0] if sentences else text.strip()
    if len(first) <= limit:
        return first.rstrip(".。।։።။។")
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + "…"


def parse_published(value: object) -> tuple[datetime | None, str]:
    """A date and its precision: "2020-01" is ("2020-01-01", "month"); unreadable is None.

    Reads ISO 8601 with or without a zone ("2020-01", "2020-01-06T10:00+01:00"), RFC 822 and
    1123 ("Mon, 06 Jan 2020 10:00:00 GMT", what RSS uses), "06.01.2020" (with a time too)
    and epoch seconds (a JSON number or a string of digits). Dates without a zone are UTC.
    """
    if value is None or isinstance(value, bool):
        return None, "none"
    if isinstance(value, int | float):
        return _epoch(float(value)) or (None, "none")
    text = str(value).strip()
    if not text:
        return None, "none"
    for reader in (_iso, _dotted, _rfc822, _epoch_text, _fromisoformat):
        found = reader(text)
        if found is not None:
            return found
    return None, "none"


# How far ahead of the clock a publication time may lie: a zone written wrong, a post
# scheduled for the morning. Later than that, it is no publication time: an article dated
# 2100 would never fall in a digest's window and be cited as news from the future.
FUTURE_LEEWAY = timedelta(days=1)


# 1970-01-01 00:00 UTC: what a system writes for a date it does not have.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def read_date(value: object) -> tuple[datetime | None, str, str | None]:
    """`parse_published`, plus a note naming a date that was given but could not be read,
    or that lies in the future (`FUTURE_LEEWAY`); either way the article is stored undated."""
    when, precision = parse_published(value)
    given = value is not None and str(value).strip() != ""
    if not given:
        return when, precision, None
    shown = str(value).strip()
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if when is None:
        return None, "none", f"date {shown!r} not understood; stored undated"
    if when > datetime.now(UTC) + FUTURE_LEEWAY:
        return None, "none", f"date {shown!r} is in the future; stored undated"
    if when == EPOCH:
        return None, "none", f"date {shown!r} is the epoch, a stand-in for none; stored undated"
    return when, precision, None


_Parsed = tuple[datetime, str] | None
# Epoch seconds newsbot believes: 1970 to 2100 (a 13-digit value is taken as milliseconds).
_EPOCH_MAX = 4_102_444_800


def _zone(when: datetime, zone: str | None) -> datetime | None:
    if not zone or zone.upper() in ("Z", "UTC", "GMT"):
        return when
    try:
        offset = datetime.strptime(zone.replace(":", ""), "%z").tzinfo
    except ValueError:  # "+9999" is no time zone: the date is unknown, not an error
        return None
    return when.replace(tzinfo=offset).astimezone(UTC)


def _build(
    year: str, month: str | None, day: str | None, hour: str | None, minute: str | None,
    second: str | None, zone: str | None,
) -> _Parsed:  # fmt: skip
    try:
        when = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    zoned = _zone(when, zone)
    if zoned is None:
        return None
    precision = "minute" if hour else "day" if day else "month" if month else "year"
    return zoned, precision


def _iso(text: str) -> _Parsed:
    match = _DATE.match(text)
    return _build(*match.groups()) if match else None


_DOTTED = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def _dotted(text: str) -> _Parsed:
    match = _DOTTED.match(text)
    if not match:
        return None
    day, month, year, hour, minute, second, zone = match.groups()
    return _build(year, month, day, hour, minute, second, zone)


def _rfc822(text: str) -> _Parsed:
    if not any(ch.isalpha() for ch in text):
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(UTC), "minute"


def _epoch(seconds: float) -> _Parsed:
    if seconds != seconds or seconds <= 0:  # NaN, or no date at all
        return None
    if seconds > _EPOCH_MAX:
        seconds /= 1000  # milliseconds, as JavaScript writes them
    if seconds > _EPOCH_MAX:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC), "minute"


def _epoch_text(text: str) -> _Parsed:
    if not re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return None
    return _epoch(float(text))


def _fromisoformat(text: str) -> _Parsed:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC), "minute"


MAX_URL_CHARS = URL_CHARS  # the articles.url column


def normalise(draft: ArticleDraft, *, max_chars: int) -> ArticleRecord:
    """Clean, detect the language, hash, and build the index terms (sentences are split
    when read: see `Article.sentences`)."""
    if len(draft.url) > MAX_URL_CHARS:
        raise IngestError(f"the URL is {len(draft.url)} characters long, over {MAX_URL_CHARS}")
    text = clean_text(draft.text)
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0]
    if not any(ch.isalpha() for ch in text):
        raise IngestError("no article text")
    title = clean_text(plain_title(draft.title)).replace("\n", " ") or derive_title(text)
    language = language_code(draft.language or "") or detect_language(text)
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return ArticleRecord(
        url=draft.url,
        title=title[:1000],
        text=text,
        source=clean_text(draft.source).replace("\n", " ")[:300],
        language=language,
        published_at=draft.published_at,
        published_precision=draft.published_precision if draft.published_at else "none",
        content_hash=digest,
        search_terms=document_terms(title, text, language),
        origin=(draft.origin or draft.where or draft.url)[:MAX_URL_CHARS],
    )


def normalise_all(drafts: list[ArticleDraft], max_chars: int) -> list[ArticleRecord | Failure]:
    """`normalise` for each draft; a draft that cannot be stored becomes a named `Failure`.
    (A module-level function, so a process pool can run it.)"""
    out: list[ArticleRecord | Failure] = []
    for draft in drafts:
        try:
            out.append(normalise(draft, max_chars=max_chars))
        except (IngestError, ValueError) as exc:
            out.append(Failure(draft.where or draft.url, str(exc)))
        except Exception as exc:  # noqa: BLE001 - one article's bug must not end an archive
            log.exception("normalising %s failed", draft.where or draft.url)
            reason = f"could not be processed ({exc.__class__.__name__}; a bug: see the log)"
            out.append(Failure(draft.where or draft.url, reason))
    return out


def warm_up() -> None:
    """Load the language model now, not on the first article (a pool worker's start)."""
    detect_language("Dette er en setning. This is a sentence.")
