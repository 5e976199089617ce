"""Slack's part of `newsbot doctor`: the token (`auth.test`), and each subscribed channel."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.doctor import Check, Status
from bot.types import ChannelRef

__all__ = ["slack_checks"]


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
