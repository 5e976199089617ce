"""The logger handed to slack-bolt and slack-sdk, with configured secrets redacted."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.logs import SecretRedactor

__all__ = ["slack_logger"]

LOGGER_NAME = "adapters.slack.bolt"


class _NotOurWarning(logging.Filter):
    """Drops Bolt's start-up warning that the SLACK_BOT_TOKEN it read itself goes unused.

    We give Bolt its web client (for SLACK_API_URL); Bolt still reads the variable.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_REDACTOR = SecretRedactor()
_QUIET = _NotOurWarning()


def slack_logger(secrets: Iterable[str]) -> logging.Logger:
    """The base logger for Bolt (which copies its filters to its own loggers) and the web client."""
    _REDACTOR.add(secrets)
    logger = logging.getLogger(LOGGER_NAME)
    for wanted in (_REDACTOR, _QUIET):
        if wanted not in logger.filters:
            logger.addFilter(wanted)
    return logger
