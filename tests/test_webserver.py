"""The webhook, /healthz and /metrics server, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, Counter
from telegram import Bot, Update

from bot.errors import ConfigError, DigestbotError
from bot.observability.health import HealthChecks
from bot.observability.metrics import COMMAND_LATENCY, REGISTRY, UPDATES_HANDLED
from bot.telegram.webserver import SECRET_HEADER, WebhookRoute, WebServer, webhook_path

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
SECRET = "s3cret_token-value"

UPDATE: dict[str, Any] = {
    "update_id": 41,
    "message": {
        "message_id": 7,
        "date": 1_700_000_000,
        "chat": {"id": 99, "type": "private"},
        "from": {"id": 99, "is_bot": False, "first_name": "سارة"},
        "text": "/digest",
    },
}


class Probe:
    """Health inputs the tests flip."""

    def __init__(self) -> None:
        self.cache = True
        self.db: bool | Exception = True
        self.db_delay = 0.0

    def cache_loaded(self) -> bool:
        return self.cache

    async def database(self) -> bool:
        await asyncio.sleep(self.db_delay)
        if isinstance(self.db, Exception):
            raise self.db
        return self.db

    def checks(self) -> HealthChecks:
        return HealthChecks(self.cache_loaded, self.database, timeout=0.3)


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def queue() -> asyncio.Queue[object]:
    return asyncio.Queue()


@pytest.fixture
async def server(probe: Probe, queue: asyncio.Queue[object]) -> AsyncIterator[WebServer]:
    route = WebhookRoute(path="/tg/hook", secret=SECRET, bot=Bot(TOKEN), queue=queue)
    async with WebServer(probe.checks(), webhook=route) as srv:
        yield srv


@pytest.fixture
async def client(server: WebServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as c:
        yield c


async def test_webhook_with_secret_enqueues_a_decoded_update(
    client: httpx.AsyncClient, queue: asyncio.Queue[object]
) -> None:
    r = await client.post("/tg/hook", json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert r.status_code == 200
    update = queue.get_nowait()
    assert isinstance(update, Update)
    assert update.update_id == 41
    assert update.effective_message is not None
    assert update.effective_message.text == "/digest"
    assert update.effective_chat is not None and update.effective_chat.id == 99


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_webhook_without_the_secret_is_refused(
    client: httpx.AsyncClient, queue: asyncio.Queue[object], headers: dict[str, str]
) -> None:
    r = await client.post("/tg/hook", json=UPDATE, headers=headers)
    assert r.status_code == 403
    assert queue.empty()


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": {}}'])
async def test_malformed_updates_get_400(
    client: httpx.AsyncClient, queue: asyncio.Queue[object], body: bytes
) -> None:
    r = await client.post("/tg/hook", content=body, headers={SECRET_HEADER: SECRET})
    assert r.status_code == 400
    assert queue.empty()


async def test_only_post_on_the_webhook_path(client: httpx.AsyncClient) -> None:
    assert (await client.get("/tg/hook", headers={SECRET_HEADER: SECRET})).status_code == 405
    assert (
        await client.post("/other", json=UPDATE, headers={SECRET_HEADER: SECRET})
    ).status_code == 404


async def test_healthz_ok(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"cache": True, "database": True}}


@pytest.mark.parametrize(
    "breakage",
    ["cache", "db_false", "db_raises", "db_hangs"],
)
async def test_healthz_503_when_a_check_fails(
    client: httpx.AsyncClient, probe: Probe, breakage: str
) -> None:
    if breakage == "cache":
        probe.cache = False
    elif breakage == "db_false":
        probe.db = False
    elif breakage == "db_raises":
        probe.db = OSError("connection refused")
    else:
        probe.db_delay = 5.0
    r = await client.get("/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    failed = "cache" if breakage == "cache" else "database"
    assert body["checks"][failed] is False


async def test_metrics_exposes_the_shared_registry(client: httpx.AsyncClient) -> None:
    UPDATES_HANDLED.labels(kind="command").inc()
    COMMAND_LATENCY.labels(command="digest").observe(0.02)
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    for name in (
        "digestbot_updates_handled_total",
        "digestbot_command_latency_seconds_bucket",
        "digestbot_deliveries_total",
        "digestbot_delivery_queue_depth",
    ):
        assert name in text, name
    assert 'digestbot_updates_handled_total{kind="command"}' in text
    assert 'digestbot_command_latency_seconds_bucket{command="digest",le="0.025"}' in text


async def test_metrics_registry_is_injectable(probe: Probe) -> None:
    registry = CollectorRegistry()
    Counter("only_here_total", "x", registry=registry).inc()
    async with WebServer(probe.checks(), registry=registry) as srv, httpx.AsyncClient() as c:
        text = (await c.get(f"http://127.0.0.1:{srv.port}/metrics")).text
    assert "only_here_total 1.0" in text
    assert "digestbot_updates_handled_total" not in text
    assert REGISTRY is not registry


async def test_draining_refuses_updates_with_503_and_fails_health(
    server: WebServer, client: httpx.AsyncClient, queue: asyncio.Queue[object]
) -> None:
    server.stop_accepting()
    r = await client.post("/tg/hook", json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert r.status_code == 503  # Telegram retries, so the update is not lost
    assert queue.empty()
    h = await client.get("/healthz")
    assert h.status_code == 503 and h.json()["status"] == "draining"
    # metrics stay readable while draining
    assert (await client.get("/metrics")).status_code == 200


async def test_metrics_only_server_has_no_webhook(probe: Probe) -> None:
    async with WebServer(probe.checks()) as srv, httpx.AsyncClient() as c:
        base = f"http://127.0.0.1:{srv.port}"
        assert (await c.post(f"{base}/", json=UPDATE)).status_code == 404
        assert (await c.get(f"{base}/healthz")).status_code == 200


async def test_stop_closes_the_port(probe: Probe) -> None:
    srv = WebServer(probe.checks())
    await srv.start()
    port = srv.port
    await srv.stop()
    await srv.stop()  # idempotent
    async with httpx.AsyncClient() as c:
        with pytest.raises(httpx.ConnectError):
            await c.get(f"http://127.0.0.1:{port}/healthz")


def test_route_validation() -> None:
    q: asyncio.Queue[object] = asyncio.Queue()
    with pytest.raises(ConfigError):
        WebhookRoute(path="/hook", secret="has space", bot=Bot(TOKEN), queue=q)
    with pytest.raises(ConfigError):
        WebhookRoute(path="/healthz", secret=SECRET, bot=Bot(TOKEN), queue=q)


@pytest.mark.parametrize(
    ("url", "path"),
    [("https://bot.example.com/tg/hook", "/tg/hook"), ("https://bot.example.com", "/")],
)
def test_webhook_path(url: str, path: str) -> None:
    assert webhook_path(url) == path


async def test_a_taken_port_is_a_clear_error(probe: Probe) -> None:
    async with WebServer(probe.checks()) as first:
        clash = WebServer(probe.checks(), port=first.port)
        with pytest.raises(DigestbotError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            await clash.start()
