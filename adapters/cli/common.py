"""What the commands share: the consoles, opening the core, naming a failure once."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from bot.app import Core, configure_logging, open_core
from bot.config import load_settings
from bot.errors import EXPECTED_ERRORS
from bot.tenants import Tenant

__all__ = ["TenantOption", "core_or_exit", "err", "named", "out", "tenant_key"]

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def named(subject: str, reason: str) -> str:
    """``subject: reason``, or the reason alone when it names the subject already (the
    fetcher's and the address guard's messages name their URL), so it is said once."""
    if re.search(rf"(?:^|[\s(]){re.escape(subject)}(?=$|[\s):;,])", reason):
        return reason
    return f"{subject}: {reason}"


def core_or_exit() -> Core:
    try:
        settings = load_settings()
        configure_logging(settings)
        return open_core(settings)
    except EXPECTED_ERRORS as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc


TenantOption = Annotated[
    str | None,
    typer.Option(
        "--tenant",
        help="A tenant's own feeds (slack:TEAM_ID, discord:GUILD_ID, console) "
        "instead of the operator's sources, which serve every tenant.",
    ),
]


def tenant_key(tenant: str | None) -> str | None:
    if tenant is None:
        return None
    try:
        return Tenant.parse(tenant).key
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
