"""Slack mrkdwn text: escaping untrusted text, safe links and cutting to Slack's limits.

Everything article-derived or user-supplied goes through `escape`, so `<!channel>`,
`<@U123>` or `<http://evil|link>` inside an article is shown as text and never
pings anyone or forges a link. Only this module writes `<url|label>` markup.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["escape", "safe_url", "link", "cut", "split_escaped"]

# Characters a URL may keep as they are; everything else (| < > " space ...) is
# percent-encoded so it cannot end the `<url|label>` markup early.
_URL_KEEP = ":/?#[]@!$&'()*+,;=%~"
_WEB_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_ENTITY_MAX = len("&amp;")
MAX_URL = 2000
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup: `&`, `<` and `>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str) -> str | None:
    """An http(s) URL made safe inside `<url|label>`; None for anything else or too long."""
    url = url.strip()
    if not _WEB_URL.match(url):
        return None
    quoted = quote(url, safe=_URL_KEEP).replace("&", "&amp;")
    return quoted if len(quoted) <= MAX_URL else None


def link(url: str, label: str) -> str:
    """`<url|label>` with both parts neutralised; just the escaped label when the URL is unsafe."""
    text = escape(" ".join(label.split()))
    target = safe_url(url)
    if target is None:
        return text or escape(url)
    return f"<{target}|{text}>" if text else f"<{target}>"


def cut(escaped: str, limit: int) -> str:
    """Shorten already-escaped text to ``limit`` characters without splitting an entity."""
    if len(escaped) <= limit:
        return escaped
    return escaped[: _safe_cut(escaped, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def split_escaped(text: str, limit: int) -> list[str]:
    """Escape ``text`` and split it into pieces of at most ``limit`` characters.

    Cuts fall between words where possible, never inside an entity such as `&amp;`.
    """
    pieces: list[str] = []
    current = ""
    for token in re.findall(r"\S+\s*|\s+", text):
        escaped = escape(token)
        if len(current) + len(escaped) <= limit:
            current += escaped
            continue
        if current.strip():
            pieces.append(current.rstrip())
        current = ""
        while len(escaped) > limit:
            at = _safe_cut(escaped, limit)
            pieces.append(escaped[:at])
            escaped = escaped[at:]
        current = escaped
    if current.strip():
        pieces.append(current.rstrip())
    return pieces


def _safe_cut(escaped: str, at: int) -> int:
    """``at``, moved back to the start of an entity that would straddle it."""
    amp = escaped.rfind("&", max(0, at - _ENTITY_MAX + 1), at)
    if amp != -1:
        end = escaped.find(";", amp)
        if end == -1 or end >= at:
            return amp if amp > 0 else at
    return at
