"""Slack's part of `newsbot doctor`: the token (`auth.test`) and each subscribed channel, or
with the OAuth install, each installed workspace's token."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.front import INSTALL_PATH
from bot.config import Settings
from bot.doctor import Check, Status
from bot.installs import SlackInstallation
from bot.types import ChannelRef

__all__ = ["slack_checks", "slack_install_checks"]


async def slack_checks(settings: Settings, channels: list[ChannelRef]) -> list[Check]:
    assert settings.slack_bot_token is not None
    base_url = settings.slack_api_url.rstrip("/") + "/"
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=base_url)
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        return [
            Check(
                "Slack",
                Status.FAIL,
                f"Slack refused SLACK_BOT_TOKEN ({error})",
                "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
            )
        ]
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the finding
        return [
            Check(
                "Slack",
                Status.FAIL,
                f"cannot reach {base_url} ({exc.__class__.__name__})",
                "check the network and SLACK_API_URL",
            )
        ]
    mode = "Socket Mode" if settings.slack_app_token is not None else "HTTP mode"
    checks = [Check("Slack", Status.OK, f"{auth.get('user')} in {auth.get('team')}, {mode}")]
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        checks.append(
            Check(
                "Slack",
                Status.FAIL,
                "neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set",
                "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)",
            )
        )
    for channel in channels:
        checks.append(await _channel(client, channel))
    return checks


async def _channel(client: AsyncWebClient, channel: ChannelRef) -> Check:
    name = f"subscription {channel}"
    try:
        info = await client.conversations_info(channel=channel.channel_id)
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error == "missing_scope":
            return Check(
                name, Status.WARN, "cannot check (the app lacks channels:read)", "add the scope"
            )
        return Check(
            name,
            Status.FAIL,
            f"the bot cannot see this channel ({error})",
            "invite the bot there (/invite @newsbot), or unsubscribe",
        )
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the finding
        return Check(name, Status.FAIL, f"cannot check ({exc.__class__.__name__})")
    found = info.get("channel") or {}
    label = f"#{found.get('name') or channel.channel_id}"
    if found.get("is_archived"):
        return Check(name, Status.FAIL, f"{label} is archived", "unsubscribe, or unarchive it")
    if found.get("is_member") is False and not found.get("is_im"):
        return Check(
            name,
            Status.WARN,
            f"the bot is not a member of {label}",
            "invite it (/invite @newsbot) unless the app has chat:write.public",
        )
    return Check(name, Status.OK, f"{label} reachable")


async def slack_install_checks(
    settings: Settings, installs: list[SlackInstallation]
) -> list[Check]:
    """The OAuth install: how many workspaces installed newsbot, and whether Slack still
    honours each one's token."""
    checks = [_oauth_settings(settings)]
    if not installs:
        checks.append(
            Check(
                "Slack",
                Status.WARN,
                "OAuth install: no workspace has installed newsbot yet",
                f"open https://YOUR-HOST{INSTALL_PATH} and choose Add to Slack",
            )
        )
        return checks
    plural = "s" if len(installs) != 1 else ""
    checks.append(
        Check("Slack", Status.OK, f"OAuth install: {len(installs)} workspace{plural} installed")
    )
    base_url = settings.slack_api_url.rstrip("/") + "/"
    for row in installs:
        checks.append(await _installation(base_url, row))
    return checks


def _oauth_settings(settings: Settings) -> Check:
    if settings.slack_signing_secret is None or settings.slack_app_token is not None:
        return Check(
            "Slack",
            Status.FAIL,
            "the OAuth install needs HTTP mode: SLACK_SIGNING_SECRET set, SLACK_APP_TOKEN unset",
            "set SLACK_SIGNING_SECRET from the app's Basic Information page",
        )
    return Check("Slack", Status.OK, f"OAuth install at {INSTALL_PATH}, HTTP mode")


async def _installation(base_url: str, row: SlackInstallation) -> Check:
    team = row.team_id or row.enterprise_id or "?"
    name = f"Slack workspace {row.team_name or team} ({team})" if row.team_name else f"Slack {team}"
    client = AsyncWebClient(token=row.bot_token, base_url=base_url)
    try:
        await client.auth_test()
    except SlackApiError as exc:
        return Check(
            name,
            Status.FAIL,
            f"Slack refused its token ({exc.response.get('error')})",
            f"install newsbot there again from {INSTALL_PATH}",
        )
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the finding
        return Check(name, Status.FAIL, f"cannot reach {base_url} ({exc.__class__.__name__})")
    return Check(name, Status.OK, "token accepted")
