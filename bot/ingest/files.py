"""Local inputs: seed-style text files, JSON Lines, JSON, HTML and feed files, directories.

Every file is opened only when it is a regular file (devices, pipes and sockets are refused
by their type, before anything is read) and read through a stream that counts its bytes:
a text, HTML, feed or JSON file is one document and may be at most ``max_bytes``; a JSON
Lines file (or a larger `.json` file, read as one) is read one record at a time, so it may
be any size, and each record is bounded.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from bot.errors import IngestError
from bot.ingest.decode import decode_document, decode_line, decode_told, sniff_wide
from bot.ingest.model import ArticleDraft, Failure, Note, Unchanged, occurrence, read_date
from bot.text import language_code

__all__ = [
    "Item",
    "JSONL_SUFFIXES",
    "JSON_SUFFIXES",
    "MAX_JSON_DEPTH",
    "TEXT_SUFFIXES",
    "decode_bytes",
    "estimate_items",
    "open_regular",
    "parse_json",
    "parse_json_bytes",
    "parse_jsonl",
    "parse_text_article",
    "read_bounded",
    "read_path",
]

# `date <when> <body>` ("date:" and Norwegian "dato" too): an ISO date (a month or a year
# will do), 06.01.2020, RFC 822 ("Mon, 06 Jan 2020 10:00:00 GMT") or epoch seconds;
# anything else date-like is named.
_ZONE = r"(?:[+-]\d{4}|GMT|UTC|UT|Z|[ECMP][SD]T)"
_HEADER = re.compile(
    r"^\s*(?:date|dato):?\s+("
    r"\d{4}(?:-\d{1,2}){0,2}(?:T\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}\.\d{1,2}\.\d{4}"
    r"|(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    rf"(?:\s+{_ZONE})?"
    r"|\d{9,11}"
    r"|(?=\S*\d)(?=\S*[-./:])\S+"
    r")(?=\s|$)[ \t]*",
    re.IGNORECASE,
)
# A first line that is a header alone ("date tomorrow", "dato i går" aside): its value,
# however unreadable, is no article text, and is named.
# Written in lower case, as the seed writes it, or with a colon: "Date palms" is text.
_LONE_HEADER = re.compile(r"^\s*(?:(?:date|dato)[ \t]|(?i:date|dato):)[ \t]*(\S+)[ \t]*(?:\r?\n|$)")
_JSONL = {".jsonl", ".ndjson"}
_JSON = {".json"}
_HTML = {".html", ".htm"}
_FEEDS = {".rss", ".atom", ".xml"}
_TEXT = {".txt", ".text", ".md", ""}
_KNOWN = _JSONL | _JSON | _HTML | _FEEDS | _TEXT
# The endings read as JSON Lines and as text, for a URL served as plain text too.
JSONL_SUFFIXES, JSON_SUFFIXES = frozenset(_JSONL), frozenset(_JSON)
TEXT_SUFFIXES = frozenset(_TEXT)

_CHUNK = 1 << 16
# A JSON Lines file whose first this many lines are all not JSON is refused whole.
NOT_JSON_LINES = 20
# No article record needs more: deeper nesting is refused before the JSON parser recurses.
MAX_JSON_DEPTH = 32
# What a record's address must look like: a scheme, then no spaces ("https://…", "urn:…").
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')

Item = ArticleDraft | Failure | Unchanged | Note


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from a whole document's bytes (see `bot.ingest.decode.decode_document`)."""
    return decode_document(data, declared)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _refuse_unless_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise IngestError(f"{_kind(mode)}, not a file: newsbot reads regular files only")


def open_regular(path: Path) -> io.BufferedReader:
    """``path`` opened for reading if it is a regular file; anything else raises `IngestError`.

    The type is checked before opening (opening a pipe would wait for a writer) and again on
    the open file, without blocking, so a file swapped for a pipe in between is caught too.
    """
    try:
        _refuse_unless_regular(path.stat().st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise IngestError(_os_reason(exc)) from exc
    try:
        _refuse_unless_regular(os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return io.BufferedReader(io.FileIO(fd, "rb"), buffer_size=_CHUNK)
    except BaseException:
        os.close(fd)
        raise


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return (exc.strerror or str(exc)).lower()


def read_bounded(handle: io.BufferedReader, max_bytes: int) -> bytes:
    """All of ``handle``, counting while reading: past ``max_bytes`` raises `IngestError`."""
    chunks: list[bytes] = []
    size = 0
    while chunk := handle.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise IngestError(
                f"file is over the {max_bytes / 1e6:g} MB limit for one document "
                "(FILE_MAX_BYTES; JSON Lines files may be any size)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def parse_text_article(text: str, url: str, source: str, where: str = "") -> ArticleDraft:
    """A text file in the seed's form: optional `date <when>` header, then the body."""
    published, precision, note = None, "none", None
    header = _HEADER.match(text) or _LONE_HEADER.match(text)
    if header:
        published, precision, note = read_date(header.group(1))
        text = text[header.end() :]
    return ArticleDraft(
        url=url,
        title="",
        text=text,
        source=source,
        published_at=published,
        published_precision=precision,
        where=where,
        note=note,
    )


def _too_deep(line: str) -> bool:
    if line.count("[") + line.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for match in _JSON_TOKENS.finditer(line):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


def _record(line: str, place: str, source: str, origins: tuple[str, dict[int, int]]) -> Item:
    if _too_deep(line):
        return Failure(place, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Failure(place, f"not valid JSON ({exc.msg} column {exc.colno})")
    except RecursionError:  # the depth check above should make this unreachable
        return Failure(place, "JSON nested too deeply")
    return _article(record, place, source, origins)


def _article(record: object, place: str, source: str, origins: tuple[str, dict[int, int]]) -> Item:
    """The draft one parsed JSON record describes, or why it describes none."""
    if not isinstance(record, dict):
        return Failure(place, "expected a JSON object")
    url, body = record.get("url"), record.get("text")
    for field, value in (("url", url), ("text", body)):
        if value is None:
            return Failure(place, f"missing '{field}'")
        if not isinstance(value, str):
            return Failure(place, f"'{field}' is {_json_type(value)}, not a string")
        if not value.strip():
            return Failure(place, f"'{field}' is empty")
    assert isinstance(url, str) and isinstance(body, str)
    if not _URI.match(url.strip()):
        return Failure(place, f"'url' {url.strip()[:60]!r} is not a URL (https://…, urn:…)")
    published, precision, note = read_date(record.get("published"))
    given = record.get("language")
    language = language_code(given) if isinstance(given, str) else None
    if given is not None and language is None:
        note = f"language {str(given)[:20]!r} is not a language code; detected instead"
    title, source_given = record.get("title"), record.get("source")
    for field, value, instead in (
        ("title", title, "taken from the text"),
        ("source", source_given, f"{source!r} instead"),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, str | int | float)
        ):
            note = f"'{field}' is {_json_type(value)}, not a string; {instead}"
    return ArticleDraft(
        url=url.strip(),
        origin=occurrence(origins[0], url.strip(), origins[1]),
        title=_text_value(title),
        text=body,
        source=_text_value(source_given) or source,
        language=language or None,
        published_at=published,
        published_precision=precision,
        where=place,
        note=note,
    )


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _lines(buffered: io.BufferedReader, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """Numbered lines as text; None for a line over ``max_bytes`` (skipped, not held)."""
    wide, skip = sniff_wide(buffered.peek(_CHUNK)[:_CHUNK])
    if skip:
        buffered.read(skip)
    if wide is not None and wide != "utf-8":
        reader = codecs.getreader(wide)(buffered, "replace")
        for number, text in enumerate(iter(reader.readline, ""), start=1):
            yield number, text if len(text) <= max_bytes else None
        return
    number = 0
    while line := buffered.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := buffered.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, decode_line(line)


def parse_jsonl(
    handle: io.BufferedReader, where: str, source: str, max_bytes: int, origin: str = ""
) -> Iterator[Item]:
    """One article a line, `{url, title, text, published?, source?, language?}`, streamed:
    each line is read, parsed and handed on before the next is read."""
    head = handle.peek(_CHUNK)[:_CHUNK]
    if sniff_wide(head)[0] is None and b"\x00" in head:
        yield Failure(where, "binary file, not text")
        return
    seen = False
    urls: dict[int, int] = {}  # how often each URL came so far
    # Lines that failed before any record was read, held back: a file none of whose first
    # lines is JSON is not JSON Lines, and is named once, not line by line.
    held: list[Failure] | None = []
    for number, line in _lines(handle, max_bytes):
        place = f"{where}:{number}"
        if line is None:
            seen = True
            yield Failure(place, f"line is over the {max_bytes / 1e6:g} MB limit for one record")
            continue
        if not line.strip():
            continue
        seen = True
        item = _record(line, place, source, (origin or where, urls))
        if held is not None:
            if isinstance(item, Failure) and item.reason.startswith("not valid JSON"):
                held.append(item)
                if len(held) >= NOT_JSON_LINES:
                    yield Failure(
                        where, f"not JSON Lines: none of its first {len(held)} lines is JSON"
                    )
                    return
                continue
            yield from held
            held = None
        yield item
    yield from held or ()
    if not seen:
        yield Failure(where, "empty file")


def parse_json(
    handle: io.BufferedReader, where: str, source: str, max_bytes: int, origin: str = ""
) -> Iterator[Item]:
    """A `.json` file: an array of article records, one record, or JSON Lines under
    another name (then streamed as `parse_jsonl` streams them, whatever its size)."""
    if os.fstat(handle.fileno()).st_size > max_bytes:
        yield from parse_jsonl(handle, where, source, max_bytes, origin)
        return
    yield from parse_json_bytes(read_bounded(handle, max_bytes), where, source, max_bytes, origin)


def parse_json_bytes(
    data: bytes, where: str, source: str, max_bytes: int, origin: str = ""
) -> Iterator[Item]:
    """`parse_json` of a document already read whole (a download, a small file)."""
    document = _json_document(data)
    origins: tuple[str, dict[int, int]] = (origin or where, {})
    if isinstance(document, list):
        for number, record in enumerate(document, start=1):
            yield _article(record, f"{where}: record {number}", source, origins)
        if not document:
            yield Failure(where, "an empty JSON array: no articles")
        return
    if isinstance(document, dict):
        yield _article(document, where, source, origins)
        return
    yield from parse_jsonl(io.BufferedReader(io.BytesIO(data)), where, source, max_bytes, origin)


def _json_document(data: bytes) -> object:
    """``data`` parsed as one JSON document; None when it is not one (JSON Lines, say)."""
    try:
        text = decode_document(data)
    except IngestError:
        return None  # empty or binary: the line reader says which
    if _too_deep(text):
        return None
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None


def _text_value(value: object) -> str:
    """A JSON value as text: a string, or a number written out; anything else (a list, an
    object, true/false) is no text ("" and a note, see `_article`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """Drafts (or failures) from one file, chosen by its extension."""
    where = str(path)
    suffix = path.suffix.lower()
    try:
        handle = open_regular(path)
    except IngestError as exc:
        yield Failure(where, str(exc))
        return
    with handle:
        if suffix in _JSONL | _JSON:
            try:
                origin = path.resolve().as_uri()
                read = parse_json if suffix in _JSON else parse_jsonl
                yield from read(handle, where, path.stem, max_bytes, origin)
            except OSError as exc:
                yield Failure(where, _os_reason(exc))
            return
        try:
            data = read_bounded(handle, max_bytes)
        except IngestError as exc:
            yield Failure(where, str(exc))
            return
        except OSError as exc:
            yield Failure(where, _os_reason(exc))
            return
    url = path.resolve().as_uri()
    try:
        if suffix in _FEEDS:
            from bot.ingest.web import drafts_from_feed

            yield from drafts_from_feed(data, url, where=where)
            return
        # A file's outlet, unless it names its own, is the folder it is in.
        folder = path.resolve().parent.name or "file"
        if suffix in _HTML:
            from bot.ingest.web import draft_from_html

            draft = draft_from_html(decode_document(data), url, where=where)
            draft.source = draft.source or folder
        else:
            text, guess = decode_told(data)
            draft = parse_text_article(text, url, folder, where)
            draft.note = draft.note or guess
        draft.origin = url  # stable whatever the directory the path was given from
        yield draft
    except IngestError as exc:
        yield Failure(where, str(exc))


def _files(path: Path) -> Iterator[Path]:
    for child in sorted(path.rglob("*")):
        relative = child.relative_to(path)
        if any(part.startswith(".") for part in relative.parts):
            continue
        # Pipes and devices with a known suffix are named (and refused), not passed over.
        if not child.is_dir() and child.suffix.lower() in _KNOWN:
            yield child


def read_path(path: Path, max_bytes: int) -> Iterator[Item]:
    """A file, or every known file under a directory (recursively, hidden ones skipped)."""
    if not path.exists():
        yield Failure(str(path), "no such file or directory")
        return
    if path.is_dir():
        found = False
        for child in _files(path):
            found = True
            yield from read_file(child, max_bytes)
        if not found:
            kinds = ", ".join(sorted(k for k in _KNOWN if k))
            yield Failure(str(path), f"no file newsbot reads in this folder ({kinds})")
        return
    yield from read_file(path, max_bytes)


def estimate_items(path: Path) -> int:
    """About how many articles ``path`` holds, for a progress bar (cheap: bytes are counted,
    nothing is parsed)."""
    if path.is_dir():
        return sum(estimate_items(child) for child in _files(path))
    suffix = path.suffix.lower()
    if suffix not in _JSONL | _JSON | _FEEDS:
        return 1
    try:
        handle = open_regular(path)
    except IngestError:
        return 1
    lines = entries = 0
    with handle:
        while chunk := handle.read(_CHUNK * 16):
            lines += chunk.count(b"\n")
            if suffix in _FEEDS:
                entries += chunk.count(b"<item") + chunk.count(b"<entry")
        if suffix in _JSONL | _JSON:
            return max(lines, 1)
    return max(entries, 1)
