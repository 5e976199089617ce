"""Storage's exception family (the front ends treat it as an expected error)."""

from __future__ import annotations

__all__ = ["StorageError"]


class StorageError(Exception):
    """The database could not be opened, migrated or queried."""
