"""``serve()``: the real bot in webhook and polling mode against the emulator, in-process.

The emulator POSTs updates to our webhook exactly as Telegram does (secret header
included) and retries non-2xx answers, so these tests see the whole loop: setWebhook with
the secret → update → handler → reply, with /healthz and /metrics on the side.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from botapi_emulator import BotAPIEmulator
from test_telegram_support import sample_cache

from bot.config import Settings
from bot.telegram.app import build_application
from bot.telegram.webserver import (
    WebhookConfig,
    WebServer,
    application_health,
    serve,
)

SECRET = "e2e_secret-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_app(emulator: BotAPIEmulator, tmp_path: Path) -> Any:
    settings = Settings(
        _env_file=None,
        DIGESTBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        DIGESTBOT_TICK_SECONDS=60,
    )
    return build_application(
        settings, sample_cache(), token=emulator.token, base_url=emulator.base_url
    )


class Running:
    """A ``serve()`` task plus what it exposed once ready."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        self.app = app
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.servers: list[WebServer] = []

        def on_ready(servers: list[WebServer]) -> None:
            self.servers = servers
            self.ready.set()

        self.task = asyncio.create_task(serve(app, stop=self.stop, on_ready=on_ready, **kwargs))

    async def started(self) -> Running:
        done, _ = await asyncio.wait(
            [self.task, asyncio.create_task(self.ready.wait())],
            timeout=20,
            return_when=asyncio.FIRST_COMPLETED,
        )
        if self.task in done:
            self.task.result()  # raise what broke start-up
        assert self.ready.is_set(), "serve() did not become ready"
        return self

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)


@pytest.fixture
async def running_factory() -> AsyncIterator[Callable[..., Any]]:
    started: list[Running] = []

    async def factory(app: Any, **kwargs: Any) -> Running:
        run = Running(app, **kwargs)
        started.append(run)
        return await run.started()

    yield factory
    for run in started:
        if not run.task.done():
            await run.finish()


async def test_webhook_mode_end_to_end(
    emulator: BotAPIEmulator, tmp_path: Path, running_factory: Callable[..., Any]
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    app = make_app(emulator, tmp_path)
    run = await running_factory(
        app, webhook=WebhookConfig(url=url, secret=SECRET, listen="127.0.0.1", port=port)
    )
    assert emulator.webhook_url == url
    call = (emulator.calls_of("setWebhook"))[-1]
    assert call.params["secret_token"] == SECRET

    emulator.user_sends(501, "/help")
    replies = await emulator.wait_for_bot_messages(501, timeout=15)
    assert replies and replies[0].text

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        health = await client.get("/healthz")
        assert health.status_code == 200, health.text
        assert health.json()["checks"] == {"cache": True, "database": True}
        metrics = (await client.get("/metrics")).text
        assert 'digestbot_updates_handled_total{kind="command"}' in metrics
        # a forged update without the secret is refused and never handled
        forged = await client.post("/tg/hook", json={"update_id": 1})
        assert forged.status_code == 403

    await run.finish()
    assert not app.running
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/healthz")


async def test_polling_mode_serves_health_on_the_metrics_port(
    emulator: BotAPIEmulator, tmp_path: Path, running_factory: Callable[..., Any]
) -> None:
    app = make_app(emulator, tmp_path)
    run = await running_factory(app, metrics=("127.0.0.1", 0))
    assert emulator.webhook_url is None
    (server,) = run.servers
    emulator.user_sends(502, "/about")
    assert await emulator.wait_for_bot_messages(502, timeout=15)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.post("/", json={})).status_code == 404  # no webhook here
        assert "digestbot_delivery_queue_depth" in (await client.get("/metrics")).text
    await run.finish()
    assert app.updater is not None and not app.updater.running


async def test_update_accepted_before_stop_is_answered(
    emulator: BotAPIEmulator, tmp_path: Path, running_factory: Callable[..., Any]
) -> None:
    """A webhook update answered 200 is handled even when SIGTERM follows at once."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    app = make_app(emulator, tmp_path)
    run = await running_factory(
        app, webhook=WebhookConfig(url=url, secret=SECRET, listen="127.0.0.1", port=port)
    )
    emulator.add_chat(503)
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": 503, "type": "private"},
            "from": {"id": 503, "is_bot": False, "first_name": "x", "language_code": "ar"},
            "text": "/sources",
            "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        },
    }
    async with httpx.AsyncClient() as client:
        r = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert r.status_code == 200
    await run.finish()  # immediately: the queued update must still be answered
    assert [m for m in emulator.messages(503) if m.from_bot]


async def test_health_turns_503_when_the_database_goes_away(
    emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    app = make_app(emulator, tmp_path)
    checks = application_health(app)
    assert (await checks.run()).ok
    assert app.bot_data.store is not None
    app.bot_data.store.engine.dispose()
    (tmp_path / "bot.sqlite3").unlink()
    (tmp_path / "bot.sqlite3").mkdir()  # a directory where the database file was
    report = await checks.run()
    assert not report.ok and report.checks["database"] is False
    app.bot_data.cache = None
    assert (await checks.run()).checks["cache"] is False


async def test_webhook_updates_sent_while_restarting_are_not_lost(
    emulator: BotAPIEmulator, tmp_path: Path, running_factory: Callable[..., Any]
) -> None:
    """Between one process stopping and the next starting, Telegram (here the emulator)
    keeps the update and retries; the new process answers it."""
    port = free_port()
    config = WebhookConfig(
        url=f"http://127.0.0.1:{port}/hook", secret=SECRET, listen="127.0.0.1", port=port
    )
    first = await running_factory(make_app(emulator, tmp_path), webhook=config)
    await first.finish()
    emulator.user_sends(504, "/help")  # nobody listening: delivery fails and is retried
    await asyncio.sleep(0.5)
    assert not [m for m in emulator.messages(504) if m.from_bot]
    await running_factory(make_app(emulator, tmp_path), webhook=config)
    assert await emulator.wait_for_bot_messages(504, timeout=15)
