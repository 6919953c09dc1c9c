"""Settings from the environment and ``.env``: one typed object, read once at the edge.

The bot token is a :class:`pydantic.SecretStr` so it never appears in a repr, a log line
or an error message; only :meth:`Settings.require_token` hands the raw value out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

#: Telegram bot tokens: a numeric bot id, a colon, 35 URL-safe characters.
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")

DEFAULT_CACHE = Path("summaries/cache.json")
DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    """Everything an operator can set. Names match deploy/.env.example."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str | None = Field(default=None, alias="TELEGRAM_API_URL")
    database_url: str | None = Field(default=None, alias="DIGESTBOT_DATABASE_URL")
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, alias="DIGESTBOT_DATA_DIR")
    cache_path: Path = Field(default=DEFAULT_CACHE, alias="DIGESTBOT_CACHE")
    # NoDecode: the env value is "1, 2", not JSON; _parse_admins splits it.
    admins: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), alias="DIGESTBOT_ADMINS"
    )
    send_rate: float = Field(default=25.0, gt=0, alias="DIGESTBOT_SEND_RATE")
    per_chat_interval: float = Field(default=1.0, ge=0, alias="DIGESTBOT_PER_CHAT_INTERVAL")
    new_subscriber_start: Literal["oldest", "newest", "latest_only"] = Field(
        default="oldest", alias="DIGESTBOT_NEW_SUBSCRIBER_START"
    )
    tick_seconds: float = Field(default=30.0, gt=0, le=60, alias="DIGESTBOT_TICK_SECONDS")
    webhook_url: str | None = Field(default=None, alias="DIGESTBOT_WEBHOOK_URL")
    webhook_listen: str = Field(default="127.0.0.1", alias="DIGESTBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, alias="DIGESTBOT_WEBHOOK_PORT")
    webhook_secret: SecretStr | None = Field(default=None, alias="DIGESTBOT_WEBHOOK_SECRET")
    metrics_port: int | None = Field(default=None, ge=0, le=65535, alias="DIGESTBOT_METRICS_PORT")
    seeds_dir: Path = Field(default=Path("seeds"), alias="DIGESTBOT_SEEDS")
    # the live intake: how often the bot looks for due feeds and for a new live cache
    poll_seconds: float = Field(default=60.0, ge=0, alias="DIGESTBOT_POLL_SECONDS")
    reload_seconds: float = Field(default=2.0, gt=0, alias="DIGESTBOT_RELOAD_SECONDS")
    max_chats_in_memory: int = Field(default=20_000, ge=1, alias="DIGESTBOT_MAX_CHATS_IN_MEMORY")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_format: Literal["plain", "json"] = Field(default="plain", alias="DIGESTBOT_LOG_FORMAT")

    @field_validator("admins", mode="before")
    @classmethod
    def _parse_admins(cls, value: object) -> object:
        """Accept ``"1, 2"`` or ``1`` from the environment as well as a list."""
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError("DIGESTBOT_ADMINS must be numeric Telegram user ids") from exc
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    @property
    def effective_database_url(self) -> str:
        """The configured database, else an embedded SQLite file under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'digestbot.sqlite3').as_posix()}"

    def require_token(self) -> str:
        """Return the bot token or raise :class:`ConfigError` without echoing it."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set (export it or put it in .env)")
        token = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.fullmatch(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<35 letters, digits, _ or ->'"
            )
        return token


def load_settings(**overrides: object) -> Settings:
    """Read settings once; ``overrides`` (by alias) win over the environment."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        raise ConfigError(f"invalid settings: {exc}") from None
