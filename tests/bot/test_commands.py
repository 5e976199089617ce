from __future__ import annotations

import pytest

from bot.app import Core, open_core
from bot.commands import CommandContext, Notice, parse_command
from bot.config import Settings
from bot.types import Answer, ChannelRef, Digest

ADMIN = CommandContext(ChannelRef("slack", "C1"), user_id="U1", is_admin=True)
MEMBER = CommandContext(ChannelRef("slack", "C1"), user_id="U2", is_admin=False)


@pytest.fixture
def core(settings: Settings) -> Core:
    return open_core(settings)


@pytest.mark.parametrize(
    ("text", "name", "rest"),
    [
        ("who backs Haftar?", "ask", "who backs Haftar?"),
        ("ask   who backs  Haftar?", "ask", "who backs Haftar?"),
        ("digest", "digest", ""),
        ("Digest storm vest", "digest", "storm vest"),
        ("subscribe daily 08:00 Europe/Oslo libya", "subscribe", "daily 08:00 Europe/Oslo libya"),
        ("unsubscribe 3", "unsubscribe", "3"),
        ("subscriptions", "subscriptions", ""),
        ("feeds add https://x.test/rss", "feeds_add", "https://x.test/rss"),
        ("feeds list", "feeds_list", ""),
        ("feeds remove https://x.test/rss", "feeds_remove", "https://x.test/rss"),
        ("help", "help", ""),
        ("", "help", ""),
        # Typed at the console as in Slack: the slash and "/news" say nothing more.
        ("/help", "help", ""),
        ("/news digest storm", "digest", "storm"),
        ("/newsletter?", "ask", "newsletter?"),
    ],
)
def test_one_grammar(text: str, name: str, rest: str) -> None:
    command = parse_command(text)
    assert (command.name, command.text) == (name, rest)


def test_a_command_with_a_nul_stores_no_nul(db_url: str, settings: Settings) -> None:
    # PostgreSQL cannot store a NUL; a command holding one is read as if it were a space.
    core = open_core(settings.model_copy(update={"database_url": db_url}))
    reply = core.commands.handle("subscribe every 1 hour \x00Libya\x07", ADMIN)
    assert reply.ok, reply.text
    assert reply.text == "Subscribed (#1): a digest about “Libya” every 1 hour."
    assert "“Libya”" in core.commands.handle("subscriptions", ADMIN).text


def test_a_time_zone_is_an_iana_name_in_any_case_and_never_a_topic(core: Core) -> None:
    lower = core.commands.handle("subscribe daily 08:00 europe/oslo Libya", ADMIN)
    assert lower.text == "Subscribed (#1): a digest about “Libya” daily at 08:00 (Europe/Oslo)."
    # An abbreviation or an offset follows no summer time: refused with what to write,
    # not taken for the topic "CET".
    # PST is the security service, a topic.
    pst = core.commands.handle("subscribe daily 09:00 PST", ADMIN)
    assert pst.text == "Subscribed (#2): a digest about “PST” daily at 09:00 (Europe/Oslo)."
    for zone in ("CET", "EST", "GMT+1", "UTC+02:00"):
        reply = core.commands.handle(f"subscribe daily 07:00 {zone} Libya", ADMIN)
        assert not reply.ok, reply.text
        assert f"“{zone}” does not follow summer time" in reply.text
        assert "Europe/Oslo" in reply.text
    assert "#3" not in core.commands.handle("subscriptions", ADMIN).text


def test_a_digest_topic_is_a_few_words_not_a_text(core: Core) -> None:
    reply = core.commands.handle("subscribe daily 08:00 " + "storm " * 1000, ADMIN)
    assert not reply.ok
    assert reply.text == "A digest's topic is at most 200 characters; this one has 5,999."
    assert "no scheduled digests" in core.commands.handle("subscriptions", ADMIN).text


def test_adding_a_feed_says_which_entries_could_not_be_stored(core: Core) -> None:
    from tests.support.httpserver import serve

    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Avisa</title>'
        "<item><title>God sak</title><link>https://avisa.example/1</link><description>"
        # Long enough to be no teaser: its page is not fetched.
        + "Bystyret vedtok budsjettet etter en lang debatt om skolene. "
        * 20
        + "</description></item>"
        "<item><title>Skript</title><link>javascript:alert(1)</link>"
        "<description>Aldri en artikkel.</description></item></channel></rss>"
    ).encode()
    console = CommandContext(ChannelRef("console", "local"), "me", True, operator=True)
    with serve() as site:
        feed = site.add("/rss", body=body, headers={"Content-Type": "application/rss+xml"})
        reply = core.commands.handle(f"feeds add {feed}", console)
    assert reply.ok, reply.text
    assert reply.text.startswith(f"Added {feed}: 1 new article. 1 entry could not be stored")
    assert "its link 'javascript:alert(1)' is not a web address" in reply.text


def test_questions_and_digests_for_everyone(core: Core) -> None:
    assert isinstance(core.commands.handle("who backs Haftar?", MEMBER), Answer)
    assert isinstance(core.commands.handle("digest", MEMBER), Digest)


def test_members_may_not_change_feeds_or_subscriptions(core: Core) -> None:
    for text in [
        "subscribe daily 08:00",
        "unsubscribe 1",
        "feeds add https://x.test/rss",
        "feeds remove https://x.test/rss",
    ]:
        reply = core.commands.handle(text, MEMBER)
        assert isinstance(reply, Notice) and not reply.ok
        assert (
            reply.text == "Sorry, only admins can change this workspace's feeds and subscriptions."
        )
    reply = core.commands.handle("subscriptions", MEMBER)
    assert reply.text.startswith("This channel has no scheduled digests")


def test_subscribe_list_and_unsubscribe(core: Core) -> None:
    reply = core.commands.handle("subscribe daily 8:00 Europe/Oslo Libya Haftar", ADMIN)
    assert (
        reply.ok
        and reply.text
        == "Subscribed (#1): a digest about “Libya Haftar” daily at 08:00 (Europe/Oslo)."
    )
    core.commands.handle("subscribe every 6 hours", ADMIN)
    listing = core.commands.handle("subscriptions", ADMIN).text
    assert (
        "#1: daily at 08:00 (Europe/Oslo) about “Libya Haftar”" in listing
        and "#2: every 6 hours" in listing
    )
    other_channel = CommandContext(ChannelRef("slack", "C2"), "U1", True)
    assert "no scheduled digests" in core.commands.handle("subscriptions", other_channel).text
    ambiguous = core.commands.handle("unsubscribe", ADMIN)
    assert not ambiguous.ok and "several digests (#1, #2)" in ambiguous.text
    assert core.commands.handle("unsubscribe #2", ADMIN).text == "Unsubscribed #2."
    assert core.commands.handle("unsubscribe", ADMIN).text == "Unsubscribed #1."
    # A removed digest's number is never given again: an old "unsubscribe 2" must not
    # remove a newer digest.
    again = core.commands.handle("subscribe every 6 hours", ADMIN)
    assert again.text.startswith("Subscribed (#3)"), again.text
    assert core.commands.handle("unsubscribe 2", ADMIN).ok is False


def test_the_same_digest_twice_in_a_channel_is_one_digest(core: Core) -> None:
    first = core.commands.handle("subscribe daily 08:00 Europe/Oslo ferje", ADMIN)
    assert first.ok and first.text.startswith("Subscribed (#1)")
    again = core.commands.handle("subscribe daily 8:00 Europe/Oslo Ferje", ADMIN)
    assert again.text == (
        "This channel has that digest already (#1): daily at 08:00 (Europe/Oslo) about “Ferje”."
    )
    # Another topic or time is another digest.
    assert core.commands.handle("subscribe daily 08:00 Europe/Oslo storm", ADMIN).text.startswith(
        "Subscribed (#2)"
    )
    listing = core.commands.handle("subscriptions", ADMIN).text
    assert listing.count("daily at 08:00") == 2


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("subscribe", "Say when"),
        ("subscribe daily 25:00", "“25:00” is not a time of day"),
        ("subscribe daily 08:00 Mars/Olympus", "“Mars/Olympus” is not a time zone"),
        ("subscribe every 5 minutes", "The shortest interval here is 60 minutes"),
        ("subscribe sometimes", "“sometimes” is not a schedule"),
        ("subscribe daily 08:00 --since 2020", "--since is an option of `newsbot digest`"),
        ("unsubscribe 42", "no subscription #42"),
        ("feeds add ftp://x.test/feed", "starts with http"),
        ("feeds remove https://x.test/none", "This workspace does not read"),
    ],
)
def test_bad_commands_get_one_clear_sentence(core: Core, text: str, error: str) -> None:
    reply = core.commands.handle(text, ADMIN)
    assert isinstance(reply, Notice) and not reply.ok
    assert error in reply.text


@pytest.mark.parametrize(
    ("text", "option"),
    [
        ("digest --since 2020-01-01", "--since"),
        ("digest Libya --hours 6", "--hours"),
        ("digest —since 2020-01-01", "—since"),  # as Slack's or a Mac's typing retypes "--"
        ("digest --max-items 50", "--max-items"),
    ],
)
def test_a_chat_digest_says_it_takes_no_options_rather_than_taking_them_as_a_topic(
    core: Core, text: str, option: str
) -> None:
    reply = core.commands.handle(text, MEMBER)
    assert isinstance(reply, Notice) and not reply.ok and reply.private
    assert reply.text == (
        "In chat, digest takes a topic only and covers the last day: digest [topic]. "
        f"{option} is an option of `newsbot digest` on the server."
    )
    # A topic with a dash in it is still a topic.
    assert isinstance(core.commands.handle("digest Covid-19 -vaksine", MEMBER), Digest)


def test_console_may_subscribe_every_minute(core: Core) -> None:
    console = CommandContext(ChannelRef("console", "local"), "me", True, operator=True)
    assert core.commands.handle("subscribe every 1 minute", console).ok


def test_feeds_add_refuses_internal_addresses_before_storing(core: Core) -> None:
    reply = core.commands.handle("feeds add http://169.254.169.254/latest/meta-data", ADMIN)
    assert not reply.ok and "link-local address" in reply.text
    assert "no feeds" in core.commands.handle("feeds list", ADMIN).text.lower()


def test_only_feed_and_schedule_changes_need_an_admin() -> None:
    assert parse_command("feeds add https://x.example/rss").needs_admin
    assert parse_command("subscribe daily 08:00").needs_admin
    assert parse_command("unsubscribe 3").needs_admin
    assert parse_command("feeds remove https://x.example/rss").needs_admin
    assert not parse_command("feeds list").needs_admin
    assert not parse_command("who backs Haftar?").needs_admin
    assert not parse_command("subscriptions").needs_admin
