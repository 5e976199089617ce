"""Carrying out commands against the core: one handler per command name."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.answer.summariser import Summariser
from bot.commands.feeds import vet_feed_url
from bot.commands.grammar import (
    HELP,
    Command,
    CommandContext,
    CommandName,
    Notice,
    Reply,
    options_in,
    parse_command,
)
from bot.commands.overview import Forgotten, TenantOverview, forget_tenant, tenant_overview
from bot.config import Settings
from bot.demo_news import remove_demo_news
from bot.digest import DEFAULT_MAX_ITEMS, DigestService
from bot.errors import EXPECTED_ERRORS, CommandError
from bot.ingest import Ingestor
from bot.ratelimit import RateLimits, rate_limiter_for
from bot.render import counted
from bot.schedule.spec import ScheduleSpec, parse_schedule
from bot.tenants import Tenant
from bot.text import canonical_url
from storage import (
    Database,
    Subscription,
    add_feed,
    add_live_feed,
    add_subscription,
    count_carried,
    count_operator_feeds,
    get_feed,
    list_feeds,
    list_subscriptions,
    live_feeds_in,
    remove_feed,
    remove_live_feeds,
    remove_subscription,
)

__all__ = ["Commands"]

log = logging.getLogger(__name__)

# The longest topic a scheduled digest may have.
TOPIC_MAX_CHARS = 200

Handler = Callable[["Commands", Command, CommandContext], Reply]

# `feeds add --global URL`: an operator source, read for every tenant (the console only).
GLOBAL_FLAG = "--global"
# `feeds add URL here` (or `live`): its new items are posted into this channel.
LIVE_WORDS = ("here", "live")


class Commands:
    """Carries out commands against the core. Synchronous: adapters call it off their loop."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        ingestor: Ingestor,
        summariser: Summariser,
        digests: DigestService,
        rate_limiter: RateLimits | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.ingestor = ingestor
        self.summariser = summariser
        self.digests = digests
        self.rate_limiter = rate_limiter or rate_limiter_for(db)
        # Called after subscriptions or feeds change (the scheduler updates its jobs).
        self.on_change: list[Callable[[], None]] = []

    def run(self, command: Command, context: CommandContext) -> Reply:
        """Expected failures come back as a one-sentence Notice; the log gets the detail."""
        if command.needs_admin and not context.is_admin:
            return Notice.refusal(
                f"Sorry, only admins can change this {context.owner.noun}'s feeds and "
                "subscriptions."
            )
        if command.name.costly:
            wait = self._rate_limit_wait(context)
            if wait:
                unit = "second" if wait == 1 else "seconds"
                return Notice.refusal(
                    f"You are asking faster than I can read — please wait {wait} {unit}."
                )
        try:
            return _HANDLERS[command.name](self, command, context)
        except CommandError as exc:
            return Notice.refusal(str(exc))
        except EXPECTED_ERRORS as exc:
            log.info("command %s failed: %s", command.name, exc)
            return Notice.refusal(f"That did not work: {exc}")

    def handle(self, text: str, context: CommandContext) -> Reply:
        return self.run(parse_command(text), context)

    def overview(self, tenant: Tenant) -> TenantOverview:
        """The tenant's feeds, live channels and scheduled digests."""
        return tenant_overview(self.db, tenant)

    def forget(self, tenant: Tenant) -> Forgotten:
        """Stop the tenant's digests and live posts (its app was uninstalled)."""
        forgotten = forget_tenant(self.db, tenant)
        self._changed()
        return forgotten

    def _rate_limit_wait(self, context: CommandContext) -> int:
        """Whole seconds to wait before this user may ask here again; 0 when they may now."""
        channel = context.channel
        # The operator at their own terminal is not a crowd.
        if context.operator:
            return 0
        # Limits belong to the tenant: a busy workspace never uses up another's allowance.
        tenant = context.owner.key
        limits = [
            (f"tenant:{tenant}", self.settings.rate_tenant_per_minute),
            (
                f"channel:{tenant}:{channel.channel_id}",
                self.settings.rate_channel_per_minute,
            ),
        ]
        if context.user_id:
            limits.append((f"user:{tenant}:{context.user_id}", self.settings.rate_user_per_minute))
        return self.rate_limiter.wait_seconds(*limits)

    # -- commands ------------------------------------------------------------------

    def _help(self, command: Command, context: CommandContext) -> Reply:
        return Notice(HELP, private=True, preformatted=True)

    def _ask(self, command: Command, context: CommandContext) -> Reply:
        return self.summariser.answer(command.text, visible_to=context.scope)

    def _digest(self, command: Command, context: CommandContext) -> Reply:
        options = options_in(command.words)
        if options:
            # Taken as a topic, "--since 2020-01-01" would find no news about itself.
            raise CommandError(
                f"In chat, digest takes a topic only and covers the last day: digest [topic]. "
                f"{options[0]} is an option of `newsbot digest` on the server."
            )
        return self.digests.recent(topic=command.text or None, visible_to=context.scope)

    def _subscribe(self, command: Command, context: CommandContext) -> Reply:
        options = options_in(command.words)
        if options:
            # Taken as a topic, "--since 2020" would never match a story.
            raise CommandError(
                f"subscribe takes a schedule and a topic: subscribe daily 08:00 [topic]. "
                f"{options[0]} is an option of `newsbot digest` on the server."
            )
        minimum = 1 if context.operator else self.settings.min_interval_minutes
        spec, topic_words = parse_schedule(command.words, self.settings.timezone, minimum)
        topic = " ".join(topic_words) or None
        if topic and len(topic) > TOPIC_MAX_CHARS:
            # Said back in every digest and listing: a topic is a few words, not a text.
            raise CommandError(
                f"A digest's topic is at most {TOPIC_MAX_CHARS} characters; "
                f"this one has {len(topic):,}."
            )
        with self.db.session() as session:
            for row in self._channel_subscriptions(session, context):
                same_topic = (row.topic or "").casefold() == (topic or "").casefold()
                if (
                    same_topic
                    and row.thread_id == context.channel.thread_id
                    and ScheduleSpec.of(row) == spec
                ):
                    # Twice the same digest would post every story twice.
                    return Notice(
                        f"This channel has that digest already (#{row.id}): "
                        f"{spec.describe()}{f' about “{topic}”' if topic else ''}."
                    )
            subscription = add_subscription(
                session,
                Subscription(
                    platform=context.channel.platform,
                    channel_id=context.channel.channel_id,
                    thread_id=context.channel.thread_id,
                    tenant=context.owner.key,
                    schedule=spec.kind,
                    at=spec.at,
                    interval_minutes=spec.interval_minutes,
                    timezone=spec.timezone,
                    topic=topic,
                    max_items=DEFAULT_MAX_ITEMS,
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
            rows = self._channel_subscriptions(session, context)
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
            rows = self._channel_subscriptions(session, context)
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

    @staticmethod
    def _channel_subscriptions(session: Session, context: CommandContext) -> list[Subscription]:
        channel = context.channel
        return list_subscriptions(
            session, channel.platform, channel.channel_id, tenant=context.owner.key
        )

    def _feeds_add(self, command: Command, context: CommandContext) -> Reply:
        flags = {w.lower() for w in command.words} & {GLOBAL_FLAG, *LIVE_WORDS}
        words = [w for w in command.words if w.lower() not in flags]
        everyone = GLOBAL_FLAG in flags
        live = bool(flags & set(LIVE_WORDS))
        if everyone and not context.operator:
            raise CommandError(
                "Only the operator adds feeds for everyone: `newsbot feeds add URL` on the server."
            )
        if not words:
            raise CommandError("Say which feed: feeds add URL")
        url = vet_feed_url(words[0].strip("<>").split("|")[0], self.settings.fetch_allow_hosts)
        tenant = None if everyone else context.owner.key
        with self.db.session() as session:
            feed, created = add_feed(session, url, tenant=tenant, added_by=context.user_id)
        if not created and not live:
            return Notice(f"This {context.owner.noun} already reads {url}.")
        if created:
            self._changed()
            report = self.ingestor.poll_feeds([feed])
            if report.new:
                # Real news arrived: the invented demo stories go (as after any poll).
                remove_demo_news(self.db)
        # Live from now on: what the first read stored is the backlog, not news.
        posting = live and self._go_live(feed.id, context)
        if not created:
            if not posting:
                return Notice(f"I already post new items of {url} here.")
            return Notice(f"From now on I post new items of {url} here as they arrive.")
        with self.db.session() as session:
            stored = get_feed(session, url)
            # Read before by another tenant (or known from other inputs), its articles are
            # mostly stored already: what it brings is all it carries, not what is new.
            carried = count_carried(session, url)
        here = " New items will be posted here as they arrive." if posting else ""
        if report.failed and stored is not None and stored.last_error:
            return Notice(
                f"Added {url}, but the first read failed: {stored.last_error}. "
                f"I will keep trying.{here}"
            )
        brings = counted(report.new, "new article")
        if carried > report.new:
            reader = "everyone" if everyone else f"this {context.owner.noun}"
            brings = f"{reader} can now read its {counted(carried, 'article')} ({report.new:,} new)"
        # Entries that could not be stored are said, the first of them named (not one
        # stored with the feed's own text while its page is down).
        lost = [f for f in report.failures if not f.kept]
        failed = ""
        if lost:
            entries = counted(len(lost), "entry", "entries")
            failed = f" {entries} could not be stored (first: {lost[0].reason})."
        return Notice(
            f"Added {url}: {brings}.{failed} "
            f"I read it every {counted(self.settings.feed_poll_minutes, 'minute')}.{here}"
        )

    def _go_live(self, feed_id: int, context: CommandContext) -> bool:
        channel = context.channel
        with self.db.session() as session:
            return add_live_feed(
                session,
                feed_id,
                context.owner.key,
                channel.platform,
                channel.channel_id,
                channel.thread_id,
                created_by=context.user_id,
                now=datetime.now(UTC),
            )

    def _feeds_list(self, command: Command, context: CommandContext) -> Reply:
        owner = context.owner
        channel = context.channel
        with self.db.session() as session:
            feeds = list_feeds(session, owner.key)
            shared = count_operator_feeds(session)
            live = {
                url for _live, url in live_feeds_in(session, channel.platform, channel.channel_id)
            }
        everyone = f"{counted(shared, 'feed')} the operator reads for everyone"
        if not feeds:
            return Notice(
                f"This {owner.noun} reads no feeds of its own yet (I also read {everyone}). "
                "Add one: feeds add URL"
            )
        lines = [f"Feeds of this {owner.noun}:"]
        for feed in feeds:
            status = f" — last error: {feed.last_error}" if feed.last_error else ""
            status += " — posted here live" if feed.url in live else ""
            lines.append(f"{feed.url}{' (' + feed.title + ')' if feed.title else ''}{status}")
        if shared:
            lines.append(f"(and {everyone})")
        return Notice("\n".join(lines))

    def _feeds_remove(self, command: Command, context: CommandContext) -> Reply:
        words = [w for w in command.words if w.lower() not in LIVE_WORDS]
        only_here = len(words) < len(command.words)
        if not words:
            raise CommandError("Say which feed: feeds remove URL")
        url = canonical_url(words[0].strip("<>").split("|")[0])
        owner, channel = context.owner, context.channel
        with self.db.session() as session:
            feed = get_feed(session, url)
            if only_here:
                stopped = feed is not None and remove_live_feeds(
                    session, feed.id, owner.key, channel.platform, channel.channel_id
                )
                if not stopped:
                    raise CommandError(f"I do not post {url} here.")
                return Notice(f"I stopped posting {url} here; this {owner.noun} still reads it.")
            if feed is not None:
                remove_live_feeds(session, feed.id, owner.key)
            removed = remove_feed(session, url, owner.key)
        if not removed:
            raise CommandError(f"This {owner.noun} does not read {url}.")
        self._changed()
        return Notice(f"Removed {url} from this {owner.noun}.")

    def _changed(self) -> None:
        for callback in self.on_change:
            try:
                callback()
            except Exception:
                log.exception("subscription change callback failed")


# One handler per command; a new command without one fails at import, not in chat.
_HANDLERS: dict[CommandName, Handler] = {
    CommandName.ASK: Commands._ask,
    CommandName.DIGEST: Commands._digest,
    CommandName.SUBSCRIBE: Commands._subscribe,
    CommandName.UNSUBSCRIBE: Commands._unsubscribe,
    CommandName.SUBSCRIPTIONS: Commands._subscriptions,
    CommandName.FEEDS_ADD: Commands._feeds_add,
    CommandName.FEEDS_LIST: Commands._feeds_list,
    CommandName.FEEDS_REMOVE: Commands._feeds_remove,
    CommandName.HELP: Commands._help,
}
assert set(_HANDLERS) == set(CommandName), "every command needs a handler"
