"""Sliding-window rate limits, so one user (or one busy channel) cannot keep the bot busy.

Each key ("user:slack:U1", "channel:discord:42") keeps the times of its recent hits. A hit is
allowed when every key it counts against has room in the window; then it is recorded on all
of them at once, so a refused request never uses up anyone's allowance.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from storage import Database, acquire_hits

__all__ = ["RateLimiter", "RateLimits", "SharedRateLimiter", "Limit", "rate_limiter_for"]

# (key, most hits per window); a limit of 0 or less means no limit for that key.
Limit = tuple[str, int]

# Past this many keys, forget the idle ones on the next hit (bounded memory under many users).
_SWEEP_AT = 10_000


class RateLimits(Protocol):
    def wait_seconds(self, *limits: Limit) -> int:
        """0 and one hit recorded on every key, or the whole seconds to wait (none recorded)."""
        ...


def rate_limiter_for(db: Database, window_s: float = 60.0) -> RateLimits:
    """Counted in PostgreSQL when several instances may share it, else in this process."""
    if db.dialect == "postgresql":
        return SharedRateLimiter(db, window_s)
    return RateLimiter(window_s)


class SharedRateLimiter:
    """The same limits counted in the database, so N instances together allow N× nothing."""

    def __init__(self, db: Database, window_s: float = 60.0) -> None:
        self.db = db
        self.window = timedelta(seconds=window_s)

    def wait_seconds(self, *limits: Limit) -> int:
        with self.db.session() as session:
            wait = acquire_hits(session, limits, self.window)
        return math.ceil(wait) if wait > 0 else 0


class RateLimiter:
    """In memory. Thread-safe: adapters call the core from several worker threads at once."""

    def __init__(self, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, *limits: Limit) -> float:
        """0.0 and one hit recorded on every key, or the seconds to wait and nothing recorded."""
        active = [(key, limit) for key, limit in limits if limit > 0]
        if not active:
            return 0.0
        with self._lock:
            now = self.clock()
            if len(self._hits) > _SWEEP_AT:
                self._sweep(now)
            wait = 0.0
            for key, limit in active:
                hits = self._recent(key, now)
                if len(hits) >= limit:
                    # Room comes back when the hit `limit` places from the end leaves the window.
                    wait = max(wait, hits[len(hits) - limit] + self.window_s - now)
            if wait > 0:
                return wait
            for key, _limit in active:
                self._hits.setdefault(key, deque()).append(now)
            return 0.0

    def wait_seconds(self, *limits: Limit) -> int:
        """`acquire`, with the wait rounded up to whole seconds for a person to read."""
        wait = self.acquire(*limits)
        return math.ceil(wait) if wait > 0 else 0

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits

    def _sweep(self, now: float) -> None:
        for key in list(self._hits):
            self._recent(key, now)
