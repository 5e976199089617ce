"""Digests: the window's stories, one item per story, and the one service that builds them."""

from bot.digest.service import DEFAULT_MAX_ITEMS, DEFAULT_WINDOW, DigestService, Older
from bot.digest.stories import STORY_THRESHOLD, build_digest, lead_summary

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_WINDOW",
    "DigestService",
    "Older",
    "STORY_THRESHOLD",
    "build_digest",
    "lead_summary",
]
