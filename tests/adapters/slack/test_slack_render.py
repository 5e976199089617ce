"""Block Kit rendering: escaping, links and Slack's limits, on tiny inputs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.slack.mrkdwn import cut, escape, link, safe_url, split_escaped
from adapters.slack.render import (
    CONTEXT_ELEMENTS,
    FALLBACK_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    citation_mrkdwn,
    render_answer,
    render_digest,
    render_reply,
    request_header,
)
from bot.commands import HELP, Notice
from bot.types import Answer, Citation, Digest, DigestItem

HOSTILE = "Hi <!channel> <!here> <@U123> <#C1|general> <http://evil.example|your bank> & co"


def citation(n: int = 1, **fields: str) -> Citation:
    values = {
        "title": "Title",
        "url": "https://news.example/a",
        "source": "Outlet",
        "published": "2020-01",
    }
    return Citation(n, **(values | fields))  # type: ignore[arg-type]


def all_texts(blocks: list[dict]) -> list[str]:
    out = []
    for block in blocks:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        else:
            out.extend(element["text"] for element in block["elements"])
    return out


def test_escape_neutralises_slack_markup() -> None:
    assert escape(HOSTILE) == (
        "Hi &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C1|general&gt; "
        "&lt;http://evil.example|your bank&gt; &amp; co"
    )
    assert "<" not in escape(HOSTILE) and ">" not in escape(HOSTILE)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/a?b=1&c=2", "https://news.example/a?b=1&amp;c=2"),
        ("https://news.example/a|<!channel>", "https://news.example/a%7C%3C!channel%3E"),
        ("http://news.example/x y>z", "http://news.example/x%20y%3Ez"),
        ("https://news.example/%C3%A6", "https://news.example/%C3%A6"),
        ("https://nyheter.example/blåbær", "https://nyheter.example/bl%C3%A5b%C3%A6r"),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("https://", None),
    ],
)
def test_safe_url_keeps_links_inside_their_markup(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_link_escapes_the_label_and_falls_back_to_text() -> None:
    assert (
        link("https://a.example/|x", "A <!here> | B")
        == "<https://a.example/%7Cx|A &lt;!here&gt; | B>"
    )
    assert link("javascript:alert(1)", "Click <me>") == "Click &lt;me&gt;"
    assert link("https://a.example/" + "x" * 3000, "Long") == "Long"


def test_citation_line_is_numbered_with_outlet_and_date() -> None:
    line = citation_mrkdwn(citation(3, title="Libya <talks>", source="<@U1> Times"))
    assert line == "[3] <https://news.example/a|Libya &lt;talks&gt;> — &lt;@U1&gt; Times, 2020-01"
    long_title = citation_mrkdwn(citation(title="t" * 1000))
    assert len(long_title) < 400 and "…" in long_title


def test_answer_is_a_section_with_sources_in_a_context_block() -> None:
    answer = Answer("who?", True, f"Quote {HOSTILE}. [1]", [citation(1), citation(2)], note="cut")
    [message] = render_answer(answer, header=request_header("U0ASKER", "who <b>?", question=True))
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["context", "section", "context", "context"]
    assert message.blocks[0]["elements"][0]["text"] == "<@U0ASKER> asked: who &lt;b&gt;?"
    assert message.blocks[1]["text"] == {
        "type": "mrkdwn",
        "text": f"Quote {escape(HOSTILE)}. [1]",
        "verbatim": True,
    }
    assert message.blocks[2]["elements"][0]["text"] == "_cut_"
    sources = [e["text"] for e in message.blocks[3]["elements"]]
    assert sources[0].startswith("[1] <https://news.example/a|Title>")
    assert sources[1].startswith("[2] ")
    assert message.text.startswith("<@U0ASKER> asked:") and "Quote" in message.text
    assert "<!" not in json.dumps(message.blocks)


def test_long_answer_is_split_into_sections_that_fit() -> None:
    text = ("Ord & ord <mer> " * 800).strip()  # escapes to ~ 20,000 characters
    answer = Answer("q", True, text, [citation(n) for n in range(1, 24)])
    messages = render_answer(answer)
    sections = [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section"]
    assert len(sections) > 5
    assert all(0 < len(s) <= SECTION_LIMIT for s in sections)
    assert " ".join(sections) == escape(text)
    assert len(messages) == 2
    assert messages[1].blocks[0]["elements"][0]["text"] == "(answer continued)"
    contexts = [b for m in messages for b in m.blocks[1:] if b["type"] == "context"]
    assert [len(c["elements"]) for c in contexts] == [10, 10, 3]
    assert all(len(m.blocks) <= MAX_BLOCKS and len(m.text) <= FALLBACK_LIMIT for m in messages)


def test_split_never_cuts_an_entity() -> None:
    pieces = split_escaped("&" * 5000 + " <" * 10, 3000)
    assert all(len(p) <= 3000 for p in pieces)
    joined = "".join(pieces)
    assert joined.replace(" ", "") == "&amp;" * 5000 + "&lt;" * 10
    assert all(p.startswith("&") for p in pieces)
    assert cut("a &amp; b", 6) == "a…"
    assert split_escaped("", 10) == []


def test_digest_items_keep_their_order_and_limits_when_split() -> None:
    items = [
        DigestItem(
            f"Headline {n} <!here>", "Summary & more. " * 150, [citation(k) for k in range(1, 13)]
        )
        for n in range(1, 31)
    ]
    digest = Digest(datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC), items)
    messages = render_digest(digest)
    assert len(messages) > 2
    heads = []
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        assert len(message.text) <= FALLBACK_LIMIT
        for block in message.blocks:
            if block["type"] == "context":
                assert len(block["elements"]) <= CONTEXT_ELEMENTS
        for text in all_texts(message.blocks):
            assert len(text) <= SECTION_LIMIT
            if text.startswith("*") and "Headline" in text:
                heads.append(text.split("\n")[0])
    assert heads == [f"*{n}. Headline {n} &lt;!here&gt;*" for n in range(1, 31)]
    assert all_texts(messages[0].blocks)[0].startswith("*News digest*, 2024-05-01 00:00")
    assert all_texts(messages[1].blocks)[0] == "*News digest* (continued)"


def test_empty_digest_says_no_news() -> None:
    digest = Digest(
        datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC), [], topic="<!here>"
    )
    [message] = render_digest(digest)
    assert all_texts(message.blocks) == [
        "No news about “&lt;!here&gt;” in 2024-05-01 00:00 – 2024-05-02 00:00 UTC."
    ]


def test_a_digest_of_a_fuller_window_says_so_under_its_heading_escaped() -> None:
    since, until = datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC)
    items = [DigestItem("Headline", "Summary.", [citation()])]
    read_from = datetime(2024, 5, 1, 14, 20, 30, tzinfo=UTC)
    for listed in (items, []):
        digest = Digest(
            since, until, listed, topic="<!here>", more=3, read_limit=2000, read_from=read_from
        )
        [message] = render_digest(digest)
        texts = all_texts(message.blocks)
        assert texts[1] == (
            "This window holds more than 2,000 articles: this digest is of the newest 2,000, "
            "published since 2024-05-01 14:20 UTC; `newsbot digest --since 2024-05-01T00:00Z "
            "--until 2024-05-01T14:21Z --topic '&lt;!here&gt;'` covers the older ones."
        )
        assert "<!here>" not in json.dumps(message.blocks)


def test_notices_are_escaped_and_help_is_preformatted() -> None:
    [help_message] = render_reply(Notice(HELP, private=True, preformatted=True))
    assert help_message.blocks[0]["text"]["text"].startswith("```Ask me about the news")
    [notice] = render_reply(Notice("Feeds I read:\nhttps://a.example/rss (Evil <!channel> feed)"))
    assert notice.blocks[0]["text"]["text"].endswith("(Evil &lt;!channel&gt; feed)")


def test_request_header_names_the_asker_only_by_a_real_user_id() -> None:
    assert (
        request_header("U0ASKER", "digest <!here>", question=False)
        == "<@U0ASKER> used /news digest &lt;!here&gt;"
    )
    assert request_header("U1>|<!channel", "q", question=True) == "Someone asked: q"
