"""The one command grammar every front end feeds: typed commands, parsed once here.

ask QUESTION | QUESTION          digest [TOPIC]
subscribe SCHEDULE [ZONE] [TOPIC] unsubscribe [ID]      subscriptions
feeds add URL | feeds list | feeds remove URL          help
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.tenants import Tenant
from bot.text import one_line
from bot.types import Answer, ChannelRef, Digest
from storage import TenantScope

__all__ = [
    "HELP",
    "Command",
    "CommandContext",
    "CommandName",
    "Notice",
    "Reply",
    "options_in",
    "parse_command",
]

HELP = """\
Ask me about the news, and I answer with quotes and numbered sources.
  who backs Haftar?                 ask anything (or: ask QUESTION)
  digest [topic]                    the last day's stories, one item per story
  subscribe daily 08:00 [Europe/Oslo] [topic]
  subscribe weekdays 07:30 [topic]  |  subscribe every 6 hours [topic]
  subscriptions                     this channel's scheduled digests
  unsubscribe [id]                  stop one (or this channel's only) digest
  feeds add URL | feeds list | feeds remove URL
  feeds add URL here                post its new items here as they arrive
  feeds remove URL here             stop posting it here
  help                              this text"""


class CommandName(StrEnum):
    ASK = "ask"
    DIGEST = "digest"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SUBSCRIPTIONS = "subscriptions"
    FEEDS_ADD = "feeds_add"
    FEEDS_LIST = "feeds_list"
    FEEDS_REMOVE = "feeds_remove"
    HELP = "help"

    @property
    def needs_admin(self) -> bool:
        """Commands that change what a channel receives: only admins may run them."""
        return self in _ADMIN

    @property
    def costly(self) -> bool:
        """Commands that cost real work (retrieval, ranking, maybe an LLM call): rate limited."""
        return self in _COSTLY


_ADMIN = frozenset(
    {
        CommandName.SUBSCRIBE,
        CommandName.UNSUBSCRIBE,
        CommandName.FEEDS_ADD,
        CommandName.FEEDS_REMOVE,
    }
)
_COSTLY = frozenset({CommandName.ASK, CommandName.DIGEST})


@dataclass(frozen=True)
class Command:
    """One typed command: its name and its argument text (also as words)."""

    name: CommandName
    text: str = ""
    words: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, name: CommandName, text: str = "") -> Command:
        """A command built from structured input (an app command's arguments)."""
        text = " ".join(text.split())
        return cls(name, text, text.split(" ") if text else [])

    @property
    def needs_admin(self) -> bool:
        return self.name.needs_admin


@dataclass(frozen=True)
class CommandContext:
    """Who asks, where, and what they may do.

    ``operator`` is the person running the bot at its own terminal: no rate limits,
    and schedules as short as a minute. ``tenant`` owns what the command changes and
    decides which feeds' articles it sees; front ends fill it from the event (without
    one, the channel's platform stands for a single team).
    """

    channel: ChannelRef
    user_id: str = ""
    is_admin: bool = False
    operator: bool = False
    tenant: Tenant | None = None

    @property
    def owner(self) -> Tenant:
        """The tenant that owns what this command adds, lists or removes."""
        return self.tenant or Tenant(self.channel.platform)

    @property
    def scope(self) -> TenantScope:
        """Whose articles answers and digests draw on."""
        return self.owner.scope


@dataclass(frozen=True)
class Notice:
    """A plain reply: a confirmation, a listing, a refusal or an error sentence.

    ``private`` replies concern only the asker (refusals, errors, help); ``preformatted``
    text is aligned in columns and shown as it is.
    """

    text: str
    ok: bool = True
    private: bool = False
    preformatted: bool = False

    @classmethod
    def refusal(cls, text: str) -> Notice:
        """A refusal or an error: for the asker's eyes only."""
        return cls(text, ok=False, private=True)


Reply = Answer | Digest | Notice

_WORDS = {
    "help": CommandName.HELP,
    "hjelp": CommandName.HELP,
    "?": CommandName.HELP,
    "ask": CommandName.ASK,
    "digest": CommandName.DIGEST,
    "subscribe": CommandName.SUBSCRIBE,
    "unsubscribe": CommandName.UNSUBSCRIBE,
    "subscriptions": CommandName.SUBSCRIPTIONS,
    "subs": CommandName.SUBSCRIPTIONS,
}
_FEED_ACTIONS = {
    "add": CommandName.FEEDS_ADD,
    "list": CommandName.FEEDS_LIST,
    "remove": CommandName.FEEDS_REMOVE,
}


# An option word: "--since", or as chat apps retype it, "—since" or "–since".
_OPTION = re.compile(r"^(?:--|[—–])\w")


def options_in(words: list[str]) -> list[str]:
    """The words of a command's argument that are written as command-line options."""
    return [word for word in words if _OPTION.match(word)]


_SLASHED = re.compile(r"^/(?:news\b\s*)?(?=\w|$)", re.IGNORECASE)


def parse_command(text: str) -> Command:
    """Turn a line of chat into a command; anything unrecognised is a question. Characters
    that are not printable (a NUL, which PostgreSQL cannot store) are spaces."""
    stripped = one_line(text)
    # Typed as in Slack or Discord ("/news digest", "/help"): the same command.
    stripped = _SLASHED.sub("", stripped, count=1)
    if not stripped:
        return Command(CommandName.HELP)
    head, _, rest = stripped.partition(" ")
    head = head.lower()
    if head == "feeds":
        action, _, argument = rest.partition(" ")
        return Command.of(_FEED_ACTIONS.get(action.lower(), CommandName.FEEDS_LIST), argument)
    name = _WORDS.get(head)
    if name is None:
        return Command(CommandName.ASK, stripped)
    if name in (CommandName.HELP, CommandName.SUBSCRIPTIONS):
        return Command(name)
    return Command.of(name, rest)
