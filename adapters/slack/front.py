"""The Slack front end: a slack-bolt AsyncApp in Socket Mode or HTTP mode, and a ChatSink."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.admins import AdminCheck
from adapters.slack.dedupe import SeenEvents, retry_middleware
from adapters.slack.guard import RequestGuard
from adapters.slack.installs import DatabaseInstallationStore, DatabaseStateStore
from adapters.slack.listeners import NewsListeners, post_message
from adapters.slack.logs import slack_logger
from adapters.slack.render import render_digest, render_live
from adapters.slack.workspace import WorkspaceListeners
from bot.config import Settings
from bot.errors import NewsbotError
from bot.installs import SlackInstalls
from bot.logs import secret_values
from bot.service import ChatService
from bot.tenants import Tenant
from bot.types import ChannelRef, Digest, LiveItem

__all__ = [
    "BOT_SCOPES",
    "EVENTS_PATH",
    "INSTALL_PATH",
    "REDIRECT_PATH",
    "SlackFrontEnd",
    "SlackSetupError",
]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# The OAuth install (a distributed app): where it begins and where Slack sends the installer.
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# An install begun at INSTALL_PATH must come back within this many seconds.
STATE_TTL_S = 600
# What newsbot asks a workspace for (docs/slack.md lists the same with their reasons).
BOT_SCOPES = (
    "commands",
    "app_mentions:read",
    "chat:write",
    "chat:write.public",
    "users:read",
    "im:history",
)
# Slack's answers to auth.test that mean the token itself is wrong.
_BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class SlackSetupError(NewsbotError):
    """Slack cannot start: a token is missing or Slack refuses it."""


def _check_settings(settings: Settings) -> None:
    """Refuse, in one sentence, settings Slack cannot start with."""
    if settings.slack_oauth:
        if settings.slack_signing_secret is None:
            raise SlackSetupError(
                "Slack's OAuth install needs SLACK_SIGNING_SECRET: it serves /slack/install "
                "and /slack/events in HTTP mode."
            )
        if settings.slack_app_token is not None:
            raise SlackSetupError(
                "Slack's OAuth install runs in HTTP mode: unset SLACK_APP_TOKEN "
                "(or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for one workspace in Socket Mode)."
            )
        if settings.slack_bot_token is not None:
            log.warning(
                "SLACK_BOT_TOKEN is not used: with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "every workspace installs newsbot at %s",
                INSTALL_PATH,
            )
        return
    if settings.slack_bot_token is None:
        raise SlackSetupError(
            "Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to be "
            "installed by OAuth."
        )
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise SlackSetupError(
            "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)."
        )


class SlackFrontEnd:
    """Serves `/news`, mentions, direct messages and the Home tab until cancelled, and posts
    scheduled digests and live items (a ChatSink): for one workspace (its bot token), or for
    every workspace that installed newsbot by OAuth."""

    platform = "slack"

    def __init__(
        self,
        chat: ChatService,
        settings: Settings,
        *,
        host: str = "0.0.0.0",
        shutdown_grace_s: float = 10.0,
    ) -> None:
        _check_settings(settings)
        self.settings = settings
        self.host = host
        self.shutdown_grace_s = shutdown_grace_s
        self.logger = slack_logger(secret_values(settings))
        base_url = (
            settings.slack_api_url
            if settings.slack_api_url.endswith("/")
            else settings.slack_api_url + "/"
        )
        self.base_url = base_url
        # In OAuth mode this client has no token: each workspace's comes from the database.
        token = None if settings.slack_oauth else settings.slack_bot_token
        self.client = self._web_client(token.get_secret_value() if token is not None else None)
        signing_secret = settings.slack_signing_secret
        # The OAuth install's workspaces and their tokens, kept in the bot's database.
        self.installs: SlackInstalls | None = (
            chat.slack_installs(settings.slack_client_id)
            if settings.slack_oauth and settings.slack_client_id
            else None
        )
        self.app = AsyncApp(
            name="newsbot",
            client=self.client,
            # Always given (empty in Socket Mode): else Bolt reads SLACK_SIGNING_SECRET itself.
            signing_secret=signing_secret.get_secret_value() if signing_secret is not None else "",
            logger=self.logger,
            oauth_settings=self._oauth_settings(self.installs) if self.installs else None,
        )
        self.listeners = NewsListeners(chat, AdminCheck(settings.slack_admin_user_ids))
        self.workspace = WorkspaceListeners(chat, self.installs)
        self.seen_events = SeenEvents(chat)
        self.app.middleware(retry_middleware(self.seen_events))
        self.app.command("/news")(self.listeners.on_news)
        self.app.event("app_mention")(self.listeners.on_mention)
        self.app.event("message")(self.listeners.on_message)
        self.app.event("app_home_opened")(self.workspace.on_home_opened)
        if self.installs is not None:
            self.app.event("app_uninstalled")(self.workspace.on_uninstalled)
            self.app.event("tokens_revoked")(self.workspace.on_tokens_revoked)
        # HTTP mode's door: unsigned or unreadable requests never reach Bolt.
        self.guard = RequestGuard(
            EVENTS_PATH,
            signing_secret.get_secret_value() if signing_secret is not None else "-",
        )
        self.ready = asyncio.Event()
        self.address: tuple[str, int] | None = None
        # More routes for the HTTP-mode server (`/healthz`, `/metrics`).
        self.extra_routes: list[Callable[[web.Application], None]] = []
        self._socket_handler: AsyncSocketModeHandler | None = None

    def _web_client(self, token: str | None) -> AsyncWebClient:
        return AsyncWebClient(
            token=token,
            base_url=self.base_url,
            logger=self.logger,
            # Slack's 429s carry Retry-After: wait and send again rather than drop the message.
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(max_retry_count=2),
                AsyncRateLimitErrorRetryHandler(max_retry_count=3),
                AsyncServerErrorRetryHandler(max_retry_count=2),
            ],
        )

    def _oauth_settings(self, installs: SlackInstalls) -> AsyncOAuthSettings:
        """Bolt's OAuth flow (/slack/install, /slack/oauth_redirect) over our own database."""
        settings = self.settings
        assert settings.slack_client_secret is not None
        client_id = installs.client_id
        client_secret = settings.slack_client_secret.get_secret_value()
        store = DatabaseInstallationStore(installs, self.logger)
        oauth = AsyncOAuthSettings(
            client_id=client_id,
            client_secret=client_secret,
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            redirect_uri=settings.slack_redirect_uri,
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            installation_store=store,
            state_store=DatabaseStateStore(installs, STATE_TTL_S, self.logger),
            state_expiration_seconds=STATE_TTL_S,
            logger=self.logger,
        )
        # Bolt's own authorize, but remembering each token's auth.test answer: else every
        # request would call auth.test before it is acknowledged.
        oauth.authorize = AsyncInstallationStoreAuthorize(
            logger=self.logger,
            installation_store=store,
            client_id=client_id,
            client_secret=client_secret,
            cache_enabled=True,
            client=self.client,
        )
        return oauth

    async def _client_for(self, channel: ChannelRef) -> AsyncWebClient:
        """The client that posts into ``channel``: its workspace's token in OAuth mode."""
        if self.installs is None:
            return self.client
        tenant = Tenant.parse(channel.tenant) if channel.tenant else None
        installs = self.installs
        found = await asyncio.to_thread(installs.for_tenant, tenant) if tenant else None
        if found is None or not found.bot_token:
            raise SlackSetupError(f"no Slack workspace installed for {channel} ({tenant})")
        return self._web_client(found.bot_token)

    @property
    def socket_mode(self) -> bool:
        return self.settings.slack_app_token is not None

    async def connected(self) -> bool:
        """Serving: listening in HTTP mode, or a live Socket Mode connection."""
        if not self.ready.is_set():
            return False
        handler = self._socket_handler
        if handler is None:
            return True
        return bool(await handler.client.is_connected())

    async def run(self) -> None:
        """Serve until cancelled: Socket Mode with an app token, else HTTP (/slack/events)."""
        await self._check_token()
        try:
            if self.socket_mode:
                await self._serve_socket_mode()
            else:
                await self._serve_http()
        finally:
            self.ready.clear()
            await self._drain()

    async def post_digest(self, channel: ChannelRef, digest: Digest) -> str | None:
        """Post ``digest`` (in several messages when long); the first message's ts."""
        client = await self._client_for(channel)
        first: str | None = None
        for message in render_digest(digest):
            ts = await post_message(client, channel.channel_id, channel.thread_id, message)
            first = first or ts
        return first

    async def post_live(self, channel: ChannelRef, post: LiveItem) -> str | None:
        """Post one live feed item (or the "and K more" line); its ts."""
        client = await self._client_for(channel)
        first: str | None = None
        for message in render_live(post):
            ts = await post_message(client, channel.channel_id, channel.thread_id, message)
            first = first or ts
        return first

    async def _check_token(self) -> None:
        if self.settings.slack_oauth:
            return  # each workspace's token is checked when its requests come
        try:
            identity = await self.client.auth_test()
            self._share_identity(identity)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in _BAD_TOKEN:
                raise SlackSetupError(f"Slack refused SLACK_BOT_TOKEN ({error}).") from None
            log.warning("Slack auth.test failed (%s); starting anyway", error)
        except Exception as exc:  # noqa: BLE001 - Slack may be briefly unreachable; Bolt retries later
            log.warning("Slack auth.test failed (%s); starting anyway", exc.__class__.__name__)

    def _share_identity(self, identity: AsyncSlackResponse) -> None:
        """Give Bolt the auth.test answer we already have. Else every request that arrives
        before Bolt's own first call returns makes that call again: 50 questions in the
        first second of a fresh process meant 50 auth.test calls ahead of their acks."""
        for middleware in getattr(self.app, "_async_middleware_list", ()):
            if isinstance(middleware, AsyncSingleTeamAuthorization):
                middleware.auth_test_result = middleware.auth_test_result or identity

    async def _serve_http(self) -> None:
        web_app = self.app.web_app(path=EVENTS_PATH, port=self.settings.port)
        web_app.middlewares.append(self.guard.middleware)
        for add_routes in self.extra_routes:
            add_routes(web_app)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.settings.port)
            try:
                await site.start()
            except OSError as exc:
                raise SlackSetupError(
                    f"Slack HTTP mode cannot listen on port {self.settings.port}: {exc.strerror}."
                ) from None
            host, port = runner.addresses[0][:2]
            self.address = (str(host), int(port))
            log.info("Slack HTTP mode: listening on %s:%s%s", host, port, EVENTS_PATH)
            self.ready.set()
            await asyncio.get_running_loop().create_future()  # until cancelled
        finally:
            await runner.cleanup()

    async def _serve_socket_mode(self) -> None:
        assert self.settings.slack_app_token is not None
        handler = AsyncSocketModeHandler(
            self.app,
            app_token=self.settings.slack_app_token.get_secret_value(),
            logger=self.logger,
            web_client=self.client,
        )
        self._socket_handler = handler
        try:
            # slack-bolt's Socket Mode handler is not annotated.
            await handler.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack Socket Mode: connected")
            self.ready.set()
            await asyncio.get_running_loop().create_future()  # until cancelled
        finally:
            self._socket_handler = None
            await handler.close_async()  # type: ignore[no-untyped-call]

    async def _drain(self) -> None:
        """Let answers already being worked on finish (briefly), then cancel the rest."""
        pending = {task for task in self.listeners.inflight if not task.done()}
        if not pending:
            return
        _, still = await asyncio.wait(pending, timeout=self.shutdown_grace_s)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=1.0)
