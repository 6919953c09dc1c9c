"""Shared helpers for the end-to-end tests that run ``digestbot run`` as a real process.

The emulator runs in the test's event loop, so the bot process is driven with asyncio
(never a blocking wait). Its stderr goes to a file the tests read afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from botapi_emulator import BotAPIEmulator
from test_telegram_support import sample_cache

from bot.cache.store import dumps_cache
from bot.model import Cache

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for ``backend``: a SQLite file, or a PostgreSQL schema (skips when
    no PostgreSQL is reachable) reached through ``search_path`` in the URL itself, so a
    child process sees the same schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    from test_subscriptions_support import drop_schema, postgres_schema_url

    url, schema = postgres_schema_url()
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        drop_schema(schema)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_cache(tmp_path: Path, cache: Cache | None = None) -> Path:
    path = tmp_path / "cache.json"
    path.write_text(dumps_cache(cache or sample_cache()), encoding="utf-8")
    return path


class BotProcess:
    """``python -m bot.cli run`` against an emulator, with its own settings."""

    def __init__(self, tmp_path: Path, emulator: BotAPIEmulator, **env: str) -> None:
        self.tmp_path = tmp_path
        self.log_path = tmp_path / f"bot-{len(list(tmp_path.glob('bot-*.log')))}.log"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": emulator.token,
            "TELEGRAM_API_URL": emulator.base_url,
            "DIGESTBOT_DATA_DIR": str(tmp_path / "data"),
            "DIGESTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "DIGESTBOT_CACHE": str(write_cache(tmp_path)),
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> BotProcess:
        with self.log_path.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                env=self.env,
                cwd=self.tmp_path,  # cwd: no stray .env is read
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        return self

    def terminate(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)

    async def wait(self, seconds: float = 45.0) -> int:
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), seconds)

    async def stop(self, seconds: float = 45.0) -> int:
        """SIGTERM and wait; SIGKILL if it hangs (then the test fails on the code)."""
        if self.proc is None:
            return 0
        if self.proc.returncode is not None:
            return self.proc.returncode
        self.terminate()
        try:
            return await self.wait(seconds)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            return -9

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


async def until(
    predicate: Callable[[], bool], seconds: float, what: str, proc: BotProcess | None = None
) -> None:
    """Poll ``predicate``; fail with the bot's log when it never holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not predicate():
        if proc is not None and proc.proc is not None and proc.proc.returncode is not None:
            raise AssertionError(
                f"bot exited ({proc.proc.returncode}) before {what}:\n{proc.logs()[-4000:]}"
            )
        if loop.time() > deadline:
            logs = proc.logs()[-4000:] if proc is not None else ""
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        await asyncio.sleep(0.05)
