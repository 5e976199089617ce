"""The core's exception family; front ends turn these into one plain sentence."""

from __future__ import annotations

__all__ = ["NewsbotError", "IngestError", "FetchError", "CommandError"]


class NewsbotError(Exception):
    """Base of every error newsbot expects and explains to its user."""


class IngestError(NewsbotError):
    """An input that could not be read as news (a bad file, line, feed or page)."""


class FetchError(IngestError):
    """A URL that could not be fetched within the limits."""


class CommandError(NewsbotError):
    """A chat command that could not be understood or carried out."""
