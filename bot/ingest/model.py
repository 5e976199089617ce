"""What ingest produces: drafts from any source, normalised into storable records."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import IngestError
from bot.text import detect_language, document_terms, split_sentences
from storage import ArticleRecord

__all__ = ["ArticleDraft", "Failure", "normalise", "parse_published", "derive_title"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
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


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be ingested, and why (file, line, URL...)."""

    where: str
    reason: str


def clean_text(text: str) -> str:
    """Printable text with one space between words and no blank-line runs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def derive_title(text: str, limit: int = 100) -> str:
    """A title for an article that has none: its first sentence, cut at a word."""
    sentences = split_sentences(text)
    first = sentences[0] if sentences else text.strip()
    if len(first) <= limit:
        return first.rstrip(".")
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–- ") + "…"


def parse_published(value: str | None) -> tuple[datetime | None, str]:
    """An ISO-like date and its precision: "2020-01" is ("2020-01-01", "month")."""
    if not value:
        return None, "none"
    match = _DATE.match(str(value))
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
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
            return None, "none"
        if zone and zone != "Z":
            try:
                offset = datetime.strptime(zone.replace(":", ""), "%z").tzinfo
            except ValueError:  # "+9999" is no time zone: the date is unknown, not an error
                return None, "none"
            when = when.replace(tzinfo=offset).astimezone(UTC)
        precision = "minute" if hour else "day" if day else "month" if month else "year"
        return when, precision
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None, "none"
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC), "minute"


MAX_URL_CHARS = 2048  # the articles.url column


def normalise(draft: ArticleDraft, *, max_chars: int) -> ArticleRecord:
    """Clean, detect the language, split sentences once, hash, and build the index terms."""
    if len(draft.url) > MAX_URL_CHARS:
        raise IngestError(f"the URL is {len(draft.url)} characters long, over {MAX_URL_CHARS}")
    text = clean_text(draft.text)
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0]
    if not any(ch.isalpha() for ch in text):
        raise IngestError("no article text")
    title = clean_text(draft.title).replace("\n", " ") or derive_title(text)
    language = (draft.language or "").strip().lower()[:16] or detect_language(text)
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
        sentences=split_sentences(text),
        search_terms=document_terms(title, text, language),
    )
