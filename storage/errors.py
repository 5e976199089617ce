"""Storage's exception family."""

from __future__ import annotations

from bot.errors import NewsbotError

__all__ = ["StorageError"]


class StorageError(NewsbotError):
    """The database could not be opened, migrated or queried."""
