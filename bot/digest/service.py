"""The digest service: one window rule, one set of defaults, one writer, for every caller.

Chat's `digest`, `newsbot digest`, a subscription's preview and the scheduler all ask
here, so what a digest covers is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.answer.question import analyse
from bot.digest.stories import TOPIC_SHARE, WINDOW_LIMIT, build_digest
from bot.llm.writer import LLMWriter
from bot.schedule.spec import ScheduleSpec
from bot.text.lexicon import DEFAULT_LEXICON_PATHS, lexicon_at
from bot.types import Digest
from storage import (
    Article,
    Database,
    Subscription,
    TenantScope,
    articles_between,
    first_period,
    get_articles,
    last_coverage,
    search_articles,
    stamp_visible,
)

__all__ = ["CATCH_UP_MAX_ITEMS", "DEFAULT_MAX_ITEMS", "DEFAULT_WINDOW", "DigestService", "Older"]

DEFAULT_MAX_ITEMS = 10
# A digest that covers several missed periods lists up to this many stories (over several
# messages where a platform needs them); beyond it, "and N more stories".
CATCH_UP_MAX_ITEMS = 50
# An on-demand digest covers the last day.
DEFAULT_WINDOW = timedelta(days=1)
_BEGINNING = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Older:
    """The articles published before a window (about its topic): where an empty digest can
    point. ``count`` is a lower bound when ``at_least`` (more matched than one search reads)."""

    count: int
    newest: Article
    at_least: bool = False


class DigestService:
    """Builds digests from the database, written by the model when one is configured."""

    def __init__(
        self,
        db: Database,
        writer: LLMWriter | None = None,
        lexicon_paths: str = DEFAULT_LEXICON_PATHS,
    ) -> None:
        self.db = db
        self.writer = writer
        self.lexicon_paths = lexicon_paths

    def recent(
        self,
        *,
        topic: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        max_items: int = DEFAULT_MAX_ITEMS,
        visible_to: TenantScope | None = None,
        arrived: bool = False,
    ) -> Digest:
        """The stories published in ``[since, until)``: by default the last day until now;
        with ``visible_to``, from the articles that tenant may see. With ``arrived``, the
        stories stored since ``since`` instead, whenever published, as a scheduled digest
        takes them (what its "and N more stories" points at)."""
        until = until or datetime.now(UTC)
        since = since or until - DEFAULT_WINDOW
        stored: tuple[int | None, int] | None = None
        if arrived:
            with self.db.session() as session:
                stored = (None, stamp_visible(session))
        return build_digest(
            self.db,
            since,
            until,
            topic=topic,
            max_items=max_items,
            writer=self.writer,
            stored=stored,
            lexicon=lexicon_at(self.lexicon_paths),
            visible_to=visible_to,
        )

    def older(
        self,
        before: datetime,
        *,
        topic: str | None = None,
        visible_to: TenantScope | None = None,
    ) -> Older | None:
        """The articles published before ``before``, about ``topic`` as a digest of it would
        take them, and the newest of them; None when there are none."""
        with self.db.session() as session:
            if not topic:
                found = articles_between(
                    session, _BEGINNING, before, limit=WINDOW_LIMIT, visible_to=visible_to
                )
                full = len(found) == WINDOW_LIMIT
            else:
                terms = analyse(topic, lexicon_at(self.lexicon_paths)).search_terms
                hits = search_articles(session, terms, limit=WINDOW_LIMIT, visible_to=visible_to)
                scores = dict(hits)
                found = [a for a in get_articles(session, scores).values() if a.sort_time < before]
                # As in a digest: an article that mentions the topic in passing is not about it.
                top = max((scores[a.id] for a in found), default=0.0)
                found = [a for a in found if scores[a.id] >= TOPIC_SHARE * top]
                full = len(hits) == WINDOW_LIMIT
        if not found:
            return None
        newest = max(found, key=lambda a: (a.sort_time, a.id))
        return Older(len(found), newest, at_least=full)

    def window_start(self, subscription: Subscription, until: datetime) -> datetime:
        """Where a subscription's next digest starts: where its last one stopped, else one
        schedule period before its first period (``until`` when it has none)."""
        since, _ = self._start(subscription, until)
        return since

    def _start(self, subscription: Subscription, until: datetime) -> tuple[datetime, int | None]:
        """The window's start in time and, after a digest that covered it, in sequence."""
        period = ScheduleSpec.of(subscription).period()
        with self.db.session() as session:
            previous = last_coverage(session, subscription.id)
            first = None if previous else first_period(session, subscription.id)
        # Never an inverted window: claims only move forward, but a clock may not.
        if previous is not None and previous.until < until:
            return previous.until, previous.seq
        start = min(first or until, until) - period
        if previous is None and subscription.created_at is not None:
            # A first digest also holds what was stored since the subscription was made
            # and before its first period: the bot may have been down meanwhile, and the
            # digest marks all it read as covered.
            start = min(start, subscription.created_at)
        return start, None

    def for_subscription(
        self,
        subscription: Subscription,
        until: datetime,
        *,
        arrivals: bool = True,
    ) -> Digest:
        """The digest a subscription posts at ``until``: what became visible since its last.

        The scheduler windows by the storage sequence (``arrivals``): the digest covers the
        articles committed after the last digest's end up to now, so a story polled late,
        or an ingest whose transaction straddled the digest time, reaches the next digest
        and none is counted twice; ``covered_seq`` of the result is where the next digest
        starts. After missed periods the window covers the whole gap. A preview outside the
        schedule shows what was published in the same span of time. A digest covering
        several periods lists the subscription's item limit for each, up to
        `CATCH_UP_MAX_ITEMS`.
        """
        since, after = self._start(subscription, until)
        stored: tuple[int | None, int] | None = None
        if arrivals:
            with self.db.session() as session:
                upto = stamp_visible(session)  # committed on its own, before reading
            stored = (after, upto)
        return build_digest(
            self.db,
            since,
            until,
            topic=subscription.topic,
            max_items=_item_limit(subscription, since, until),
            writer=self.writer,
            stored=stored,
            lexicon=lexicon_at(self.lexicon_paths),
            visible_to=subscription_scope(subscription),
        )


def _item_limit(subscription: Subscription, since: datetime, until: datetime) -> int:
    periods = round((until - since) / ScheduleSpec.of(subscription).period())
    if periods <= 1:
        return subscription.max_items
    return max(subscription.max_items, min(subscription.max_items * periods, CATCH_UP_MAX_ITEMS))


def subscription_scope(subscription: Subscription) -> TenantScope | None:
    """A subscription sees its tenant's feeds; one made before tenants, the operator's."""
    if subscription.tenant is None:
        return OPERATOR_ONLY
    return TenantScope(subscription.tenant)


# No tenant holds this key, so it sees operator sources and ingested files only.
OPERATOR_ONLY = TenantScope("")
