"""Local inputs: seed-style text files, JSON Lines, HTML and feed files, directories."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from bot.errors import IngestError
from bot.ingest.model import ArticleDraft, Failure, parse_published

__all__ = ["read_path", "decode_bytes", "parse_text_article", "parse_jsonl"]

_HEADER = re.compile(r"^\s*date\s+(\d{4}(?:-\d{1,2}){0,2})\b[ \t]*", re.IGNORECASE)
_JSONL = {".jsonl", ".ndjson"}
_HTML = {".html", ".htm"}
_FEEDS = {".rss", ".atom", ".xml"}
_TEXT = {".txt", ".text", ".md", ""}
_KNOWN = _JSONL | _HTML | _FEEDS | _TEXT

_WESTERN = {"cp1252", "latin_1", "iso8859_15"}

Item = ArticleDraft | Failure


def decode_bytes(data: bytes) -> str:
    """Text from bytes: UTF-8 when it is, else the detected encoding; binary is refused."""
    if not data.strip():
        raise IngestError("empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        matches = list(from_bytes(data))
        if not matches:
            raise IngestError("not text in any encoding newsbot recognises") from None
        # Several code pages often fit equally well; news in our languages is mostly Western.
        least_chaos = min(m.chaos for m in matches)
        tied = [m for m in matches if m.chaos <= least_chaos + 0.01]
        western = [m for m in tied if _WESTERN & set(m.could_be_from_charset)]
        text = str((western or tied)[0])
    # A byte-order mark alone is not empty as bytes, but is as text (found by fuzzing).
    if not text.strip():
        raise IngestError("empty file")
    return text


def parse_text_article(text: str, url: str, source: str) -> ArticleDraft:
    """A text file in the seed's form: optional `date YYYY-MM[-DD]` header, then the body."""
    published, precision = None, "none"
    header = _HEADER.match(text)
    if header:
        published, precision = parse_published(header.group(1))
        text = text[header.end() :]
    return ArticleDraft(
        url=url,
        title="",
        text=text,
        source=source,
        published_at=published,
        published_precision=precision,
    )


def parse_jsonl(text: str, where: str, source: str) -> Iterator[Item]:
    """One article a line: `{url, title, text, published?, source?, language?}`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        place = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(place, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield Failure(place, "expected a JSON object")
            continue
        url, body = record.get("url"), record.get("text")
        if not isinstance(url, str) or not url.strip():
            yield Failure(place, "missing 'url'")
            continue
        if not isinstance(body, str) or not body.strip():
            yield Failure(place, "missing 'text'")
            continue
        published, precision = parse_published(_str(record.get("published")))
        yield ArticleDraft(
            url=url.strip(),
            title=_str(record.get("title")),
            text=body,
            source=_str(record.get("source")) or source,
            language=_str(record.get("language")) or None,
            published_at=published,
            published_precision=precision,
        )


def _str(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _read(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    return path.read_bytes()


def read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """Drafts (or failures) from one file, chosen by its extension."""
    where = str(path)
    try:
        text = decode_bytes(_read(path, max_bytes))
    except (IngestError, OSError) as exc:
        yield Failure(where, str(exc) if isinstance(exc, IngestError) else exc.strerror or str(exc))
        return
    suffix = path.suffix.lower()
    url = path.resolve().as_uri()
    if suffix in _JSONL:
        yield from parse_jsonl(text, where, source=path.stem)
    elif suffix in _HTML:
        from bot.ingest.web import draft_from_html

        try:
            yield draft_from_html(text, url)
        except IngestError as exc:
            yield Failure(where, str(exc))
    elif suffix in _FEEDS:
        from bot.ingest.web import drafts_from_feed

        try:
            yield from drafts_from_feed(text.encode(), url)
        except IngestError as exc:
            yield Failure(where, str(exc))
    else:
        yield parse_text_article(text, url, source=path.parent.name or "file")


def read_path(path: Path, max_bytes: int) -> Iterator[Item]:
    """A file, or every known file under a directory (recursively, hidden ones skipped)."""
    if not path.exists():
        yield Failure(str(path), "no such file or directory")
        return
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            relative = child.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if child.is_file() and child.suffix.lower() in _KNOWN:
                yield from read_file(child, max_bytes)
        return
    yield from read_file(path, max_bytes)
