"""The text work of a large ingest (language, sentences, index terms) in a process pool.

Normalising costs several times what storing does, and the ingesting process has one
writer's work to do: so drafts go to worker processes in small chunks while the ingesting
process stores what comes back, in input order. Small inputs (a feed poll, a few files)
never start a pool: the first `POOL_AFTER` drafts (`POOL_AFTER_FORKED` when the pool would
fork) are normalised in-process, and only a larger input starts one. At most a few chunks
are in flight, so memory stays bounded however large the input.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import multiprocessing.context
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from bot.ingest.model import ArticleDraft, Failure, Note, Unchanged, normalise_all, warm_up
from storage import ArticleRecord

__all__ = ["Normalised", "normalised", "POOL_AFTER"]

log = logging.getLogger(__name__)

Normalised = ArticleRecord | Failure | Unchanged | Note
# Drafts normalised in-process before a pool is worth its start: about a second for workers
# from a forkserver (each loads the language model), some tens of milliseconds for forked ones.
POOL_AFTER = 1000
POOL_AFTER_FORKED = 200
_CHUNK = 50
# Chunks queued per worker: enough that the workers keep busy while the ingesting process
# writes a batch (up to 500 articles, ~0.1 s), and bounded, so memory is.
_IN_FLIGHT_PER_WORKER = 8
# Normalising makes next to no cyclic garbage: a worker collects every this many new
# objects, not every 700 (a tenth of its time went to collections).
_YOUNG_OBJECTS_PER_COLLECTION = 50_000


_PR_SET_PDEATHSIG = 1


def _start_worker() -> None:
    """A worker ends with the process it works for, even when that one is SIGKILLed: its
    siblings hold the task pipe open, so it would otherwise wait on it for ever.

    Ctrl-C at a terminal reaches every process of the command; the ingesting process
    answers it and shuts the pool down. A worker that took it too died mid-task, printed
    its traceback, and could leave that shutdown waiting for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # orphaned already, before the signal was asked for
        os._exit(1)
    warm_up()
    # What it was started with (a forked copy of the ingesting process, the language model)
    # is kept out of its collections: they walk only what normalising makes.
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(_YOUNG_OBJECTS_PER_COLLECTION, middle, old)


def _forks() -> bool:
    """Whether a pool started now forks this process (else it uses a forkserver)."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _pool_after() -> int:
    # Read at every call: tests lower POOL_AFTER.
    return min(POOL_AFTER, POOL_AFTER_FORKED) if _forks() else POOL_AFTER


def _pool(workers: int) -> ProcessPoolExecutor:
    context: multiprocessing.context.BaseContext
    if _forks():
        # A single-threaded process forks safely, and its workers start at once with the
        # language model it has loaded already.
        warm_up()
        context = multiprocessing.get_context("fork")
    else:
        # With threads running (a progress bar, front ends, the scheduler) a fork could copy
        # a lock some thread holds: workers come from a clean forkserver process instead.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["bot.ingest.model"])
    log.info("normalising in %d worker processes (%s)", workers, context.get_start_method())
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker)


def _worker_count(setting: int | None) -> int:
    return setting if setting is not None else min(os.cpu_count() or 1, 8)


def normalised(
    items: Iterable[ArticleDraft | Failure | Unchanged | Note],
    max_chars: int,
    workers: int | None = None,
) -> Iterator[Normalised]:
    """Each item normalised (drafts) or passed on (failures, unchanged), in input order."""
    count = _worker_count(workers)
    pool: ProcessPoolExecutor | None = None
    pending: deque[Future[list[ArticleRecord | Failure]] | list[Normalised]] = deque()
    chunk: list[ArticleDraft] = []
    seen = 0

    def submit() -> None:
        nonlocal chunk
        if chunk:
            assert pool is not None
            pending.append(pool.submit(normalise_all, chunk, max_chars))
            chunk = []

    def drain(keep: int) -> Iterator[Normalised]:
        while len(pending) > keep:
            done = pending.popleft()
            yield from done.result() if isinstance(done, Future) else done

    try:
        for item in items:
            if not isinstance(item, ArticleDraft):
                if pool is None:
                    yield item
                else:
                    submit()  # what came before it first: the order is kept
                    pending.append([item])
                continue
            seen += 1
            if pool is None and count > 1 and seen > _pool_after():
                pool = _pool(count)
            if pool is None:
                yield from normalise_all([item], max_chars)
                continue
            chunk.append(item)
            if len(chunk) >= _CHUNK:
                submit()
                yield from drain(count * _IN_FLIGHT_PER_WORKER)
        if pool is not None:
            submit()
            yield from drain(0)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
