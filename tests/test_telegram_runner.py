"""``digestbot run``: clear configuration errors, and the real process polling or on webhook."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from botapi_emulator import BotAPIEmulator
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


# --- the real process against the emulator --------------------------------------------

REAL_OR_SAMPLE = ROOT / "summaries" / "cache.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _spawn(
    emulator: BotAPIEmulator, tmp_path: Path, *args: str
) -> asyncio.subprocess.Process:
    cache = REAL_OR_SAMPLE
    if not cache.exists():
        from test_telegram_support import sample_cache

        from bot.cache.store import dumps_cache

        cache = tmp_path / "cache.json"
        cache.write_text(dumps_cache(sample_cache()), encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DIGESTBOT_CACHE": str(cache),
        "DIGESTBOT_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "DEBUG",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        *args,
        env=env,
        cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _terminate(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    _out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    return proc.returncode if proc.returncode is not None else -1, err.decode()


async def test_run_polls_the_configured_api_and_answers(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    proc = await _spawn(emulator, tmp_path)
    try:
        emulator.user_sends(77, "/about")
        (reply,) = await emulator.wait_for_bot_messages(77, 1, timeout=60)
        assert "عن هذا الملف" in reply.text  # the reader's /about (details behind a button)
        assert [c["command"] for c in emulator.commands(language_code="en")][:2] == [
            "start",
            "help",
        ]
    finally:
        code, stderr = await _terminate(proc)
    assert code == 0, stderr[-2000:]
    assert emulator.token not in stderr  # DEBUG logs include request URLs: redacted
    assert "Traceback" not in stderr


async def test_run_webhook_refuses_requests_without_the_secret(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/hook"
    proc = await _spawn(
        emulator,
        tmp_path,
        "--webhook-url",
        url,
        "--listen",
        "127.0.0.1",
        "--port",
        str(port),
        "--secret-token",
        "s3cret_token-1",
    )
    try:
        await emulator.wait_for_call("setWebhook", timeout=60)
        assert emulator.webhook_url == url
        emulator.user_sends(78, "/help")
        (reply,) = await emulator.wait_for_bot_messages(78, 1, timeout=30)
        assert "/timeline" in reply.text
        forged = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 79, "type": "private"},
                "text": "/help",
            },
        }
        async with httpx.AsyncClient() as client:
            no_secret = await client.post(url, json=forged)
            wrong = await client.post(
                url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
            )
        assert no_secret.status_code in (401, 403)
        assert wrong.status_code in (401, 403)
        await asyncio.sleep(0.3)
        assert emulator.messages(79) == []
    finally:
        code, stderr = await _terminate(proc)
    assert code == 0, stderr[-2000:]
    assert emulator.token not in stderr and "s3cret_token-1" not in stderr
