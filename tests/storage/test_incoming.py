"""Claims of incoming messages and shared rate-limit hits: one winner, whatever the race."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from storage import (
    CLAIM_RETENTION,
    Database,
    acquire_hits,
    claim_incoming,
    prune_incoming,
    utcnow,
)


def test_an_incoming_message_is_claimed_once(db: Database) -> None:
    assert claim_incoming(db.sessions, "slack:event:Ev1", "a")
    assert not claim_incoming(db.sessions, "slack:event:Ev1", "a")  # a retry
    assert not claim_incoming(db.sessions, "slack:event:Ev1", "b")  # another instance
    assert claim_incoming(db.sessions, "discord:message:Ev1", "b")  # ids are per platform


def test_claims_are_forgotten_after_their_retention(db: Database) -> None:
    long_ago = utcnow() - CLAIM_RETENTION - timedelta(minutes=1)
    claim_incoming(db.sessions, "slack:event:Old", "a", now=long_ago)
    claim_incoming(db.sessions, "slack:event:New", "a")
    with db.session() as session:
        assert prune_incoming(session) == 1
    assert claim_incoming(db.sessions, "slack:event:Old", "a")
    assert not claim_incoming(db.sessions, "slack:event:New", "a")


def test_racing_instances_on_postgresql_get_one_claim(postgres_url: str) -> None:
    instances = [Database.open(postgres_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(8) as pool:
            won = list(
                pool.map(
                    lambda n: claim_incoming(
                        instances[n % 4].sessions, "discord:message:7", str(n)
                    ),
                    range(16),
                )
            )
        assert won.count(True) == 1
    finally:
        for instance in instances:
            instance.close()


def test_rate_hits_are_shared_by_instances_on_postgresql(postgres_url: str) -> None:
    instances = [Database.open(postgres_url) for _ in range(3)]
    window = timedelta(minutes=1)

    def ask(n: int) -> float:
        with instances[n % 3].session() as session:
            return acquire_hits(session, [("user:slack:U1", 4), ("channel:slack:C1", 100)], window)

    try:
        with ThreadPoolExecutor(6) as pool:
            waits = list(pool.map(ask, range(12)))
        assert waits.count(0.0) == 4  # four allowed across all instances together
        assert all(0 < wait <= 60 for wait in waits if wait)
        # A refused request used up nobody's allowance: another user may still ask here.
        with instances[0].session() as session:
            assert (
                acquire_hits(session, [("user:slack:U2", 4), ("channel:slack:C1", 100)], window)
                == 0
            )
    finally:
        for instance in instances:
            instance.close()
