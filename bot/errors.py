"""The core's exception family; front ends turn these into one plain sentence."""

from __future__ import annotations

from storage.errors import StorageError

__all__ = [
    "EXPECTED_ERRORS",
    "NewsbotError",
    "IngestError",
    "FetchError",
    "CommandError",
    "StorageError",
]


class NewsbotError(Exception):
    """Base of every error newsbot expects and explains to its user."""


class IngestError(NewsbotError):
    """An input that could not be read as news (a bad file, line, feed or page)."""


class FetchError(IngestError):
    """A URL that could not be fetched within the limits. ``transient`` when it may
    answer later: no answer in time, no connection, HTTP 5xx or 429 (not a page gone, too
    large or refused by the address guard)."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class CommandError(NewsbotError):
    """A chat command that could not be understood or carried out."""


# What a front end explains in one sentence; anything else is a bug (apology, traceback logged).
EXPECTED_ERRORS: tuple[type[Exception], ...] = (NewsbotError, StorageError)
