"""Ingest: files, JSON Lines, feeds and pages into stored, searchable articles."""

from bot.ingest.fetch import Fetched, Fetcher
from bot.ingest.model import ArticleDraft, Failure, normalise, parse_published
from bot.ingest.pipeline import Ingestor, IngestReport

__all__ = [
    "ArticleDraft",
    "Failure",
    "Fetched",
    "Fetcher",
    "IngestReport",
    "Ingestor",
    "normalise",
    "parse_published",
]
