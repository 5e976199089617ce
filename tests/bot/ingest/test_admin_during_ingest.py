"""An admin's command while a long ingest writes is carried out, not locked out.

Ingest writes in short transactions, and SQLite waits out a short lock (busy timeout),
so a chat command in the middle of a large import answers as it would on a quiet day.
"""

from __future__ import annotations

import threading

from bot.app import open_core
from bot.commands import CommandContext
from bot.config import Settings
from bot.ingest import ArticleDraft, IngestReport
from bot.types import ChannelRef

ADMIN = CommandContext(ChannelRef("slack", "C1"), user_id="U1", is_admin=True)
ARTICLES = 2_000


def _drafts() -> list[ArticleDraft]:
    body = (
        "Fjord1 innstilte {n} fergesamband natt til torsdag etter stormen. "
        "Ordføreren i kommune {n} ber folk holde seg hjemme til vinden løyer. "
    ) * 6
    return [
        ArticleDraft(
            url=f"https://news.example/storm/{n}",
            title=f"Storm stengte ferje nummer {n}",
            text=body.format(n=n),
            source="Dagsnytt",
            language="no",
        )
        for n in range(ARTICLES)
    ]


def test_admin_commands_go_through_while_a_long_ingest_writes(settings: Settings) -> None:
    core = open_core(settings)
    first_batch = threading.Event()
    reports: list[IngestReport] = []

    def ingest() -> None:
        reports.append(core.ingestor.store(_drafts(), progress=lambda _n: first_batch.set()))

    writer = threading.Thread(target=ingest, name="long-ingest")
    writer.start()
    assert first_batch.wait(60), "the ingest stored nothing"
    replies = []
    during = 0
    while writer.is_alive() or not replies:
        replies.append(core.commands.handle("subscribe every 6 hours", ADMIN))
        during += writer.is_alive()
        replies.append(core.commands.handle("unsubscribe", ADMIN))
    writer.join(60)

    assert during >= 1, "no command ran while the ingest was writing"
    assert all(reply.ok for reply in replies), [r.text for r in replies if not r.ok]
    assert reports and reports[0].new == ARTICLES and reports[0].failed == 0
    core.close()
