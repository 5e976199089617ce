"""Rendering core replies for Discord: limits, splitting, escaping. Pure, no network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord

from adapters.discord.render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    MESSAGE_LIMIT,
    Outgoing,
    answer_message,
    digest_messages,
    notice_messages,
    quote_untrusted,
    render_reply,
    split_text,
    suppress_previews,
)
from bot.commands import HELP, Notice
from bot.types import Answer, Citation, Digest, DigestItem

UNTIL = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


def citation(n: int, title: str = "Libyas parter til forhandlinger i Moskva") -> Citation:
    return Citation(n, title, f"https://dagsnytt.example/{n}", "Dagsnytt", "2020-01-13")


def within_limits(message: Outgoing) -> bool:
    return (
        len(message.content or "") <= MESSAGE_LIMIT
        and len(message.embeds) <= EMBEDS_PER_MESSAGE
        and message.total_embed_chars() <= EMBED_TOTAL_LIMIT
        and all(len(e.description or "") <= EMBED_DESCRIPTION_LIMIT for e in message.embeds)
        and all(len(e.title or "") <= 256 for e in message.embeds)
        and all(
            len(f.value or "") <= 1024 and len(f.name or "") <= 256
            for e in message.embeds
            for f in e.fields
        )
        and all(len(e.fields) <= 25 for e in message.embeds)
    )


def test_an_answer_is_one_embed_with_numbered_source_links() -> None:
    answer = Answer(
        "Hvem støtter Haftar?",
        True,
        "Russland uoffisielt holder med Haftars styrker. [1]",
        [citation(1)],
    )

    [message] = render_reply(answer)

    [embed] = message.embeds
    assert embed.title == "Hvem støtter Haftar?"
    assert embed.description == "Russland uoffisielt holder med Haftars styrker. [1]"
    [field] = embed.fields
    assert field.name == "Sources"
    assert (
        field.value == "[1] [Libyas parter til forhandlinger i Moskva](https://dagsnytt.example/1)"
        " — Dagsnytt, 2020-01-13"
    )
    assert message.content is None


def test_a_huge_answer_with_many_sources_stays_within_the_embed_limits() -> None:
    answer = Answer(
        "q" * 400,
        True,
        "Ord " * 3000,
        [citation(n, "Tittel " * 40) for n in range(1, 60)],
        note="n" * 3000,
    )

    [message] = render_reply(answer)

    assert within_limits(message)
    [embed] = message.embeds
    assert embed.description is not None and embed.description.endswith("…")
    values = "\n".join(f.value or "" for f in embed.fields)
    assert values.startswith("[1] ")
    assert "more" in values.splitlines()[-1]  # what did not fit is counted, not silently lost


def test_untrusted_text_is_escaped_and_cannot_look_like_a_mention() -> None:
    quoted = quote_untrusted("@everyone and @here: *bold* __under__ <@123> <@!45> <@&678> <#9>")

    assert "@everyone" not in quoted and "@here" not in quoted
    assert "@\u200beveryone" in quoted
    assert "\\*bold\\*" in quoted and "\\_\\_under\\_\\_" in quoted
    for tag in ("<@123>", "<@!45>", "<@&678>", "<#9>"):
        assert tag not in quoted


def test_markdown_in_titles_cannot_break_the_source_link() -> None:
    answer = Answer(
        "q",
        True,
        "t [1]",
        [Citation(1, "A ](evil) [title] *x*", "https://x.example/a (b)", "", "")],
    )

    value = answer_message(answer).embeds[0].fields[0].value

    assert value == "[1] [A \\](evil) \\[title\\] \\*x\\*](https://x.example/a%20%28b%29)"


def test_plain_text_links_get_no_previews() -> None:
    text = "Added https://feeds.example/rss: 3 new. See <https://kept.example> and (https://x.example/a)."

    assert suppress_previews(text) == (
        "Added <https://feeds.example/rss>: 3 new. See <https://kept.example> and (<https://x.example/a>)."
    )
    assert suppress_previews("https://en.wikipedia.org/wiki/Tripoli_(Libya).") == (
        "<https://en.wikipedia.org/wiki/Tripoli_(Libya)>."
    )


def test_split_text_keeps_order_and_the_limit() -> None:
    lines = [f"line {n} " + "x" * (n % 70) for n in range(400)] + ["y " * 1500]
    text = "\n".join(lines)

    chunks = split_text(text, MESSAGE_LIMIT)

    assert len(chunks) > 3
    assert all(0 < len(chunk) <= MESSAGE_LIMIT for chunk in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


def test_a_long_digest_is_split_across_messages_in_order_within_the_limits() -> None:
    items = [
        DigestItem(
            f"Sak {n}",
            f"Sak {n}: " + "mye tekst her. " * (30 + 40 * (n % 7)),
            [citation(n), citation(n + 100)],
        )
        for n in range(1, 41)
    ]
    digest = Digest(UNTIL - timedelta(days=1), UNTIL, items, topic="Libya")

    messages = digest_messages(digest)

    assert len(messages) >= 4
    assert all(within_limits(message) for message in messages)
    titles = [embed.title for message in messages for embed in message.embeds]
    assert titles == [f"{n}. Sak {n}" for n in range(1, 41)]
    assert (
        messages[0].content
        == "**News digest** about “Libya”, 2024-05-01 08:00 – 2024-05-02 08:00 UTC"
    )
    assert all(message.content is None for message in messages[1:])
    first = messages[0].embeds[0]
    assert first.url == "https://dagsnytt.example/1"
    assert first.description is not None
    assert "[Dagsnytt, 2020-01-13](https://dagsnytt.example/1)" in first.description


def test_a_story_too_long_for_one_embed_is_cut_not_dropped() -> None:
    item = DigestItem("Lang sak", "ord " * 5000, [citation(1)])

    [message] = digest_messages(Digest(UNTIL - timedelta(days=1), UNTIL, [item]))

    assert within_limits(message)
    description = message.embeds[0].description or ""
    assert "…" in description and description.endswith("(https://dagsnytt.example/1)")


def test_a_story_s_further_sources_are_linked_by_their_own_headlines_whole() -> None:
    item = DigestItem(
        "Quintara strike ends after pay deal",
        "The union accepted a pay rise of six percent.",
        [citation(1, "Quintara strike ends after pay deal")]
        + [citation(n, f"Quintara update {n} " + "ord " * 40) for n in range(2, 30)],
    )

    [message] = digest_messages(Digest(UNTIL - timedelta(days=1), UNTIL, [item]))

    description = message.embeds[0].description or ""
    assert "[Dagsnytt, 2020-01-13](https://dagsnytt.example/1)" in description
    assert "[Quintara update 2 ord" in description
    # Whole links only, then how many were left out.
    sources = description.split("\n", 1)[1]
    assert sources.count("[") == sources.count("](https://")
    assert sources.endswith("more") and len(sources) <= 1000


def test_an_empty_digest_says_so() -> None:
    [message] = digest_messages(Digest(UNTIL - timedelta(days=1), UNTIL, []))

    assert message.content == "No news in 2024-05-01 08:00 – 2024-05-02 08:00 UTC."
    assert message.embeds == []


def test_notices_are_plain_text_and_help_is_a_code_block() -> None:
    [help_message] = notice_messages(Notice(HELP, private=True, preformatted=True))
    assert help_message.content == f"```\n{HELP}\n```"

    long_list = "Feeds I read:\n" + "\n".join(
        f"https://feeds.example/{n}/rss (Feed_{n})" for n in range(200)
    )
    messages = notice_messages(Notice(long_list))
    assert len(messages) > 1 and all(within_limits(m) for m in messages)
    assert messages[0].content is not None
    assert "<https://feeds.example/0/rss> (Feed\\_0)" in messages[0].content


def test_every_message_is_sent_with_no_mentions_allowed() -> None:
    for message in [*notice_messages(Notice("@everyone hi")), Outgoing(), Outgoing(content="x")]:
        kwargs = message.send_kwargs()
        allowed = kwargs["allowed_mentions"]
        assert isinstance(allowed, discord.AllowedMentions)
        assert allowed.to_dict() == {"parse": []}
        assert allowed.replied_user is False
