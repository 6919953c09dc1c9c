"""Operator mistakes end in one line on stderr and exit 2, and the bot token never shows —
whatever the command and whatever the Bot API answers (issue 15, point 1). Real processes."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest
from botapi_emulator import BotAPIEmulator
from test_telegram_support import TOKEN, sample_cache

from bot.cache.store import dumps_cache

ROOT = Path(__file__).resolve().parent.parent


async def digestbot(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    cache = tmp_path / "cache.json"
    if not cache.exists():
        cache.write_text(dumps_cache(sample_cache()), encoding="utf-8")
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "DIGESTBOT_CACHE": str(cache),
        "DIGESTBOT_DATA_DIR": str(tmp_path / "data"),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env={**base, **env},
        cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def assert_one_clean_line(code: int, out: str, err: str, *, token: str = TOKEN) -> None:
    assert code == 2, err
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert token not in err and token not in out
    assert token.split(":")[1] not in err  # not even the secret half


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_deliver_with_a_revoked_token_never_prints_it(tmp_path: Path) -> None:
    async with BotAPIEmulator(
        valid_tokens=["7000000009:AAOnlyThisTokenIsValidForTheEmulatorX"]
    ) as emu:
        code, out, err = await digestbot(tmp_path, "deliver", TELEGRAM_API_URL=emu.base_url)
    assert_one_clean_line(code, out, err)
    assert "TELEGRAM_BOT_TOKEN" in err


async def test_deliver_with_an_api_url_without_bot_never_prints_the_token(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    code, out, err = await digestbot(tmp_path, "deliver", TELEGRAM_API_URL=emulator.api_root)
    assert_one_clean_line(code, out, err)


async def test_deliver_with_an_unreachable_api(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/bot"
    code, out, err = await digestbot(tmp_path, "deliver", TELEGRAM_API_URL=url)
    assert_one_clean_line(code, out, err)
    assert "Bot API" in err


@pytest.mark.parametrize("command", [["deliver"], ["subscribers", "count"], ["run"]])
async def test_unsupported_database_url(tmp_path: Path, command: list[str]) -> None:
    code, out, err = await digestbot(
        tmp_path, *command, DIGESTBOT_DATABASE_URL="mysql://u:pw@127.0.0.1/db"
    )
    assert_one_clean_line(code, out, err)
    assert "mysql" in err and "pw" not in err


@pytest.mark.parametrize("command", [["deliver"], ["subscribers", "list"]])
async def test_data_dir_that_is_a_file(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "afile").write_text("x")
    code, out, err = await digestbot(tmp_path, *command, DIGESTBOT_DATA_DIR=str(tmp_path / "afile"))
    assert_one_clean_line(code, out, err)
    assert "afile" in err


async def test_export_to_a_missing_directory(tmp_path: Path) -> None:
    code, out, err = await digestbot(
        tmp_path, "subscribers", "export", "--output", str(tmp_path / "nope" / "subs.csv")
    )
    assert_one_clean_line(code, out, err)
    assert "nope" in err
