"""Slack front end: `/news`, `@newsbot` mentions and scheduled digests, with slack-bolt.

`SlackFrontEnd(core)` serves Socket Mode when `SLACK_APP_TOKEN` is set, else HTTP
mode on `PORT` at `/slack/events`; it only translates between Slack and the core.
"""

from __future__ import annotations

from adapters.slack.front import EVENTS_PATH, SlackFrontEnd, SlackSetupError
from adapters.slack.render import SlackMessage, render_answer, render_digest, render_reply

__all__ = [
    "EVENTS_PATH",
    "SlackFrontEnd",
    "SlackSetupError",
    "SlackMessage",
    "render_answer",
    "render_digest",
    "render_reply",
]
