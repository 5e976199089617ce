"""`newsbot doctor`: every configured part checked, each a line with ok, warn or fail and what
to do. The core's parts are here (database, lexicon, model servers, feeds); the chat
platforms' checks live with their front ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import SecretStr

from bot.config import Settings
from bot.llm.client import LLMError, OpenAICompatible
from bot.render import counted
from bot.text.lexicon import lexicon_at
from bot.text.nynorsk import nynorsk_at
from storage import (
    INDEX_PROBLEMS,
    Database,
    FeedSource,
    check_database,
    count_articles,
    list_feeds,
    readers_of,
    utcnow,
)

__all__ = ["Check", "Status", "core_checks", "age"]

# A feed failing this many polls in a row is broken, not having a bad minute.
FEED_FAILURES_FAIL = 3


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, how it is, and what to do about it."""

    name: str
    status: Status
    detail: str
    advice: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<4}  {self.name}: {self.detail}"
        return f"{text} — {self.advice}" if self.advice else text

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in asdict(self).items()}


def core_checks(settings: Settings, db: Database) -> list[Check]:
    """Database and index, cross-language lexicon, model servers, feeds."""
    checks = [_database(db), _lexicon(settings), _nynorsk(settings)]
    checks.extend(_models(settings))
    checks.extend(_feeds(settings, db))
    return checks


def age(then: datetime, now: datetime) -> str:
    """ "3 minutes", "5 hours", "2 days"."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return counted(seconds // size, unit)
    return counted(seconds, "second")


def _database(db: Database) -> Check:
    try:
        with db.session() as session:
            problems = check_database(session)
            total = count_articles(session)
    except Exception as exc:  # noqa: BLE001 - whatever stops it is the finding
        return Check(
            "database",
            Status.FAIL,
            f"cannot be read ({exc.__class__.__name__})",
            "check DATABASE_URL",
        )
    if problems:
        index_only = all(p.startswith(INDEX_PROBLEMS) for p in problems)
        return Check(
            "database",
            Status.FAIL,
            "; ".join(problems),
            "`newsbot doctor --repair` rebuilds the index from the stored articles"
            if index_only
            else "re-ingest the affected articles, or restore the database from a backup",
        )
    return Check("database", Status.OK, f"{counted(total, 'article')}, search index in step")


def _lexicon(settings: Settings) -> Check:
    lexicon = lexicon_at(settings.lexicon_paths)
    if lexicon is None:
        return Check(
            "lexicon",
            Status.WARN,
            "cross-language lookup is off (no lexicon at LEXICON_PATHS)",
            "install it with `apt-get install dict-freedict-eng-nor wordnet-base wamerican` "
            "or point LEXICON_PATHS at dictd .index files",
        )
    forms = "with" if lexicon.wordnet is not None else "without"
    return Check(
        "lexicon",
        Status.OK,
        f"{len(lexicon):,} English headwords, cross-language lookup on "
        f"({forms} WordNet's English base forms)",
    )


def _nynorsk(settings: Settings) -> Check:
    nynorsk = nynorsk_at(settings.nynorsk_lexicon)
    if nynorsk is None:
        return Check(
            "nynorsk",
            Status.WARN,
            "Nynorsk words are not looked for in their Bokmål forms (no dictionary at "
            "NYNORSK_LEXICON)",
            "install it with `apt-get install dict-freedict-nno-nob` or point "
            "NYNORSK_LEXICON at its dictd .index file",
        )
    return Check(
        "nynorsk",
        Status.OK,
        f"{len(nynorsk):,} Nynorsk words with other Bokmål forms, looked for in those too",
    )


def _models(settings: Settings) -> list[Check]:
    checks = []
    if settings.llm_base_url:
        checks.append(
            _model_server(
                "LLM",
                settings.llm_base_url,
                settings.llm_api_key,
                settings.llm_model,
                "LLM_MODEL",
                settings,
                "answers stay extractive until it answers",
            )
        )
    if settings.embeddings_model:
        base = settings.embeddings_base_url or settings.llm_base_url
        if not base:
            checks.append(
                Check(
                    "embeddings",
                    Status.FAIL,
                    "EMBEDDINGS_MODEL is set but no server",
                    "set EMBEDDINGS_BASE_URL (or LLM_BASE_URL)",
                )
            )
        else:
            same_server = base.rstrip("/") == (settings.llm_base_url or "").rstrip("/")
            key = settings.embeddings_api_key or (settings.llm_api_key if same_server else None)
            checks.append(
                _model_server(
                    "embeddings",
                    base,
                    key,
                    settings.embeddings_model,
                    "EMBEDDINGS_MODEL",
                    settings,
                    "search uses words only until it answers",
                )
            )
    return checks


def _model_server(
    name: str,
    base: str,
    key: SecretStr | None,
    model: str | None,
    setting: str,
    settings: Settings,
    meanwhile: str,
) -> Check:
    client = OpenAICompatible(base, api_key=key, timeout_s=min(settings.llm_timeout_s, 10.0))
    try:
        offered = client.models()
    except LLMError as exc:
        return Check(
            name, Status.FAIL, f"{base}: {exc}", f"check the server and its key; {meanwhile}"
        )
    finally:
        client.close()
    if not model:
        return Check(
            name, Status.WARN, f"{base} answers, but {setting} is not set", f"set {setting}"
        )
    # Servers list "llama3.1:latest" for "llama3.1", or prefix an organisation.
    if not any(
        model in (listed, listed.split(":")[0], listed.split("/")[-1]) for listed in offered
    ):
        shown = ", ".join(offered[:5]) or "none"
        return Check(
            name,
            Status.WARN,
            f"{base} does not list {model} (it lists {shown})",
            f"check {setting}, or pull the model on that server",
        )
    return Check(name, Status.OK, f"{model} at {base}")


def _feeds(settings: Settings, db: Database) -> list[Check]:
    with db.session() as session:
        feeds = list_feeds(session)
        readers = readers_of(session, [feed.id for feed in feeds])
    now = utcnow()
    # Polled every FEED_POLL_MINUTES while `newsbot run` runs (longer while backing off).
    stale_after = max(timedelta(minutes=3 * settings.feed_poll_minutes), timedelta(hours=1))
    return [_feed(feed, readers.get(feed.id, []), now, stale_after) for feed in feeds]


def _removal(feed: FeedSource, readers: list[str]) -> str:
    """The command that stops the feed being polled: an operator source is removed as one,
    a tenant's feed for each tenant that reads it."""
    commands = [f"newsbot feeds remove {feed.url}"] if feed.operator else []
    commands += [f"newsbot feeds remove {feed.url} --tenant {tenant}" for tenant in readers]
    return " and ".join(f"`{command}`" for command in commands)


def _feed(feed: FeedSource, readers: list[str], now: datetime, stale_after: timedelta) -> Check:
    name = f"feed {feed.url}"
    if feed.last_polled_at is None:
        return Check(
            name, Status.WARN, "never polled", "`newsbot run` polls it; or `newsbot feeds poll`"
        )
    when = f"{age(feed.last_polled_at, now)} ago"
    if feed.last_error:
        status = Status.FAIL if feed.failures >= FEED_FAILURES_FAIL else Status.WARN
        return Check(
            name,
            status,
            f"failed {counted(feed.failures, 'time')} in a row, last {when}: {feed.last_error}",
            f"check the address in a browser; {_removal(feed, readers)} if it has moved",
        )
    if now - feed.last_polled_at > stale_after:
        return Check(
            name,
            Status.WARN,
            f"last polled {when} (HTTP {feed.last_status or '—'})",
            "is `newsbot run` running?",
        )
    http = f", HTTP {feed.last_status}" if feed.last_status else ""
    return Check(name, Status.OK, f"polled {when}{http}")
