"""The Bolt listeners: `/news`, `@newsbot` mentions and direct messages, into the core."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.admins import AdminCheck
from adapters.slack.incoming import command_text
from adapters.slack.render import SlackMessage, render_reply, request_header
from bot.commands import Command, CommandContext, CommandName, Notice, Reply
from bot.render import SORRY
from bot.service import ChatService
from bot.tenants import Tenant
from bot.types import ChannelRef

__all__ = ["NewsListeners", "SORRY", "post_message"]

log = logging.getLogger(__name__)

# Slack accepts five messages through one response_url; any more go by chat.postMessage.
RESPONSE_URL_USES = 5


class SlackReplyError(Exception):
    """Slack did not take a reply (a response_url that answered with an error)."""


class NewsListeners:
    """Turns Slack requests into core commands and posts the rendered replies."""

    def __init__(self, chat: ChatService, admins: AdminCheck) -> None:
        self.chat = chat
        self.admins = admins
        self.inflight: set[asyncio.Task[Any]] = set()

    async def on_news(
        self,
        ack: Callable[..., Awaitable[Any]],
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """`/news TEXT`: acknowledge at once, then answer into the channel, naming the asker."""
        await ack()  # Before any work: Slack gives up after three seconds.
        with self._tracked():
            # Its trigger id claimed first: one answer however many instances receive it.
            trigger = str(command.get("trigger_id") or "")
            if not await self.chat.claim("slack", "command", trigger):
                return
            text = command_text(command.get("text") or "")
            user = command.get("user_id") or ""
            channel = command.get("channel_id") or ""
            try:
                parsed = self.chat.parse(text)
                reply = await self._run(parsed, ChannelRef("slack", channel), user, context, client)
                # Refusals, errors and help are for the asker only; the rest is for the channel.
                private = isinstance(reply, Notice) and reply.private
                question = parsed.name is CommandName.ASK
                header = None if private else request_header(user, text, question=question)
                for number, message in enumerate(render_reply(reply, header=header)):
                    if number < RESPONSE_URL_USES:
                        await _respond(respond, message, "ephemeral" if private else "in_channel")
                    else:
                        await post_message(client, channel, None, message)
            except Exception:
                log.exception("/news failed for %s in %s", user, channel)
                with suppress(Exception):
                    await respond(text=SORRY, response_type="ephemeral", replace_original=False)

    async def on_mention(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """`@newsbot TEXT`: answer in the thread of the mention."""
        if _not_for_us(event) or _is_direct(event):
            return  # A direct message is answered as one (on_message), once.
        text = command_text(event.get("text") or "", bot_user_id=context.bot_user_id, mention=True)
        thread = event.get("thread_ts")
        await self._answer(event, context, client, text, thread, thread or event.get("ts"))

    async def on_message(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """A direct message to newsbot: answered in the conversation (in its thread, if any).
        Messages in channels are left to mentions."""
        if _not_for_us(event) or not _is_direct(event):
            return
        text = command_text(event.get("text") or "", bot_user_id=context.bot_user_id)
        thread = event.get("thread_ts")
        await self._answer(event, context, client, text, thread, thread)

    async def _answer(
        self,
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        text: str,
        thread: str | None,
        reply_in: str | None,
    ) -> None:
        with self._tracked():
            channel = event.get("channel") or ""
            user = event.get("user") or ""
            try:
                # Subscriptions made in a thread post there; made at top level, into the channel.
                reply = await self._run(
                    self.chat.parse(text),
                    ChannelRef("slack", channel, thread),
                    user,
                    context,
                    client,
                )
                for message in render_reply(reply):
                    await post_message(client, channel, reply_in, message)
            except Exception:
                log.exception("message failed for %s in %s", user, channel)
                with suppress(Exception):
                    await client.chat_postMessage(channel=channel, thread_ts=reply_in, text=SORRY)

    async def _run(
        self,
        command: Command,
        channel: ChannelRef,
        user: str,
        bolt: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> Reply:
        # users.info only when the command needs it: most messages are questions.
        is_admin = (
            await self.admins.is_admin(user, client, bolt.team_id or "")
            if command.needs_admin
            else False
        )
        tenant = Tenant.slack(bolt.team_id, bolt.enterprise_id)
        context = CommandContext(channel, user_id=user, is_admin=is_admin, tenant=tenant)
        return await self.chat.run(command, context)

    @contextmanager
    def _tracked(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is not None:
            self.inflight.add(task)
        try:
            yield
        finally:
            if task is not None:
                self.inflight.discard(task)


def _not_for_us(event: dict[str, Any]) -> bool:
    # Other bots (no bot-to-bot loops), edits, joins and other subtypes.
    return bool(event.get("bot_id") or event.get("subtype"))


def _is_direct(event: dict[str, Any]) -> bool:
    """A message in a direct conversation with newsbot (its channel id starts with D)."""
    return event.get("channel_type") == "im" or str(event.get("channel") or "").startswith("D")


async def _respond(respond: AsyncRespond, message: SlackMessage, response_type: str) -> None:
    response = await respond(
        **message.as_kwargs(),
        response_type=response_type,
        replace_original=False,
        unfurl_links=False,
        unfurl_media=False,
    )
    if response.status_code != 200:
        raise SlackReplyError(
            f"response_url answered {response.status_code}: {response.body[:200]}"
        )


async def post_message(
    client: AsyncWebClient, channel: str, thread: str | None, message: SlackMessage
) -> str | None:
    """chat.postMessage without link previews; the message's ts."""
    response = await client.chat_postMessage(
        channel=channel,
        thread_ts=thread,
        unfurl_links=False,
        unfurl_media=False,
        **message.as_kwargs(),
    )
    ts = response.get("ts")
    return ts if isinstance(ts, str) else None
