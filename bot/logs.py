"""Logging set-up, and the one filter that keeps configured secrets out of every log line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.config import Settings

__all__ = ["JsonFormatter", "SecretRedactor", "configure_logging", "secret_values"]


class SecretRedactor(logging.Filter):
    """Last line of defence: replaces any registered secret in a record's message with `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        # Short values would redact ordinary words; real tokens are long.
        self.secrets.update(s for s in secrets if len(s) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "***")
                record.msg, record.args = message, None
        return True


def secret_values(settings: Settings) -> list[str]:
    """Every configured secret setting's value."""
    return [
        value.get_secret_value()
        for value in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.discord_token,
            settings.llm_api_key,
            settings.embeddings_api_key,
        )
        if value is not None
    ]


class JsonFormatter(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json): time, level, logger, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    redactor = SecretRedactor(secret_values(settings))
    as_json = settings.log_format == "json"
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
        if as_json:
            handler.setFormatter(JsonFormatter())
