"""Property: no article text, whatever it holds, pings anyone or forges a link when
rendered by the Slack or the Discord front end."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.render import render_reply as discord_render
from adapters.slack.render import render_reply as slack_render
from bot.types import Answer, Citation, Digest, DigestItem

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123ABC>",
    "<@W42>",
    "<#C0123|general>",
    "<!subteam^S123|team>",
    "<http://evil.example|your bank>",
    "<mailto:x@y.z|mail>",
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@!123456789012345678>",
    "<@&987654321098765432>",
    "<#123456789012345678>",
    "&lt;!channel&gt;",
    "|",
    ">",
    "<",
    "&",
    "`",
    "*",
    "_",
    "~",
    "[x](http://evil.example)",
    "https://evil.example/a>b|c",
]
pieces = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
hostile_text = st.lists(pieces, min_size=1, max_size=12).map("".join)
urls = st.one_of(
    st.sampled_from(
        ["https://news.example/a", "http://x.example/?a=1&b=<2>|3", "javascript:alert(1)"]
    ),
    hostile_text,
)


def _citation(n: int, title: str, url: str, source: str) -> Citation:
    return Citation(n=n, title=title, url=url, source=source, published="2024-01")


def _replies(text: str, title: str, url: str, source: str) -> list[Any]:
    citation = _citation(1, title, url, source)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        Answer(question=text, found=True, text=f"{text} [1]", citations=[citation]),
        Digest(since=when, until=when, items=[DigestItem(title, text, [citation])], topic=source),
    ]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


_OUR_LINK = re.compile(r"<https?://[^\s<>|]+\|[^<>]*>|<https?://[^\s<>|]+>")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text, title=hostile_text, url=urls, source=hostile_text)
def test_slack_output_has_no_mention_or_forged_link(
    text: str, title: str, url: str, source: str
) -> None:
    for reply in _replies(text, title, url, source):
        for message in slack_render(reply):
            for shown in _strings(message.as_kwargs()):
                links = _OUR_LINK.findall(shown)
                rest = _OUR_LINK.sub("", shown)
                # Outside the links we write, no markup at all: every < and > is escaped.
                assert "<" not in rest and ">" not in rest, shown
                for found in links:
                    target = found[1:].split("|", 1)[0].rstrip(">")
                    # A link's target is the article's own URL, never something from its text.
                    assert target.startswith(("http://", "https://"))
                    assert not re.search(r"[<>|\s]", target)
                    assert url.strip().startswith(target.split("?")[0].split("%")[0][:8])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text, title=hostile_text, url=urls, source=hostile_text)
def test_discord_output_never_pings(text: str, title: str, url: str, source: str) -> None:
    for reply in _replies(text, title, url, source):
        for outgoing in discord_render(reply):
            kwargs = outgoing.send_kwargs()
            assert kwargs["allowed_mentions"].to_dict() == {"parse": []}
            shown = _strings(kwargs.get("content")) + [
                s for embed in kwargs.get("embeds", []) for s in _strings(embed.to_dict())
            ]
            for piece in shown:
                assert not re.search(r"@(everyone|here)\b", piece), piece
                assert not re.search(r"<(@[!&]?|#)\d+>", piece), piece


def test_discord_link_targets_cannot_read_as_mentions() -> None:
    # Found by the property above: an article URL ending in "@everyone".
    when = datetime(2024, 1, 1, tzinfo=UTC)
    citation = _citation(1, "<!channel>", "https://evil.example/a>b|c@everyone", "<!channel>")
    for outgoing in discord_render(Digest(when, when, [DigestItem("x", "y", [citation])])):
        shown = " ".join(s for e in outgoing.embeds for s in _strings(e.to_dict()))
        assert "@everyone" not in shown and "%40everyone" in shown
