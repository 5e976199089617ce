"""Settings: read once from the environment and `.env`, then passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.text.lexicon import DEFAULT_LEXICON_PATHS

__all__ = ["Settings", "default_database_url"]


def default_database_url() -> str:
    return f"sqlite:///{Path('newsbot.db').resolve()}"


class Settings(BaseSettings):
    """Every setting newsbot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    log_level: str = "WARNING"

    # Answers
    answer_max_chars: int = 500
    question_max_chars: int = 1000
    # Questions and digests per minute from one user and in one channel (0: no limit).
    rate_user_per_minute: int = 6
    rate_channel_per_minute: int = 20
    # ... and from one tenant (a Slack workspace, a Discord server) in all (0: no limit).
    rate_tenant_per_minute: int = 60

    # Ingest and fetching
    fetch_timeout_s: float = 15.0
    # Wall clock for one fetch, redirects and the whole streamed body included.
    fetch_total_s: float = 60.0
    fetch_max_bytes: int = 5_000_000
    # Largest body after gzip/deflate decompression (a small download can unpack to gigabytes).
    fetch_max_decoded_bytes: int = 20_000_000
    fetch_max_redirects: int = 5
    # Internal hosts and networks newsbot may fetch from anyway: names, IPs or CIDR networks.
    fetch_allow_hosts: str = ""
    # One feed poll (the feed and the pages behind its teasers) stops after this long.
    feed_poll_max_s: float = 120.0
    # Most items read from one feed document (feeds list newest first; older ones are skipped).
    feed_max_items: int = 100
    # Largest local document read whole: a file, or one JSON Lines record (those are streamed).
    file_max_bytes: int = 20_000_000
    article_max_chars: int = 200_000
    # Processes doing the text work of a large ingest (none: one per CPU; 1: no pool).
    ingest_workers: int | None = Field(default=None, ge=1)
    user_agent: str = "newsbot/0.1 (+https://github.com/newsbot)"
    load_demo_corpus: bool = True

    # Schedules
    timezone: str = "Europe/Oslo"
    feed_poll_minutes: int = 10
    # Shortest "every N minutes" a chat channel may subscribe to (the console may go to 1).
    min_interval_minutes: int = 60
    # A digest missed while the bot was down is still posted when it restarts within this.
    missed_grace_minutes: int = 60
    # Post "no news" when a scheduled period has no articles (else post nothing).
    post_empty_digests: bool = False

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = 3000
    slack_admin_user_ids: str = ""

    # Discord
    discord_token: SecretStr | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    discord_admin_role: str | None = None
    # Register /news at every start (Discord rate-limits this; prefer `newsbot discord sync`).
    discord_sync_commands: bool = False

    # Optional OpenAI-compatible backends
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = 20.0
    embeddings_base_url: str | None = None
    embeddings_model: str | None = None
    # Key for a separate embeddings server (LLM_API_KEY is only sent to LLM_BASE_URL).
    embeddings_api_key: SecretStr | None = None
    # Below this cosine similarity a sentence is not taken to answer by meaning alone.
    embeddings_min_similarity: float = 0.5

    # Bilingual lexicons (dictd index files, comma-separated) that let an English question
    # find a Norwegian article and back; empty turns cross-language lookup off.
    lexicon_paths: str = DEFAULT_LEXICON_PATHS
