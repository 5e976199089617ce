"""The digest service: one window rule, one set of defaults, one writer, for every caller.

Chat's `digest`, `newsbot digest`, a subscription's preview and the scheduler all ask
here, so what a digest covers is decided in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digest.stories import build_digest
from bot.llm.writer import LLMWriter
from bot.schedule.spec import ScheduleSpec
from bot.text.lexicon import DEFAULT_LEXICON_PATHS, lexicon_at
from bot.types import Digest
from storage import Database, Subscription, TenantScope, last_covered_until

__all__ = ["DEFAULT_MAX_ITEMS", "DEFAULT_WINDOW", "DigestService"]

DEFAULT_MAX_ITEMS = 10
# An on-demand digest covers the last day.
DEFAULT_WINDOW = timedelta(days=1)


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
    ) -> Digest:
        """The stories published in ``[since, until)``: by default the last day until now;
        with ``visible_to``, from the articles that tenant may see."""
        until = until or datetime.now(UTC)
        since = since or until - DEFAULT_WINDOW
        return build_digest(
            self.db,
            since,
            until,
            topic=topic,
            max_items=max_items,
            writer=self.writer,
            lexicon=lexicon_at(self.lexicon_paths),
            visible_to=visible_to,
        )

    def window_start(self, subscription: Subscription, until: datetime) -> datetime:
        """Where a subscription's next digest starts: where its last one stopped, else one
        schedule period before ``until``."""
        with self.db.session() as session:
            previous = last_covered_until(session, subscription.id)
        return previous or until - ScheduleSpec.of(subscription).period()

    def for_subscription(
        self, subscription: Subscription, until: datetime, *, arrivals: bool = True
    ) -> Digest:
        """The digest a subscription posts at ``until``: what arrived since its last one.

        The scheduler windows by storage time (``arrivals``), so a story polled after its
        publication time had passed into the previous window is not lost between digests;
        a preview outside the schedule shows what was published in the same window.
        """
        return build_digest(
            self.db,
            self.window_start(subscription, until),
            until,
            topic=subscription.topic,
            max_items=subscription.max_items,
            writer=self.writer,
            lexicon=lexicon_at(self.lexicon_paths),
            arrivals=arrivals,
            visible_to=subscription_scope(subscription),
        )


def subscription_scope(subscription: Subscription) -> TenantScope | None:
    """A subscription sees its tenant's feeds; one made before tenants, the operator's."""
    if subscription.tenant is None:
        return OPERATOR_ONLY
    return TenantScope(subscription.tenant)


# No tenant holds this key, so it sees operator sources and ingested files only.
OPERATOR_ONLY = TenantScope("")
