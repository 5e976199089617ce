"""The console front end: no tokens, plain text, the same command grammar as Slack and Discord."""

from __future__ import annotations

import asyncio
import getpass
import sys
import threading
from typing import TextIO

from bot.commands import CommandContext, Notice, Reply
from bot.render import answer_text, digest_text, live_text
from bot.service import ChatService
from bot.tenants import Tenant
from bot.types import Answer, ChannelRef, Digest, LiveItem

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

    def __init__(
        self, chat: ChatService, stdin: TextIO | None = None, stdout: TextIO | None = None
    ) -> None:
        self.chat = chat
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        # The person at the terminal runs this bot: they may manage feeds and schedules.
        self.context = CommandContext(
            CHANNEL, user_id=_local_user(), is_admin=True, operator=True, tenant=Tenant.console()
        )

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        self.write("\n" + digest_text(digest))
        return None

    async def post_live(self, channel: ChannelRef, post: LiveItem) -> str | None:
        self.write("\n" + live_text(post))
        return None

    async def run(self) -> None:
        """Serve until end of input, `quit`, Ctrl-C or cancellation."""
        interactive = self.stdin.isatty()
        self.write("newsbot console — ask a question, or type help. quit, Ctrl-D or Ctrl-C ends.")
        lines = self._lines()
        while True:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await lines.get()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if text.lower() in ("quit", "exit", "q"):
                break
            reply = await self.chat.handle(text, self.context)
            self.write(render_reply(reply) + ("" if interactive else "\n"))

    def _lines(self) -> asyncio.Queue[str]:
        """Input lines, read by a daemon thread: a read blocked on the terminal must not
        keep the process alive after Ctrl-C or SIGTERM (a worker thread would)."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()

        def read() -> None:
            while True:
                try:
                    line = self.stdin.readline()
                except (OSError, ValueError):
                    line = ""
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                except RuntimeError:  # the loop has closed
                    return
                if not line:
                    return

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return queue


def _local_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return "console"
