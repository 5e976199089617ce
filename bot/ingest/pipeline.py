"""The ingest pipeline: read inputs, normalise, store in batches, report."""

from __future__ import annotations

import io
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.errors import IngestError
from bot.ingest.decode import declared_charset
from bot.ingest.fetch import Fetcher
from bot.ingest.files import (
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    Item,
    decode_bytes,
    estimate_items,
    parse_json_bytes,
    parse_jsonl,
    parse_text_article,
    read_path,
)
from bot.ingest.model import MAX_URL_CHARS, ArticleDraft, Failure, Note
from bot.ingest.web import (
    NOT_A_FEED_BUT_A_PAGE,
    draft_from_html,
    drafts_from_feed,
    feed_problem,
    looks_like_feed,
)
from bot.ingest.workers import normalised
from bot.text import canonical_url
from storage import (
    ArticleRecord,
    Database,
    FeedSource,
    Outcome,
    list_feeds,
    note_carried,
    store_articles,
    stored_lengths,
    utcnow,
)

__all__ = ["IngestReport", "Ingestor"]

log = logging.getLogger(__name__)
# One write transaction stores at most this many articles (or this much text): short enough
# that a chat command writing to SQLite meanwhile waits a moment (~0.1 s), not seconds; long
# enough that the full-text index is not written in many small pieces.
BATCH = 500
BATCH_CHARS = 2_000_000
# An ingest that stored this many articles leaves the database tidied for queries.
BULK_WRITE = 5000


@dataclass
class IngestReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    # Stored, but with something to tell (a date that could not be read): not failures.
    notes: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def add(self, outcome: Outcome, count: int = 1) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + count)

    def merge(self, other: IngestReport) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failures.extend(other.failures)
        self.notes.extend(other.notes)

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        )


# Served as plain text (or as bytes of no stated type), a URL is read as the same file on
# disk is: JSON or JSON Lines by its type or ending, anything else as a text article.
_JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines"}
_UNTYPED = {"", "application/octet-stream", "binary/octet-stream"}


def _plain_kind(content_type: str, url: str) -> str | None:
    """ "json", "jsonl" or "text" for a download that is not a web page, else None."""
    media = content_type.split(";", 1)[0].strip().lower()
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    plain = media in _UNTYPED | {"text/plain"}
    if media == "application/json" or (plain and suffix in JSON_SUFFIXES):
        return "json"
    if media in _JSONL_TYPES or (media in _UNTYPED | {"text/plain"} and suffix in JSONL_SUFFIXES):
        return "jsonl"
    if media == "text/plain" or (media in _UNTYPED and suffix in TEXT_SUFFIXES - {""}):
        return "text"
    return None


class Ingestor:
    """Turns paths, URLs and feeds into stored articles."""

    def __init__(
        self, db: Database, settings: Settings, fetcher_factory: Callable[[], Fetcher] | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.fetcher_factory = fetcher_factory or (lambda: Fetcher(settings))

    # -- entry points ------------------------------------------------------------

    def ingest(
        self, targets: Iterable[str], progress: Callable[[int], None] | None = None
    ) -> IngestReport:
        """Ingest files, directories and http(s) URLs; every failure is named in the report."""
        with self.fetcher_factory() as fetcher:
            items = (item for target in targets for item in self._items(target, fetcher))
            return self.store(items, progress)

    def store(
        self,
        items: Iterable[Item],
        progress: Callable[[int], None] | None = None,
        *,
        fetched_at: datetime | None = None,
    ) -> IngestReport:
        """Normalise and store drafts in batches, each batch in one transaction."""
        report = IngestReport()
        batch: list[ArticleRecord] = []
        # (URL, input) of articles stored already that an input carries (known feed entries).
        carried: list[tuple[str, str]] = []
        size = 0

        def noted(items: Iterable[Item]) -> Iterator[Item]:
            for item in items:
                if isinstance(item, ArticleDraft) and item.note:
                    report.notes.append(Failure(item.where or item.url, item.note))
                yield item

        settings = self.settings
        for result in normalised(noted(items), settings.article_max_chars, settings.ingest_workers):
            if isinstance(result, Note):
                report.notes.append(Failure(result.where, result.reason))
                continue
            if not isinstance(result, ArticleRecord):
                if isinstance(result, Failure):
                    report.failures.append(result)
                else:
                    report.unchanged += 1
                    if result.url and result.origin:
                        carried.append((result.url, result.origin))
                if progress:
                    progress(1)
                continue
            batch.append(result)
            size += len(result.text)
            if len(batch) + len(carried) >= BATCH or size >= BATCH_CHARS:
                self._flush(batch, carried, report, progress, fetched_at)
                size = 0
        self._flush(batch, carried, report, progress, fetched_at)
        if report.new + report.updated >= BULK_WRITE:
            self.db.after_bulk_write()
        return report

    def poll_feeds(self, feeds: Iterable[FeedSource] | None = None) -> IngestReport:
        """Fetch every feed once with a conditional GET and store its new items."""
        report = IngestReport()
        if feeds is None:
            with self.db.session() as session:
                feeds = list_feeds(session)
        with self.fetcher_factory() as fetcher:
            for feed in feeds:
                report.merge(self.poll_feed(feed, fetcher))
        return report

    def poll_feed(self, feed: FeedSource, fetcher: Fetcher) -> IngestReport:
        report = IngestReport()
        status: int | None = None
        error: str | None = None
        etag, last_modified, title = feed.etag, feed.last_modified, feed.title
        # One budget for the feed and every page behind its teasers: a slow site cannot hold
        # the poller (and every other feed after it) for long.
        deadline = time.monotonic() + self.settings.feed_poll_max_s
        try:
            if len(feed.url) > MAX_URL_CHARS:
                # Added before such addresses were refused: cut to fit, the origin of its
                # articles would no longer name the feed.
                raise IngestError(
                    f"the feed address is {len(feed.url):,} characters long, over "
                    f"{MAX_URL_CHARS:,}: remove it and add the feed under a shorter address"
                )
            fetched = fetcher.get(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, deadline=deadline
            )
            status = fetched.status
            if not fetched.not_modified:
                if not looks_like_feed(fetched.content, fetched.content_type):
                    raise IngestError(NOT_A_FEED_BUT_A_PAGE)
                drafts = drafts_from_feed(
                    fetched.content,
                    feed.url,
                    lambda link: self._page(link, fetcher, deadline),
                    max_items=self.settings.feed_max_items,
                    known=self._stored,
                    declared=declared_charset(fetched.content_type),
                )
                report = self.store(drafts)
                # A feed cut off or malformed (see `feed_damage`) fails, and its validators
                # are not kept: the next poll reads it whole, not a 304. Nor are they when
                # an entry's page was down (`Failure.retry`): a 304 would never complete it.
                damage = [d for d in drafts if isinstance(d, Failure) and d.where == feed.url]
                retry = any(isinstance(d, Failure) and d.retry for d in drafts)
                if damage:
                    error = damage[0].reason
                elif not retry:
                    etag, last_modified = fetched.etag, fetched.last_modified
                outlets = [d.source for d in drafts if isinstance(d, ArticleDraft)]
                title = title or (outlets[0] if outlets else "")
        except IngestError as exc:
            error = str(exc)
            report.failures.append(Failure(feed.url, error))
        except Exception as exc:
            # Whatever a feed does, its row is updated below, so it backs off and shows why.
            log.exception("polling %s failed", feed.url)
            error = f"unexpected error while reading the feed ({exc.__class__.__name__})"
            report.failures.append(Failure(feed.url, error))
        with self.db.session() as session:
            stored = session.get(FeedSource, feed.id)
            if stored is not None:
                stored.last_polled_at = utcnow()
                stored.last_status = status
                stored.last_error = error
                stored.failures = stored.failures + 1 if error else 0
                # Header values are the server's: keep them within their columns.
                stored.etag = etag[:512] if etag else None
                stored.last_modified = last_modified[:128] if last_modified else None
                stored.title = (title or "")[:1000]
        return report

    def probe_feed(self, url: str) -> str | None:
        """Why ``url`` cannot be polled as a feed now (it fails, it is a web page, the feed
        is cut off), or None. Fetched once, within a poll's limits; nothing is stored."""
        deadline = time.monotonic() + self.settings.feed_poll_max_s
        try:
            with self.fetcher_factory() as fetcher:
                fetched = fetcher.get(url, deadline=deadline)
        except IngestError as exc:
            return str(exc)
        return feed_problem(fetched.content, fetched.content_type, url)

    def _stored(self, urls: list[str]) -> dict[str, int]:
        with self.db.session() as session:
            return stored_lengths(session, urls)

    def estimate(self, targets: Iterable[str]) -> int | None:
        """About how many articles ``targets`` hold, for a progress bar; None when a URL
        is among them (its size is known only once fetched)."""
        total = 0
        for target in targets:
            if "://" in target:
                return None
            total += estimate_items(Path(target).expanduser())
        return total

    # -- reading -----------------------------------------------------------------

    def _items(self, target: str, fetcher: Fetcher) -> Iterator[Item]:
        if target.lower().startswith(("http://", "https://")):
            try:
                yield from self._url_items(target, fetcher)
            except IngestError as exc:
                yield Failure(target, str(exc))
        elif "://" in target:
            yield Failure(target, "only http(s) URLs, files and directories can be ingested")
        else:
            yield from read_path(Path(target).expanduser(), self.settings.file_max_bytes)

    def _url_items(self, url: str, fetcher: Fetcher) -> Iterator[Item]:
        deadline = time.monotonic() + self.settings.feed_poll_max_s
        fetched = fetcher.get(url, deadline=deadline)
        if looks_like_feed(fetched.content, fetched.content_type):
            # A feed given by URL is read like one poll: the same item cap and time budget.
            yield from drafts_from_feed(
                fetched.content,
                url,
                lambda link: self._page(link, fetcher, deadline),
                max_items=self.settings.feed_max_items,
                declared=declared_charset(fetched.content_type),
            )
            return
        address = canonical_url(fetched.url)
        kind = _plain_kind(fetched.content_type, address)
        stem = PurePosixPath(urlsplit(address).path).stem
        if kind == "json":
            max_bytes = self.settings.file_max_bytes
            yield from parse_json_bytes(fetched.content, url, stem, max_bytes, address)
            return
        if kind == "jsonl":
            handle: io.BufferedReader = io.BufferedReader(io.BytesIO(fetched.content))
            yield from parse_jsonl(handle, url, stem, self.settings.file_max_bytes, address)
            return
        text = decode_bytes(fetched.content, declared_charset(fetched.content_type))
        if kind == "text":
            draft = parse_text_article(text, address, urlsplit(address).hostname or "", url)
            draft.origin = address
            yield draft
            return
        yield draft_from_html(text, address, where=url)

    def _page(self, link: str, fetcher: Fetcher, deadline: float) -> ArticleDraft | None:
        """The full article behind a feed teaser, or None (the teaser is kept); `FetchError`
        when the page could not be fetched, which the feed's report names."""
        if time.monotonic() >= deadline:
            log.info("keeping the teaser of %s: the feed poll is out of time", link)
            return None
        fetched = fetcher.get(link, deadline=deadline)
        try:
            page = decode_bytes(fetched.content, declared_charset(fetched.content_type))
            return draft_from_html(page, canonical_url(link))
        except IngestError as exc:
            log.info("keeping the teaser of %s: %s", link, exc)
            return None

    # -- writing -----------------------------------------------------------------

    def _flush(
        self,
        batch: list[ArticleRecord],
        carried: list[tuple[str, str]],
        report: IngestReport,
        progress: Callable[[int], None] | None,
        fetched_at: datetime | None = None,
    ) -> None:
        if carried:
            try:
                with self.db.session() as session:
                    note_carried(session, carried)
            except SQLAlchemyError:
                # Only who may see them is missing: those articles stay as they were.
                log.exception("recording the inputs of %d known articles failed", len(carried))
            carried.clear()
        if not batch:
            return
        now = fetched_at or utcnow()
        try:
            with self.db.session() as session:
                outcomes = store_articles(session, batch, now)
        except SQLAlchemyError:
            # One bad record (or a concurrent writer) must not cost the whole batch:
            # store one by one, each in its own transaction, and name what failed.
            log.warning("storing a batch failed; storing its %d articles one by one", len(batch))
            outcomes = []
            for record in batch:
                try:
                    with self.db.session() as session:
                        outcomes.extend(store_articles(session, [record], now))
                except SQLAlchemyError as exc:
                    report.failures.append(
                        Failure(record.url, f"could not be stored ({exc.__class__.__name__})")
                    )
        for outcome, count in Counter(outcomes).items():
            report.add(outcome, count)
        if progress:
            progress(len(batch))
        batch.clear()
