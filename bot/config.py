"""Settings: read once from the environment and `.env`, checked, then passed down."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import NewsbotError
from bot.text.lexicon import DEFAULT_LEXICON_PATHS
from bot.text.nynorsk import DEFAULT_NYNORSK_LEXICON

__all__ = [
    "Settings",
    "SettingsError",
    "load_settings",
    "default_database_url",
    "Port",
    "TimeZone",
    "HttpUrl",
]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(NewsbotError):
    """Settings newsbot cannot start with; the message names each one, all on one line."""


def default_database_url() -> str:
    return f"sqlite:///{Path('newsbot.db').resolve()}"


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not a known time zone (an IANA name such as Europe/Oslo)") from None
    return value


def _url_checker(schemes: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme.lower() not in schemes or not parts.hostname:
            raise ValueError(f"not a URL starting with {' or '.join(s + '://' for s in schemes)}")
        try:
            parts.port  # noqa: B018 - urlsplit checks the port only when asked
        except ValueError:
            raise ValueError("the URL's port is not a number from 1 to 65535") from None
        return value

    return check


def _blank_is_none(value: Any) -> Any:
    # `NAME=` in .env (as in a copied .env.example) means "not set", not "the empty URL".
    return None if isinstance(value, str) and not value.strip() else value


def _database_url(value: str) -> str:
    example = "e.g. sqlite:///newsbot.db or postgresql+psycopg://user:pass@host/db"
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(f"not a database URL ({example})") from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(f"newsbot stores its news in SQLite or PostgreSQL, not {backend}")
    if backend == "sqlite" and url.database and url.database != ":memory:":
        problem = _sqlite_file_problem(Path(url.database).expanduser())
        if problem:
            raise ValueError(problem)
    return value


def _sqlite_file_problem(path: Path) -> str | None:
    """Why newsbot cannot keep its SQLite database at ``path``; None when it can."""
    if path.is_dir():
        return f"{path} is a folder, not a database file"
    folder = path.parent
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is a file, so {path} cannot be created"
    if not folder.is_dir():
        # Never created on the quiet: a typo in the path would start an empty database there.
        return f"the folder {folder} does not exist; create it, or name a file in another folder"
    # SQLite writes the file and, in WAL mode, two files beside it (-wal and -shm).
    if hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY:
        return f"cannot write {path}: {folder} is on a read-only file system"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write {path}: no permission to write in {folder}"
    if path.exists():
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError as exc:
            return f"cannot write {path}: {(exc.strerror or str(exc)).lower()}"
    return None


def _log_level(value: str) -> str:
    if value.upper() not in LOG_LEVELS:
        raise ValueError(f"not a log level ({', '.join(LOG_LEVELS)})")
    return value.upper()


# A host name, with a leading dot for its subdomains too: letters, digits, hyphens, dots.
_HOST_NAME = re.compile(r"^\.?(?:[\w-]+\.)*[\w-]+\.?$")


def _host_list(value: str) -> str:
    """Comma-separated host names, IP addresses and networks; a port or a scheme would
    never match a host, so it is refused here rather than ignored at fetch time."""
    for raw in value.split(","):
        entry = raw.strip()
        if not entry:
            continue
        try:
            ipaddress.ip_network(entry.strip("[]"), strict=False)
            continue
        except ValueError:
            pass
        if not _HOST_NAME.match(entry):
            raise ValueError(
                f"“{entry}” is not a host name, IP address or network: write hosts as "
                "intranet.example, .corp.example, 127.0.0.1 or 10.0.0.0/8, with no scheme "
                "or port"
            )
    return value


DatabaseUrl = Annotated[str, AfterValidator(_database_url)]
HostList = Annotated[str, AfterValidator(_host_list)]
LogLevel = Annotated[str, AfterValidator(_log_level)]
TimeZone = Annotated[str, AfterValidator(_time_zone)]
Port = Annotated[int, Field(ge=1, le=65535)]
HttpUrl = Annotated[str, AfterValidator(_url_checker(("http", "https")))]
OptionalHttpUrl = Annotated[HttpUrl | None, BeforeValidator(_blank_is_none)]
# discord.py connects to the gateway with aiohttp, which takes ws(s):// and http(s)://.
OptionalGatewayUrl = Annotated[
    Annotated[str, AfterValidator(_url_checker(("wss", "ws", "https", "http")))] | None,
    BeforeValidator(_blank_is_none),
]
Count = Annotated[int, Field(ge=1)]
# 0 allowed: "no limit" for rate limits, "none" for redirects and the grace period.
Limit = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(gt=0)]


class Settings(BaseSettings):
    """Every setting newsbot reads; `.env.example` documents each one. Each value is checked
    here, so a bad one stops newsbot at start instead of failing hours later in a job."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", allow_inf_nan=False
    )

    database_url: DatabaseUrl = Field(default_factory=default_database_url)
    log_level: LogLevel = "WARNING"
    # "text" for people, "json" for log collectors (one JSON object a line).
    log_format: Literal["text", "json"] = "text"
    # /healthz and /metrics on this port (Slack's HTTP mode also serves them on PORT).
    health_port: Annotated[Port | None, BeforeValidator(_blank_is_none)] = None

    # Answers
    # Room for at least one quoted sentence and its source number.
    answer_max_chars: Annotated[int, Field(ge=100)] = 500
    question_max_chars: Count = 1000
    # Questions and digests per minute from one user and in one channel (0: no limit).
    rate_user_per_minute: Limit = 6
    rate_channel_per_minute: Limit = 20
    # ... and from one tenant (a Slack workspace, a Discord server) in all (0: no limit).
    rate_tenant_per_minute: Limit = 60

    # Ingest and fetching
    fetch_timeout_s: Seconds = 15.0
    # Wall clock for one fetch, redirects and the whole streamed body included.
    fetch_total_s: Seconds = 60.0
    fetch_max_bytes: Count = 5_000_000
    # Largest body after gzip/deflate decompression (a small download can unpack to gigabytes).
    fetch_max_decoded_bytes: Count = 20_000_000
    fetch_max_redirects: Limit = 5
    # Internal hosts and networks newsbot may fetch from anyway: names, IPs or CIDR networks.
    fetch_allow_hosts: HostList = ""
    # One feed poll (the feed and the pages behind its teasers) stops after this long.
    feed_poll_max_s: Seconds = 120.0
    # Most items read from one feed document (feeds list newest first; older ones are skipped).
    feed_max_items: Count = 100
    # Largest local document read whole: a file, or one JSON Lines record (those are streamed).
    file_max_bytes: Count = 20_000_000
    article_max_chars: Count = 200_000
    # Processes doing the text work of a large ingest (none: one per CPU; 1: no pool).
    ingest_workers: Annotated[Count | None, BeforeValidator(_blank_is_none)] = None
    user_agent: str = "newsbot/0.1 (+https://github.com/newsbot)"
    load_demo_corpus: bool = True

    # Schedules
    timezone: TimeZone = "Europe/Oslo"
    feed_poll_minutes: Count = 10
    # Shortest "every N minutes" a chat channel may subscribe to (the console may go to 1).
    min_interval_minutes: Count = 60
    # A digest missed while the bot was down is still posted when it restarts within this.
    missed_grace_minutes: Limit = 60
    # Post "no news" when a scheduled period has no articles (else post nothing).
    post_empty_digests: bool = False
    # Live feeds (`feeds add URL here`): most items posted into a channel after one poll;
    # the rest are named in one "and K more" line.
    live_burst: int = 5

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: HttpUrl = "https://slack.com/api/"
    port: Port = 3000
    slack_admin_user_ids: str = ""
    # OAuth install for several workspaces (a distributed app): with both set, workspaces
    # install newsbot at /slack/install and their tokens are kept in the database.
    slack_client_id: Annotated[str | None, BeforeValidator(_blank_is_none)] = None
    slack_client_secret: SecretStr | None = None
    # The redirect URL registered with the app (needed when it lists more than one).
    slack_redirect_uri: OptionalHttpUrl = None

    # Discord
    discord_token: SecretStr | None = None
    discord_api_url: OptionalHttpUrl = None
    discord_gateway_url: OptionalGatewayUrl = None
    discord_admin_role: str | None = None
    # Register /news at every start (Discord rate-limits this; prefer `newsbot discord sync`).
    discord_sync_commands: bool = False

    # Optional OpenAI-compatible backends
    llm_base_url: OptionalHttpUrl = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: Seconds = 20.0
    embeddings_base_url: OptionalHttpUrl = None
    embeddings_model: str | None = None
    # Key for a separate embeddings server (LLM_API_KEY is only sent to LLM_BASE_URL).
    embeddings_api_key: SecretStr | None = None
    # Below this cosine similarity a sentence is not taken to answer by meaning alone.
    embeddings_min_similarity: Annotated[float, Field(ge=-1, le=1)] = 0.5

    # Bilingual lexicons (dictd index files, comma-separated) that let an English question
    # find a Norwegian article and back; empty turns cross-language lookup off.
    lexicon_paths: str = DEFAULT_LEXICON_PATHS
    # FreeDict's Nynorsk-Bokmål dictionary (a dictd index file): a Nynorsk question's words
    # ("sjukehus") are also looked for in their Bokmål forms ("sykehus"); empty turns it off.
    nynorsk_lexicon: str = DEFAULT_NYNORSK_LEXICON

    @property
    def slack_oauth(self) -> bool:
        """Several workspaces install newsbot by OAuth (no single SLACK_BOT_TOKEN)."""
        secret = self.slack_client_secret
        return bool(self.slack_client_id) and bool(secret and secret.get_secret_value())

    @property
    def slack_enabled(self) -> bool:
        """Slack is configured: one workspace's bot token, or the OAuth install."""
        return self.slack_bot_token is not None or self.slack_oauth


# Pydantic's wording for the failures a mistyped value meets, said for an operator.
_REASONS = {
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "float_parsing": "not a number",
    "finite_number": "not a finite number",
    "bool_parsing": "not true or false",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
}
# Values not repeated in the error line: secrets, and a URL that may hold a password.
_UNSHOWN = {
    name
    for name, field in Settings.model_fields.items()
    if "SecretStr" in str(field.annotation) or name == "database_url"
}


def _problem(error: Any) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    kind = error["type"]
    if kind == "value_error":
        reason = str(error["ctx"]["error"])
    elif kind in _REASONS:
        reason = _REASONS[kind].format(**error.get("ctx", {}))
    else:
        reason = str(error["msg"])
    value = error.get("input")
    if field in _UNSHOWN or not isinstance(value, str | int | float):
        return f"{field.upper()}: {reason}"
    shown = str(value)
    shown = repr(shown) if not shown.isprintable() or len(shown) > 60 else shown
    return f"{field.upper()}={shown[:60]}: {reason}"


def load_settings() -> Settings:
    """The settings from the environment and `.env`; `SettingsError` names every bad one,
    all on one line."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise SettingsError(f"bad setting: {problems}") from None
