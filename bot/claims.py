"""Who answers an incoming message when several instances receive it: the one that claims it."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from storage import Database, claim_incoming, prune_incoming

__all__ = ["IncomingClaims", "instance_name"]

log = logging.getLogger(__name__)

# How often an instance clears out claims past their retention.
_PRUNE_EVERY_S = 600.0


def instance_name() -> str:
    """This process among the instances sharing a database: host, pid and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class IncomingClaims:
    """Claims incoming messages in the database (thread-safe; called off the event loop)."""

    def __init__(self, db: Database, instance: str) -> None:
        self.db = db
        self.instance = instance
        self._pruned_at = time.monotonic()
        self._lock = threading.Lock()

    def claim(self, platform: str, kind: str, incoming_id: str) -> bool:
        """True for the one instance that is to answer ``platform``'s ``kind`` ``incoming_id``."""
        taken = claim_incoming(self.db.sessions, f"{platform}:{kind}:{incoming_id}", self.instance)
        self._prune_now_and_then()
        return taken

    def _prune_now_and_then(self) -> None:
        with self._lock:
            if time.monotonic() - self._pruned_at < _PRUNE_EVERY_S:
                return
            self._pruned_at = time.monotonic()
        with self.db.session() as session:
            pruned = prune_incoming(session)
        log.debug("pruned %d old incoming claims", pruned)
