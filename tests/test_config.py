"""Settings: token checks never echo the token; env parsing of admins and paths."""

from __future__ import annotations

import pytest

from bot.config import Settings, load_settings
from bot.errors import ConfigError

GOOD_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


def test_valid_token_is_returned() -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN=GOOD_TOKEN)
    assert settings.require_token() == GOOD_TOKEN


@pytest.mark.parametrize("token", [None, "", "not-a-token", "123:short", "abc:" + "x" * 35])
def test_bad_or_missing_token_raises_without_echo(token: str | None) -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN=token)
    with pytest.raises(ConfigError) as info:
        settings.require_token()
    if token:
        assert token not in str(info.value)


def test_token_never_in_repr() -> None:
    settings = Settings(TELEGRAM_BOT_TOKEN=GOOD_TOKEN)
    assert GOOD_TOKEN not in repr(settings)
    assert GOOD_TOKEN not in str(settings.model_dump())


def test_admins_parse_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_ADMINS", "11, 22 33")
    assert load_settings().admins == frozenset({11, 22, 33})


def test_bad_admins_is_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_ADMINS", "alice")
    with pytest.raises(ConfigError):
        load_settings()


def test_default_database_is_sqlite_under_data_dir(tmp_path: object) -> None:
    settings = Settings(DIGESTBOT_DATA_DIR="/srv/db")
    assert settings.effective_database_url == "sqlite:////srv/db/digestbot.sqlite3"
    assert (
        Settings(DIGESTBOT_DATABASE_URL="postgresql+psycopg://x@h/db").effective_database_url
        == "postgresql+psycopg://x@h/db"
    )
