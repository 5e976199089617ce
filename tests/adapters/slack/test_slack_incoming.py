"""What Slack sends, read as commands; repeated events; secrets kept out of logs."""

from __future__ import annotations

import logging

import pytest

from adapters.slack.incoming import command_text, unescape
from adapters.slack.logs import slack_logger


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<@UBOT> who backs Haftar?", "who backs Haftar?"),
        ("<@UBOT|newsbot>   hvem   støtter Haftar?", "hvem støtter Haftar?"),
        ("who backs &lt;Haftar&gt; &amp; co?", "who backs <Haftar> & co?"),
        (
            "feeds add <https://x.example/rss?a=1&amp;b=2>",
            "feeds add https://x.example/rss?a=1&b=2",
        ),
        ("feeds add <https://x.example/rss|x.example/rss>", "feeds add https://x.example/rss"),
        ("what did <@U0OTHER> say in <#C1|general>?", "what did @U0OTHER say in #general?"),
        ("news for <!here> and <!subteam^S1|@editors>", "news for @here and @editors"),
        ("&amp;lt;", "&lt;"),
    ],
)
def test_command_text(raw: str, expected: str) -> None:
    assert command_text(raw, bot_user_id="UBOT") == expected


def test_leading_mention_is_dropped_when_the_bot_id_is_unknown() -> None:
    assert command_text("<@UBOT> help", mention=True) == "help"
    assert command_text("help <@UBOT>", mention=True) == "help @UBOT"
    assert unescape("&lt;&gt;&amp;") == "<>&"


def test_slack_logger_redacts_secrets(caplog: pytest.LogCaptureFixture) -> None:
    logger = slack_logger(["xoxb-very-secret-token"])
    caplog.set_level(logging.DEBUG)
    logger.debug("calling with %s", "Bearer xoxb-very-secret-token")
    assert "xoxb-very-secret-token" not in caplog.text
    assert "calling with Bearer ***" in caplog.text
