"""Logging set-up, and the one filter that keeps configured secrets out of every log line."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.config import Settings

__all__ = [
    "JsonFormatter",
    "SecretRedactor",
    "configure_logging",
    "demote_to_debug",
    "secret_values",
]


# Slack tokens (bot, user, refresh, app-level): ones Slack hands out at run time (an OAuth
# install, a token rotation) were never registered, and a debug line may echo them.
_SLACK_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]{6,}")


class SecretRedactor(logging.Filter):
    """Last line of defence: replaces any registered secret in a record's message with `***`,
    and anything shaped like a Slack token with its prefix and `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        # Short values would redact ordinary words; real tokens are long.
        self.secrets.update(s for s in secrets if len(s) >= 6)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = message
        if self.secrets and any(secret in redacted for secret in self.secrets):
            for secret in self.secrets:
                redacted = redacted.replace(secret, "***")
        if "x" in redacted:
            redacted = _SLACK_TOKEN.sub(r"\1-***", redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def secret_values(settings: Settings) -> list[str]:
    """Every configured secret setting's value."""
    return [
        value.get_secret_value()
        for value in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_secret,
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


class _AtDebug(logging.Handler):
    """Hands a library's records on to the loggers above it at DEBUG, whatever level the
    library gave them (the library's logger does not propagate them itself)."""

    def __init__(self, library: logging.Logger) -> None:
        super().__init__()
        self.library = library

    def emit(self, record: logging.LogRecord) -> None:
        above = self.library.parent
        if above is None or not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
            return
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        above.handle(record)


def demote_to_debug(*names: str) -> None:
    """Log what the libraries ``names`` log (and their submodules) at DEBUG only.

    trafilatura logs an ERROR for every page it finds no article in ("empty HTML tree"),
    which newsbot already reports in a sentence of its own: at the level given they would
    reach the user's terminal, timestamps and all. Safe to call more than once.
    """
    for name in names:
        library = logging.getLogger(name)
        if not any(isinstance(handler, _AtDebug) for handler in library.handlers):
            library.addHandler(_AtDebug(library))
        library.propagate = False


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
