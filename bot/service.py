"""The async facade front ends talk to: the thread hop, the catch-all and the apology.

The core is synchronous. Front ends run one event loop, so every command goes to a
worker thread here: one slow answer never holds up Slack's 3-second ack or Discord's
heartbeat. Whatever goes wrong, the asker gets one sentence and the log the traceback.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.claims import IncomingClaims
from bot.commands import (
    Command,
    CommandContext,
    CommandName,
    Commands,
    Notice,
    Reply,
    parse_command,
)
from bot.commands.overview import Forgotten, TenantOverview
from bot.config import Settings
from bot.installs import SlackInstalls
from bot.metrics import Metrics, QuestionOutcome
from bot.render import SORRY
from bot.tenants import Tenant
from bot.types import Answer

__all__ = ["ChatService"]

log = logging.getLogger(__name__)


class ChatService:
    """What a front end may ask of the core. Adapters hold this and the settings, nothing else."""

    def __init__(
        self,
        commands: Commands,
        claims: IncomingClaims | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._commands = commands
        self._claims = claims
        self.metrics = metrics or Metrics()

    @property
    def settings(self) -> Settings:
        return self._commands.settings

    @staticmethod
    def parse(text: str) -> Command:
        """A user's free text as a command (anything unrecognised is a question)."""
        return parse_command(text)

    async def claim(self, platform: str, kind: str, incoming_id: str) -> bool:
        """Whether this instance answers the incoming message or command: the first to claim
        it in the database does; a repeat or another instance's message is left alone."""
        if self._claims is None or not incoming_id:
            return True
        try:
            here = await asyncio.to_thread(self._claims.claim, platform, kind, incoming_id)
        except Exception:
            # Answering twice beats never; with the database down the answer apologises.
            log.exception(
                "could not claim %s %s %s; answering it here", platform, kind, incoming_id
            )
            here = True
        self.metrics.incoming(here)
        return here

    def slack_installs(self, client_id: str) -> SlackInstalls:
        """Where Slack's OAuth installations of the app ``client_id`` are kept."""
        return SlackInstalls(self._commands.db, client_id)

    async def overview(self, tenant: Tenant) -> TenantOverview:
        """The tenant's feeds, live channels and scheduled digests (for a home page)."""
        return await asyncio.to_thread(self._commands.overview, tenant)

    async def forget(self, tenant: Tenant) -> Forgotten:
        """Stop the tenant's digests and live posts: its app was uninstalled."""
        forgotten = await asyncio.to_thread(self._commands.forget, tenant)
        log.info(
            "%s uninstalled: %d digests and %d live feeds stopped",
            tenant,
            forgotten.digests,
            forgotten.live_feeds,
        )
        return forgotten

    async def handle(self, text: str, context: CommandContext) -> Reply:
        """Parse and run a user's free text."""
        return await self.run(parse_command(text), context)

    async def run(self, command: Command, context: CommandContext) -> Reply:
        """Run ``command`` off the event loop; a failure becomes the one apology."""
        started = time.perf_counter()
        try:
            reply = await asyncio.to_thread(self._commands.run, command, context)
        except Exception:
            log.exception("%s failed in %s", command.name, context.channel)
            reply = Notice.refusal(SORRY)
            outcome = QuestionOutcome.FAILED
        else:
            if isinstance(reply, Answer):
                outcome = QuestionOutcome.ANSWERED if reply.found else QuestionOutcome.NOT_FOUND
            else:
                outcome = QuestionOutcome.REFUSED
        if command.name is CommandName.ASK:
            answered = outcome in (QuestionOutcome.ANSWERED, QuestionOutcome.NOT_FOUND)
            seconds = time.perf_counter() - started
            self.metrics.question(outcome, seconds if answered else None)
        return reply
