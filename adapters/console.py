"""The console front end: no tokens, plain text, the same command grammar as Slack and Discord."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.commands import CommandContext, Commands, Notice, Reply
from bot.render import answer_text, digest_text
from bot.types import Answer, ChannelRef, Digest

__all__ = ["ConsoleFrontEnd", "render_reply"]

CHANNEL = ChannelRef("console", "local")


def render_reply(reply: Reply) -> str:
    if isinstance(reply, Answer):
        return answer_text(reply)
    if isinstance(reply, Digest):
        return digest_text(reply)
    return reply.text if isinstance(reply, Notice) else str(reply)


class ConsoleFrontEnd:
    """Reads commands from a stream and prints replies; also the console's ChatSink."""

    platform = "console"
    # Someone is watching the terminal: "no news" is worth saying there.
    posts_empty = True

    def __init__(self, commands: Commands, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.commands = commands
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        # The person at the terminal owns this bot: they may manage feeds and schedules.
        self.context = CommandContext(CHANNEL, user_id=_local_user(), is_admin=True)

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        self.write("\n" + digest_text(digest))
        return None

    async def run(self) -> None:
        """Serve until end of input or `quit`."""
        interactive = self.stdin.isatty()
        self.write("newsbot console — ask a question, or type help. quit (or Ctrl-D) ends.")
        while True:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if text.lower() in ("quit", "exit", "q"):
                break
            reply = await asyncio.to_thread(self.commands.handle, text, self.context)
            self.write(render_reply(reply))


def _local_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return "console"
