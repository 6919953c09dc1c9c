"""``digestbot run``: configuration errors are one clear line (exit 2), never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_telegram_support import TOKEN

from bot.errors import ConfigError
from bot.telegram.runner import webhook_secret

ROOT = Path(__file__).resolve().parent.parent


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=str(tmp_path),
        timeout=60,
    )


def test_malformed_token_is_one_line_without_echoing_it(tmp_path: Path) -> None:
    bad = "12345:short-and-secret"
    proc = run_cli(tmp_path, TELEGRAM_BOT_TOKEN=bad)
    assert proc.returncode == 2
    assert "malformed" in proc.stderr
    assert bad not in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_cache_is_one_line(tmp_path: Path) -> None:
    proc = run_cli(tmp_path, "--cache", "nope.json", TELEGRAM_BOT_TOKEN=TOKEN)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert TOKEN not in proc.stderr


def test_bad_webhook_secret_is_one_line(tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    from test_telegram_support import sample_cache

    from bot.cache.store import dumps_cache

    cache.write_text(dumps_cache(sample_cache()), encoding="utf-8")
    proc = run_cli(
        tmp_path,
        "--cache",
        str(cache),
        "--webhook-url",
        "https://bot.example.com/hook",
        "--secret-token",
        "has spaces!",
        TELEGRAM_BOT_TOKEN=TOKEN,
    )
    assert proc.returncode == 2, proc.stderr
    assert "secret" in proc.stderr and "Traceback" not in proc.stderr


def test_webhook_secret_validation() -> None:
    assert webhook_secret("abc_DEF-123") == "abc_DEF-123"
    generated = webhook_secret(None)
    assert len(generated) >= 32 and generated != webhook_secret("")
    with pytest.raises(ConfigError):
        webhook_secret("x" * 257)
    with pytest.raises(ConfigError):
        webhook_secret("no/slashes")
