"""The bot's own HTTP server: Telegram's webhook beside ``/healthz`` and ``/metrics``.

PTB's built-in webhook server serves only the webhook, so this follows PTB's "custom
webhook" pattern instead: the Application runs with ``updater=None`` and this tornado
server puts each verified update on ``application.update_queue``. One port then serves
Telegram, the load balancer's health probe and Prometheus. In polling mode the same
server runs without the webhook route, on ``Settings.metrics_port``.

Shutdown is two-step so no update is lost: :meth:`WebServer.stop_accepting` makes the
webhook answer 503 (Telegram keeps the update and retries, possibly on another replica)
and ``/healthz`` report "draining" while in-flight work finishes; :meth:`WebServer.stop`
then closes the sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot import lifecycle
from bot.errors import ConfigError, DigestbotError
from bot.lifecycle import Polling, Webhook
from bot.observability.health import HealthChecks, sqlalchemy_ping
from bot.observability.logs import redact
from bot.observability.metrics import REGISTRY
from bot.telegram.client import skip_poisoned
from bot.telegram.context import App

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's rule for ``secret_token``: 1–256 characters of A-Z, a-z, 0-9, _ and -.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
#: Updates are a few KiB; anything far larger is not from Telegram.
MAX_BODY_BYTES = 1 << 20


def webhook_path(url: str) -> str:
    """The local path Telegram will POST to, taken from the public webhook URL."""
    path = urlsplit(url).path or "/"
    return path if path.startswith("/") else f"/{path}"


@dataclass(frozen=True)
class WebhookRoute:
    """Where Telegram's POSTs go: the path, the shared secret, and the application's queue."""

    path: str
    secret: str
    bot: Bot
    queue: asyncio.Queue[object]

    def __post_init__(self) -> None:
        if not SECRET_PATTERN.fullmatch(self.secret):
            raise ConfigError(
                "DIGESTBOT_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ or -"
            )
        if self.path in {"/healthz", "/metrics"}:
            raise ConfigError(f"the webhook path {self.path} collides with a built-in endpoint")


class _State:
    """Shared mutable state of one server, handed to every handler."""

    def __init__(self) -> None:
        self.accepting = True


class _WebhookHandler(tornado.web.RequestHandler):
    """POST <path>: verify the secret header, decode the update, enqueue it."""

    def initialize(self, route: WebhookRoute, state: _State) -> None:
        self.route = route
        self.state = state

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.route.secret.encode()):
            log.warning("webhook request refused: missing or wrong secret token")
            self._reply(403, {"ok": False, "error": "forbidden"})
            return
        if not self.state.accepting:
            # Telegram retries non-2xx answers, so the update survives a restart.
            self._reply(503, {"ok": False, "error": "shutting down"})
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict):
                raise ValueError("update is not a JSON object")
        except ValueError as exc:
            log.warning("webhook request refused: malformed update (%s)", type(exc).__name__)
            self._reply(400, {"ok": False, "error": "malformed update"})
            return
        try:
            update = Update.de_json(data, self.route.bot)
        except Exception as exc:  # a shape the library cannot read
            if not isinstance(data.get("update_id"), int):
                log.warning("webhook request refused: malformed update (%s)", type(exc).__name__)
                self._reply(400, {"ok": False, "error": "malformed update"})
                return
            # From Telegram (the secret matched) but undecodable: confirm it with a 2xx, or
            # Telegram redelivers it forever and every later update waits behind it.
            skip_poisoned(data["update_id"], exc)
            self._reply(200, {"ok": True})
            return
        await self.route.queue.put(update)
        log.debug("webhook update %s queued", update.update_id)
        self._reply(200, {"ok": True})

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class _HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 and a small JSON body when every check passes, else 503."""

    def initialize(self, checks: HealthChecks, state: _State) -> None:
        self.checks = checks
        self.state = state

    async def get(self) -> None:
        report = await self.checks.run()
        body = report.as_json()
        ok = report.ok and self.state.accepting
        if not self.state.accepting:
            body["status"] = "draining"
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class _MetricsHandler(tornado.web.RequestHandler):
    """GET /metrics: the Prometheus text exposition of the process registry."""

    def initialize(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest(self.registry))


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """Access log without query strings or bodies; probes and updates only at DEBUG."""
    status = handler.get_status()
    request = handler.request
    level = logging.DEBUG if status < 400 else logging.WARNING
    log.log(
        level,
        "%d %s %s %.1fms",
        status,
        request.method,
        request.path,
        1000.0 * request.request_time(),
    )


class WebServer:
    """One tornado HTTP server on the running asyncio loop.

    ``port=0`` binds an ephemeral port (tests); :attr:`port` tells which one.
    """

    def __init__(
        self,
        health: HealthChecks,
        *,
        listen: str = "127.0.0.1",
        port: int = 0,
        webhook: WebhookRoute | None = None,
        registry: CollectorRegistry = REGISTRY,
    ) -> None:
        self._listen = listen
        self._requested_port = port
        self._state = _State()
        routes: list[Any] = [
            (r"/healthz", _HealthHandler, {"checks": health, "state": self._state}),
            (r"/metrics", _MetricsHandler, {"registry": registry}),
        ]
        if webhook is not None:
            routes.append(
                (re.escape(webhook.path), _WebhookHandler, {"route": webhook, "state": self._state})
            )
        self._app = tornado.web.Application(routes, log_function=_log_request)
        self._server: tornado.httpserver.HTTPServer | None = None
        self._sockets: list[socket.socket] = []

    @property
    def port(self) -> int:
        """The bound port (after :meth:`start`)."""
        if not self._sockets:
            raise RuntimeError("WebServer.start() has not run")
        return int(self._sockets[0].getsockname()[1])

    @property
    def accepting(self) -> bool:
        """Whether webhook updates are still taken (False once draining)."""
        return self._state.accepting

    async def start(self) -> None:
        """Bind and serve; must run inside the event loop the Application uses."""
        try:
            self._sockets = tornado.netutil.bind_sockets(self._requested_port, self._listen)
        except OSError as exc:  # e.g. the port is taken: one clear line, not a traceback
            raise DigestbotError(
                f"cannot listen on {self._listen}:{self._requested_port}: {exc.strerror or exc}"
            ) from None
        self._server = tornado.httpserver.HTTPServer(
            self._app, max_body_size=MAX_BODY_BYTES, xheaders=True
        )
        self._server.add_sockets(self._sockets)
        log.info("HTTP server listening on %s:%d", self._listen, self.port)

    def stop_accepting(self) -> None:
        """Start draining: webhook POSTs get 503 and /healthz fails, sockets stay open."""
        self._state.accepting = False

    async def stop(self) -> None:
        """Stop listening and close open connections; idempotent."""
        self.stop_accepting()
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stop()
        await server.close_all_connections()
        self._sockets = []
        log.info("HTTP server stopped")

    async def __aenter__(self) -> WebServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


# -- serving an Application ---------------------------------------------------------------

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def application_health(application: App) -> HealthChecks:
    """Health of a built bot: its cache is loaded and its store's database answers."""
    bot_data = application.bot_data

    async def database() -> bool:
        if bot_data.store is None:  # no subscription store configured: nothing to reach
            return True
        return await sqlalchemy_ping(bot_data.store.engine)()

    return HealthChecks(lambda: bot_data.cache is not None, database)


@dataclass(frozen=True)
class WebhookConfig:
    """Webhook mode: the public URL given to ``setWebhook``, its secret, and where to bind."""

    url: str
    secret: str
    listen: str
    port: int


async def serve(
    application: App,
    *,
    health: HealthChecks | None = None,
    webhook: WebhookConfig | None = None,
    metrics: tuple[str, int] | None = None,
    allowed_updates: Sequence[str] | None = Update.ALL_TYPES,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[list[WebServer]], None] | None = None,
) -> None:
    """Run ``application`` until SIGTERM/SIGINT (or ``stop``), then shut down in order.

    Webhook mode serves Telegram, ``/healthz`` and ``/metrics`` on one port; polling mode
    long-polls and serves only ``/healthz`` and ``/metrics`` when ``metrics`` is given (in
    webhook mode ``metrics`` adds a second, internal port). The shutdown order is what
    keeps work from being lost: refuse new webhook updates (503, Telegram retries) or stop
    polling; stop the Application, which finishes the updates already taken; ``post_stop``
    (where the delivery service cancels its fan-out and releases unsent claims); close the
    HTTP servers; ``shutdown``, ``post_shutdown``; finally close the database.
    """
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not main thread
            loop.add_signal_handler(sig, _on_signal, sig, stop)
    health = health or application_health(application)
    servers: list[WebServer] = []
    if webhook is not None:
        route = WebhookRoute(
            path=webhook_path(webhook.url),
            secret=webhook.secret,
            bot=application.bot,
            queue=application.update_queue,
        )
        servers.append(WebServer(health, listen=webhook.listen, port=webhook.port, webhook=route))
    if metrics is not None and (webhook is None or metrics[1] != webhook.port):
        servers.append(WebServer(health, listen=metrics[0], port=metrics[1]))
    try:
        try:
            updates = Webhook(webhook.url, webhook.secret) if webhook is not None else Polling()
            await lifecycle.start(
                application, updates=updates, servers=servers, allowed_updates=allowed_updates
            )
        except InvalidToken:
            # PTB's message repeats the token; never let it reach a log or a terminal.
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN was rejected by the Bot API (revoked or mistyped?)"
            ) from None
        except NetworkError as exc:
            raise DigestbotError(
                f"cannot reach the Bot API at start-up: {redact(str(exc))}"
            ) from None
        if on_ready is not None:
            on_ready(servers)
        await stop.wait()
    finally:
        await lifecycle.stop(application, servers=servers)
        await _close_database(application)
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


def _on_signal(sig: signal.Signals, stop: asyncio.Event) -> None:
    log.info("received %s: finishing work in hand, taking no new updates", sig.name)
    stop.set()


async def _close_database(application: App) -> None:
    store = application.bot_data.store
    if store is not None:
        await _step("close database", asyncio.to_thread(store.close))
    log.info("stopped")


async def _step(what: str, awaitable: Awaitable[Any]) -> None:
    try:
        await awaitable
    except Exception:
        log.exception("shutdown step failed: %s", what)
