"""Slack front end: `/news`, `@newsbot` mentions, direct messages, the Home tab, scheduled
digests and live posts, with slack-bolt.

`SlackFrontEnd(core)` serves Socket Mode when `SLACK_APP_TOKEN` is set, else HTTP
mode on `PORT` at `/slack/events` (and, with `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET`,
the OAuth install at `/slack/install`); it only translates between Slack and the core.
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
