"""The running core: settings, database and the services built on them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Settings
from bot.ingest import Ingestor
from storage import Database

__all__ = ["Core", "open_core", "configure_logging"]


class _SecretFilter(logging.Filter):
    """Last line of defence: no configured secret ever reaches a log line."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(s in message for s in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    secrets = [
        value.get_secret_value()
        for value in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.discord_token,
            settings.llm_api_key,
        )
        if value is not None
    ]
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(_SecretFilter(secrets))


@dataclass
class Core:
    settings: Settings
    db: Database
    ingestor: Ingestor


def open_core(settings: Settings) -> Core:
    """Open the database (migrating it) and build the core services."""
    db = Database.open(settings.database_url)
    return Core(settings=settings, db=db, ingestor=Ingestor(db, settings))
