"""What Slack sends, turned into the plain command text the core's grammar reads."""

from __future__ import annotations

import re

__all__ = ["command_text", "unescape"]

_MARKUP = re.compile(r"<([^<>]*)>")
_LEADING_USER = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def unescape(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>` (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_text(raw: str, *, bot_user_id: str | None = None, mention: bool = False) -> str:
    """Plain text from a slash command's or a mention's Slack-formatted text.

    The bot's own mention is dropped (when ``mention`` and the bot id is unknown, a
    leading user mention is taken to be it); links become their address, so
    `feeds add <https://x.example/rss>` works; other mentions become `@name` text.
    """
    if mention and not bot_user_id:
        raw = _LEADING_USER.sub(" ", raw, count=1)

    def plain(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return " " if bot_user_id and target[1:] == bot_user_id else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            name = label or target[1:].split("^")[0]
            return name if name.startswith("@") else f"@{name}"
        return target

    return " ".join(unescape(_MARKUP.sub(plain, raw)).split())
