"""Tenants: who owns feeds, subscriptions and rate limits, and whose articles one sees.

A Slack workspace (its team id, with the enterprise id where Slack sends one), a Discord
server (its guild id; a direct message is its user's own tenant) or the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage import TenantScope

__all__ = ["Tenant"]

_NOUNS = {"slack": "workspace", "discord": "server", "console": "console"}


@dataclass(frozen=True)
class Tenant:
    platform: str
    id: str = ""
    enterprise_id: str | None = None

    @classmethod
    def slack(cls, team_id: str | None, enterprise_id: str | None = None) -> Tenant:
        # An org-wide install may send only the enterprise: then that is the tenant.
        return cls("slack", team_id or enterprise_id or "", enterprise_id or None)

    @classmethod
    def discord_server(cls, guild_id: int | str) -> Tenant:
        return cls("discord", str(guild_id))

    @classmethod
    def discord_dm(cls, user_id: int | str) -> Tenant:
        return cls("discord", f"dm-{user_id}")

    @classmethod
    def console(cls) -> Tenant:
        return cls("console")

    @classmethod
    def parse(cls, key: str) -> Tenant:
        """A tenant from its key, as `--tenant` takes it: slack:T123, discord:42, console."""
        platform, _, ident = key.strip().partition(":")
        if platform not in _NOUNS or (platform != "console" and not ident):
            raise ValueError(
                f"a tenant is written slack:TEAM_ID, discord:GUILD_ID or console, not {key!r}"
            )
        return cls(platform, ident)

    @property
    def key(self) -> str:
        """The stable string stored with the tenant's feeds and subscriptions."""
        return f"{self.platform}:{self.id}" if self.id else self.platform

    @property
    def scope(self) -> TenantScope:
        return TenantScope(self.key)

    @property
    def noun(self) -> str:
        """How its people call it: "this workspace", "this server", "this conversation"."""
        if self.platform == "discord" and self.id.startswith("dm-"):
            return "conversation"
        return _NOUNS.get(self.platform, "team")

    def __str__(self) -> str:
        return self.key
