"""``digestbot run``: serve the bot by long polling (default) or by webhook.

Settings come from the environment (``bot.config``); the token is required here and never
logged. In webhook mode the server (:mod:`bot.telegram.webserver`) refuses requests whose
``X-Telegram-Bot-Api-Secret-Token`` header does not match the secret registered with
``setWebhook``; when no secret is configured one is generated for the process. The same
server answers ``/healthz`` and ``/metrics`` (in polling mode on ``DIGESTBOT_METRICS_PORT``)
and SIGTERM shuts down in order: no new updates, work in hand finished, claims released.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.ext import Application

from bot.config import load_settings
from bot.errors import ConfigError
from bot.ingest.serving import serving_cache
from bot.observability.logs import configure_logging
from bot.telegram.app import build_application
from bot.telegram.webserver import WebhookConfig, serve

log = logging.getLogger(__name__)

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache", type=Path, default=None, help="cache file (default: $DIGESTBOT_CACHE)"
    )
    parser.add_argument(
        "--webhook-url",
        default=None,
        help="public HTTPS URL Telegram posts updates to (enables webhook mode)",
    )
    parser.add_argument("--listen", default=None, help="address to bind in webhook mode")
    parser.add_argument("--port", type=int, default=None, help="port to bind in webhook mode")
    parser.add_argument(
        "--secret-token",
        default=None,
        help="webhook secret (default: $DIGESTBOT_WEBHOOK_SECRET, else a random one)",
    )


def webhook_secret(given: str | None) -> str:
    """The configured secret, validated like Telegram does, or a fresh random one."""
    if given is None or given == "":
        return secrets.token_urlsafe(32)
    if not _SECRET.fullmatch(given):
        raise ConfigError("the webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ or -")
    return given


def run_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    webhook_url: str,
    listen: str,
    port: int,
    secret_token: str,
    metrics: tuple[str, int] | None = None,
) -> None:
    """Serve updates over HTTPS webhook; the one place webhook start-up lives."""
    parsed = urlparse(webhook_url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise ConfigError(f"--webhook-url must be an absolute URL, got {webhook_url!r}")
    config = WebhookConfig(url=webhook_url, secret=secret_token, listen=listen, port=port)
    asyncio.run(
        serve(application, webhook=config, metrics=metrics, allowed_updates=Update.ALL_TYPES)
    )


def main(args: argparse.Namespace) -> int:
    settings = load_settings()
    token = settings.require_token()
    configure_logging(settings.log_level, settings.log_format, secrets=(token,))
    # the live cache (seeds + ingested articles) when the intake has written one
    cache = serving_cache(
        args.cache or settings.cache_path, settings.data_dir, explicit=args.cache is not None
    )
    # What is loaded now lives until exit: freeze it so full collections stop rescanning
    # the cache and the imported libraries on every pass (tail latency). Frozen at once:
    # the collections that building the application triggers would otherwise walk a
    # 10,000-article cache (2.7 s of start-up). No collection first: the load leaves
    # almost no cycles, and one pass over such a cache took 0.9 s.
    gc.freeze()
    application = build_application(settings, cache, token=token)
    gc.freeze()
    webhook_url = args.webhook_url or settings.webhook_url
    listen = args.listen or settings.webhook_listen
    metrics = (listen, settings.metrics_port) if settings.metrics_port else None
    if webhook_url:
        given = args.secret_token
        if given is None and settings.webhook_secret is not None:
            given = settings.webhook_secret.get_secret_value()
        secret = webhook_secret(given)
        log.info("serving %d articles by webhook", len(cache.articles))
        run_webhook(
            application,
            webhook_url=webhook_url,
            listen=listen,
            port=args.port or settings.webhook_port,
            secret_token=secret,
            metrics=metrics,
        )
    else:
        log.info("serving %d articles by long polling", len(cache.articles))
        asyncio.run(serve(application, metrics=metrics, allowed_updates=Update.ALL_TYPES))
    return 0
