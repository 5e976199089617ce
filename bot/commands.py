"""The one command grammar every front end feeds: parsed once here, rendered by each adapter.

ask QUESTION | QUESTION          digest [TOPIC]
subscribe SCHEDULE [ZONE] [TOPIC] unsubscribe [ID]      subscriptions
feeds add URL | feeds list | feeds remove URL          help
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.answer.summariser import Summariser
from bot.config import Settings
from bot.digest import build_digest
from bot.errors import EXPECTED_ERRORS, CommandError
from bot.ingest import Ingestor
from bot.ingest.guard import AddressGuard
from bot.ratelimit import RateLimiter
from bot.schedule.spec import ScheduleSpec, parse_schedule
from bot.text import canonical_url
from bot.types import Answer, ChannelRef, Digest
from storage import (
    Database,
    Subscription,
    add_feed,
    add_subscription,
    get_feed,
    list_feeds,
    list_subscriptions,
    remove_feed,
    remove_subscription,
)

__all__ = [
    "ADMIN_COMMANDS",
    "Command",
    "CommandContext",
    "Notice",
    "Reply",
    "Commands",
    "parse_command",
    "HELP",
]

log = logging.getLogger(__name__)

HELP = """\
Ask me about the news, and I answer with quotes and numbered sources.
  who backs Haftar?                 ask anything (or: ask QUESTION)
  digest [topic]                    the last day's stories, one item per story
  subscribe daily 08:00 [Europe/Oslo] [topic]
  subscribe weekdays 07:30 [topic]  |  subscribe every 6 hours [topic]
  subscriptions                     this channel's scheduled digests
  unsubscribe [id]                  stop one (or this channel's only) digest
  feeds add URL | feeds list | feeds remove URL
  help                              this text"""

# Commands that change what a channel receives; front ends check who may run them.
ADMIN_COMMANDS = frozenset({"subscribe", "unsubscribe", "feeds_add", "feeds_remove"})
# The commands that cost real work (retrieval, ranking, maybe an LLM call) per request.
_RATE_LIMITED = {"ask", "digest"}


@dataclass(frozen=True)
class Command:
    name: str
    text: str = ""
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CommandContext:
    """Who asks, where, and whether they may change the channel's feeds and schedules."""

    channel: ChannelRef
    user_id: str = ""
    is_admin: bool = False


@dataclass(frozen=True)
class Notice:
    """A plain reply: a confirmation, a listing, a refusal or an error sentence."""

    text: str
    ok: bool = True


Reply = Answer | Digest | Notice


def parse_command(text: str) -> Command:
    """Turn a line of chat into a command; anything unrecognised is a question."""
    stripped = " ".join(text.split())
    words = stripped.split(" ") if stripped else []
    head = words[0].lower() if words else ""
    rest = words[1:]
    if not words:
        return Command("help")
    if head in ("help", "hjelp", "?"):
        return Command("help")
    if head == "ask":
        return Command("ask", " ".join(rest))
    if head == "digest":
        return Command("digest", " ".join(rest), rest)
    if head == "subscribe":
        return Command("subscribe", " ".join(rest), rest)
    if head == "unsubscribe":
        return Command("unsubscribe", " ".join(rest), rest)
    if head in ("subscriptions", "subs"):
        return Command("subscriptions")
    if head == "feeds" and rest and rest[0].lower() in ("add", "list", "remove"):
        return Command(f"feeds_{rest[0].lower()}", " ".join(rest[1:]), rest[1:])
    if head == "feeds":
        return Command("feeds_list")
    return Command("ask", stripped)


class Commands:
    """Carries out commands against the core. Synchronous: adapters call it off their loop."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        ingestor: Ingestor,
        summariser: Summariser,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.ingestor = ingestor
        self.summariser = summariser
        self.rate_limiter = rate_limiter or RateLimiter()
        # Called after subscriptions or feeds change (the scheduler updates its jobs).
        self.on_change: list[Callable[[], None]] = []

    def run(self, command: Command, context: CommandContext) -> Reply:
        """Every failure comes back as a one-sentence Notice; the log gets the detail."""
        if command.name in ADMIN_COMMANDS and not context.is_admin:
            return Notice(
                "Sorry, only admins can change this channel's feeds and subscriptions.", ok=False
            )
        if command.name in _RATE_LIMITED:
            wait = self._rate_limit_wait(context)
            if wait:
                unit = "second" if wait == 1 else "seconds"
                return Notice(
                    f"You are asking faster than I can read — please wait {wait} {unit}.", ok=False
                )
        try:
            handler = getattr(self, f"_{command.name}")
            return handler(command, context)  # type: ignore[no-any-return]
        except CommandError as exc:
            return Notice(str(exc), ok=False)
        except EXPECTED_ERRORS as exc:
            log.info("command %s failed: %s", command.name, exc)
            return Notice(f"That did not work: {exc}", ok=False)
        except Exception:
            log.exception("command %s failed", command.name)
            return Notice("Something went wrong on my side; the details are in my log.", ok=False)

    def handle(self, text: str, context: CommandContext) -> Reply:
        return self.run(parse_command(text), context)

    def _rate_limit_wait(self, context: CommandContext) -> int:
        """Whole seconds to wait before this user may ask here again; 0 when they may now."""
        channel = context.channel
        # The console is the operator at their own terminal, not a crowd.
        if channel.platform == "console":
            return 0
        limits = [
            (
                f"channel:{channel.platform}:{channel.channel_id}",
                self.settings.rate_channel_per_minute,
            )
        ]
        if context.user_id:
            limits.append(
                (f"user:{channel.platform}:{context.user_id}", self.settings.rate_user_per_minute)
            )
        return self.rate_limiter.wait_seconds(*limits)

    # -- commands ------------------------------------------------------------------

    def _help(self, command: Command, context: CommandContext) -> Reply:
        return Notice(HELP)

    def _ask(self, command: Command, context: CommandContext) -> Reply:
        return self.summariser.answer(command.text)

    def _digest(self, command: Command, context: CommandContext) -> Reply:
        until = datetime.now(UTC)
        return build_digest(
            self.db,
            until - timedelta(days=1),
            until,
            topic=command.text or None,
            max_items=10,
            writer=self.summariser.writer,
        )

    def _subscribe(self, command: Command, context: CommandContext) -> Reply:
        minimum = 1 if context.channel.platform == "console" else self.settings.min_interval_minutes
        spec, topic_words = parse_schedule(command.words, self.settings.timezone, minimum)
        topic = " ".join(topic_words) or None
        with self.db.session() as session:
            subscription = add_subscription(
                session,
                Subscription(
                    platform=context.channel.platform,
                    channel_id=context.channel.channel_id,
                    thread_id=context.channel.thread_id,
                    schedule=spec.kind,
                    at=spec.at,
                    interval_minutes=spec.interval_minutes,
                    timezone=spec.timezone,
                    topic=topic,
                    max_items=10,
                    created_by=context.user_id,
                    created_at=datetime.now(UTC),
                ),
            )
            number = subscription.id
        self._changed()
        about = f" about “{topic}”" if topic else ""
        return Notice(f"Subscribed (#{number}): a digest{about} {spec.describe()}.")

    def _subscriptions(self, command: Command, context: CommandContext) -> Reply:
        with self.db.session() as session:
            rows = list_subscriptions(session, context.channel.platform, context.channel.channel_id)
        if not rows:
            return Notice("This channel has no scheduled digests. Try: subscribe daily 08:00")
        lines = ["Scheduled digests here:"]
        for row in rows:
            spec = ScheduleSpec.of(row).describe()
            about = f" about “{row.topic}”" if row.topic else ""
            lines.append(f"#{row.id}: {spec}{about}")
        return Notice("\n".join(lines))

    def _unsubscribe(self, command: Command, context: CommandContext) -> Reply:
        with self.db.session() as session:
            rows = list_subscriptions(session, context.channel.platform, context.channel.channel_id)
            if command.words:
                wanted = command.words[0].lstrip("#")
                if not wanted.isdigit() or int(wanted) not in {r.id for r in rows}:
                    raise CommandError(f"This channel has no subscription #{wanted}.")
                target = int(wanted)
            elif len(rows) == 1:
                target = rows[0].id
            elif not rows:
                raise CommandError("This channel has no scheduled digests.")
            else:
                numbers = ", ".join(f"#{r.id}" for r in rows)
                raise CommandError(
                    f"This channel has several digests ({numbers}); say which: unsubscribe ID."
                )
            remove_subscription(session, target)
        self._changed()
        return Notice(f"Unsubscribed #{target}.")

    def _feeds_add(self, command: Command, context: CommandContext) -> Reply:
        url = command.text.strip("<>")
        if not url.lower().startswith(("http://", "https://")):
            raise CommandError("A feed address starts with http:// or https://.")
        url = canonical_url(url.split("|")[0])
        # Chat users name these URLs: refuse internal addresses before storing anything.
        AddressGuard(self.settings.fetch_allow_hosts).vet(url)
        with self.db.session() as session:
            feed, created = add_feed(session, url)
        if not created:
            return Notice(f"I already read {url}.")
        self._changed()
        report = self.ingestor.poll_feeds([feed])
        with self.db.session() as session:
            stored = get_feed(session, url)
        if report.failed and stored is not None and stored.last_error:
            return Notice(
                f"Added {url}, but the first read failed: {stored.last_error}. I will keep trying."
            )
        return Notice(
            f"Added {url}: {report.new} new articles. "
            f"I read it every {self.settings.feed_poll_minutes} minutes."
        )

    def _feeds_list(self, command: Command, context: CommandContext) -> Reply:
        with self.db.session() as session:
            feeds = list_feeds(session)
        if not feeds:
            return Notice("I read no feeds yet. Add one: feeds add URL")
        lines = ["Feeds I read:"]
        for feed in feeds:
            status = f" — last error: {feed.last_error}" if feed.last_error else ""
            lines.append(f"{feed.url}{' (' + feed.title + ')' if feed.title else ''}{status}")
        return Notice("\n".join(lines))

    def _feeds_remove(self, command: Command, context: CommandContext) -> Reply:
        url = canonical_url(command.text.strip("<>").split("|")[0])
        with self.db.session() as session:
            removed = remove_feed(session, url)
        if not removed:
            raise CommandError(f"I do not read {url}.")
        self._changed()
        return Notice(f"Removed {url}. Its articles stay searchable.")

    def _changed(self) -> None:
        for callback in self.on_change:
            try:
                callback()
            except Exception:
                log.exception("subscription change callback failed")
